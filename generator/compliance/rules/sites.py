"""Art. 6: the off-site DR site, its hazard zones and its supporting facilities."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.labels import label

FACILITIES = ("power", "hvac", "monitoring")


@rule("TSA-6.2-dr-site")
def dr_site_exists(ctx: CheckContext) -> Iterator[Hit]:
    """A DR site exists, and every core system's standby sites include one."""
    dr = {s.id for s in ctx.firm.sites if s.kind == "dr"}
    firm = ctx.firm.firm
    if not dr:
        yield Hit("未設置異地備援機房（sites 中沒有 kind: dr 的場所）", firm, "category")
        return
    for system in ctx.firm.core_systems():
        if system.standby.type != "none" and not dr.intersection(system.standby.standby_sites):
            yield Hit(
                f"核心系統「{system.name}」的備援場所不含異地備援機房",
                system.standby,
                "standby_sites",
            )


def _pairs(ctx: CheckContext) -> list[tuple[str, str]]:
    sites = {s.id: s for s in ctx.firm.sites}
    pairs: dict[tuple[str, str], None] = {}
    for system in ctx.firm.core_systems():
        for standby in system.standby.standby_sites:
            if standby in sites and sites[standby].kind == "dr":
                pairs[(system.standby.primary_site, standby)] = None
    return [p for p in pairs if p[0] in sites]


@rule("TSA-6.3-hazard-zones")
def hazard_zones_apart(ctx: CheckContext) -> Iterator[Hit]:
    """The DR site shares no hazard zone with the primary site of the systems it backs up."""
    sites = {s.id: s for s in ctx.firm.sites}
    for primary_id, dr_id in _pairs(ctx):
        primary, dr = sites[primary_id], sites[dr_id]
        shared = sorted(set(primary.hazard_zones) & set(dr.hazard_zones))
        if shared:
            yield Hit(
                f"異地備援機房「{dr.name}」與主機房「{primary.name}」同在災害潛勢區"
                f"「{'、'.join(shared)}」",
                dr,
                "hazard_zones",
                ((primary, "hazard_zones"),),
            )


@rule("TSA-6.3-hazard-declared")
def hazard_zones_declared(ctx: CheckContext) -> Iterator[Hit]:
    """Primary and DR sites declare their hazard zones, so overlap can be judged."""
    for site in ctx.firm.sites:
        if site.kind in ("primary", "dr") and not site.hazard_zones:
            kind = label("site_kind", site.kind)
            yield Hit(f"{kind}「{site.name}」未寫明災害潛勢區", site, "kind")


@rule("TSA-6.1-facilities")
def facilities_declared(ctx: CheckContext) -> Iterator[Hit]:
    """Primary and DR sites declare power, HVAC and monitoring."""
    for site in ctx.firm.sites:
        if site.kind not in ("primary", "dr"):
            continue
        missing = [k for k in FACILITIES if not getattr(site.facilities, k)]
        if missing:
            names = "、".join(label("facility", k) for k in missing)
            yield Hit(f"場所「{site.name}」未寫明支援設施：{names}", site, "facilities")
