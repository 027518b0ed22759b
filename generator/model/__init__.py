"""The firm's business-continuity data as typed, validated records (pydantic v2, no I/O).

Records are defined by topic in the modules of this package; ``FirmData`` gathers the sections
of ``firm_data/`` and every record type is importable from here."""

from __future__ import annotations

import functools
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field

from generator.model.base import Phone, Record
from generator.model.continuity import (
    BackupCopy,
    BackupSet,
    Business,
    DataClass,
    Facilities,
    Impact,
    Notification,
    RestoreTest,
    Scenario,
    Site,
    Standby,
    Step,
    System,
)
from generator.model.drills import (
    Blackout,
    Drill,
    DrillFinding,
    DrillResult,
    DrillRisk,
    DrillRole,
    DrillStep,
    DrillStepKind,
    DrillType,
    Review,
)
from generator.model.firm import (
    Category,
    Ciso,
    EditionRecord,
    Firm,
    ParentStandard,
    Policy,
    StandbyType,
    TradingHours,
)
from generator.model.organisation import Organisation, Party, Person, Role, RoleKind, Team
from generator.model.registers import Closure, ContactTree, Term, Training, TreeNode, Waiver
from generator.model.vendors import (
    Cause,
    Clause,
    ClauseDefinition,
    ClauseStatus,
    Commitment,
    Contract,
    Product,
    Vendor,
    VendorContact,
    VendorDrill,
)

__all__ = [
    "BackupCopy",
    "BackupSet",
    "Blackout",
    "Business",
    "Category",
    "Cause",
    "Ciso",
    "Clause",
    "ClauseDefinition",
    "ClauseStatus",
    "Closure",
    "Commitment",
    "ContactTree",
    "Contract",
    "DataClass",
    "Drill",
    "DrillFinding",
    "DrillResult",
    "DrillRisk",
    "DrillRole",
    "DrillStep",
    "DrillStepKind",
    "DrillType",
    "EditionRecord",
    "Facilities",
    "Firm",
    "FirmData",
    "Impact",
    "Notification",
    "Organisation",
    "ParentStandard",
    "Party",
    "Person",
    "Phone",
    "Policy",
    "Product",
    "Record",
    "RestoreTest",
    "Review",
    "Role",
    "RoleKind",
    "Scenario",
    "Site",
    "Standby",
    "StandbyType",
    "Step",
    "System",
    "Team",
    "Term",
    "TradingHours",
    "Training",
    "TreeNode",
    "Vendor",
    "VendorContact",
    "VendorDrill",
    "Waiver",
    "nesting_fields",
]


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
