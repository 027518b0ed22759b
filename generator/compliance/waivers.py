"""Waivers: a firm accepts one rule's finding for one record, in writing, until a date."""

from __future__ import annotations

import dataclasses
import difflib

from generator.compliance.registry import all_rules
from generator.compliance.rule import CheckContext, Finding
from generator.errors import Issue, Severity, error
from generator.model import Waiver


def apply_waivers(ctx: CheckContext, findings: list[Finding]) -> tuple[list[Finding], list[Issue]]:
    """Mark findings covered by a waiver in force; report unknown, unused and expired waivers."""
    rule_ids = [r.id for r in all_rules()]
    issues: list[Issue] = []
    active: dict[tuple[str, str], Waiver] = {}
    for waiver in ctx.firm.waivers:
        where = ctx.locate(waiver, "rule")
        if waiver.rule not in rule_ids:
            close = difflib.get_close_matches(waiver.rule, rule_ids, n=1)
            hint = f"你是不是要寫「{close[0]}」？" if close else "規則代號見「檢查規則一覽」頁。"
            issues.append(
                error(
                    "waiver-unknown-rule", f"豁免引用了不存在的規則「{waiver.rule}」", where, hint
                )
            )
        elif waiver.until < ctx.today:
            issues.append(_expired(ctx, waiver))
        else:
            active[(waiver.rule, waiver.record)] = waiver
    used: set[tuple[str, str]] = set()
    result = []
    for finding in findings:
        key = (finding.rule.id, finding.record_id)
        if key in active:
            used.add(key)
            finding = dataclasses.replace(finding, waiver=active[key])
        result.append(finding)
    for key, waiver in active.items():
        if key not in used:
            issues.append(
                Issue(
                    Severity.WARNING,
                    "waiver-unused",
                    f"豁免（{waiver.rule} × {waiver.record}）沒有對應的檢查結果，可能已改善或紀錄 id 有誤",
                    ctx.locate(waiver, "record"),
                    "確認後刪除此豁免，或修正 record。",
                )
            )
    return result, issues


def _expired(ctx: CheckContext, waiver: Waiver) -> Issue:
    return Issue(
        Severity.INFO,
        "waiver-expired",
        f"豁免（{waiver.rule} × {waiver.record}）已於 {waiver.until.isoformat()} 到期，不再豁免",
        ctx.locate(waiver, "until"),
        "改善後刪除此豁免，或重新核准並延長 until。",
    )
