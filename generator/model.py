"""The firm's business-continuity data as typed, validated records (pydantic v2, no I/O)."""

from __future__ import annotations

import datetime as dt
import functools
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from generator.fields import (
    ContactRef,
    Id,
    Minutes,
    Personal,
    PersonRef,
    RoleRef,
    ScenarioRef,
    SiteRef,
    SystemRef,
    Text,
    TextList,
    TimeOfDay,
    TreeRef,
    VendorRef,
)


class Record(BaseModel):
    """Base of every record: unknown keys are errors; the record remembers its data path."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    _path: tuple[str | int, ...] = PrivateAttr(default=())

    @property
    def path(self) -> tuple[str | int, ...]:
        """Where this record sits in the merged data, e.g. ``("systems", 3)``."""
        return self._path

    @property
    def personal(self) -> bool:
        """True when the whole record is personal data (only the restricted audience sees it)."""
        return False


# ---------------------------------------------------------------- firm, edition and policy


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
    effective_date: dt.date | None = None
    approved_by: str | None = Field(None, description="核定人（姓名與職稱）")
    approval_date: dt.date | None = None
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

    drill_period_months: int = Field(12, ge=1, description="每個核心系統至少演練一次的期間（月）")
    drill_period_months_by_tier: dict[int, int] = Field(
        default_factory=dict,
        description="依資安分級（firm.security_tier）的演練期間（月），未列者用 drill_period_months",
    )
    scenario_rotation_years: int = Field(
        3, ge=1, description="所有風險情境輪流演練一輪的週期（年）"
    )
    restore_test_months: int = Field(12, ge=1, description="備份回存測試的期間（月）")
    contact_verify_months: int = Field(6, ge=1, description="聯絡資料須重新確認的期間（月）")
    bia_review_months: int = Field(12, ge=1, description="營運衝擊分析須重新檢視的期間（月）")
    eos_warning_months: int = Field(12, ge=1, description="產品停止支援前須有因應計畫的期間（月）")
    contract_warning_months: int = Field(
        6, ge=1, description="委外契約到期前須提示續約的期間（月）"
    )
    call_tree_max_fanout: int = Field(5, ge=1, description="緊急聯絡樹每人最多聯絡人數")
    backup_min_copies: int = Field(3, ge=1)
    backup_min_media: int = Field(2, ge=1)
    backup_min_offsite: int = Field(1, ge=0)
    standby_best_rto: dict[StandbyType, Minutes] = Field(
        default_factory=_default_standby_rto,
        description="各備援架構能達到的最短 RTO（推論值，可調整）",
    )
    incident_initial_report: Minutes = Field(30, description="資安事件初報時限（推論值，可調整）")
    training_hours_security: float = Field(15, ge=0, description="資安人員每年訓練時數")
    training_hours_general: float = Field(3, ge=0, description="一般使用者每年資安訓練時數")
    trading_hours: TradingHours = Field(default_factory=TradingHours)
    review_window_days: int = Field(
        14, ge=0, description="演練後召開檢討會議的期限（天，推論值，可調整）"
    )
    training_period_months: int = Field(
        12, ge=1, description="任務編組人員須有訓練或演練紀錄的期間（月）"
    )
    contract_notice_months: int = Field(6, ge=0, description="委外契約到期前須提醒續約的期間（月）")
    plan_review_months: int = Field(12, ge=1, description="手冊版次須重新核定的期間（月）")
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


# ---------------------------------------------------------------- people and organisation


class Phone(Record):
    """A phone number with its kind; mobile and home numbers are personal unless ``private: false``."""

    PERSONAL_KINDS: ClassVar[frozenset[str]] = frozenset({"mobile", "home"})

    kind: Literal["office", "mobile", "home", "hotline", "fax", "satellite"] = "office"
    number: Text
    ext: str | None = None
    private: bool | None = Field(
        None,
        description="個人號碼，只在限閱版顯示；未填時行動及住家電話視為個人號碼，"
        "公務手機請寫 private: false",
    )

    @property
    def personal(self) -> bool:
        """Personal numbers appear only in the restricted audience's handbook."""
        if self.private is not None:
            return self.private
        return self.kind in self.PERSONAL_KINDS


