"""Art. 3: drills — coverage of core systems and scenario categories, preparation, review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.labels import label
from generator.model import Drill, DrillResult, System
from generator.render import format_minutes

SYSTEM_DRILLS = ("failover_same_site", "failover_offsite", "restore_same_site", "restore_offsite")
CATEGORIES = ("natural", "man_made", "cyber")


def done_drills(ctx: CheckContext, since: dt.date | None = None) -> list[Drill]:
    """Drills held (status done) on or before today, and on or after ``since`` if given."""
    return [
        d
        for d in ctx.firm.drills
        if d.status == "done" and d.date <= ctx.today and (since is None or since <= d.date)
    ]


@rule("TSA-3.5-system-drilled")
def core_systems_drilled(ctx: CheckContext) -> Iterator[Hit]:
    """Every core system took part in a failover or restore drill within the drill period."""
    months = ctx.drill_period()
    recent = [d for d in done_drills(ctx, ctx.months_ago(months)) if d.type in SYSTEM_DRILLS]
    drilled = {sid for d in recent for sid in d.systems}
    for system in ctx.firm.core_systems():
        if system.id not in drilled:
            yield Hit(f"核心系統「{system.name}」{months} 個月內沒有完成的備援或回存演練", system)


@rule("TSA-3.2-category-rotation")
def categories_drilled(ctx: CheckContext) -> Iterator[Hit]:
    """Each scenario category was drilled within the rotation cycle."""
    years = ctx.policy.scenario_rotation_years
    scenarios = {s.id: s for s in ctx.firm.scenarios}
    recent = done_drills(ctx, ctx.months_ago(12 * years))
    drilled = {scenarios[d.scenario].category for d in recent if d.scenario in scenarios}
    for category in CATEGORIES:
        first = next((s for s in ctx.firm.scenarios if s.category == category), None)
        if first is not None and category not in drilled:
            yield Hit(
                f"{label('scenario_category', category)}類情境 {years} 年內沒有完成的演練",
                first,
                "category",
            )


@rule("TSA-3.3-drill-risks")
def drill_risks_recorded(ctx: CheckContext) -> Iterator[Hit]:
    """Failover and restore drills (not cancelled) record pre-drill risks and protections."""
    for drill in ctx.firm.drills:
        if drill.type in SYSTEM_DRILLS and drill.status != "cancelled" and not drill.risks:
            yield Hit(f"演練「{drill.title}」未記錄事前辨識的風險及保護措施", drill, "type")


@rule("TSA-3.6-business-verification")
def offsite_business_verified(ctx: CheckContext) -> Iterator[Hit]:
    """Off-site failover drills held include actual business verification."""
    for drill in done_drills(ctx):
        if drill.type == "failover_offsite" and not (
            drill.review and drill.review.business_verified
        ):
            yield Hit(f"異地系統備援演練「{drill.title}」未納入實際業務運作驗證", drill, "review")


@rule("TSA-3.7-review-meeting")
def review_held(ctx: CheckContext) -> Iterator[Hit]:
    """Every drill held has a review meeting on record."""
    for drill in done_drills(ctx):
        if drill.review is None:
            yield Hit(f"演練「{drill.title}」沒有檢討會議紀錄", drill, "status")


@rule("TSA-3.7-review-window")
def review_in_time(ctx: CheckContext) -> Iterator[Hit]:
    """The review meeting is held within the policy window after the drill."""
    window = ctx.policy.review_window_days
    for drill in done_drills(ctx):
        review = drill.review
        if review is None:
            continue
        days = (review.date - drill.date).days
        if days < 0 or days > window:
            yield Hit(
                f"演練「{drill.title}」的檢討會議在演練後 {days} 天召開（期限 {window} 天）",
                review,
                "date",
                ((drill, "date"),),
            )


@rule("TSA-3.7-results-recorded")
def results_recorded(ctx: CheckContext) -> Iterator[Hit]:
    """Failover and restore drills held record recovery time and data loss for each system."""
    for drill in done_drills(ctx):
        if drill.type not in SYSTEM_DRILLS:
            continue
        results = {r.system: r for r in drill.results}
        for sid in drill.systems:
            result = results.get(sid)
            if result is None or result.recovery_time is None or result.data_loss is None:
                yield Hit(
                    f"演練「{drill.title}」未記錄系統「{sid}」的實際復原時間或資料損失",
                    result or drill,
                    None if result else "results",
                )


def _misses(ctx: CheckContext) -> Iterator[tuple[Drill, DrillResult, System, str]]:
    systems = {s.id: s for s in ctx.firm.systems}
    for drill in done_drills(ctx):
        for result in drill.results:
            system = systems.get(result.system)
            if system is None:
                continue
            if system.rto is not None and (result.recovery_time or 0) > system.rto:
                yield drill, result, system, "rto"
            if system.rpo is not None and (result.data_loss or 0) > system.rpo:
                yield drill, result, system, "rpo"


def _miss_text(result: DrillResult, system: System, target: str) -> str:
    if target == "rto":
        return (
            f"實際復原時間 {format_minutes(result.recovery_time)} 超過 RTO "
            f"{format_minutes(system.rto)}"
        )
    return f"實際資料損失 {format_minutes(result.data_loss)} 超過 RPO {format_minutes(system.rpo)}"


@rule("TSA-3.7-target-missed")
def target_missed_with_action(ctx: CheckContext) -> Iterator[Hit]:
    """A drill result beyond RTO/RPO that has corrective actions: shown for the record."""
    for drill, result, system, target in _misses(ctx):
        if drill.findings:
            states = "、".join(label("finding_status", f.status) for f in drill.findings)
            yield Hit(
                f"演練「{drill.title}」中系統「{system.name}」{_miss_text(result, system, target)}"
                f"；已列改善事項（{states}）",
                result,
                "recovery_time" if target == "rto" else "data_loss",
                ((system, target),),
            )


@rule("TSA-3.7-miss-action")
def target_missed_without_action(ctx: CheckContext) -> Iterator[Hit]:
    """A drill result beyond RTO/RPO without any corrective action."""
    for drill, result, system, target in _misses(ctx):
        if not drill.findings:
            yield Hit(
                f"演練「{drill.title}」中系統「{system.name}」{_miss_text(result, system, target)}"
                "，但沒有改善事項",
                result,
                "recovery_time" if target == "rto" else "data_loss",
                ((system, target),),
            )


@rule("TSA-3.4-procedure")
def core_procedure(ctx: CheckContext) -> Iterator[Hit]:
    """Every core system has a recovery procedure that drills can verify."""
    for system in ctx.firm.core_systems():
        if not system.procedure:
            yield Hit(f"核心系統「{system.name}」沒有復原程序", system)


@rule("TSA-3.4-procedure-time")
def procedure_within_rto(ctx: CheckContext) -> Iterator[Hit]:
    """The recovery procedure's estimated minutes add up to no more than the RTO."""
    for system in ctx.firm.core_systems():
        total = sum(step.minutes or 0 for step in system.procedure)
        if system.rto is not None and total > system.rto:
            yield Hit(
                f"核心系統「{system.name}」復原程序預估合計 {format_minutes(total)}，"
                f"超過 RTO（{format_minutes(system.rto)}）",
                system,
                "procedure",
                ((system, "rto"),),
            )
