"""Confluence: storage-format XHTML that parses as XML, and publishing against a local stand-in."""

from __future__ import annotations

import json
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.exports.wiki.confluence import _PageContext, standalone, storage_body
from tests.confluence_stub import Store, confluence_stub
from tests.conftest import CliResult
from tests.golden_tree import tree_of
from tests.test_wiki_push import bump_edition

Run = Callable[..., CliResult]
AC = "{http://atlassian.com/content}"
RI = "{http://atlassian.com/resource/identifier}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ALLOWED_AC = {
    "structured-macro", "parameter", "rich-text-body", "link", "link-body", "image", "confluence",
}  # fmt: skip
ALLOWED_RI = {"page", "attachment", "url"}
TOKEN = "pat-0123456789"
# Pages of the example firm's export (handbook pages plus section pages), from its golden tree.
_TREE = Path(__file__).parent / "golden" / "wiki" / "confluence" / "tree.json"
PAGES = len(json.loads(_TREE.read_text(encoding="utf-8"))["pages"])


def _parse(content: bytes) -> ET.Element:
    return ET.fromstring(content)


def test_confluence_export_is_well_formed_storage_format(
    example_project: Path, run_cli: Run
) -> None:
    out = example_project / "conf"
    result = run_cli("export", "wiki", "--flavor", "confluence", "--out", str(out), cwd=example_project)  # fmt: skip
    assert result.exit_code == 0, result.stderr
    files = tree_of(out)
    manifest = json.loads(files["tree.json"])["pages"]
    titles = {page["title"] for page in manifest}
    seen: set[str] = set()
    for page in manifest:
        assert page["parent"] is None or page["parent"] in seen  # parents come first
        seen.add(page["key"])
        assert page["labels"] == ["bcp-handbook", "bcp-edition-2026.2"]
        root = _parse(files[page["file"]])
        assert root.tag == f"{AC}confluence"
        for element in root.iter():
            if element.tag.startswith(AC):
                assert element.tag[len(AC) :] in ALLOWED_AC, element.tag
            elif element.tag.startswith(RI):
                assert element.tag[len(RI) :] in ALLOWED_RI, element.tag
            else:
                assert element.tag.startswith(XHTML), element.tag
        for link in root.iter(f"{RI}page"):
            assert link.get(f"{RI}content-title") in titles
        header = root.find(f"{AC}structured-macro")
        assert header is not None and header.get(f"{AC}name") == "info"
        text = "".join(header.itertext())
        assert "本頁由 BCP 手冊產生器產生，請勿直接編輯" in text and "版次 2026.2" in text
    assert [p["parent"] for p in manifest].count(None) == 1
    by_title = {p["title"]: p for p in manifest}
    oms = by_title["BCP手冊｜委託下單系統"]
    assert by_title[next(p["title"] for p in manifest if p["key"] == oms["parent"])]["title"] == (
        "BCP手冊｜核心系統復原程序"
    )
    oms_root = _parse(files[oms["file"]])
    typhoon = [
        link
        for link in oms_root.iter(f"{AC}link")
        if link.get(f"{AC}anchor") == "scenario-sc-typhoon"
    ]
    assert typhoon and typhoon[0].find(f"{RI}page") is not None
    assert oms_root.find(f".//{XHTML}table") is not None


def test_storage_body_of_macros_call_trees_and_attachments() -> None:
    text = (
        '---\ntitle: "x"\n---\n\n!!! warning "草案"\n    未核定。\n\n'
        '<div class="call-tree">\n<ul><li>召集人 陳建宏<br>02-2700-0101 &amp; 分機<ul>'
        "<li>李俊傑</li></ul></li></ul>\n</div>\n\n"
        "![疏散圖](map.png)\n\n[紀錄表](forms/a.pdf)、[外部](https://example.invalid/)\n\n"
        "*[RTO]: 復原時間目標\n"
    )
    ctx = _PageContext("guide/x.md", {}, {"guide/map.png": b"png", "guide/forms/a.pdf": b"pdf"})
    body = storage_body(text, ctx)
    root = ET.fromstring(standalone(body))
    macro = root.find(f"{AC}structured-macro")
    assert macro is not None and macro.get(f"{AC}name") == "warning"
    assert "".join(macro.itertext()).startswith("草案")
    tree = root.find(f"{XHTML}ul")
    assert tree is not None and tree.find(f".//{XHTML}br") is not None
    assert "02-2700-0101 & 分機" in "".join(tree.itertext())
    image = root.find(f".//{AC}image/{RI}attachment")
    assert image is not None and image.get(f"{RI}filename") == "guide_map.png"
    pdf = root.find(f".//{AC}link/{RI}attachment")
    assert pdf is not None and pdf.get(f"{RI}filename") == "guide_forms_a.pdf"
    assert root.find(f".//{XHTML}a").get("href") == "https://example.invalid/"  # type: ignore[union-attr]
    assert sorted(ctx.attachments) == ["guide_forms_a.pdf", "guide_map.png"]
    assert "RTO" in "".join(root.itertext())


def publish(run_cli: Run, project: Path, url: str, *extra: str) -> CliResult:
    return run_cli(
        "publish-confluence", "--url", url, "--space", "BCP", "--parent", "營運持續", *extra,
        cwd=project,
    )  # fmt: skip


