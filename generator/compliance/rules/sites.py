"""Art. 6: the off-site DR site, its hazard zones and its supporting facilities."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.errors import Severity
from generator.labels import label

CAT1_ONLY = {"1": Severity.ERROR, "2": Severity.INFO, "foreign": Severity.INFO}
FACILITIES = ("power", "hvac", "monitoring")


@rule(
    "TSA-6.2-dr-site",
    article=6,
    item="6.2",
    title="第一類證券商應設置異地備援機房，核心系統須以之為備援場所",
    hint="在 sites 新增 kind: dr 的異地備援機房，並列入核心系統的 standby_sites。",
    severity=CAT1_ONLY,
)
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


@rule(
    "TSA-6.3-hazard-zones",
    article=6,
    item="6.3",
    title="異地備援機房與主機房不可位於同一災害潛勢區",
    hint="選擇不受同一災難影響的備援地點，或修正 hazard_zones。",
    severity=CAT1_ONLY,
)
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


@rule(
    "TSA-6.3-hazard-declared",
    article=6,
    item="6.3",
    title="主機房與異地備援機房須寫明所在之災害潛勢區",
    hint="在 sites 的 hazard_zones 列出場所所在的災害潛勢區（地震、淹水、坡地等）。",
    severity=Severity.WARNING,
    basis="P",
)
def hazard_zones_declared(ctx: CheckContext) -> Iterator[Hit]:
    """Primary and DR sites declare their hazard zones, so overlap can be judged."""
    for site in ctx.firm.sites:
        if site.kind in ("primary", "dr") and not site.hazard_zones:
            kind = label("site_kind", site.kind)
            yield Hit(f"{kind}「{site.name}」未寫明災害潛勢區", site, "kind")


@rule(
    "TSA-6.1-facilities",
    article=6,
    item="6.1",
    title="主機房與備援機房須寫明電力供給、空調配置、環境監控與告警等支援設施",
    hint="在 sites 的 facilities 填寫 power、hvac、monitoring。",
    severity=Severity.WARNING,
)
def facilities_declared(ctx: CheckContext) -> Iterator[Hit]:
    """Primary and DR sites declare power, HVAC and monitoring."""
    for site in ctx.firm.sites:
        if site.kind not in ("primary", "dr"):
            continue
        missing = [k for k in FACILITIES if not getattr(site.facilities, k)]
        if missing:
            names = "、".join(label("facility", k) for k in missing)
            yield Hit(f"場所「{site.name}」未寫明支援設施：{names}", site, "facilities")
