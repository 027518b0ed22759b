"""The rule framework: Rule, Hit, Finding, the registry and the runner."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.dates import add_months
from generator.errors import Issue, Location, Severity
from generator.load import DataPath, SourceMap
from generator.model import FirmData, Record, Waiver
from generator.package_data import package_yaml

CATEGORIES = ("1", "2", "foreign")


@dataclass(frozen=True)
class Hit:
    """What a rule reports: a message about a record, and the other records involved."""

    message: str
    record: Record
    field: str | None = None
    related: tuple[tuple[Record, str | None], ...] = ()


@dataclass(frozen=True)
class Rule:
    """One checkable requirement of the rules."""

    id: str
    article: int
    item: str
    title: str
    severity: dict[str, Severity]
    hint: str
    thresholds: tuple[str, ...]
    basis: str
    check: Callable[[CheckContext], Iterable[Hit]]

    def severity_for(self, category: str) -> Severity:
        """The rule's severity for a firm of ``category`` ("1", "2" or "foreign")."""
        return self.severity[category]


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one record, located in the data."""

    rule: Rule
    severity: Severity
    message: str
    location: Location | None
    related: tuple[Location, ...] = ()
    record_path: DataPath = ()
    record_id: str = ""
    waiver: Waiver | None = None

    @property
    def section(self) -> str:
        """The data section of the record concerned (``firm`` for firm-wide findings)."""
        return str(self.record_path[0]) if self.record_path else "firm"

    @property
    def counted_severity(self) -> Severity:
        """The severity that counts for the exit code: a waived finding is only information."""
        return Severity.INFO if self.waiver else self.severity

    def to_issue(self) -> Issue:
        """The finding as a printable issue: code = rule id, related places listed."""
        message = f"第{self.rule.article}條：{self.message}"
        if self.waiver:
            message += (
                f"（已豁免至 {self.waiver.until.isoformat()}，原嚴重度 {self.severity}；"
                f"理由：{self.waiver.reason}；核准：{self.waiver.approved_by}）"
            )
        return Issue(
            self.counted_severity,
            self.rule.id,
            message,
            self.location,
            self.rule.hint,
            self.related,
        )


@dataclass
class CheckContext:
    """What a rule may look at: the model, where each record came from, and today's date."""

    firm: FirmData
    sources: SourceMap
    today: dt.date
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def policy(self) -> Any:
        """The firm's policy thresholds."""
        return self.firm.firm.policy

    def drill_period(self) -> int:
        """Months within which drills must recur: per security tier if the policy says so."""
        policy = self.firm.firm.policy
        tier = self.firm.firm.security_tier
        default = policy.drill_period_months
        return policy.drill_period_months_by_tier.get(tier, default) if tier else default

    def months_ago(self, months: int) -> dt.date:
        """The date ``months`` calendar months before today (day clamped to the month's end)."""
        return add_months(self.today, -months)

    def locate(self, record: Record, field_name: str | None = None) -> Location | None:
        """Location of a record, or of one of its fields."""
        path = (*record.path, field_name) if field_name else record.path
        return self.sources.find(path)


RULES: list[Rule] = []


def rule(
    id: str,
) -> Callable[[Callable[[CheckContext], Iterable[Hit]]], Callable[[CheckContext], Iterable[Hit]]]:
    """Register a rule function under ``id``; what the rule is (article, title, hint, severity
    per firm category, thresholds, basis) is its entry in ``generator/data/rule_pack.yaml``."""
    entry = pack_entries().get(id)
    if entry is None:
        raise ValueError(f"rule {id} has no entry in rule_pack.yaml")
    severity = entry["severity"]
    levels = (
        {c: Severity(severity[c]) for c in CATEGORIES}
        if isinstance(severity, dict)
        else dict.fromkeys(CATEGORIES, Severity(severity))
    )

    def register(
        func: Callable[[CheckContext], Iterable[Hit]],
    ) -> Callable[[CheckContext], Iterable[Hit]]:
        if any(r.id == id for r in RULES):
            raise ValueError(f"duplicate rule id {id}")
        thresholds = tuple(entry.get("thresholds", ()))
        RULES.append(
            Rule(
                id,
                int(entry["article"]),
                str(entry["item"]),
                str(entry["title"]),
                levels,
                str(entry["hint"]),
                thresholds,
                str(entry["basis"]),
                func,
            )
        )
        return func

    return register


def pack_entries() -> dict[str, dict[str, Any]]:
    """The rule pack's entries by rule id."""
    return {str(e["id"]): e for e in package_yaml("rule_pack.yaml")["rules"]}


def natural_key(text: str) -> tuple[tuple[int, str], ...]:
    """Sort key that orders TSA-2.5 before TSA-2.10."""
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in re.split(r"(\d+)", text))


def finding(ctx: CheckContext, r: Rule, hit: Hit, severity: Severity) -> Finding:
    related = tuple(loc for rec, name in hit.related if (loc := ctx.locate(rec, name)) is not None)
    return Finding(
        r,
        severity,
        hit.message,
        ctx.locate(hit.record, hit.field),
        related,
        hit.record.path,
        record_id(ctx.firm, hit.record.path),
    )


def record_id(firm: FirmData, path: DataPath) -> str:
    """Id of the top-level record at ``path`` (``firm`` / ``organisation`` for those sections)."""
    if len(path) < 2 or not isinstance(path[1], int):
        return str(path[0]) if path else "firm"
    records = getattr(firm, str(path[0]), [])
    try:
        return str(getattr(records[path[1]], "id", f"{path[0]}[{path[1]}]"))
    except (IndexError, TypeError):
        return f"{path[0]}[{path[1]}]"