class Person(Record):
    """A member of staff who has a part in the plan."""

    id: Id
    name: Text
    title: Text = Field(description="職稱")
    department: Text
    phones: list[Phone] = Field(min_length=1)
    email: str | None = None
    home_address: Annotated[str | None, Personal("住家地址")] = Field(
        None, description="住家地址（個人資料，只在限閱版顯示）"
    )
    last_verified: dt.date | None = Field(None, description="聯絡資料最後確認日")


class Party(Record):
    """An external party: exchange, regulator, ISAC, emergency service or vendor hotline."""

    id: Id
    name: Text
    kind: Literal[
        "exchange", "regulator", "clearing", "isac", "emergency", "vendor", "customers", "other"
    ]
    purpose: str | None = None
    phones: list[Phone] = Field(min_length=1)
    email: str | None = None
    vendor: VendorRef | None = None
    last_verified: dt.date | None = None


class RoleKind(StrEnum):
    """Task-force role kinds the rules expect (R-ORG-01)."""

    COMMANDER = "commander"
    IT_RECOVERY = "it_recovery_lead"
    BUSINESS_RECOVERY = "business_recovery_lead"
    COMMUNICATIONS = "communications"
    OTHER = "other"


class Role(Record):
    """A role in the resilience task force, with its holder and deputies (代理人)."""

    id: Id
    title: Text
    kind: RoleKind = RoleKind.OTHER
    person: PersonRef
    deputies: list[PersonRef] = Field(default_factory=list)
    duties: TextList = Field(default_factory=list)


class Team(Record):
    """A team (小組) of the task force."""

    id: Id
    name: Text
    duties: TextList = Field(default_factory=list)
    roles: list[Role] = Field(min_length=1)
    members: list[PersonRef] = Field(default_factory=list)


class Organisation(Record):
    """資訊作業韌性任務編組 (Art. 4)."""

    name: Text = "資訊作業韌性任務編組"
    established: dt.date | None = None
    teams: list[Team] = Field(min_length=1)
    security_staff: list[PersonRef] = Field(
        default_factory=list, description="資安人員（每年專業訓練時數門檻較高）"
    )

    def members(self) -> list[str]:
        """Every person of the task force: role holders, deputies and team members."""
        found: dict[str, None] = {}
        for team in self.teams:
            for role in team.roles:
                found[role.person] = None
                found.update(dict.fromkeys(role.deputies))
            found.update(dict.fromkeys(team.members))
        return list(found)


# ---------------------------------------------------------------- businesses and systems


class Business(Record):
    """A core business (核心業務) with its tolerances (Art. 2, 4)."""

    id: Id
    name: Text
    description: str | None = None
    owner: PersonRef
    mtpd: Minutes = Field(description="最大可容忍中斷時間")
    rto: Minutes
    rpo: Minutes
    minimum_service_level: str | None = Field(None, description="最小可接受服務水準")
    systems: list[SystemRef] = Field(default_factory=list, description="支援此業務的系統")


class Impact(Record):
    """The BIA impact of an outage that has lasted ``after``."""

    after: Minutes
    level: Literal["low", "medium", "high", "critical"]
    description: Text


class Step(Record):
    """One step of a procedure: who does what, and how long it should take."""

    action: Text
    role: RoleRef | None = None
    minutes: int | None = Field(None, ge=0, description="預計所需分鐘")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"action": value} if isinstance(value, str) else value


class Standby(Record):
    """The standby (備援) architecture of a system."""

    type: StandbyType
    primary_site: SiteRef
    standby_sites: list[SiteRef] = Field(default_factory=list)
    description: str | None = None


DataClass = Literal["confidential", "sensitive", "internal", "public"]


class System(Record):
    """An information system; core systems carry RTO/RPO and a recovery procedure."""

    id: Id
    name: Text
    core: bool
    description: str | None = None
    owner: PersonRef
    rto: Minutes | None = None
    rpo: Minutes | None = None
    data_classification: DataClass = "internal"
    standby: Standby
    depends_on: list[SystemRef] = Field(default_factory=list)
    vendors: list[VendorRef] = Field(default_factory=list)
    impacts: list[Impact] = Field(default_factory=list, description="營運衝擊（隨中斷時間）")
    procedure: list[Step] = Field(default_factory=list, description="復原程序")
    bia_reviewed: dt.date | None = None


