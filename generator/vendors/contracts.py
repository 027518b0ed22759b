"""Outsourcing (Art. 9): the contract-clause catalogue and what each vendor's data says about it.

Pages (``generator.vendors.pages``) and checks (``generator.compliance.rules.outsourcing``) both read the
verdicts computed here, so the site and ``handbook check`` never disagree.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass
from typing import Literal, get_args

from generator.dates import add_months
from generator.errors import Issue, error
from generator.load import SourceMap
from generator.model import (
    Cause,
    Clause,
    Commitment,
    Drill,
    FirmData,
    Product,
    System,
    Vendor,
    VendorDrill,
)
from generator.package_data import package_yaml

CAUSES: tuple[str, ...] = get_args(Cause)
# Clause of the catalogue that asks for the recovery commitment of each cause.
CAUSE_CLAUSES = {cause: f"recovery_{cause}" for cause in CAUSES}

ClauseState = Literal["present", "missing", "not_applicable"]
Verdict = Literal["met", "not_met", "not_stated", "no_target"]


@dataclass(frozen=True)
class ClauseDef:
    """A clause a core-system outsourcing contract must (required) or should carry."""

    key: str
    title: str
    article: str
    required: bool
    description: str
    firm_added: bool = False

    @property
    def citation(self) -> str:
        """The article in words: 「第九條第一款第(四)目」 for ``9.1(4)``; free text as is."""
        return cite(self.article)


_NUMERALS = "〇一二三四五六七八九十"
_ARTICLE_RE = re.compile(r"^(\d+)(?:\.(\d+))?((?:\(\d+\))*)$")


def _zh_number(number: int) -> str:
    if number <= 10:
        return _NUMERALS[number]
    tens, ones = divmod(number, 10)
    return f"{_NUMERALS[tens] if tens > 1 else ''}十{_NUMERALS[ones] if ones else ''}"


def cite(article: str) -> str:
    """``9.1(4)`` → 「第九條第一款第(四)目」; anything else is returned unchanged."""
    match = _ARTICLE_RE.match(article.strip())
    if not match:
        return article
    text = f"第{_zh_number(int(match.group(1)))}條"
    if match.group(2):
        text += f"第{_zh_number(int(match.group(2)))}款"
    items = re.findall(r"\((\d+)\)", match.group(3))
    if items:
        text += "第" + "".join(f"({_zh_number(int(i))})" for i in items) + "目"
    return text


@functools.cache
def shipped_catalogue() -> tuple[ClauseDef, ...]:
    """The catalogue shipped in ``generator/data/clauses.yaml``."""
    rows = package_yaml("clauses.yaml")["clauses"]
    return tuple(
        ClauseDef(
            str(r["key"]),
            str(r["title"]),
            str(r["article"]),
            bool(r["required"]),
            str(r.get("description") or ""),
        )
        for r in rows
    )


def catalogue(firm: FirmData) -> list[ClauseDef]:
    """The shipped catalogue followed by the firm's own clauses (``contract_clauses``)."""
    shipped = list(shipped_catalogue())
    known = {c.key for c in shipped}
    added = [
        ClauseDef(c.key, c.title, c.article or "本公司", c.required, c.description or "", True)
        for c in firm.contract_clauses
        if c.key not in known
    ]
    return shipped + added


# ---------------------------------------------------------------- data errors


def check_vendor_data(firm: FirmData, sources: SourceMap) -> list[Issue]:
    """Located data errors: unknown or repeated clause keys, n/a without reason."""
    issues = _check_firm_clauses(firm, sources)
    keys = [c.key for c in catalogue(firm)]
    for vendor in firm.vendors:
        issues.extend(_check_clauses(vendor, keys, sources))
    return issues


def _check_firm_clauses(firm: FirmData, sources: SourceMap) -> list[Issue]:
    issues = []
    seen = {c.key for c in shipped_catalogue()}
    for clause in firm.contract_clauses:
        if clause.key in seen:
            issues.append(
                error(
                    "duplicate-id",
                    f"契約條款代碼「{clause.key}」已存在於條款目錄",
                    sources.find((*clause.path, "key")),
                    "自訂條款請使用條款目錄未用過的代碼。",
                )
            )
        seen.add(clause.key)
    return issues


def _check_clauses(vendor: Vendor, keys: list[str], sources: SourceMap) -> list[Issue]:
    issues = []
    seen: set[str] = set()
    known = set(keys)
    label = f"供應商「{vendor.name}」"
    for clause in vendor.clauses:  # located only when there is something to report
        if clause.key not in known:
            close = difflib.get_close_matches(clause.key, keys, n=1, cutoff=0.6)
            hint = f"你是不是要寫「{close[0]}」？" if close else ""
            hint += "條款代碼見委外契約條款目錄；公司自訂條款請加在 contract_clauses 區段。"
            msg = f"{label}引用了不存在的契約條款「{clause.key}」"
            where = sources.find((*clause.path, "key"))
            issues.append(error("unknown-clause", msg, where, hint))
        elif clause.key in seen:
            msg = f"{label}的契約條款「{clause.key}」重複列出"
            where = sources.find((*clause.path, "key"))
            issues.append(error("duplicate-id", msg, where, "每一條款只列一次。"))
        seen.add(clause.key)
        if clause.status == "not_applicable" and not clause.reason:
            issues.append(
                error(
                    "missing-field",
                    f"{label}的契約條款「{clause.key}」標示為不適用，但缺少必填欄位「reason」",
                    sources.find(clause.path),
                    "請說明不適用之理由。",
                )
            )
    return issues


