"""Outsourcing pages: vendor pages, the overview, the checklists (and their A4 printout)."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.dates import add_months
from generator.model import Contract, Product, Vendor
from generator.pipeline import load_and_validate
from generator.vendors.contracts import (
    cite,
    compare,
    contract_state,
    eos_state,
    supported_systems,
)
from tests.checks.test_outsourcing import VENDORS, edit
from tests.printing import is_a4, page_texts, print_to_pdf

FIRM_CLAUSE_TITLE = "服務水準協議（SLA）及未達成之罰則"


def catalogue_titles(project: Path) -> list[str]:
    from generator.vendors.contracts import shipped_catalogue

    return [c.title for c in shipped_catalogue()] + [FIRM_CLAUSE_TITLE]


def read(project: Path, page: str) -> str:
    return (project / "build" / "docs" / page).read_text(encoding="utf-8")


@pytest.fixture
def example_docs(example_project: Path, run_cli: Callable[..., Any]) -> Path:
    assert run_cli("generate", cwd=example_project).exit_code == 0
    return example_project


@pytest.fixture
def vendor_project(minimal_project: Path) -> Path:
    (minimal_project / "firm_data" / "vendors.yaml").write_text(VENDORS, encoding="utf-8")
    edit(minimal_project, "drills.yaml", "  status: done", "  vendors: [acme]\n  status: done")
    return minimal_project


def table_rows(markdown: str, heading_id: str, nth: int = 0) -> list[list[str]]:
    """The body rows of the ``nth`` table after the heading with ``{ #heading_id }``."""
    section = markdown.split(f"{{ #{heading_id} }}", 1)[1]
    tables: list[list[list[str]]] = []
    previous = ""
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("| ---"):
            if not previous.startswith("|"):
                tables.append([])
            tables[-1].append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
        previous = line
    return tables[nth][1:]


def test_blank_checklist_lists_every_catalogue_clause_exactly_once(example_docs: Path) -> None:
    page = read(example_docs, "vendors/checklists/new-contract.md")
    rows = table_rows(page, "checklist", nth=1)
    titles = catalogue_titles(example_docs)
    assert [row[1] for row in rows] == titles
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(titles) + 1)]
    for title in titles:
        assert page.count(title) == 1, title
    for row in rows:
        assert row[5] == "☐ 已納入<br>☐ 缺漏<br>☐ 不適用"
    assert page.count("日期：　　年　　月　　日") == 4  # the signature lines


def test_huiliu_page_shows_its_clause_gaps(example_docs: Path) -> None:
    page = read(example_docs, "vendors/huiliu.md")
    assert '!!! warning "待改善事項"' in page
    assert (
        "    - 缺少必要條款「產品生命週期結束或不再提供技術協助之復原水準」"
        "（第九條第一款第(四)目）：改善中，預定 民國116年3月31日 前" in page
    )
    assert "    - 缺少建議條款「契約終止之移轉協助」" in page
    clauses = {row[0]: row for row in table_rows(page, "clauses")}
    assert clauses["契約終止之移轉協助"][3:] == ["**缺漏**", "契約未約定"]
    assert clauses["營運持續管理要求納入契約"][3:] == ["已納入", "第4條"]
    assert clauses[FIRM_CLAUSE_TITLE][2:] == ["建議", "已納入", "附件二"]
    assert "已納入 11 項／應納入 13 項" in page


def test_vendor_page_sections(example_docs: Path) -> None:
    page = read(example_docs, "vendors/dingyue.md")
    assert "待改善事項" not in page
    systems = table_rows(page, "systems")
    assert systems[0] == ["[委託下單系統](../systems/oms.md)", "是", "30 分鐘", "0 分鐘"]
    commitments = table_rows(page, "commitments")
    assert len(commitments) == 16  # four causes × four core systems
    assert {row[-1] for row in commitments} == {"符合"}
    assert [r[1] for r in table_rows(page, "summary") if r[0] == "契約編號"] == ["CX-IT-2024-017"]
    products = table_rows(page, "products")
    assert products[0][:3] == ["鼎岳 TX-Core 委託下單核心", "8.2", "民國118年12月31日"]
    drills = table_rows(page, "drills")
    assert all(row[2] == "配合本公司演練" for row in drills) and len(drills) >= 5
    contacts = table_rows(page, "contacts")
    assert contacts[0][:3] == [
        "陳柏宇",
        "專案經理",
        '公務 <span class="bcp-tel">02-2655-0101</span>',
    ]
    assert "0933-000-101" not in page  # private numbers stay off the intranet copy


