"""Freshness: BIA review, contact verification, contracts, corrective actions, the edition."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.dates import add_months

FRESHNESS_RULES = (
    "TSA-4.2-bia-review",
    "TSA-7.2-contact-stale",  # registered in contacts.py
    "TSA-9.2-contract-expired",  # registered in outsourcing.py
    "TSA-9.2-contract-expiring",
    "TSA-3.7-action-overdue",
    "TSA-3-edition-review",
)


@rule("TSA-4.2-bia-review")
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


@rule("TSA-9.2-contract-expiring")
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


@rule("TSA-3.7-action-overdue")
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


@rule("TSA-3-edition-review")
def edition_reviewed(ctx: CheckContext) -> Iterator[Hit]:
    """The edition in force was approved within the review period."""
    months = ctx.policy.plan_review_months
    edition = ctx.firm.firm.edition
    day = edition.approval_date
    if day is None or day < ctx.months_ago(months):
        when = f"核定日期 {day.isoformat()}" if day else "未記錄核定日期"
        yield Hit(f"手冊版次 {edition.number} 超過 {months} 個月未重新核定（{when}）", edition)
