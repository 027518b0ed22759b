"""The firm, its edition and its policy (thresholds and choices the firm sets)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Literal

from pydantic import Field

from generator.fields import (
    MAX_COUNT,
    MAX_DAYS,
    MAX_HOURS,
    MAX_MONTHS,
    MAX_YEARS,
    Date,
    Minutes,
    Months,
    PersonRef,
    Text,
    TextList,
    Tier,
    TimeOfDay,
)
from generator.model.base import Record


class Category(StrEnum):
    """第一類 / 第二類 / 外國證券商 (Art. 2)."""

    ONE = "1"
    TWO = "2"
    FOREIGN = "foreign"


class Ciso(Record):
    """資訊安全長 (Chief Information Security Officer)."""

    appointed: bool = Field(description="是否依內控處理準則第三十六條之二指派資訊安全長")
    person: PersonRef | None = None
    rank: str | None = Field(None, description="職級，例如 副總經理")


class ParentStandard(Record):
    """外國證券商依循母集團規範的聲明 (Art. 2 item 10)."""

    used: bool
    name: str | None = None
    equivalence: str | None = Field(None, description="母集團規範較佳之說明")


class EditionRecord(Record):
    """One approved or draft edition (版次) of the handbook."""

    number: Text = Field(description="版次，例如 2026.2")
    title: str | None = None
    status: Literal["draft", "approved"] = "draft"
    effective_date: Date | None = None
    approved_by: str | None = Field(None, description="核定人（姓名與職稱）")
    approval_date: Date | None = None
    approval_ref: str | None = Field(None, description="核定依據，例如 董事會決議字號")
    changes: TextList = Field(default_factory=list, description="本版修訂重點")


class TradingHours(Record):
    """The exchange's regular session (營業細則 Art. 3), configurable."""

    start: TimeOfDay = Field(default_factory=lambda: dt.time(9, 0))
    end: TimeOfDay = Field(default_factory=lambda: dt.time(13, 30))


StandbyType = Literal["hot", "warm", "cold", "none"]


def _default_standby_rto() -> dict[StandbyType, int]:
    return {"hot": 15, "warm": 240, "cold": 2880}


class Policy(Record):
    """Thresholds the checks use; values the notes mark as inferred are configurable here."""

    drill_period_months: int = Field(
        12, ge=1, le=MAX_MONTHS, description="每個核心系統至少演練一次的期間（月）"
    )
    drill_period_months_by_tier: dict[Tier, Months] = Field(
        default_factory=dict,
        description="依資安分級（firm.security_tier）的演練期間（月），未列者用 drill_period_months",
    )
    scenario_rotation_years: int = Field(
        3, ge=1, le=MAX_YEARS, description="所有風險情境輪流演練一輪的週期（年）"
    )
    restore_test_months: int = Field(
        12, ge=1, le=MAX_MONTHS, description="備份回存測試的期間（月）"
    )
    contact_verify_months: int = Field(
        6, ge=1, le=MAX_MONTHS, description="聯絡資料須重新確認的期間（月）"
    )
    bia_review_months: int = Field(
        12, ge=1, le=MAX_MONTHS, description="營運衝擊分析須重新檢視的期間（月）"
    )
    eos_warning_months: int = Field(
        12, ge=1, le=MAX_MONTHS, description="產品停止支援前須有因應計畫的期間（月）"
    )
    contract_warning_months: int = Field(
        6, ge=1, le=MAX_MONTHS, description="委外契約到期前須提示續約的期間（月）"
    )
    call_tree_max_fanout: int = Field(
        5, ge=1, le=MAX_COUNT, description="緊急聯絡樹每人最多聯絡人數"
    )
    backup_min_copies: int = Field(3, ge=1, le=MAX_COUNT)
    backup_min_media: int = Field(2, ge=1, le=MAX_COUNT)
    backup_min_offsite: int = Field(1, ge=0, le=MAX_COUNT)
    standby_best_rto: dict[StandbyType, Minutes] = Field(
        default_factory=_default_standby_rto,
        description="各備援架構能達到的最短 RTO（推論值，可調整）",
    )
    incident_initial_report: Minutes = Field(30, description="資安事件初報時限（推論值，可調整）")
    training_hours_security: float = Field(
        15, ge=0, le=MAX_HOURS, allow_inf_nan=False, description="資安人員每年訓練時數"
    )
    training_hours_general: float = Field(
        3, ge=0, le=MAX_HOURS, allow_inf_nan=False, description="一般使用者每年資安訓練時數"
    )
    trading_hours: TradingHours = Field(default_factory=TradingHours)
    review_window_days: int = Field(
        14, ge=0, le=MAX_DAYS, description="演練後召開檢討會議的期限（天，推論值，可調整）"
    )
    training_period_months: int = Field(
        12, ge=1, le=MAX_MONTHS, description="任務編組人員須有訓練或演練紀錄的期間（月）"
    )
    contract_notice_months: int = Field(
        6, ge=0, le=MAX_MONTHS, description="委外契約到期前須提醒續約的期間（月）"
    )
    plan_review_months: int = Field(
        12, ge=1, le=MAX_MONTHS, description="手冊版次須重新核定的期間（月）"
    )
    required_clauses: list[Text] = Field(
        default_factory=lambda: [
            "bcm_requirements",
            "recovery_disaster_or_cyber",
            "recovery_equipment_failure_or_change",
            "recovery_function_or_architecture_change",
            "recovery_eol_no_support",
            "drill_participation",
        ],
        description="核心系統委外契約必須載明的條款（第九條第二項）",
    )
    recommended_clauses: list[Text] = Field(
        default_factory=lambda: [
            "incident_notification",
            "change_and_eos_notice",
            "data_protection",
            "audit_rights",
            "exit_assistance",
        ],
        description="建議載明的條款（缺漏時僅提示）",
    )


class Firm(Record):
    """The securities firm, its category, and the edition being produced."""

    name: Text = Field(description="公司全名")
    short_name: Text
    name_en: str | None = None
    broker_code: Text = Field(description="證券商代號")
    category: Category
    ciso: Ciso
    parent_standard: ParentStandard | None = None
    brokerage: bool = Field(True, description="是否經營經紀業務")
    security_tier: int | None = Field(None, ge=1, le=5, description="資安分級（自行申報）")
    classification: Text = Field("內部使用", description="文件機密等級標示")
    date_style: Literal["iso", "roc"] = Field("roc", description="日期顯示：iso 或 民國")
    address: str | None = None
    edition: EditionRecord
    history: list[EditionRecord] = Field(default_factory=list, description="先前版次")
    policy: Policy = Field(default_factory=Policy)
