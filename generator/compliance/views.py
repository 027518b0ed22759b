"""The compliance pages: the 合規總覽 dashboard, per-article results and the rules reference."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.compliance.registry import all_rules
from generator.compliance.rule import Finding, Rule
from generator.compliance.rules.freshness import FRESHNESS_RULES
from generator.errors import Severity, display_path
from generator.labels import label
from generator.model import FirmData, Policy
from generator.nav import ARTICLE_SLUGS, NavSection, PageSpec, article_title
from generator.package_data import rules
from generator.render import format_minutes

STATUS = {"error": "不符合", "warning": "需注意", "ok": "符合", "none": "無自動檢查規則"}
SEVERITY_LABELS = {"error": "錯誤", "warning": "警告", "info": "提示"}


@dataclass(frozen=True)
class Row:
    """One finding as the pages show it."""

    finding: Finding
    severity: str
    rule_anchor: str
    page: str
    page_title: str
    anchor: str
    where: str


def rule_anchor(rule_id: str) -> str:
    """The heading id of a rule on the rules page: ``rule-tsa-2-5-system-rto``."""
    return "rule-" + re.sub(r"[^a-z0-9]+", "-", rule_id.lower()).strip("-")


def article_dest(number: int) -> str:
    """The page of article ``number``."""
    return f"articles/{number:02d}-{ARTICLE_SLUGS[number]}.md"


def _target(firm: FirmData, f: Finding) -> tuple[str, str, str]:
    """(page, anchor, title) of the page that shows the record a finding concerns."""
    section, rid = f.section, f.record_id
    core = {s.id: s.name for s in firm.core_systems()}
    if section == "systems" and rid in core:
        return f"systems/{rid}.md", "", f"{core[rid]}復原程序"
    if section == "backups":
        system = next((b.system for b in firm.backups if b.id == rid), "")
        if system in core:
            return f"systems/{system}.md", "backups", f"{core[system]}備份"
        return article_dest(5), "backups", article_title(5)
    if section == "sites":
        return article_dest(6), f"site-{rid}" if _dc(firm, rid) else "", article_title(6)
    if section == "scenarios":
        return article_dest(7), f"scenario-{rid}", article_title(7)
    by_section = {
        "drills": (3, "drill-records"),
        "vendors": (9, ""),
        "organisation": (4, "task-force"),
        "people": (4, "task-force"),
        "training": (8, ""),
        "businesses": (2, "core-businesses"),
    }
    number, anchor = by_section.get(section, (f.rule.article, ""))
    return article_dest(number), anchor, article_title(number)


def _dc(firm: FirmData, site_id: str) -> bool:
    return any(s.id == site_id and s.kind in ("primary", "dr") for s in firm.sites)


def _where(f: Finding, folder: str, prefix: str) -> str:
    """The finding's data location, relative to the project (e.g. ``firm_data/x.yaml:3:5``):
    ``prefix`` (the data folder as messages show it, with a slash) becomes ``folder/``."""
    if f.location is None:
        return f.section
    text = str(f.location)
    return f"{folder}/{text[len(prefix) :]}" if text.startswith(prefix) else text


def _row(firm: FirmData, f: Finding, folder: str, prefix: str) -> Row:
    page, anchor, title = _target(firm, f)
    where = _where(f, folder, prefix)
    return Row(f, str(f.severity), rule_anchor(f.rule.id), page, title, anchor, where)


def _counts(findings: list[Finding]) -> dict[str, int]:
    open_ = [f for f in findings if not f.waiver]
    counts = {str(level): sum(1 for f in open_ if f.severity is level) for level in Severity}
    counts["waived"] = sum(1 for f in findings if f.waiver)
    return counts


def _status(counts: dict[str, int], has_rules: bool) -> str:
    if counts["error"]:
        return "error"
    if counts["warning"]:
        return "warning"
    return "ok" if has_rules else "none"


def compliance_view(
    firm: FirmData, findings: list[Finding], today: dt.date, data_dir: Path
) -> dict[str, Any]:
    """Everything the dashboard and the article pages show, precomputed."""
    pack = all_rules()
    prefix = display_path(data_dir).rstrip("/") + "/"  # once: it resolves both paths on disk
    rows = [_row(firm, f, data_dir.name, prefix) for f in findings]
    articles = []
    for article in rules():
        number = int(article["number"])
        mine = [f for f in findings if f.rule.article == number]
        counts = _counts(mine)
        has_rules = any(r.article == number for r in pack)
        articles.append(
            {
                "number": number,
                "title": f"{article_title(number)} {article['title']}",
                "dest": article_dest(number),
                "rules": [r for r in pack if r.article == number],
                "counts": counts,
                "status": _status(counts, has_rules),
                "rows": [r for r in rows if r.finding.rule.article == number],
            }
        )
    return {
        "today": today,
        "category": firm.firm.category.value,
        "counts": _counts(findings),
        "articles": articles,
        "rows": rows,
        "freshness": [r for r in rows if r.finding.rule.id in FRESHNESS_RULES],
        "freshness_rules": [r for r in pack if r.id in FRESHNESS_RULES],
        "open_actions": _open_actions(firm),
        "waivers": _waivers(firm, findings, today),
        "status_labels": STATUS,
        "severity_labels": SEVERITY_LABELS,
    }


def _open_actions(firm: FirmData) -> list[dict[str, Any]]:
    people = {p.id: p.name for p in firm.people}
    found = [
        {"drill": d, "finding": f, "owner": people.get(f.owner, f.owner)}
        for d in firm.drills
        for f in d.findings
        if f.status == "open"
    ]
    return sorted(found, key=lambda a: a["finding"].due)


def _waivers(firm: FirmData, findings: list[Finding], today: dt.date) -> list[dict[str, Any]]:
    out = []
    for waiver in firm.waivers:
        used = sum(1 for f in findings if f.waiver is not None and f.waiver == waiver)
        state = "expired" if waiver.until < today else ("active" if used else "unused")
        out.append(
            {"waiver": waiver, "state": state, "used": used, "anchor": rule_anchor(waiver.rule)}
        )
    return out


MINUTE_FIELDS = ("incident_initial_report", "standby_best_rto")


def policy_text(policy: Policy, name: str) -> str:
    """A policy threshold as the firm set it, e.g. 「12」「30 分鐘」「hot 15 分鐘、warm 4 小時」."""
    value = getattr(policy, name)
    if isinstance(value, dict) and name == "standby_best_rto":
        return "、".join(f"{label('standby', k)} {format_minutes(v)}" for k, v in value.items())
    if isinstance(value, dict):
        return "、".join(f"第{k}級 {v} 個月" for k, v in value.items()) or "未設定"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if name in MINUTE_FIELDS:
        return format_minutes(value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def rule_rows(pack: list[Rule], policy: Policy) -> list[dict[str, Any]]:
    """The rule pack grouped by article, for the rules reference page."""
    grouped = []
    for article in rules():
        number = int(article["number"])
        mine = [r for r in pack if r.article == number]
        if mine:
            grouped.append(
                {
                    "number": number,
                    "title": f"{article_title(number)} {article['title']}",
                    "dest": article_dest(number),
                    "rules": [
                        {
                            "rule": r,
                            "anchor": rule_anchor(r.id),
                            "thresholds": [(t, policy_text(policy, t)) for t in r.thresholds],
                        }
                        for r in mine
                    ],
                }
            )
    return grouped


def compliance_sections(firm: FirmData, shared: Mapping[str, Any]) -> list[NavSection]:
    """合規總覽 (order 5, right after the cover) and 檢查規則一覽 (order 95, after the glossary)."""
    sections = []
    if "compliance" in shared:
        dashboard = PageSpec("compliance.md", "合規總覽", ["pages/compliance.md.j2"])
        sections.append(NavSection("", [dashboard], order=5))
    reference = PageSpec(
        "rules.md",
        "檢查規則一覽",
        ["pages/rules.md.j2"],
        {"rule_groups": rule_rows(all_rules(), firm.firm.policy)},
    )
    sections.append(NavSection("", [reference], order=95))
    return sections
