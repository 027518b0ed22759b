"""Which pages exist and what data they get."""

from __future__ import annotations

from pathlib import Path

from generator.nav import NavSection, PageSpec, all_pages, article_title
from generator.package_data import rules
from generator.pages import plan, system_view
from generator.pipeline import load_and_validate
from tests.conftest import FIRMS


def test_rules_text_has_all_ten_articles() -> None:
    articles = rules()
    assert [a["number"] for a in articles] == list(range(1, 11))
    assert articles[5]["title"] == "機房設置規劃"
    assert any("第一類證券商應設置異地備援機房" in p for p in articles[5]["paragraphs"])


def test_article_titles() -> None:
    assert [article_title(n) for n in (1, 4, 9, 10)] == ["第一條", "第四條", "第九條", "第十條"]


def test_plan_has_home_articles_bia_core_systems_and_glossary() -> None:
    firm = load_and_validate(FIRMS / "minimal").firm
    dests = [page.dest for page in all_pages(plan(firm))]
    assert dests[0] == "index.md"
    assert sum(d.startswith("articles/") for d in dests) == 10
    assert "bia.md" in dests and "glossary.md" in dests
    assert "systems/oms.md" in dests and "systems/mail.md" not in dests
    system_page = next(p for p in all_pages(plan(firm)) if p.dest == "systems/oms.md")
    assert system_page.candidates == ["pages/system-oms.md.j2", "pages/system.md.j2"]


def test_system_view_accumulates_step_minutes(tmp_path: Path) -> None:
    firm = load_and_validate(FIRMS / "minimal").firm
    view = system_view(firm, firm.systems[0])
    assert [row["elapsed"] for row in view["steps"]] == [10, 70, 70]
    assert view["total_minutes"] == 70
    assert [b.id for b in view["businesses"]] == ["biz-order"]
    assert [b.id for b in view["backups"]] == ["bk-oms"]


def _by_dest(sections: list[NavSection]) -> dict[str, PageSpec]:
    return {page.dest: page for page in all_pages(sections)}
