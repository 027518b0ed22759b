"""Businesses, systems, backups, sites and scenarios: what the BIA and recovery pages are made of."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, model_validator

from generator.fields import (
    MAX_STEPS,
    ContactRef,
    Date,
    Id,
    Minutes,
    PersonRef,
    RoleRef,
    SiteRef,
    StepMinutes,
    SystemRef,
    Text,
    TextList,
    TreeRef,
    VendorRef,
)
from generator.model.base import Record
from generator.model.firm import StandbyType


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
    minutes: StepMinutes | None = Field(None, description="預計所需分鐘")

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
    procedure: list[Step] = Field(
        default_factory=list, max_length=MAX_STEPS, description="復原程序"
    )
    bia_reviewed: Date | None = None


# ---------------------------------------------------------------- backups and sites


class BackupCopy(Record):
    """Where one copy of a backup set is kept."""

    media: Literal["disk", "tape", "object", "optical", "cloud", "replica"]
    site: SiteRef
    offline: bool = False
    immutable: bool = False


class RestoreTest(Record):
    """A restore test of a backup set."""

    date: Date
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
    response: list[Step] = Field(min_length=1, max_length=MAX_STEPS, description="應變措施")
    mitigation: list[Step] = Field(
        default_factory=list, max_length=MAX_STEPS, description="減災措施"
    )
    recovery: list[Step] = Field(default_factory=list, max_length=MAX_STEPS, description="復原措施")
    notifications: list[Notification] = Field(default_factory=list)
    contact_tree: TreeRef | None = None