def _writes(store: Store, start: int = 0) -> list[tuple[str, str]]:
    return [(c.method, c.path) for c in store.calls[start:] if c.method in ("POST", "PUT")]


def test_publish_creates_then_leaves_alone_then_updates(
    example_project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", TOKEN)
    with confluence_stub(TOKEN) as (url, store):
        parent = store.add_page("營運持續", "BCP", [])
        dry = publish(run_cli, example_project, url, "--dry-run")
        assert dry.exit_code == 0, dry.stderr
        assert "建立\tBCP手冊｜首頁（上層：營運持續）" in dry.stdout
        assert f"試執行，未寫入：建立 {PAGES} 頁、更新 0 頁、不變 0 頁" in dry.stdout
        assert store.writes() == []

        first = publish(run_cli, example_project, url)
        assert first.exit_code == 0, first.stderr
        creates = [c for c in store.calls if c.method == "POST" and c.path.endswith("/content")]
        assert len(creates) == PAGES
        assert creates[0].body["title"] == "BCP手冊｜首頁"
        assert creates[0].body["ancestors"] == [{"type": "page", "id": parent}]
        assert creates[0].body["body"]["storage"]["representation"] == "storage"
        ids = {p["title"]: p["id"] for p in store.pages.values()}
        oms = ids["BCP手冊｜委託下單系統"]
        assert store.pages[oms]["ancestors"] == [
            {"type": "page", "id": ids["BCP手冊｜核心系統復原程序"]}
        ]
        assert store.labels[oms] == ["bcp-handbook", "bcp-edition-2026.2"]

        # Confluence keeps a normalised body; what was sent is known from the page property.
        for page in store.pages.values():
            page["body"]["storage"]["value"] = page["body"]["storage"]["value"].replace("/>", " />")
        assert store.properties[(oms, "bcp-handbook")]["version"] == {"number": 1}
        mark = len(store.calls)
        second = publish(run_cli, example_project, url)
        assert second.exit_code == 0, second.stderr
        assert f"建立 0 頁、更新 0 頁、不變 {PAGES} 頁" in second.stdout
        assert _writes(store, mark) == []

        bump_edition(example_project)
        mark = len(store.calls)
        third = publish(run_cli, example_project, url)
        assert third.exit_code == 0, third.stderr
        puts = [  # page updates (not properties, not attachments such as drills.ics)
            c for c in store.calls[mark:] if c.method == "PUT" and c.path.split("/")[-1].isdigit()
        ]
        assert len(puts) == PAGES and not [
            c for c in _writes(store, mark) if c[1].endswith("/content")
        ]
        assert puts[0].body["version"]["number"] == 2
        assert "版次 2027.1" in puts[0].body["version"]["message"]
        assert store.labels[oms] == ["bcp-handbook", "bcp-edition-2027.1"]
        deletes = [c for c in store.calls[mark:] if c.method == "DELETE"]
        assert len(deletes) == PAGES and deletes[0].query["name"] == "bcp-edition-2026.2"
        assert "版次 2027.1" in store.pages[oms]["body"]["storage"]["value"]
        recorded = store.properties[(oms, "bcp-handbook")]
        assert recorded["version"] == {"number": 2}
        assert recorded["value"]["labels"] == ["bcp-handbook", "bcp-edition-2027.1"]


def test_a_page_owned_by_someone_else_stops_before_any_write(
    example_project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", TOKEN)
    with confluence_stub(TOKEN) as (url, store):
        store.add_page("營運持續", "BCP", [])
        store.add_page("BCP手冊｜名詞解釋", "BCP", ["glossary"])
        result = publish(run_cli, example_project, url)
        assert result.exit_code == 4
        errors = [line for line in result.stderr.splitlines() if "error[" in line]
        assert len(errors) == 1 and "error[confluence-page-owned]" in errors[0]
        assert "BCP手冊｜名詞解釋" in errors[0]
        assert store.writes() == []


def test_bad_targets_fail_clearly(
    example_project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", "wrong-token")
    with confluence_stub(TOKEN) as (url, store):
        refused = publish(run_cli, example_project, url)
        assert refused.exit_code == 4 and "error[confluence-auth]" in refused.stderr
        assert "wrong-token" not in refused.stderr
        monkeypatch.setenv("CONFLUENCE_TOKEN", TOKEN)
        no_parent = publish(run_cli, example_project, url)
        assert no_parent.exit_code == 4 and "error[confluence-parent]" in no_parent.stderr
        assert store.writes() == []
    closed = publish(run_cli, example_project, "http://127.0.0.1:9")
    assert closed.exit_code == 4 and "error[confluence-unreachable]" in closed.stderr
    monkeypatch.delenv("CONFLUENCE_TOKEN")
    missing = publish(run_cli, example_project, "http://127.0.0.1:9")
    assert missing.exit_code == 2 and "error[confluence-token]" in missing.stderr


def test_without_the_optional_client_the_command_says_how_to_install_it(
    example_project: Path, run_cli: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CONFLUENCE_TOKEN", TOKEN)
    monkeypatch.setitem(sys.modules, "atlassian", None)  # as if the [confluence] extra is absent
    result = publish(run_cli, example_project, "http://127.0.0.1:9")
    assert result.exit_code == 2
    assert "error[confluence-client]" in result.stderr
    assert "pip install 'bcp-handbook[confluence]'" in result.stderr
