"""Drills: their plan, steps, roles, results, findings and review."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from generator.fields import (
    MAX_MINUTES,
    MAX_STEPS,
    Date,
    Id,
    Minutes,
    PersonRef,
    RoleRef,
    ScenarioRef,
    SystemRef,
    Text,
    TextList,
    TimeOfDay,
    VendorRef,
)
from generator.model.base import Record

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


class DrillFinding(Record):
    """A finding of the post-drill review and its corrective action."""

    description: Text
    action: Text
    owner: PersonRef
    due: Date
    status: Literal["open", "done"] = "open"


class Review(Record):
    """演練後檢討會議."""

    date: Date
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
    minutes: int | None = Field(None, ge=0, le=MAX_MINUTES, description="預計分鐘")
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

    start: Date
    end: Date | None = Field(None, description="最後一天（含）；省略表示僅一天")
    reason: Text


class Drill(Record):
    """A planned or past drill (Art. 3, 8)."""

    id: Id
    title: Text
    date: Date
    start: TimeOfDay
    end: TimeOfDay
    type: DrillType
    scenario: ScenarioRef
    systems: list[SystemRef] = Field(default_factory=list)
    participants: list[PersonRef] = Field(default_factory=list)
    vendors: list[VendorRef] = Field(default_factory=list)
    status: Literal["planned", "done", "cancelled"] = "planned"
    results: list[DrillResult] = Field(default_factory=list)
    findings: list[DrillFinding] = Field(default_factory=list)
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
        default_factory=list,
        max_length=MAX_STEPS,
        description="演練步驟紀錄（省略時依演練類型產生）",
    )

    @model_validator(mode="after")
    def _steps_fit(self) -> Drill:
        """The step log adds its steps' minutes to the drill's date: at most MAX_MINUTES."""
        if sum(step.minutes or 0 for step in self.steps) > MAX_MINUTES:
            raise PydanticCustomError(
                "duration_out_of_range", "演練步驟的預計分鐘合計超過上限 100 年", {}
            )
        return self
