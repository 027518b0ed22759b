"""Freshness: BIA review, contact verification, contracts, corrective actions, the edition."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.dates import add_months
from generator.errors import Severity

FRESHNESS_RULES = (
    "TSA-4.2-bia-review",
    "TSA-7.2-contact-stale",  # registered in contacts.py
    "TSA-9.2-contract-expired",  # registered in outsourcing.py
    "TSA-9.2-contract-expiring",
    "TSA-3.7-action-overdue",
    "TSA-3-edition-review",
)


@rule(
    "TSA-4.2-bia-review",
    article=4,
    item="4.2",
    title="核心系統的營運衝擊分析須在期間內重新檢視",
    hint="重新檢視營運衝擊分析，並更新 systems 的 bia_reviewed。",
    severity=Severity.WARNING,
    thresholds=("bia_review_months",),
    basis="P",
)
def bia_reviewed(ctx: CheckContext) -> Iterator[Hit]:
    """Each core system's BIA was reviewed within the policy period."""
    months = ctx.policy.bia_review_months
    since = ctx.months_ago(months)
    for system in ctx.firm.core_systems():
        day = system.bia_reviewed
        if day is None or day < since:
            when = f"最近一次為 {day.isoformat()}" if day else "未記錄檢視日期"
            yield Hit(
                f"核心系統「{system.name}」的營運衝擊分析超過 {months} 個月未檢視（{when}）",
                system,
                "bia_reviewed",
            )


@rule(
    "TSA-9.2-contract-expiring",
    article=9,
    item="9.2",
    title="委外契約即將到期",
    hint="啟動續約，並趁換約納入缺少的營運持續條款。",
    severity=Severity.WARNING,
    thresholds=("contract_notice_months",),
    basis="I",
)
def contract_expiring(ctx: CheckContext) -> Iterator[Hit]:
    """Vendor contracts ending within the notice period."""
    horizon = add_months(ctx.today, ctx.policy.contract_notice_months)
    for vendor in ctx.firm.vendors:
        contract = vendor.contract
        if contract and contract.end and ctx.today <= contract.end <= horizon:
            yield Hit(
                f"供應商「{vendor.name}」的契約 {contract.id} 將於 {contract.end.isoformat()} 到期",
                contract,
                "end",
            )


@rule(
    "TSA-3.7-action-overdue",
    article=3,
    item="3.2(七)",
    title="演練改善事項逾期未完成",
    hint="完成改善事項並將 status 改為 done，或經核准後調整期限。",
    severity=Severity.WARNING,
)
def actions_overdue(ctx: CheckContext) -> Iterator[Hit]:
    """Open corrective actions past their due date."""
    people = {p.id: p.name for p in ctx.firm.people}
    for drill in ctx.firm.drills:
        for finding in drill.findings:
            if finding.status == "open" and finding.due < ctx.today:
                yield Hit(
                    f"演練「{drill.title}」的改善事項「{finding.action}」已逾期"
                    f"（期限 {finding.due.isoformat()}，負責人 {people.get(finding.owner, finding.owner)}）",
                    finding,
                    "due",
                )


@rule(
    "TSA-3-edition-review",
    article=3,
    item="3.1",
    title="業務持續計畫手冊須在期間內重新核定",
    hint="檢視手冊內容並核定新版次（firm.edition）。",
    severity=Severity.WARNING,
    thresholds=("plan_review_months",),
    basis="I",
)
def edition_reviewed(ctx: CheckContext) -> Iterator[Hit]:
    """The edition in force was approved within the review period."""
    months = ctx.policy.plan_review_months
    edition = ctx.firm.firm.edition
    day = edition.approval_date
    if day is None or day < ctx.months_ago(months):
        when = f"核定日期 {day.isoformat()}" if day else "未記錄核定日期"
        yield Hit(f"手冊版次 {edition.number} 超過 {months} 個月未重新核定（{when}）", edition)