def test_not_applicable_clause_shows_its_reason(example_docs: Path) -> None:
    page = read(example_docs, "vendors/anxin-vault.md")
    clauses = {row[0]: row for row in table_rows(page, "clauses")}
    row = clauses["系統功能調整或重大架構變更之復原水準"]
    assert row[3:] == ["不適用", "僅提供備份媒體保管及運送，不涉及系統功能或架構"]


def test_overview_lists_every_vendor_with_coverage_and_gaps(example_docs: Path) -> None:
    page = read(example_docs, "vendors/index.md")
    rows = {row[0]: row for row in table_rows(page, "vendor-table")}
    assert len(rows) == 8
    huiliu = rows["[匯流資訊股份有限公司](huiliu.md)"]
    assert huiliu[3] == "11／13"
    assert (
        huiliu[4] == "**產品生命週期結束或不再提供技術協助之復原水準**、契約終止之移轉協助（建議）"
    )
    assert huiliu[5] == "均符合"
    assert huiliu[7] == "民國115年8月22日"  # the last drill done by 2026-09-21
    dingyue = rows["[鼎岳資訊股份有限公司](dingyue.md)"]
    assert dingyue[3:6] == ["13／13", "無", "均符合"]
    matrix = table_rows(page, "clause-matrix")
    assert len(matrix) == len(catalogue_titles(example_docs))


def test_vendor_page_shows_unmet_and_unstated_commitments(
    vendor_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(vendor_project, "vendors.yaml", "rto: 2h, rpo: 0}", "rto: 3h, rpo: 0}")
    edit(
        vendor_project,
        "vendors.yaml",
        "  - {cause: disaster_or_cyber, system: oms, rto: 1h, rpo: 0}\n",
        "",
    )
    result = run_cli("generate", cwd=vendor_project)
    assert result.exit_code == 0  # findings are reported; the pages show them
    assert "error[TSA-9.1-commitment-rto-rpo]" in result.stderr
    page = read(vendor_project, "vendors/acme.md")
    rows = {row[0]: row for row in table_rows(page, "commitments")}
    assert rows["天然災害、人為災害與資通訊安全事件"][2:] == [
        "未載明",
        "2 小時",
        "未載明",
        "0 分鐘",
        "**未載明**",
    ]
    assert rows["產品生命週期結束且不再提供技術協助"][2:] == [
        "3 小時",
        "2 小時",
        "0 分鐘",
        "0 分鐘",
        "**未符合**",
    ]
    assert "    - 委託下單系統「產品生命週期結束且不再提供技術協助」之復原承諾未符合" in page


def test_article_nine_links_to_the_vendor_pages(example_docs: Path) -> None:
    page = read(example_docs, "articles/09-outsourcing.md")
    assert "(../vendors/index.md)" in page
    assert "(../vendors/checklists/new-contract.md)" in page
    for vendor in ("dingyue", "huiliu", "anxin-vault"):
        assert f"(../vendors/{vendor}.md)" in page
    assert "復原承諾" not in page.split("## 本公司作法", 1)[1].split("|", 1)[1]


def test_firm_without_vendors_still_has_the_overview_and_blank_checklist(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    assert run_cli("generate", cwd=minimal_project).exit_code == 0
    assert "尚無委外廠商資料。" in read(minimal_project, "vendors/index.md")
    assert "營運持續管理要求納入契約" in read(minimal_project, "vendors/checklists/new-contract.md")


def test_vendor_checklists_print_on_a4_with_every_clause_title(
    example_project: Path, run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    assert run_cli("build", cwd=example_project).exit_code == 0
    site = example_project / "site" / "vendors" / "checklists"
    titles = catalogue_titles(example_project)
    for name in ("huiliu", "new-contract"):
        pdf = print_to_pdf(
            (site / name / "index.html").as_uri(), tmp_path / f"{name}.pdf", tmp_path / "profile"
        )
        assert is_a4(pdf)
        text = re.sub(r"\s+", "", "".join(page_texts(pdf)))
        for title in titles:
            assert unicodedata.normalize("NFKC", title) in text, (name, title)
        assert "檢核人" in text and "法務或法令遵循單位" in text
        assert "委外廠商總覽" not in text  # the navigation is not printed
    huiliu = re.sub(r"\s+", "", "".join(page_texts(tmp_path / "huiliu.pdf")))
    assert "CX-MD-2022-002" in huiliu and "☐符合☐不符☐不適用" in huiliu


# ---------------------------------------------------------------- helpers


def test_supported_systems_in_data_order_once_each() -> None:
    firm = load_and_validate(Path(__file__).resolve().parent.parent / "firm_data").firm
    for vendor in firm.vendors:  # the index gives what a plain scan of the systems gives
        plain = [s for s in firm.systems if s.id in vendor.systems or vendor.id in s.vendors]
        assert supported_systems(firm, vendor) == plain
    first, second, third = firm.systems[:3]
    vendor = firm.vendors[0].model_copy(update={"id": "v-new", "systems": [third.id, first.id]})
    systems = [
        first,
        second.model_copy(update={"vendors": ["v-new", "v-new"]}),
        third.model_copy(update={"vendors": ["v-new"]}),
    ]
    edited = firm.model_copy(update={"systems": systems})
    assert [s.id for s in supported_systems(edited, vendor)] == [first.id, second.id, third.id]
    assert supported_systems(firm, vendor) == [first, third]  # another list: its own index


def test_citations_in_words() -> None:
    assert cite("9.1(4)") == "第九條第一款第(四)目"
    assert cite("9.2") == "第九條第二款"
    assert cite("5.3") == "第五條第三款"
    assert cite("12") == "第十二條"
    assert cite("本公司委外管理辦法第8條") == "本公司委外管理辦法第8條"


def test_add_months_clips_to_the_end_of_the_month() -> None:
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 9, 21), -12) == dt.date(2025, 9, 21)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)


