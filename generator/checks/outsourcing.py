"""Art. 9: outsourced core systems — recovery commitments, drills, contract clauses, products."""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.core import CheckContext, Hit, add_months, rule
from generator.checks.drills import done_drills
from generator.errors import Severity
from generator.labels import label
from generator.model import System, Vendor
from generator.render import format_minutes

CAUSES = (
    "disaster_or_cyber",
    "equipment_failure_or_change",
    "function_or_architecture_change",
    "eol_no_support",
)


def outsourced(ctx: CheckContext) -> Iterator[tuple[Vendor, System]]:
    """Every (vendor, core system) pair where the vendor serves the system."""
    vendors = {v.id: v for v in ctx.firm.vendors}
    for system in ctx.firm.core_systems():
        ids = dict.fromkeys(
            [*system.vendors, *(v.id for v in ctx.firm.vendors if system.id in v.systems)]
        )
        for vid in ids:
            if vid in vendors:
                yield vendors[vid], system


def core_vendors(ctx: CheckContext) -> list[Vendor]:
    """Vendors serving at least one core system."""
    return list({v.id: v for v, _ in outsourced(ctx)}.values())


@rule(
    "TSA-9.1-four-causes",
    article=9,
    item="9.1",
    title="委外核心系統的供應商須就四類中斷原因提出復原承諾",
    hint="在 vendors 的 commitments 為每類原因（cause）寫出此系統的 rto 與 rpo。",
)
def four_causes(ctx: CheckContext) -> Iterator[Hit]:
    """Vendor commitments cover the four causes of Art. 9.1 for each outsourced core system."""
    for vendor, system in outsourced(ctx):
        covered = {c.cause for c in vendor.commitments if c.system == system.id}
        missing = [label("cause", c) for c in CAUSES if c not in covered]
        if missing:
            yield Hit(
                f"供應商「{vendor.name}」對核心系統「{system.name}」未承諾下列中斷原因之復原："
                + "；".join(missing),
                vendor,
                "commitments",
                ((system, "vendors"),),
            )


@rule(
    "TSA-9.1-commitment-targets",
    article=9,
    item="9.1",
    title="供應商的復原承諾須滿足系統的 RTO 與 RPO",
    hint="與供應商重新議定承諾，或重新檢視系統 RTO／RPO。",
)
def commitments_meet_targets(ctx: CheckContext) -> Iterator[Hit]:
    """Each commitment's RTO/RPO is within the system's (a missing value does not meet it)."""
    pairs = {(v.id, s.id): s for v, s in outsourced(ctx)}
    for vendor in ctx.firm.vendors:
        for c in vendor.commitments:
            system = pairs.get((vendor.id, c.system))
            if system is None:
                continue
            for name in ("rto", "rpo"):
                promised, target = getattr(c, name), getattr(system, name)
                if target is not None and (promised is None or promised > target):
                    yield Hit(
                        f"供應商「{vendor.name}」對「{system.name}」（{label('cause', c.cause)}）"
                        f"承諾的 {name.upper()}（{format_minutes(promised)}）未滿足系統 "
                        f"{name.upper()}（{format_minutes(target)}）",
                        c,
                        name,
                        ((system, name),),
                    )


@rule(
    "TSA-9.1-vendor-drill",
    article=9,
    item="9.1",
    title="委外核心系統的供應商須在演練期間內參與該系統的演練",
    hint="邀請供應商參與包含此系統的演練，並列入演練的 vendors。",
    thresholds=("drill_period_months", "drill_period_months_by_tier"),
)
def vendor_drilled(ctx: CheckContext) -> Iterator[Hit]:
    """The vendor took part in a drill of the system within the drill period."""
    months = ctx.drill_period()
    recent = done_drills(ctx, ctx.months_ago(months))
    for vendor, system in outsourced(ctx):
        if not any(vendor.id in d.vendors and system.id in d.systems for d in recent):
            yield Hit(
                f"供應商「{vendor.name}」{months} 個月內未參與核心系統「{system.name}」的演練",
                vendor,
                None,
                ((system, "vendors"),),
            )


@rule(
    "TSA-9.2-contract-clauses",
    article=9,
    item="9.2",
    title="委外契約須納入營運持續管理要求（必要條款）",
    hint="於換約或增補契約時加入缺少的條款，並在 vendors 的 clauses 記錄條次。",
    thresholds=("required_clauses",),
)
def required_clauses(ctx: CheckContext) -> Iterator[Hit]:
    """The contract of each core-system vendor carries the required BCM clauses."""
    for vendor in core_vendors(ctx):
        if vendor.contract is None:
            yield Hit(f"供應商「{vendor.name}」沒有委外契約紀錄", vendor)
            continue
        keys = {c.key for c in vendor.clauses}
        missing = [k for k in ctx.policy.required_clauses if k not in keys]
        if missing:
            yield Hit(
                f"供應商「{vendor.name}」的契約缺少必要條款：{'、'.join(missing)}",
                vendor,
                "clauses",
            )


@rule(
    "TSA-9.2-recommended-clauses",
    article=9,
    item="9.2",
    title="委外契約宜載明的其他條款",
    hint="於換約時考慮加入。",
    severity=Severity.INFO,
    thresholds=("recommended_clauses",),
    basis="I",
)
def recommended_clauses(ctx: CheckContext) -> Iterator[Hit]:
    """Recommended clauses missing from a core-system vendor's contract."""
    for vendor in core_vendors(ctx):
        keys = {c.key for c in vendor.clauses}
        missing = [k for k in ctx.policy.recommended_clauses if k not in keys]
        if vendor.contract is not None and missing:
            yield Hit(
                f"供應商「{vendor.name}」的契約未載明建議條款：{'、'.join(missing)}",
                vendor,
                "clauses",
            )


@rule(
    "TSA-9.1-end-of-support",
    article=9,
    item="9.1(四)",
    title="委外核心系統使用的產品已停止支援",
    hint="汰換或升級產品，並確認供應商的復原承諾仍可履行。",
    basis="P",
)
def products_supported(ctx: CheckContext) -> Iterator[Hit]:
    """No product of a core-system vendor is past its end of support."""
    for vendor in core_vendors(ctx):
        for product in vendor.products:
            if product.end_of_support and product.end_of_support < ctx.today:
                yield Hit(
                    f"供應商「{vendor.name}」的產品「{product.name}」已於 "
                    f"{product.end_of_support.isoformat()} 停止支援",
                    product,
                    "end_of_support",
                )


@rule(
    "TSA-9.1-eos-plan",
    article=9,
    item="9.1(四)",
    title="即將停止支援的產品須有汰換或升級計畫",
    hint="在產品的 replacement_plan 寫出汰換或升級計畫。",
    severity=Severity.WARNING,
    thresholds=("eos_warning_months",),
    basis="I",
)
def eos_plan(ctx: CheckContext) -> Iterator[Hit]:
    """Products reaching end of support within the warning period have a replacement plan."""
    months = ctx.policy.eos_warning_months
    horizon = add_months(ctx.today, months)
    for vendor in core_vendors(ctx):
        for product in vendor.products:
            end = product.end_of_support
            if end and ctx.today <= end <= horizon and not product.replacement_plan:
                yield Hit(
                    f"供應商「{vendor.name}」的產品「{product.name}」將於 {end.isoformat()} "
                    f"停止支援，尚無汰換或升級計畫",
                    product,
                    "end_of_support",
                )
