"""The rule pack: importing this module registers every rule (one module per topic)."""

from __future__ import annotations

from generator.compliance.rule import RULES, CheckContext, Finding, Rule, finding, natural_key
from generator.compliance.rules import (  # noqa: F401  (importing a module registers its rules)
    backups,
    bia,
    contacts,
    drills,
    freshness,
    outsourcing,
    scenarios,
    sites,
    training,
)


def all_rules() -> list[Rule]:
    """Every registered rule, ordered by article then id."""
    return sorted(RULES, key=lambda r: (r.article, natural_key(r.id)))


def run_checks(ctx: CheckContext) -> list[Finding]:
    """Run every rule; findings sorted by file and line."""
    category = str(ctx.firm.firm.category.value)
    findings = [
        finding(ctx, r, hit, r.severity_for(category)) for r in all_rules() for hit in r.check(ctx)
    ]
    return sorted(findings, key=lambda f: (f.to_issue().sort_key(), f.rule.id))
