"""Which pages exist and what data they get."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from generator import pages
from generator.model import FirmData
from generator.pages import (
    NavSection,
    PageSpec,
    PlanMemo,
    all_pages,
    article_title,
    plan,
    rules,
    system_view,
)
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


def test_the_plan_memo_gives_the_same_views_with_the_current_shared_context(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    firm = load_and_validate(FIRMS / "minimal").firm
    memo = PlanMemo()
    first = _by_dest(plan(firm, "internal", {"compliance": None}, memo))
    again = _by_dest(plan(firm, "internal", {"compliance": None, "marker": 1}, memo))
    assert again.keys() == first.keys()
    system, glossary = again["systems/oms.md"], again["glossary.md"]
    assert system.context["steps"] is first["systems/oms.md"].context["steps"]  # not rebuilt
    assert system.context["marker"] == glossary.context["marker"] == 1  # the shared context now
    assert again == _by_dest(plan(firm, "internal", {"compliance": None, "marker": 1}))
    monkeypatch.setenv("BCP_TODAY", "2031-01-01")  # a builder may show today's date
    later = _by_dest(plan(firm, "internal", {"compliance": None, "marker": 1}, memo))
    assert later["systems/oms.md"].context["steps"] is not system.context["steps"]


def test_the_plan_memo_runs_a_builder_again_when_a_shared_name_it_read_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def numbered(firm: FirmData, shared: Mapping[str, Any]) -> list[NavSection]:
        title = f"第 {shared['number']} 版"  # read by the builder itself
        own = {"publication": None}  # its own value wins over the shared one, even if equal
        return [NavSection("", [PageSpec("n.md", title, ["n.md.j2"], own)])]

    def listing(firm: FirmData, shared: Mapping[str, Any]) -> list[NavSection]:
        names = "、".join(sorted(shared))  # lists every shared name
        return [NavSection("", [PageSpec("all.md", names, ["all.md.j2"])])]

    monkeypatch.setattr(pages, "SECTION_BUILDERS", [numbered, listing])
    firm = load_and_validate(FIRMS / "minimal").firm
    memo = PlanMemo()
    first = _by_dest(plan(firm, extra={"number": 1}, memo=memo))
    assert first["n.md"].title == "第 1 版" and "number" in first["all.md"].title
    again = _by_dest(plan(firm, extra={"number": 2, "publication": "P", "x": 0}, memo=memo))
    assert again["n.md"].title == "第 2 版" and again["n.md"].context["publication"] is None
    assert again["n.md"].context["x"] == 0  # the shared context of this run
    assert "x" in again["all.md"].title  # a new name: the listing is made again
