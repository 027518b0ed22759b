"""Post-build guards: external assets and dangling internal links fail the build, naming the page."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.site.scan import SiteScan, is_external, page_of, scan_site
from tests.conftest import REPO
from tests.test_site import digest

GUIDE = "docs/guide/using-this-handbook.md"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def scan(site: Path, directory_urls: bool = True) -> list[str]:
    sources = {"index.md": "build/docs/index.md", "guide/a.md": "docs/guide/a.md"}
    return [i.format() for i in scan_site(SiteScan(site, "site", directory_urls, sources))]


def test_page_of_follows_mkdocs_url_styles() -> None:
    assert page_of("index.md", True) == "index.html"
    assert page_of("guide/a.md", True) == "guide/a/index.html"
    assert page_of("guide/a.md", False) == "guide/a.html"
    assert page_of("systems/index.md", False) == "systems/index.html"


def test_is_external() -> None:
    assert is_external("https://cdn.example.com/x.js") and is_external("//cdn.example.com/x.js")
    assert not any(
        map(is_external, ["../a.css", "data:image/png;base64,AA", "mailto:a@b.c", "#top"])
    )


def test_clean_site_passes(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": '<a href="guide/a/#x">a</a><img src="assets/i.png">'
            '<link rel="canonical" href="https://bcp.intra.example/">'
            '<a href="https://www.twse.com.tw/">TWSE</a><a href="mailto:x@y.z">m</a>',
            "guide/a/index.html": '<h2 id="x">x</h2><a href="../../">home</a><a href="#x">x</a>',
            "assets/i.png": "png",
            "404.html": '<link rel="stylesheet" href="/assets/style.css">',
        },
    )
    assert scan(site) == []


def test_external_assets_are_named_with_page_and_url(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": '<img src="https://example.com/logo.png">'
            '<img srcset="a.png 1x, https://cdn.example.com/b.png 2x">'
            '<div style="background: url(//cdn.example.com/bg.jpg)"></div>'
            "<style>@import 'https://fonts.example.com/css';</style>",
            "guide/a/index.html": '<script src="https://unpkg.com/x"></script>'
            '<link rel="stylesheet" href="https://fonts.googleapis.com/css">',
            "assets/extra.css": "body { background: url('https://cdn.example.com/x.png') }",
            "a.png": "",
        },
    )
    found = scan(site)
    assert found[2] == (
        "build/docs/index.md: error[external-asset]: 頁面「index.html」引用外部資源"
        "「https://example.com/logo.png」（<img src>）：離線及內網閱讀時無法載入，也會向外部主機發出請求"
        "\n    提示：請將檔案放進 docs/assets/ 並以相對路徑引用。"
    )
    urls = [line.split("「")[2].split("」")[0] for line in found]
    assert urls == [
        "https://unpkg.com/x",
        "https://fonts.googleapis.com/css",
        "https://example.com/logo.png",
        "https://cdn.example.com/b.png",
        "//cdn.example.com/bg.jpg",
        "https://fonts.example.com/css",
        "https://cdn.example.com/x.png",
    ]
    places = [line.split(":")[0] for line in found]
    css = "site/assets/extra.css"
    assert places == ["docs/guide/a.md"] * 2 + ["build/docs/index.md"] * 4 + [css]


def test_dangling_links_and_anchors_are_named(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": '<a href="guide/a/#nope">a</a><a href="missing/">m</a>'
            '<a href="#self">s</a><img src="/assets/i.png"><a href="../../outside.html">o</a>',
            "guide/a/index.html": '<h2 id="x">x</h2><a href="../../index.html#self">b</a>',
        },
    )
    found = scan(site)
    assert [line.split("\n")[0] for line in found] == [
        "docs/guide/a.md: error[dangling-link]: 頁面「guide/a/index.html」的連結"
        "「../../index.html#self」（<a href>）無法使用：頁面「index.html」中沒有錨點「#self」",
        "build/docs/index.md: error[dangling-link]: 頁面「index.html」的連結「guide/a/#nope」"
        "（<a href>）無法使用：頁面「guide/a/index.html」中沒有錨點「#nope」",
        "build/docs/index.md: error[dangling-link]: 頁面「index.html」的連結「missing/」"
        "（<a href>）無法使用：目標「missing/index.html」不存在",
        "build/docs/index.md: error[dangling-link]: 頁面「index.html」的連結「#self」"
        "（<a href>）無法使用：頁面「index.html」中沒有錨點「#self」",
        "build/docs/index.md: error[dangling-link]: 頁面「index.html」的連結「/assets/i.png」"
        "（<img src>）無法使用：以「/」開頭的絕對路徑在 file:// 及子目錄部署時會失效",
        "build/docs/index.md: error[dangling-link]: 頁面「index.html」的連結「../../outside.html」"
        "（<a href>）無法使用：目標「../../outside.html」不存在",
    ]


def test_offline_url_style_is_resolved(tmp_path: Path) -> None:
    site = write(
        tmp_path,
        {
            "index.html": '<a href="guide/a.html#x">a</a>',
            "guide/a.html": '<h2 id="x">x</h2><a href="../index.html">home</a>',
        },
    )
    assert scan(site, directory_urls=False) == []


def test_external_image_in_hand_written_page_fails_the_build(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    assert run_cli("build", cwd=minimal_project).exit_code == 0
    before = digest(minimal_project / "site")
    page = minimal_project / GUIDE
    page.write_text(
        page.read_text(encoding="utf-8") + "\n![標誌](https://example.com/logo.png)\n",
        encoding="utf-8",
    )
    result = run_cli("build", cwd=minimal_project)
    assert result.exit_code == 3
    assert (
        f"{GUIDE}: error[external-asset]: 頁面「guide/using-this-handbook.md」引用外部資源"
        "「https://example.com/logo.png」"
    ) in result.stderr
    assert digest(minimal_project / "site") == before


def test_raw_html_link_to_nowhere_fails_the_build(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    """MkDocs validates Markdown links only; the post-build scan also reads raw HTML."""
    page = minimal_project / GUIDE
    page.write_text(
        page.read_text(encoding="utf-8") + '\n<a href="../nowhere/">別處</a>\n', encoding="utf-8"
    )
    result = run_cli("build", cwd=minimal_project)
    assert result.exit_code == 3
    assert (
        f"{GUIDE}: error[dangling-link]: 頁面「guide/using-this-handbook/index.html」的連結"
        "「../nowhere/」（<a href>）無法使用：目標「guide/nowhere/index.html」不存在"
    ) in result.stderr
    assert not (minimal_project / "site").exists()


def append(page: Path, text: str) -> None:
    page.write_text(page.read_text(encoding="utf-8") + text, encoding="utf-8")


@pytest.mark.parametrize(
    ("link", "complaint"),
    [
        ("[缺錨點](../index.md#no-such-anchor)", "does not contain an anchor '#no-such-anchor'"),
        ("[絕對](/index.md)", "contains an absolute link '/index.md'"),
        ("[目錄](../systems/)", "contains an unrecognized relative link '../systems/'"),
        ("![圖](../missing.png)", "but the target 'missing.png' is not found"),
    ],
)
def test_markdown_link_problems_fail_the_build_through_mkdocs(
    minimal_project: Path, run_cli: Callable[..., Any], link: str, complaint: str
) -> None:
    """Markdown links are MkDocs' to check (mkdocs.yml ``validation:``, strict): the post-build
    check no longer repeats them, and the build still fails naming the page."""
    append(minimal_project / GUIDE, f"\n{link}\n")
    result = run_cli("build", cwd=minimal_project)
    assert result.exit_code == 3
    assert f"{GUIDE}: error[site-warning]: MkDocs：Doc file 'guide/using-this-handbook.md' " in (
        result.stderr
    )
    assert complaint in result.stderr
    assert not (minimal_project / "site").exists()


def test_raw_html_asset_the_privacy_plugin_does_not_read_fails_the_build(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    """Material's privacy plugin reads <img>, <script> and <link> only; the post-build check
    reads every element that loads by itself."""
    append(minimal_project / GUIDE, '\n<iframe src="https://example.com/map" title="m"></iframe>\n')
    result = run_cli("build", cwd=minimal_project)
    assert result.exit_code == 3
    assert (
        f"{GUIDE}: error[external-asset]: 頁面「guide/using-this-handbook/index.html」引用外部資源"
        "「https://example.com/map」（<iframe src>）"
    ) in result.stderr


def test_raw_html_anchor_to_nowhere_fails_the_build(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    append(minimal_project / GUIDE, '\n<a href="../../#no-such-anchor">首頁</a>\n')
    result = run_cli("build", cwd=minimal_project)
    assert result.exit_code == 3
    assert (
        f"{GUIDE}: error[dangling-link]: 頁面「guide/using-this-handbook/index.html」的連結"
        "「../../#no-such-anchor」（<a href>）無法使用：頁面「index.html」中沒有錨點「#no-such-anchor」"
    ) in result.stderr


def test_stylesheet_importing_from_another_host_fails_the_build(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    append(
        minimal_project / "docs/assets/stylesheets/handbook.css",
        '\n@import "https://fonts.example.com/css";\n',
    )
    result = run_cli("build", cwd=minimal_project)
    assert result.exit_code == 3
    assert (
        "error[external-asset]: 頁面「assets/stylesheets/handbook.css」引用外部資源"
        "「https://fonts.example.com/css」（url()）"
    ) in result.stderr


def test_bundle_runs_the_same_guards(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    page = minimal_project / GUIDE
    page.write_text(
        page.read_text(encoding="utf-8") + '\n<img src="https://example.com/x.png" alt="x">\n',
        encoding="utf-8",
    )
    result = run_cli("bundle", cwd=minimal_project)
    assert result.exit_code == 3
    assert "https://example.com/x.png" in result.stderr and GUIDE in result.stderr
    assert not list((minimal_project / "build").glob("*.zip"))


@pytest.mark.skipif(shutil.which("make") is None, reason="make is part of the set-up")
def test_make_site_fails_on_external_image(tmp_path: Path) -> None:
    """`make site` itself, in a copy of the project, with the repository's installed venv."""
    project = tmp_path / "project"
    project.mkdir()
    for name in ("Makefile", "pyproject.toml", "requirements.lock", "mkdocs.yml"):
        shutil.copy2(REPO / name, project / name)
    for name in ("templates", "docs", "firm_data"):
        shutil.copytree(REPO / name, project / name)
    page = project / GUIDE
    page.write_text(
        page.read_text(encoding="utf-8") + "\n![標誌](https://example.com/logo.png)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        # -o: the copied pyproject.toml and lock must not make make reinstall the venv.
        [
            "make",
            "site",
            f"VENV={REPO / '.venv'}",
            "-o",
            "pyproject.toml",
            "-o",
            "requirements.lock",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "SOURCE_DATE_EPOCH": "1790000000"},
        timeout=300,
    )
    assert done.returncode != 0
    assert GUIDE in done.stderr and "https://example.com/logo.png" in done.stderr
