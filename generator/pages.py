"""Decide which pages the handbook has, which template renders each, and with what data: the\ncore handbook's own pages, and every feature's section builder."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from generator.compliance.views import compliance_sections
from generator.contacts.trees import contact_sections
from generator.drills.pages import drill_sections
from generator.editions.history import edition_sections
from generator.model import FirmData, Role, System, Team
from generator.nav import (
    ARTICLE_SLUGS,
    NavLink,
    NavSection,
    PageSpec,
    SectionBuilder,
    article_title,
)
from generator.package_data import glossary_terms, rules
from generator.vendors.pages import vendor_sections


def _role_index(firm: FirmData) -> dict[str, tuple[Role, Team]]:
    return {role.id: (role, team) for team in firm.organisation.teams for role in team.roles}


def common_context(firm: FirmData, audience: str = "internal") -> dict[str, Any]:
    """Lookups every template may use; ``audience`` is "internal" or "restricted"."""
    tables: dict[str, dict[str, Any]] = {
        "people": {p.id: p for p in firm.people},
        "parties": {p.id: p for p in firm.parties},
        "roles": _role_index(firm),
        "systems": {s.id: s for s in firm.systems},
        "businesses": {b.id: b for b in firm.businesses},
        "sites": {s.id: s for s in firm.sites},
        "scenarios": {s.id: s for s in firm.scenarios},
        "vendors": {v.id: v for v in firm.vendors},
        "trees": {t.id: t for t in firm.contact_trees},
    }
    return {
        "audience": audience,
        "data": firm,
        "firm": firm.firm,
        "edition": firm.firm.edition,
        **{name: MappingProxyType(table) for name, table in tables.items()},
        "abbreviations": _abbreviations(firm),
    }


def _abbreviations(firm: FirmData) -> list[tuple[str, str]]:
    found = {}
    for term in [*glossary_terms(), *(t.model_dump() for t in firm.glossary)]:
        if term.get("abbr"):
            english = f"（{term['english']}）" if term.get("english") else ""
            found[term["abbr"]] = f"{term['term']}{english}"
    return sorted(found.items())


def system_view(firm: FirmData, system: System) -> dict[str, Any]:
    """What a recovery-procedure page needs about one system, precomputed."""
    elapsed = 0
    steps = []
    for number, step in enumerate(system.procedure, start=1):
        elapsed += step.minutes or 0
        steps.append({"number": number, "step": step, "elapsed": elapsed})
    return {
        "system": system,
        "businesses": firm.businesses_of(system.id),
        "backups": firm.backups_of(system.id),
        "steps": steps,
        "total_minutes": elapsed,
        "scenarios": [s for s in firm.scenarios if system.id in s.systems],
        "drills": [d for d in firm.drills if system.id in d.systems],
        "dependants": [s for s in firm.systems if system.id in s.depends_on],
    }


def handbook_sections(firm: FirmData, shared: Mapping[str, Any]) -> list[NavSection]:
    """The core handbook: cover, the ten articles, BIA, recovery procedures, glossary."""
    articles = [_article_page(article) for article in rules()]
    links = [NavLink(page.dest, page.title) for page in articles]
    home = PageSpec("index.md", "首頁", ["pages/home.md.j2"], {"nav_articles": links})
    bia = PageSpec("bia.md", "營運衝擊分析", ["pages/bia.md.j2"])
    systems = [
        PageSpec(
            f"systems/{s.id}.md",
            s.name,
            [f"pages/system-{s.id}.md.j2", "pages/system.md.j2"],
            system_view(firm, s),
        )
        for s in firm.core_systems()
    ]
    glossary = PageSpec(
        "glossary.md",
        "名詞解釋",
        ["pages/glossary.md.j2"],
        {"terms": glossary_terms(), "firm_terms": firm.glossary},
    )
    return [
        NavSection("", [home], order=0),
        NavSection("規範與本公司作法", articles, order=10),
        NavSection("營運衝擊分析", [bia], order=20),
        NavSection("核心系統復原程序", systems, order=30),
        NavSection("", [glossary], order=90),
    ]


# Each feature contributes its pages here; NavSection.order decides the navigation.
SECTION_BUILDERS: list[SectionBuilder] = [
    handbook_sections,
    compliance_sections,
    vendor_sections,
    drill_sections,
    contact_sections,
    edition_sections,
]


def plan(
    firm: FirmData, audience: str = "internal", extra: dict[str, Any] | None = None
) -> list[NavSection]:
    """Every generated page, grouped as the navigation shows them (as ``audience`` sees them).

    Builders give each page its own values; every page also gets the shared context (id tables,
    the firm, ``extra``…), under its own values.
    """
    shared = {
        **common_context(firm, audience),
        "downloads": [],
        "publication": None,
        **(extra or {}),
    }
    sections: list[NavSection] = []
    for build in SECTION_BUILDERS:
        sections += [_with_shared(section, shared) for section in build(firm, shared)]
    return sorted(sections, key=lambda section: section.order)


def _with_shared(section: NavSection, shared: dict[str, Any]) -> NavSection:
    pages = [
        dataclasses.replace(spec, context={**shared, **spec.context}) for spec in section.pages
    ]
    return dataclasses.replace(section, pages=pages)


def _article_page(article: dict[str, Any]) -> PageSpec:
    number = int(article["number"])
    slug = ARTICLE_SLUGS[number]
    heading = f"{article_title(number)} {article['title']}"
    return PageSpec(
        f"articles/{number:02d}-{slug}.md",
        heading,
        [f"pages/article-{number:02d}.md.j2", "pages/article.md.j2"],
        {"article": article, "heading": heading, "number": number},
    )
