"""Contact trees, training, glossary terms, market closures and waivers."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from generator.fields import (
    MAX_HOURS,
    Date,
    Id,
    Minutes,
    PersonRef,
    ScenarioRef,
    Text,
)
from generator.model.base import Record


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
    date: Date
    title: Text
    kind: Literal["course", "exercise", "awareness", "briefing"] = "course"
    hours: float = Field(gt=0, le=MAX_HOURS, allow_inf_nan=False)
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

    date: Date
    reason: Text


class Waiver(Record):
    """A written decision to accept one rule's finding for one record until a date."""

    rule: Text = Field(description="規則代號，例如 TSA-9.2-contract-clauses")
    record: Text = Field(description="紀錄識別碼（系統、演練、供應商等的 id；公司層級為 firm）")
    reason: Text = Field(description="豁免理由")
    approved_by: Text = Field(description="核准人")
    approved_on: Date | None = None
    until: Date = Field(description="豁免期限（含當日）；過期即不再豁免")