# ---------------------------------------------------------------- backups and sites


class BackupCopy(Record):
    """Where one copy of a backup set is kept."""

    media: Literal["disk", "tape", "object", "optical", "cloud", "replica"]
    site: SiteRef
    offline: bool = False
    immutable: bool = False


class RestoreTest(Record):
    """A restore test of a backup set."""

    date: dt.date
    result: Literal["pass", "fail"]
    duration: Minutes | None = None
    notes: str | None = None


class BackupSet(Record):
    """A backup set of one system (Art. 5)."""

    id: Id
    system: SystemRef
    name: Text
    frequency: Minutes = Field(description="備份間隔")
    type: Literal["full", "incremental", "differential", "replication", "snapshot"]
    method: Literal["sync", "async", "offline", "online"]
    encrypted: bool
    retention: Minutes
    copies: list[BackupCopy] = Field(min_length=1)
    restore_tests: list[RestoreTest] = Field(default_factory=list)


class Facilities(Record):
    """Supporting facilities of a site (Art. 6.1)."""

    power: str | None = None
    ups: str | None = None
    generator: str | None = None
    hvac: str | None = None
    monitoring: str | None = None
    fire_suppression: str | None = None


class Site(Record):
    """A data centre, vault or office."""

    id: Id
    name: Text
    kind: Literal["primary", "dr", "vault", "office"]
    city: Text
    address: str | None = None
    hazard_zones: list[Text] = Field(default_factory=list, description="災害潛勢區")
    facilities: Facilities = Field(default_factory=Facilities)


# ---------------------------------------------------------------- scenarios and drills


class Notification(Record):
    """Who must be told, by when, and how."""

    to: ContactRef
    deadline: Minutes
    method: str | None = None
    content: str | None = None


class Scenario(Record):
    """A risk scenario (風險情境) with its response (Art. 7)."""

    id: Id
    name: Text
    category: Literal["natural", "man_made", "cyber"]
    description: str | None = None
    activation: TextList = Field(min_length=1, description="啟動條件")
    systems: list[SystemRef] = Field(default_factory=list)
    response: list[Step] = Field(min_length=1, description="應變措施")
    mitigation: list[Step] = Field(default_factory=list, description="減災措施")
    recovery: list[Step] = Field(default_factory=list, description="復原措施")
    notifications: list[Notification] = Field(default_factory=list)
    contact_tree: TreeRef | None = None


DrillType = Literal[
    "failover_same_site",
    "failover_offsite",
    "restore_same_site",
    "restore_offsite",
    "tabletop",
    "call_tree",
]


class DrillResult(Record):
    """What a drill measured for one system."""

    system: SystemRef
    recovery_time: Minutes | None = None
    data_loss: Minutes | None = None
    notes: str | None = None


class Finding(Record):
    """A finding of the post-drill review and its corrective action."""

    description: Text
    action: Text
    owner: PersonRef
    due: dt.date
    status: Literal["open", "done"] = "open"


class Review(Record):
    """演練後檢討會議."""

    date: dt.date
    minutes_ref: str | None = None
    business_verified: bool = False
    attendees: list[PersonRef] = Field(default_factory=list, description="檢討會議出席人員")
    summary: str | None = Field(None, description="檢討結論")


DrillStepKind = Literal[
    "declare", "switch_over", "restore", "system_up", "business_verification", "fall_back", "other"
]


class DrillStep(Record):
    """One step of the drill's timed log: what, who, expected minutes, actual clock times."""

    kind: DrillStepKind = "other"
    action: Text
    role: RoleRef | None = None
    minutes: int | None = Field(None, ge=0, description="預計分鐘")
    started: TimeOfDay | None = Field(None, description="實際開始時間")
    finished: TimeOfDay | None = Field(None, description="實際完成時間")

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        return {"action": value} if isinstance(value, str) else value


class DrillRole(Record):
    """A participant's role in this drill (演練角色), e.g. 演練指揮官、紀錄、觀察員."""

    person: PersonRef
    role: Text


class DrillRisk(Record):
    """A risk of running the drill and how it is kept in check (風險與保護措施)."""

    risk: Text
    protection: Text


