"""Vendors: contracts, products, clauses, commitments, contacts and their own drills."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.fields import (
    Date,
    Id,
    Minutes,
    SiteRef,
    SystemRef,
    Text,
    TextList,
)
from generator.model.base import Phone, Record


class Contract(Record):
    """The outsourcing contract."""

    id: Text
    start: Date
    end: Date | None = None


class Product(Record):
    """A product the vendor supplies, with its end of support."""

    name: Text
    version: str | None = None
    end_of_support: Date | None = None
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
    due: Date | None = Field(None, description="改善計畫預定完成日")


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

    date: Date
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
