"""Art. 8: training and drill records of every task-force member."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.compliance.rules.drills import done_drills


@rule("TSA-8-member-records")
def member_records(ctx: CheckContext) -> Iterator[Hit]:
    """Each task-force member took part in a training or a drill within the period."""
    months = ctx.policy.training_period_months
    since = ctx.months_ago(months)
    seen = {p for t in ctx.firm.training if since <= t.date <= ctx.today for p in t.participants}
    seen |= {p for d in done_drills(ctx, since) for p in d.participants}
    people = {p.id: p for p in ctx.firm.people}
    for pid in ctx.firm.organisation.members():
        if pid not in seen and pid in people:
            yield Hit(
                f"任務編組人員「{people[pid].name}」{months} 個月內沒有訓練或演練紀錄",
                people[pid],
            )


@rule("TSA-8-training-hours")
def training_hours(ctx: CheckContext) -> Iterator[Hit]:
    """Security staff ≥ 15 h a year, other task-force members ≥ 3 h (inspection point 3)."""
    since = ctx.months_ago(12)
    hours: dict[str, float] = {}
    for session in ctx.firm.training:
        if since <= session.date <= ctx.today:
            for pid in session.participants:
                hours[pid] = hours.get(pid, 0) + session.hours
    people = {p.id: p for p in ctx.firm.people}
    security = set(ctx.firm.organisation.security_staff)
    for pid in dict.fromkeys([*ctx.firm.organisation.members(), *sorted(security)]):
        if pid not in people:
            continue
        need = (
            ctx.policy.training_hours_security
            if pid in security
            else (ctx.policy.training_hours_general)
        )
        got = hours.get(pid, 0)
        if got < need:
            kind = "資安人員" if pid in security else "任務編組人員"
            yield Hit(
                f"{kind}「{people[pid].name}」12 個月內訓練 {got:g} 小時，未達 {need:g} 小時",
                people[pid],
            )