class Blackout(Record):
    """Days on which no drill may be planned (e.g. year-end closing, system migrations)."""

    start: dt.date
    end: dt.date | None = Field(None, description="最後一天（含）；省略表示僅一天")
    reason: Text


class Drill(Record):
    """A planned or past drill (Art. 3, 8)."""

    id: Id
    title: Text
    date: dt.date
    start: TimeOfDay
    end: TimeOfDay
    type: DrillType
    scenario: ScenarioRef
    systems: list[SystemRef] = Field(default_factory=list)
    participants: list[PersonRef] = Field(default_factory=list)
    vendors: list[VendorRef] = Field(default_factory=list)
    status: Literal["planned", "done", "cancelled"] = "planned"
    results: list[DrillResult] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    review: Review | None = None
    objectives: TextList = Field(
        default_factory=list, description="其他演練目標（RTO/RPO 目標由系統資料產生）"
    )
    scope: TextList = Field(default_factory=list, description="演練範圍")
    roles: list[DrillRole] = Field(default_factory=list, description="參與人員之演練角色")
    risks: list[DrillRisk] = Field(default_factory=list, description="演練風險及保護措施")
    sops: TextList = Field(default_factory=list, description="本次驗證之標準作業程序")
    go_no_go: TextList = Field(default_factory=list, description="演練前之執行／中止檢核")
    steps: list[DrillStep] = Field(
        default_factory=list, description="演練步驟紀錄（省略時依演練類型產生）"
    )


# ---------------------------------------------------------------- vendors


class Contract(Record):
    """The outsourcing contract."""

    id: Text
    start: dt.date
    end: dt.date | None = None


class Product(Record):
    """A product the vendor supplies, with its end of support."""

    name: Text
    version: str | None = None
    end_of_support: dt.date | None = None
    replacement_plan: str | None = Field(None, description="停止支援前的汰換或升級計畫")


ClauseStatus = Literal["present", "missing", "not_applicable"]


class Clause(Record):
    """This vendor's contract against one clause of the catalogue (Art. 9.2)."""

    key: Text = Field(description="條款代碼（契約條款目錄或 contract_clauses 中的 key）")
    status: ClauseStatus = Field(
        "present", description="present 已納入／missing 缺漏／not_applicable 不適用"
    )
    section: str | None = Field(None, description="契約條次（已納入時）")
    reason: str | None = Field(None, description="不適用之理由（status: not_applicable 時必填）")
    remediation: str | None = Field(None, description="缺漏之改善計畫，例如 續約時補入")
    due: dt.date | None = Field(None, description="改善計畫預定完成日")


class ClauseDefinition(Record):
    """A contract clause the firm adds to the shipped catalogue."""

    key: Id
    title: Text
    article: str | None = Field(None, description="出處，例如 9.1 或 本公司委外管理辦法第 8 條")
    required: bool = False
    description: str | None = None


Cause = Literal[
    "disaster_or_cyber",
    "equipment_failure_or_change",
    "function_or_architecture_change",
    "eol_no_support",
]


class Commitment(Record):
    """The vendor's recovery commitment for one cause of disruption (Art. 9.1)."""

    cause: Cause
    system: SystemRef
    rto: Minutes | None = None
    rpo: Minutes | None = None


class VendorDrill(Record):
    """A drill the vendor ran itself, with its evidence (Art. 9.1)."""

    date: dt.date
    title: Text
    systems: list[SystemRef] = Field(default_factory=list)
    evidence: Text = Field(description="佐證，例如 演練報告文號")


class VendorContact(Record):
    """A named contact at the vendor."""

    name: Text
    role: str | None = None
    phones: list[Phone] = Field(default_factory=list)
    email: str | None = None


class Vendor(Record):
    """An outsourcing vendor (Art. 9)."""

    id: Id
    name: Text
    services: TextList = Field(min_length=1)
    systems: list[SystemRef] = Field(default_factory=list)
    sites: list[SiteRef] = Field(default_factory=list, description="供應商提供或營運的場所")
    contract: Contract | None = None
    products: list[Product] = Field(default_factory=list)
    clauses: list[Clause] = Field(default_factory=list)
    commitments: list[Commitment] = Field(default_factory=list)
    contacts: list[VendorContact] = Field(default_factory=list)
    own_drills: list[VendorDrill] = Field(
        default_factory=list, description="供應商自行辦理之演練（附佐證）"
    )


