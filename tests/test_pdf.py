"""The printed handbook and the drill binder, checked from the PDF files themselves."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generator.package_data import rules
from tests.conftest import EXAMPLE, make_project


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The example firm printed once: handbook plus the 2026 drill binder."""
    from generator.cli import main

    root = make_project(tmp_path_factory.mktemp("pdf") / "project", EXAMPLE)
    import os

    cwd = Path.cwd()
    os.chdir(root)
    try:
        code = main(["pdf", "--year", "2026"])
    finally:
        os.chdir(cwd)
    assert code == 0
    return {
        "root": root,
        "handbook": root / "build/pdf/handbook.pdf",
        "binder": root / "build/pdf/binder-2026.pdf",
    }


def texts(pdf: Path) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(pdf).pages]


def outline(pdf: Path) -> list[Any]:
    reader = PdfReader(pdf)

    def walk(items: list[Any]) -> list[Any]:
        out: list[Any] = []
        for item in items:
            if isinstance(item, list):
                out.append(walk(item))
            else:
                out.append(item.title)
        return out

    return walk(reader.outline)


def test_pages_are_a4(printed: dict[str, Any]) -> None:
    for name in ("handbook", "binder"):
        sizes = {
            (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
            for p in PdfReader(printed[name]).pages
        }
        assert sizes == {(595, 842)}, name


def test_cjk_fonts_are_embedded(printed: dict[str, Any]) -> None:
    fonts = subprocess.run(
        ["pdffonts", str(printed["handbook"])], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    cjk = [line for line in fonts if "Noto-Sans-CJK-TC" in line]
    assert cjk, fonts
    for line in fonts:
        assert line.split()[-5] == "yes", f"not embedded: {line}"


def test_every_page_carries_edition_classification_and_page_numbers(
    printed: dict[str, Any],
) -> None:
    pages = texts(printed["handbook"])
    assert len(pages) > 30
    for number, text in enumerate(pages, start=1):
        assert "版次 2026.2" in text, number
        assert "限內部使用" in text, number
        assert f"第 {number} 頁，共 {len(pages)} 頁" in text, number


def test_bookmarks_follow_the_navigation(printed: dict[str, Any]) -> None:
    from generator.pages import plan
    from generator.pipeline import load_and_validate

    firm = load_and_validate(printed["root"] / "firm_data").firm
    parts = [section.title for section in plan(firm) if section.title]
    tree = outline(printed["handbook"])
    top = [item for item in tree if isinstance(item, str)]
    assert top[:2] == ["目錄", "晨曦證券股份有限公司　業務持續計畫手冊"]
    assert [t for t in top if t in parts] == parts, "every navigation part, in order"
    assert "名詞解釋" in top
    articles = tree[tree.index("規範與本公司作法") + 1]
    titles = [item for item in articles if isinstance(item, str)]
    assert titles == _article_headings()


def _article_headings() -> list[str]:
    from generator.nav import article_title

    return [f"{article_title(a['number'])} {a['title']}" for a in rules()]


def test_chinese_text_of_every_article_is_extractable(printed: dict[str, Any]) -> None:
    whole = "".join(texts(printed["handbook"])).replace("\n", "")
    for article in rules():
        sample = article["paragraphs"][0].replace(" ", "")[:14]
        assert sample in whole.replace(" ", ""), sample
    assert "交割結算系統 復原程序" in whole


def test_table_of_contents_has_page_numbers(printed: dict[str, Any]) -> None:
    pages = texts(printed["handbook"])
    toc = pages[1]
    assert toc.startswith("目錄")
    line = next(ln for ln in toc.splitlines() if ln.startswith("交割結算系統"))
    number = int(line.rstrip(".").split(".")[-1].strip() or line.split()[-1])
    assert "交割結算系統 復原程序" in pages[number - 1]


def test_binder_holds_procedures_of_the_systems_drilled(printed: dict[str, Any]) -> None:
    from generator.pipeline import load_and_validate

    firm = load_and_validate(printed["root"] / "firm_data").firm
    in_scope = {s for d in firm.drills if d.date.year == 2026 for s in d.systems}
    names = {s.name for s in firm.systems if s.id in in_scope and s.core}
    whole = "".join(texts(printed["binder"]))
    assert "演練手冊" in whole
    for name in names:
        assert f"{name} 復原程序" in whole, name


def test_progress_and_missing_font_message(
    minimal_project: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    result = run_cli("pdf", cwd=minimal_project)
    assert result.exit_code == 0
    assert "handbook：寫入 PDF（共" in result.stderr
    assert "已產生 build/pdf/handbook.pdf" in result.stdout
    monkeypatch.setattr("generator.printing.book._has_font", lambda family: False)
    result = run_cli("pdf", cwd=minimal_project)
    assert result.exit_code == 4
    assert "error[pdf-font-missing]" in result.stderr
    assert "fonts-noto-cjk" in result.stderr


def test_missing_engine_names_the_packages(
    minimal_project: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)
    result = run_cli("pdf", cwd=minimal_project)
    assert result.exit_code == 4
    assert "error[pdf-engine-missing]" in result.stderr
    assert "libpango-1.0-0" in result.stderr


def test_unknown_drill_is_a_usage_error(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("pdf", "--drill", "nope", cwd=minimal_project)
    assert result.exit_code == 2
    assert "error[unknown-drill]: 沒有識別碼為「nope」的演練" in result.stderr


def test_site_build_links_the_pdfs(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("build", "--pdf", cwd=minimal_project)
    assert result.exit_code == 0, result.stderr
    site = minimal_project / "site"
    assert (site / "downloads/handbook.pdf").is_file()
    assert (site / "downloads/binder-2026.pdf").is_file()
    home = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="downloads/handbook.pdf"' in home
    assert 'class="bcp-print"' in home


def test_printing_a_site_page_in_chromium(
    minimal_project: Path, run_cli: Callable[..., Any], tmp_path: Path
) -> None:
    from tests.printing import is_a4, page_texts, print_to_pdf

    assert run_cli("build", cwd=minimal_project).exit_code == 0
    page = (minimal_project / "site/systems/oms/index.html").resolve().as_uri()
    pdf = print_to_pdf(page, tmp_path / "oms.pdf", tmp_path / "profile")
    assert is_a4(pdf)
    pages = page_texts(pdf)
    for number, text in enumerate(pages, start=1):
        assert "版次 2026.1" in text and "限內部使用" in text, number
        assert f"第 {number} 頁，共 {len(pages)} 頁" in text.replace(",", "，"), number
    whole = "".join(pages)
    assert "委託下單系統 復原程序" in whole
    assert "列印本頁" not in whole, "the print button is not printed"
    assert "業務持續計畫手冊\n首頁" not in whole, "no navigation chrome on paper"
