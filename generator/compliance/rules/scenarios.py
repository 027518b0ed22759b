"""Art. 7 (and 3.2(一)): risk scenarios, their measures and notification procedures."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.errors import Severity
from generator.labels import label
from generator.render import format_minutes

CATEGORIES = ("natural", "man_made", "cyber")
REPORT_KINDS = ("exchange",)


@rule(
    "TSA-7.1-scenario-categories",
    article=7,
    item="7.1",
    title="風險情境須涵蓋天然災害、人為災害與資通安全事件",
    hint="在 scenarios 為缺少的類別新增風險情境。",
)
def scenario_categories(ctx: CheckContext) -> Iterator[Hit]:
    """The firm identified scenarios of all three categories (Art. 3.2(一), 7)."""
    present = {s.category for s in ctx.firm.scenarios}
    missing = [label("scenario_category", c) for c in CATEGORIES if c not in present]
    if missing:
        record = ctx.firm.scenarios[0] if ctx.firm.scenarios else ctx.firm.firm
        yield Hit(f"風險情境缺少下列類別：{'、'.join(missing)}", record)


@rule(
    "TSA-7-scenario-measures",
    article=7,
    item="7",
    title="每個風險情境須有應變、減災及復原措施",
    hint="在情境中補上 mitigation（減災）與 recovery（復原）措施。",
)
def scenario_measures(ctx: CheckContext) -> Iterator[Hit]:
    """Each scenario has response, mitigation and recovery steps."""
    names = {"mitigation": "減災措施", "recovery": "復原措施"}
    for scenario in ctx.firm.scenarios:
        missing = [text for key, text in names.items() if not getattr(scenario, key)]
        if missing:
            yield Hit(f"風險情境「{scenario.name}」缺少{'、'.join(missing)}", scenario, "response")


@rule(
    "TSA-7-system-coverage",
    article=7,
    item="7",
    title="每套核心系統須至少納入一個風險情境的應變作業",
    hint="在相關風險情境的 systems 加入此系統。",
    severity=Severity.WARNING,
    basis="P",
)
def systems_in_scenarios(ctx: CheckContext) -> Iterator[Hit]:
    """Every core system appears in at least one scenario."""
    covered = {sid for s in ctx.firm.scenarios for sid in s.systems}
    for system in ctx.firm.core_systems():
        if system.id not in covered:
            yield Hit(f"核心系統「{system.name}」未納入任何風險情境", system)


@rule(
    "TSA-7.2-notification",
    article=7,
    item="7.2",
    title="每個風險情境須有緊急通報程序（通報對象與時限）",
    hint="在情境的 notifications 寫出通報對象（to）、時限（deadline）與方式。",
)
def scenario_notifications(ctx: CheckContext) -> Iterator[Hit]:
    """Each scenario has a notification procedure."""
    for scenario in ctx.firm.scenarios:
        if not scenario.notifications:
            yield Hit(f"風險情境「{scenario.name}」沒有緊急通報程序", scenario)


@rule(
    "TSA-7.2-cyber-channel",
    article=7,
    item="7.2",
    title="資通安全事件情境須向證交所／櫃買中心通報（證券期貨業資安事件通報平台）",
    hint="在資安情境的 notifications 加入交易所（parties 中 kind: exchange）。",
    basis="P",
)
def cyber_reporting_channel(ctx: CheckContext) -> Iterator[Hit]:
    """Cyber scenarios notify an exchange (the securities-industry reporting channel)."""
    exchanges = {p.id for p in ctx.firm.parties if p.kind in REPORT_KINDS}
    for scenario in ctx.firm.scenarios:
        reported = any(n.to in exchanges for n in scenario.notifications)
        if scenario.category == "cyber" and not reported:
            yield Hit(
                f"資通安全事件情境「{scenario.name}」未通報證交所或櫃買中心",
                scenario,
                "notifications",
            )


@rule(
    "TSA-7.2-cyber-deadline",
    article=7,
    item="7.2",
    title="資通安全事件初報時限不得超過政策值",
    hint="縮短通報時限，或調整 policy.incident_initial_report。",
    severity=Severity.WARNING,
    thresholds=("incident_initial_report",),
    basis="I",
)
def cyber_reporting_deadline(ctx: CheckContext) -> Iterator[Hit]:
    """Cyber scenarios report to the exchange within the initial-report deadline."""
    limit = ctx.policy.incident_initial_report
    exchanges = {p.id for p in ctx.firm.parties if p.kind in REPORT_KINDS}
    for scenario in ctx.firm.scenarios:
        if scenario.category != "cyber":
            continue
        for note in scenario.notifications:
            if note.to in exchanges and note.deadline > limit:
                yield Hit(
                    f"資通安全事件情境「{scenario.name}」向「{note.to}」的初報時限 "
                    f"{format_minutes(note.deadline)}，超過 {format_minutes(limit)}",
                    note,
                    "deadline",
                )