# ---------------------------------------------------------------- contact trees, training


class TreeNode(Record):
    """A person in a call tree and the people they call next."""

    person: PersonRef
    deputy: PersonRef | None = None
    calls: list[TreeNode] = Field(default_factory=list)


class ContactTree(Record):
    """緊急聯絡樹."""

    id: Id
    name: Text
    activation: list[ScenarioRef] = Field(default_factory=list)
    target: Minutes = Field(description="完成聯絡的目標時間")
    root: TreeNode


class Training(Record):
    """A training session or exercise of the task force (Art. 8)."""

    id: Id
    date: dt.date
    title: Text
    kind: Literal["course", "exercise", "awareness", "briefing"] = "course"
    hours: float = Field(gt=0)
    participants: list[PersonRef] = Field(min_length=1)
    content: str | None = None


class Term(Record):
    """A glossary term added by the firm."""

    term: Text
    abbr: str | None = None
    english: str | None = None
    definition: Text


class Closure(Record):
    """A day the exchange is closed that the holiday calendar does not know."""

    date: dt.date
    reason: Text


class Waiver(Record):
    """A written decision to accept one rule's finding for one record until a date."""

    rule: Text = Field(description="規則代號，例如 TSA-9.2-contract-clauses")
    record: Text = Field(description="紀錄識別碼（系統、演練、供應商等的 id；公司層級為 firm）")
    reason: Text = Field(description="豁免理由")
    approved_by: Text = Field(description="核准人")
    approved_on: dt.date | None = None
    until: dt.date = Field(description="豁免期限（含當日）；過期即不再豁免")


class FirmData(BaseModel):
    """All sections of ``firm_data/``; each section may sit in any file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    firm: Firm
    organisation: Organisation
    people: list[Person] = Field(min_length=1)
    parties: list[Party] = Field(default_factory=list)
    businesses: list[Business] = Field(min_length=1)
    systems: list[System] = Field(min_length=1)
    backups: list[BackupSet] = Field(default_factory=list)
    sites: list[Site] = Field(min_length=1)
    scenarios: list[Scenario] = Field(default_factory=list)
    drills: list[Drill] = Field(default_factory=list)
    vendors: list[Vendor] = Field(default_factory=list)
    contact_trees: list[ContactTree] = Field(default_factory=list)
    training: list[Training] = Field(default_factory=list)
    glossary: list[Term] = Field(default_factory=list)
    closures: list[Closure] = Field(default_factory=list)
    contract_clauses: list[ClauseDefinition] = Field(
        default_factory=list, description="公司自訂之委外契約條款（補充條款目錄）"
    )
    drill_blackouts: list[Blackout] = Field(
        default_factory=list, description="不得排定演練之期間（演練排程建議會避開）"
    )
    waivers: list[Waiver] = Field(default_factory=list)

    def roles(self) -> list[Role]:
        """Every task-force role of every team."""
        return [role for team in self.organisation.teams for role in team.roles]

    def core_systems(self) -> list[System]:
        """Systems marked core, in data order."""
        return [s for s in self.systems if s.core]

    def backups_of(self, system_id: str) -> list[BackupSet]:
        """Backup sets of one system."""
        return [b for b in self.backups if b.system == system_id]

    def businesses_of(self, system_id: str) -> list[Business]:
        """Core businesses a system supports."""
        return [b for b in self.businesses if system_id in b.systems]


@functools.cache
def nesting_fields(kind: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``kind`` whose type admits a model or a list: the others hold text,
    numbers, dates or choices, never a record (walks over records visit only these)."""
    return tuple(name for name, info in kind.model_fields.items() if _may_nest(info.annotation))


def _may_nest(annotation: Any) -> bool:
    if isinstance(annotation, type) and not get_args(annotation):
        return issubclass(annotation, BaseModel | list)
    if get_origin(annotation) is Literal:
        return False
    return get_origin(annotation) is list or any(_may_nest(a) for a in get_args(annotation))
