"""Art. 2 and 4: core businesses, core systems and their recovery targets."""

from __future__ import annotations

from collections.abc import Iterator

from generator.checks.core import CheckContext, Hit, rule
from generator.render import format_minutes


@rule(
    "TSA-2.5-system-rto",
    article=2,
    item="2.5",
    title="核心系統的 RTO 不得長於其支援之各核心業務的 RTO",
    hint="縮短系統 RTO（例如提升備援架構），或重新檢視業務 RTO。",
)
def system_rto_within_business(ctx: CheckContext) -> Iterator[Hit]:
    """Core-system RTO ≤ the RTO of every core business it supports (TWSE guideline Art. 3)."""
    for business in ctx.firm.businesses:
        for system in ctx.firm.core_systems():
            if (
                system.id in business.systems
                and system.rto is not None
                and system.rto > business.rto
            ):
                yield Hit(
                    f"核心系統「{system.name}」的 RTO（{format_minutes(system.rto)}）長於"
                    f"核心業務「{business.name}」的 RTO（{format_minutes(business.rto)}）",
                    system,
                    "rto",
                    ((business, "rto"),),
                )


@rule(
    "TSA-2.6-system-rpo",
    article=2,
    item="2.6",
    title="核心系統的 RPO 不得長於其支援之各核心業務的 RPO",
    hint="提高備份或複寫頻率以縮短系統 RPO，或重新檢視業務 RPO。",
)
def system_rpo_within_business(ctx: CheckContext) -> Iterator[Hit]:
    """Core-system RPO ≤ the RPO of every core business it supports."""
    for business in ctx.firm.businesses:
        for system in ctx.firm.core_systems():
            if (
                system.id in business.systems
                and system.rpo is not None
                and system.rpo > business.rpo
            ):
                yield Hit(
                    f"核心系統「{system.name}」的 RPO（{format_minutes(system.rpo)}）長於"
                    f"核心業務「{business.name}」的 RPO（{format_minutes(business.rpo)}）",
                    system,
                    "rpo",
                    ((business, "rpo"),),
                )