# ---------------------------------------------------------------- clause status


@dataclass(frozen=True)
class ClauseRow:
    """One catalogue clause against one vendor's contract."""

    definition: ClauseDef
    state: ClauseState
    clause: Clause | None

    @property
    def listed(self) -> bool:
        """Whether the vendor's data mentions this clause at all."""
        return self.clause is not None


def clause_rows(firm: FirmData, vendor: Vendor) -> list[ClauseRow]:
    """Every catalogue clause with this vendor's state; clauses not listed count as missing."""
    found = {c.key: c for c in vendor.clauses}
    rows = []
    for definition in catalogue(firm):
        clause = found.get(definition.key)
        state: ClauseState = clause.status if clause else "missing"
        rows.append(ClauseRow(definition, state, clause))
    return rows


# ---------------------------------------------------------------- systems and commitments


def supported_systems(firm: FirmData, vendor: Vendor) -> list[System]:
    """Systems the vendor supports: its own list and systems naming it, in data order."""
    listed, vendor_id = set(vendor.systems), vendor.id
    return [s for s in firm.systems if s.id in listed or vendor_id in s.vendors]


def core_systems_of(firm: FirmData, vendor: Vendor) -> list[System]:
    """The core systems the vendor supports: Art. 9 applies to these."""
    listed, vendor_id = set(vendor.systems), vendor.id
    return [s for s in firm.systems if s.core and (s.id in listed or vendor_id in s.vendors)]


def is_core_vendor(firm: FirmData, vendor: Vendor) -> bool:
    """Whether the vendor supports at least one core system (核心系統委外)."""
    listed, vendor_id = set(vendor.systems), vendor.id
    return any(s.core and (s.id in listed or vendor_id in s.vendors) for s in firm.systems)


def compare(promised: int | None, target: int | None) -> Verdict:
    """A committed duration against the system's target."""
    if promised is None:
        return "not_stated"
    if target is None:
        return "no_target"
    return "met" if promised <= target else "not_met"


@dataclass(frozen=True)
class CommitmentRow:
    """The vendor's recovery commitment for one cause and one supported system."""

    cause: str
    system: System
    commitment: Commitment | None
    rto: Verdict
    rpo: Verdict

    @property
    def verdict(self) -> Verdict:
        """Worst of the RTO and RPO verdicts: not met, then not stated, then met."""
        order: tuple[Verdict, ...] = ("not_met", "not_stated", "no_target")
        for worst in order:
            if worst in (self.rto, self.rpo):
                return worst
        return "met"


def commitment_rows(
    firm: FirmData, vendor: Vendor, core: list[System] | None = None
) -> list[CommitmentRow]:
    """Each cause × each supported core system (``core``, when the caller has them already),
    with the commitment and its verdicts."""
    found: dict[tuple[str, str], Commitment] = {(c.cause, c.system): c for c in vendor.commitments}
    rows = []
    for system in core_systems_of(firm, vendor) if core is None else core:
        for cause in CAUSES:
            c = found.get((cause, system.id))
            rto = compare(c.rto if c else None, system.rto)
            rpo = compare(c.rpo if c else None, system.rpo)
            rows.append(CommitmentRow(cause, system, c, rto, rpo))
    return rows


# ---------------------------------------------------------------- drills, contract, products


@dataclass(frozen=True)
class Participation:
    """A drill the vendor took part in: one of the firm's, or one it ran itself."""

    date: dt.date
    title: str
    own: bool
    done: bool
    drill: Drill | None = None
    own_drill: VendorDrill | None = None


def drill_history(firm: FirmData, vendor: Vendor) -> list[Participation]:
    """The firm's drills naming the vendor and the vendor's own drills, newest first."""
    rows = [
        Participation(d.date, d.title, False, d.status == "done", drill=d)
        for d in firm.drills
        if vendor.id in d.vendors and d.status != "cancelled"
    ]
    rows += [Participation(d.date, d.title, True, True, own_drill=d) for d in vendor.own_drills]
    return sorted(rows, key=lambda p: p.date, reverse=True)


def last_participation(firm: FirmData, vendor: Vendor, today: dt.date) -> Participation | None:
    """The most recent drill on or before ``today`` that the vendor took part in."""
    return last_done(drill_history(firm, vendor), today)


def last_done(history: list[Participation], today: dt.date) -> Participation | None:
    """The first drill of ``history`` (newest first) done on or before ``today``."""
    return next((p for p in history if p.done and p.date <= today), None)


ContractState = Literal["none", "expired", "expiring", "open_ended", "active"]


def contract_state(vendor: Vendor, today: dt.date, warning_months: int) -> ContractState:
    """Whether the contract is missing, expired, expiring within the window, or in force."""
    if vendor.contract is None:
        return "none"
    end = vendor.contract.end
    if end is None:
        return "open_ended"
    if end < today:
        return "expired"
    return "expiring" if end <= add_months(today, warning_months) else "active"


EosState = Literal["past", "near", "ok", "unknown"]


def eos_state(product: Product, today: dt.date, warning_months: int) -> EosState:
    """Whether the product is past, near (within the window) or clear of its end of support."""
    end = product.end_of_support
    if end is None:
        return "unknown"
    if end < today:
        return "past"
    return "near" if end <= add_months(today, warning_months) else "ok"
