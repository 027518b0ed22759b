"""Traditional-Chinese labels for the coded values of the data model."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "category": {"1": "第一類證券商", "2": "第二類證券商", "foreign": "外國證券商"},
    "status": {"draft": "草案", "approved": "已核定"},
    "standby": {"hot": "熱備援", "warm": "溫備援", "cold": "冷備援", "none": "無備援"},
    "data_class": {
        "confidential": "機密",
        "sensitive": "敏感",
        "internal": "內部",
        "public": "公開",
    },
    "site_kind": {
        "primary": "主機房",
        "dr": "異地備援機房",
        "vault": "異地保管庫",
        "office": "辦公場所",
    },
    "media": {
        "disk": "磁碟",
        "tape": "磁帶",
        "object": "物件儲存",
        "optical": "光碟",
        "cloud": "雲端儲存",
        "replica": "即時複寫",
    },
    "backup_type": {
        "full": "完整備份",
        "incremental": "增量備份",
        "differential": "差異備份",
        "replication": "資料複寫",
        "snapshot": "快照",
    },
    "backup_method": {"sync": "同步", "async": "非同步", "offline": "離線", "online": "線上"},
    "result": {"pass": "通過", "fail": "未通過"},
    "scenario_category": {"natural": "天然災害", "man_made": "人為災害", "cyber": "資通安全事件"},
    "drill_type": {
        "failover_same_site": "同地系統備援演練",
        "failover_offsite": "異地系統備援演練",
        "restore_same_site": "同地資料備份回存測試",
        "restore_offsite": "異地資料備份回存測試",
        "tabletop": "桌上演練",
        "call_tree": "緊急聯絡測試",
    },
    "drill_status": {"planned": "規劃中", "done": "已完成", "cancelled": "已取消"},
    "finding_status": {"open": "處理中", "done": "已完成"},
    "drill_verdict": {
        "passed": "通過",
        "failed": "未通過",
        "not_recorded": "未記錄結果",
        "planned": "規劃中",
        "cancelled": "已取消",
    },
    "drill_step": {
        "declare": "宣告",
        "switch_over": "切換",
        "restore": "回存",
        "system_up": "系統啟用",
        "business_verification": "業務驗證",
        "fall_back": "回切",
        "other": "演練",
    },
    "severity": {"error": "錯誤", "warning": "警告", "info": "提示"},
    "impact": {"low": "低", "medium": "中", "high": "高", "critical": "極高"},
    "role_kind": {
        "commander": "召集人／指揮官",
        "it_recovery_lead": "資訊復原負責人",
        "business_recovery_lead": "業務復原負責人",
        "communications": "通報聯絡窗口",
        "other": "其他",
    },
    "phone": {
        "office": "公務",
        "mobile": "行動",
        "home": "住家",
        "hotline": "專線",
        "fax": "傳真",
        "satellite": "衛星電話",
    },
    "party_kind": {
        "exchange": "交易所",
        "regulator": "主管機關",
        "clearing": "集保結算",
        "isac": "資安情資分享",
        "emergency": "緊急救援",
        "vendor": "供應商",
        "customers": "客戶",
        "other": "其他",
    },
    "cause": {
        "disaster_or_cyber": "天然災害、人為災害與資通訊安全事件",
        "equipment_failure_or_change": "未預期之設備故障或變更",
        "function_or_architecture_change": "系統功能調整或重大性架構變更",
        "eol_no_support": "產品生命週期結束且不再提供技術協助",
    },
    "clause_state": {"present": "已納入", "missing": "缺漏", "not_applicable": "不適用"},
    "verdict": {
        "met": "符合",
        "not_met": "未符合",
        "not_stated": "未載明",
        "no_target": "系統未訂目標",
    },
    "contract_state": {
        "none": "未記錄契約",
        "expired": "已到期",
        "expiring": "即將到期",
        "open_ended": "不定期",
        "active": "有效",
    },
    "eos_state": {
        "past": "已停止支援",
        "near": "即將停止支援",
        "ok": "支援中",
        "unknown": "未載明",
    },
    "training_kind": {
        "course": "課程",
        "exercise": "演練",
        "awareness": "宣導",
        "briefing": "說明會",
    },
    "facility": {
        "power": "電力供給",
        "ups": "不斷電系統",
        "generator": "發電機",
        "hvac": "空調",
        "monitoring": "環境監控與告警",
        "fire_suppression": "消防滅火",
    },
}


def label(kind: str, value: object) -> str:
    """The zh-TW label of a coded value; the value itself when no label is known."""
    text = str(getattr(value, "value", value))
    return LABELS.get(kind, {}).get(text, text)