def test_verdicts_and_states() -> None:
    assert compare(30, 60) == "met"
    assert compare(60, 60) == "met"
    assert compare(90, 60) == "not_met"
    assert compare(None, 60) == "not_stated"
    assert compare(30, None) == "no_target"
    today = dt.date(2026, 9, 21)
    vendor = Vendor(id="v", name="V", services=["s"])
    assert contract_state(vendor, today, 6) == "none"
    for end, state in (
        (None, "open_ended"),
        (dt.date(2026, 9, 20), "expired"),
        (dt.date(2027, 3, 21), "expiring"),
        (dt.date(2027, 3, 22), "active"),
    ):
        contract = Contract(id="c", start=dt.date(2025, 1, 1), end=end)
        assert contract_state(vendor.model_copy(update={"contract": contract}), today, 6) == state
    for eos, state in (
        (None, "unknown"),
        (dt.date(2026, 9, 1), "past"),
        (dt.date(2027, 9, 21), "near"),
        (dt.date(2027, 9, 22), "ok"),
    ):
        assert eos_state(Product(name="p", end_of_support=eos), today, 12) == state


def test_overview_flags_expiring_contracts_and_products_near_end_of_support(
    example_project: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BCP_TODAY", "2027-01-15")
    assert run_cli("generate", cwd=example_project).exit_code == 0
    page = read(example_project, "vendors/index.md")
    assert "狀態基準日：民國116年1月15日" in page
    huiliu = {row[0]: row for row in table_rows(page, "vendor-table")}[
        "[匯流資訊股份有限公司](huiliu.md)"
    ]
    assert huiliu[2] == "民國116年3月31日（**即將到期**）"
    assert huiliu[6] == "匯流 QuoteHub 行情伺服器 民國116年12月31日（即將停止支援）"
    vendor = read(example_project, "vendors/huiliu.md")
    assert "| 匯流 QuoteHub 行情伺服器 | 4.6 | 民國116年12月31日 | 即將停止支援 | — |" in vendor
