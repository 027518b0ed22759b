"""Machine-readable check reports: JSON (schema in generator/data/check-report.schema.json), SARIF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from generator import __version__
from generator.compliance.registry import all_rules
from generator.compliance.rule import Finding, Rule
from generator.errors import Issue, Location, Severity

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _loc(location: Location | None) -> dict[str, Any] | None:
    if location is None:
        return None
    return {"path": location.path, "line": location.line, "column": location.column}


def rule_json(r: Rule) -> dict[str, Any]:
    """One rule of the pack as JSON."""
    return {
        "id": r.id,
        "article": r.article,
        "item": r.item,
        "title": r.title,
        "hint": r.hint,
        "severity": {cat: str(level) for cat, level in r.severity.items()},
        "thresholds": list(r.thresholds),
        "basis": r.basis,
    }


def finding_json(f: Finding) -> dict[str, Any]:
    """One finding as JSON."""
    waiver = None
    if f.waiver:
        waiver = {
            "reason": f.waiver.reason,
            "approved_by": f.waiver.approved_by,
            "until": f.waiver.until.isoformat(),
        }
    return {
        "rule": f.rule.id,
        "article": f.rule.article,
        "item": f.rule.item,
        "severity": str(f.severity),
        "effective_severity": str(f.counted_severity),
        "message": f.message,
        "hint": f.rule.hint,
        "location": _loc(f.location),
        "related": [_loc(r) for r in f.related],
        "record": {"section": f.section, "id": f.record_id},
        "waiver": waiver,
    }


def issue_json(i: Issue) -> dict[str, Any]:
    """A data issue (not a rule finding) as JSON."""
    return {
        "code": i.code,
        "severity": str(i.severity),
        "message": i.message,
        "hint": i.hint,
        "location": _loc(i.location),
        "related": [_loc(r) for r in i.related],
    }


def summary(findings: Sequence[Finding], issues: Sequence[Issue]) -> dict[str, int]:
    """Counts by effective severity (waived findings counted apart)."""
    levels = [f.counted_severity for f in findings if not f.waiver]
    levels += [i.severity for i in issues]
    return {
        "errors": levels.count(Severity.ERROR),
        "warnings": levels.count(Severity.WARNING),
        "infos": levels.count(Severity.INFO),
        "waived": sum(1 for f in findings if f.waiver),
    }


def json_report(
    data_dir: str,
    today: dt.date,
    findings: Sequence[Finding],
    issues: Sequence[Issue],
    firm: dict[str, str] | None,
) -> dict[str, Any]:
    """The whole ``handbook check --format json`` document."""
    return {
        "schema_version": 1,
        "tool": {"name": "handbook", "version": __version__},
        "data_dir": data_dir,
        "checked_on": today.isoformat(),
        "firm": firm,
        "summary": summary(findings, issues),
        "findings": [finding_json(f) for f in findings],
        "issues": [issue_json(i) for i in issues],
        "rules": [rule_json(r) for r in all_rules()],
    }


def _physical(location: Location) -> dict[str, Any]:
    region: dict[str, int] = {}
    if location.line:
        region["startLine"] = location.line
        if location.column:
            region["startColumn"] = location.column
    physical: dict[str, Any] = {"artifactLocation": {"uri": location.path}}
    if region:
        physical["region"] = region
    return physical


def _result(code: str, index: int, level: Severity, message: str, issue: Issue) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": code,
        "ruleIndex": index,
        "level": SARIF_LEVELS[level],
        "message": {"text": message},
    }
    if issue.location:
        result["locations"] = [{"physicalLocation": _physical(issue.location)}]
    if issue.related:
        result["relatedLocations"] = [
            {"id": n, "physicalLocation": _physical(loc), "message": {"text": "另見"}}
            for n, loc in enumerate(issue.related, start=1)
        ]
    return result


def sarif_report(findings: Sequence[Finding], issues: Sequence[Issue]) -> dict[str, Any]:
    """The check as a SARIF 2.1.0 log: one run, the rule pack as the driver's rules."""
    rules = all_rules()
    descriptors = [_descriptor(r) for r in rules]
    index = {r.id: n for n, r in enumerate(rules)}
    results = []
    for f in findings:
        result = _result(f.rule.id, index[f.rule.id], f.severity, f.message, f.to_issue())
        if f.waiver:
            result["suppressions"] = [
                {
                    "kind": "external",
                    "status": "accepted",
                    "justification": f"{f.waiver.reason}（核准：{f.waiver.approved_by}，"
                    f"期限 {f.waiver.until.isoformat()}）",
                }
            ]
        results.append(result)
    for issue in issues:
        if issue.code not in index:
            index[issue.code] = len(descriptors)
            descriptors.append({"id": issue.code, "shortDescription": {"text": issue.code}})
        results.append(_result(issue.code, index[issue.code], issue.severity, issue.message, issue))
    driver = {
        "name": "handbook",
        "version": __version__,
        "rules": descriptors,
    }
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _descriptor(r: Rule) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.id.replace(".", "_").replace("-", "_"),
        "shortDescription": {"text": r.title},
        "help": {"text": r.hint},
        "defaultConfiguration": {"level": SARIF_LEVELS[r.severity["1"]]},
        "properties": {
            "article": r.article,
            "item": r.item,
            "basis": r.basis,
            "thresholds": list(r.thresholds),
            "severityByCategory": {cat: str(level) for cat, level in r.severity.items()},
        },
    }
