"""Art. 2 and 4: category, core businesses, core systems, their targets and the task force."""

from __future__ import annotations

from collections.abc import Iterator

from generator.compliance.rule import CheckContext, Hit, rule
from generator.model import RoleKind
from generator.render import format_minutes


def _longer_than_business(ctx: CheckContext, target: str) -> Iterator[Hit]:
    """Core systems whose ``target`` (rto or rpo) is longer than that of a business they support."""
    label = target.upper()
    for business in ctx.firm.businesses:
        for system in ctx.firm.core_systems():
            mine, theirs = getattr(system, target), getattr(business, target)
            if system.id in business.systems and mine is not None and mine > theirs:
                yield Hit(
                    f"核心系統「{system.name}」的 {label}（{format_minutes(mine)}）長於"
                    f"核心業務「{business.name}」的 {label}（{format_minutes(theirs)}）",
                    system,
                    target,
                    ((business, target),),
                )


@rule("TSA-2.5-system-rto")
def system_rto_within_business(ctx: CheckContext) -> Iterator[Hit]:
    """Core-system RTO ≤ the RTO of every core business it supports (TWSE guideline Art. 3)."""
    return _longer_than_business(ctx, "rto")


@rule("TSA-2.6-system-rpo")
def system_rpo_within_business(ctx: CheckContext) -> Iterator[Hit]:
    """Core-system RPO ≤ the RPO of every core business it supports."""
    return _longer_than_business(ctx, "rpo")


@rule("TSA-2.7-business-rto-mtpd")
def business_rto_within_mtpd(ctx: CheckContext) -> Iterator[Hit]:
    """Business RTO ≤ MTPD (inferred: an RTO beyond the tolerable interruption is meaningless)."""
    for business in ctx.firm.businesses:
        if business.rto > business.mtpd:
            yield Hit(
                f"核心業務「{business.name}」的 RTO（{format_minutes(business.rto)}）長於"
                f"其 MTPD（{format_minutes(business.mtpd)}）",
                business,
                "rto",
                ((business, "mtpd"),),
            )


@rule("TSA-2.7-minimum-service-level")
def minimum_service_level(ctx: CheckContext) -> Iterator[Hit]:
    """Each core business names its minimum acceptable service level."""
    for business in ctx.firm.businesses:
        if not business.minimum_service_level:
            yield Hit(f"核心業務「{business.name}」未訂定最小可接受服務水準", business)


@rule("TSA-4.1-business-systems")
def business_names_core_systems(ctx: CheckContext) -> Iterator[Hit]:
    """Every core business names at least one core system."""
    core = {s.id for s in ctx.firm.core_systems()}
    for business in ctx.firm.businesses:
        if not core.intersection(business.systems):
            yield Hit(f"核心業務「{business.name}」未列出任何核心系統", business, "systems")


@rule("TSA-4.1-core-system-business")
def core_system_supports_business(ctx: CheckContext) -> Iterator[Hit]:
    """Every core system supports a core business (TWSE guideline definitions)."""
    for system in ctx.firm.core_systems():
        if not ctx.firm.businesses_of(system.id):
            yield Hit(f"核心系統「{system.name}」未支援任何核心業務", system, "core")


@rule("TSA-4.2-system-targets")
def core_system_targets(ctx: CheckContext) -> Iterator[Hit]:
    """Core systems carry RTO and RPO, the basis of recovery and backup planning."""
    for system in ctx.firm.core_systems():
        missing = [name for name in ("rto", "rpo") if getattr(system, name) is None]
        if missing:
            names = "、".join(m.upper() for m in missing)
            yield Hit(f"核心系統「{system.name}」未訂定 {names}", system)


@rule("TSA-4.2-bia-impacts")
def core_system_impacts(ctx: CheckContext) -> Iterator[Hit]:
    """Core systems have BIA impacts."""
    for system in ctx.firm.core_systems():
        if not system.impacts:
            yield Hit(f"核心系統「{system.name}」沒有營運衝擊分析（impacts）", system)


@rule("TSA-2.8-category-ciso")
def category_matches_ciso(ctx: CheckContext) -> Iterator[Hit]:
    """A CISO makes a firm 第一類; a 第一類 firm names its CISO and rank (R-CAT-02)."""
    firm = ctx.firm.firm
    category = firm.category.value
    if firm.ciso.appointed and category == "2":
        yield Hit(
            "已指派資訊安全長，但類別申報為第二類證券商", firm, "category", ((firm.ciso, None),)
        )
    if category == "1" and not firm.ciso.appointed:
        yield Hit("申報為第一類證券商，但未指派資訊安全長", firm.ciso, "appointed")
    if category == "1" and firm.ciso.appointed and not (firm.ciso.person and firm.ciso.rank):
        yield Hit("第一類證券商須寫明資訊安全長（person）及其職級（rank）", firm.ciso)


@rule("TSA-2.10-parent-standard")
def parent_standard_declared(ctx: CheckContext) -> Iterator[Hit]:
    """Foreign firms following the parent's rules name them and state why they are better."""
    firm = ctx.firm.firm
    standard = firm.parent_standard
    used = firm.category.value == "foreign" and standard is not None and standard.used
    if used and standard is not None and not (standard.name and standard.equivalence):
        yield Hit("外國證券商依循母集團規範，但未寫明規範名稱或較佳之說明", standard)


REQUIRED_ROLES = {
    RoleKind.COMMANDER: "召集人",
    RoleKind.IT_RECOVERY: "資訊復原負責人",
    RoleKind.BUSINESS_RECOVERY: "業務復原負責人",
    RoleKind.COMMUNICATIONS: "通報聯絡窗口",
}


@rule("TSA-4-task-force-roles")
def task_force_roles(ctx: CheckContext) -> Iterator[Hit]:
    """The task force defines the four key roles (R-ORG-01); deputies: TSA-4.0-role-deputy."""
    organisation = ctx.firm.organisation
    roles = ctx.firm.roles()
    for kind, name in REQUIRED_ROLES.items():
        if not any(r.kind is kind for r in roles):
            yield Hit(f"任務編組沒有{name}（kind: {kind.value}）", organisation, "teams")
