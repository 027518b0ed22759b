"""Art. 7 (and 3.2(一)): risk scenarios, their measures and notification procedures."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.labels import label
from generator.render import format_minutes

CATEGORIES = ("natural", "man_made", "cyber")
REPORT_KINDS = ("exchange",)


@rule("TSA-7.1-scenario-categories")
def scenario_categories(ctx: CheckContext) -> Iterator[Hit]:
    """The firm identified scenarios of all three categories (Art. 3.2(一), 7)."""
    present = {s.category for s in ctx.firm.scenarios}
    missing = [label("scenario_category", c) for c in CATEGORIES if c not in present]
    if missing:
        record = ctx.firm.scenarios[0] if ctx.firm.scenarios else ctx.firm.firm
        yield Hit(f"風險情境缺少下列類別：{'、'.join(missing)}", record)


@rule("TSA-7-scenario-measures")
def scenario_measures(ctx: CheckContext) -> Iterator[Hit]:
    """Each scenario has response, mitigation and recovery steps."""
    names = {"mitigation": "減災措施", "recovery": "復原措施"}
    for scenario in ctx.firm.scenarios:
        missing = [text for key, text in names.items() if not getattr(scenario, key)]
        if missing:
            yield Hit(f"風險情境「{scenario.name}」缺少{'、'.join(missing)}", scenario, "response")


@rule("TSA-7-system-coverage")
def systems_in_scenarios(ctx: CheckContext) -> Iterator[Hit]:
    """Every core system appears in at least one scenario."""
    covered = {sid for s in ctx.firm.scenarios for sid in s.systems}
    for system in ctx.firm.core_systems():
        if system.id not in covered:
            yield Hit(f"核心系統「{system.name}」未納入任何風險情境", system)


@rule("TSA-7.2-notification")
def scenario_notifications(ctx: CheckContext) -> Iterator[Hit]:
    """Each scenario has a notification procedure."""
    for scenario in ctx.firm.scenarios:
        if not scenario.notifications:
            yield Hit(f"風險情境「{scenario.name}」沒有緊急通報程序", scenario)


@rule("TSA-7.2-cyber-channel")
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


@rule("TSA-7.2-cyber-deadline")
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
