"""Wiki exports of the example firm: golden trees per flavor, and each wiki's conventions."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from generator.exports.wiki.handbook import (
    GENERATED_NOTICE,
    plain_markdown,
    rewrite_links,
    split_abbreviations,
)
from generator.exports.wiki.layout import MARK_BEGIN, MARK_END, WikiTree, page_name
from tests.conftest import CliResult
from tests.golden_tree import check_tree, tree_of

GOLDEN = Path(__file__).resolve().parent / "golden" / "wiki"
FLAVORS = ["gitlab", "gitea", "azure", "wikijs", "confluence"]
Run = Callable[..., CliResult]


def export(run_cli: Run, project: Path, flavor: str, *extra: str) -> dict[str, bytes]:
    out = project / "wiki-out"
    result = run_cli("export", "wiki", "--flavor", flavor, "--out", str(out), *extra, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert "已匯出" in result.stdout
    return tree_of(out)


@pytest.mark.parametrize("flavor", FLAVORS)
def test_example_firm_export_matches_golden(
    flavor: str, example_project: Path, run_cli: Run, request: pytest.FixtureRequest
) -> None:
    actual = export(run_cli, example_project, flavor)
    check_tree(GOLDEN / flavor, actual, bool(request.config.getoption("update_goldens")))


def _pages(tree: dict[str, bytes]) -> dict[str, str]:
    return {k: v.decode() for k, v in tree.items() if k.endswith(".md") and k[0] != "_"}


@pytest.mark.parametrize("flavor", ["gitlab", "gitea", "azure", "wikijs"])
def test_every_page_has_the_edition_header(
    flavor: str, example_project: Path, run_cli: Run
) -> None:
    pages = _pages(export(run_cli, example_project, flavor))
    assert len(pages) >= 24
    for name, text in pages.items():
        assert GENERATED_NOTICE in text, name
        assert "版次 2026.2｜生效日期 民國115年12月1日｜核定：董事長 林志遠" in text, name
        assert not re.search(r"\{ ?[#.][^}]*\}\s*$", text, re.M), name
        assert not re.search(r"^\*\[", text, re.M), name
        assert "!!! " not in text and " markdown>" not in text, name


def test_gitlab_links_point_at_existing_pages_and_sidebar_is_marked(
    example_project: Path, run_cli: Run
) -> None:
    tree = export(run_cli, example_project, "gitlab")
    slugs = {name.removesuffix(".md") for name in tree if name.endswith(".md")}
    assert all(name.startswith("BCP手冊/") for name in slugs - {"_sidebar"})
    links = set()
    for text in _pages(tree).values():
        links |= set(re.findall(r"\]\((BCP手冊/[^)#]+)", text))
    assert links and links <= slugs | set(tree), "links go to pages or to attachments"
    sidebar = tree["_sidebar.md"].decode()
    assert sidebar.startswith(MARK_BEGIN) and sidebar.rstrip().endswith(MARK_END)
    system = tree["BCP手冊/核心系統復原程序/委託下單系統.md"].decode()
    assert '# 委託下單系統 復原程序 <a id="system-oms"></a>' in system
    assert "(BCP手冊/規範與本公司作法/第七條-災害應變機制#scenario-sc-typhoon)" in system
    assert "| ☐ | 1 | 確認主機房委託主機故障範圍" in system  # the procedure table stays a table
    assert "- **RTO**：復原時間目標（Recovery Time Objective）" in system


def test_azure_order_files_list_every_page(example_project: Path, run_cli: Run) -> None:
    tree = export(run_cli, example_project, "azure")
    assert tree[".order"] == b"BCP\xe6\x89\x8b\xe5\x86\x8a\n"
    assert "BCP手冊.md" in tree  # the home page is the folder's parent page
    folders = {name.rsplit("/", 1)[0] for name in tree if "/" in name and name.endswith(".md")}
    for folder in folders:
        listed = tree[f"{folder}/.order"].decode().split()
        pages = sorted(
            n[len(folder) + 1 : -3]
            for n in tree
            if n.startswith(folder + "/") and n.endswith(".md") and "/" not in n[len(folder) + 1 :]
        )
        assert sorted(listed) == pages, folder
    assert "第一條-目的" in tree["BCP手冊/規範與本公司作法/.order"].decode()
    assert "](/BCP手冊/規範與本公司作法/第七條-災害應變機制#scenario-sc-typhoon)" in (
        tree["BCP手冊/核心系統復原程序/委託下單系統.md"].decode()
    )


def test_wikijs_front_matter_carries_title_and_edition(example_project: Path, run_cli: Run) -> None:
    tree = export(run_cli, example_project, "wikijs")
    for name, text in _pages(tree).items():
        assert name.startswith("bcp-handbook/")
        front = yaml.safe_load(text.split("---\n")[1])
        assert front["editor"] == "markdown" and front["published"] is True
        assert "bcp-edition-2026.2" in front["tags"]
        assert str(front["date"]).startswith("2026-12-01")
    oms = yaml.safe_load(tree["bcp-handbook/systems/oms.md"].decode().split("---\n")[1])
    assert oms["title"] == "委託下單系統"
    assert "[颱風](/bcp-handbook/articles/07-emergency-response#scenario-sc-typhoon)" in (
        tree["bcp-handbook/systems/oms.md"].decode()
    )
    assert "bcp-handbook/contents.md" in tree


def test_gitea_pages_are_flat_and_prefixed(example_project: Path, run_cli: Run) -> None:
    tree = export(run_cli, example_project, "gitea")
    pages = [n for n in tree if n.endswith(".md") and n != "_Sidebar.md"]
    assert all("/" not in n and n.startswith("BCP手冊｜") for n in pages)
    assert "BCP手冊｜第一條-目的.md" in pages
    assert "[第一條 目的](BCP手冊｜第一條-目的)" in tree["_Sidebar.md"].decode()


ATTACHED_PAGE = """# 疏散路線 { #evacuation }

![內湖辦公室疏散圖](evacuation-map.png)

請下載 [疏散演練紀錄表](forms/drill-record.pdf) 列印使用。回到 [首頁](../index.md#contents)。
"""


@pytest.mark.parametrize(
    ("flavor", "image_file", "image_link", "pdf_link"),
    [
        ("gitlab", "BCP手冊/uploads/guide/evacuation-map.png", "BCP手冊/uploads/guide/evacuation-map.png", "BCP手冊/uploads/guide/forms/drill-record.pdf"),
        ("gitea", "BCP手冊/guide/evacuation-map.png", "BCP手冊/guide/evacuation-map.png", "BCP手冊/guide/forms/drill-record.pdf"),
        ("azure", ".attachments/BCP手冊/guide/evacuation-map.png", "/.attachments/BCP手冊/guide/evacuation-map.png", "/.attachments/BCP手冊/guide/forms/drill-record.pdf"),
        ("wikijs", "bcp-handbook/attachments/guide/evacuation-map.png", "/bcp-handbook/attachments/guide/evacuation-map.png", "/bcp-handbook/attachments/guide/forms/drill-record.pdf"),
    ],
)  # fmt: skip
def test_images_and_pdfs_are_copied_as_attachments(
    flavor: str,
    image_file: str,
    image_link: str,
    pdf_link: str,
    example_project: Path,
    run_cli: Run,
) -> None:
    guide = example_project / "docs" / "guide"
    (guide / "evacuation.md").write_text(ATTACHED_PAGE, encoding="utf-8")
    (guide / "evacuation-map.png").write_bytes(b"\x89PNG\r\n\x1a\nfake-image")
    (guide / "forms").mkdir()
    (guide / "forms" / "drill-record.pdf").write_bytes(b"%PDF-1.4 fake")
    tree = export(run_cli, example_project, flavor)
    assert tree[image_file] == b"\x89PNG\r\n\x1a\nfake-image"
    assert tree[image_file.replace("evacuation-map.png", "forms/drill-record.pdf")] == (
        b"%PDF-1.4 fake"
    )
    page = next(v.decode() for k, v in tree.items() if "疏散路線" in k or "evacuation.md" in k)
    assert f"![內湖辦公室疏散圖]({image_link})" in page
    assert f"[疏散演練紀錄表]({pdf_link})" in page
    assert "handbook.css" not in " ".join(tree)  # only what pages link to is attached


def test_a_link_to_a_missing_file_fails_without_output(example_project: Path, run_cli: Run) -> None:
    (example_project / "docs" / "guide" / "broken.md").write_text(
        "# 壞連結\n\n![圖](nothere.png)\n", encoding="utf-8"
    )
    out = example_project / "wiki-out"
    result = run_cli("export", "wiki", "--flavor", "gitlab", "--out", str(out), cwd=example_project)
    assert result.exit_code == 4
    assert "build/docs/guide/broken.md: error[wiki-missing-target]" in result.stderr
    assert "guide/nothere.png" in result.stderr
    assert not out.exists()


def test_a_failed_export_leaves_the_previous_one(example_project: Path, run_cli: Run) -> None:
    before = export(run_cli, example_project, "gitea")
    (example_project / "docs" / "guide" / "broken.md").write_text(
        "# 壞連結\n\n[表](missing.pdf)\n", encoding="utf-8"
    )
    out = example_project / "wiki-out"
    result = run_cli("export", "wiki", "--flavor", "gitea", "--out", str(out), cwd=example_project)
    assert result.exit_code == 4
    assert tree_of(out) == before
    assert [p.name for p in example_project.iterdir() if p.name.startswith(".wiki-out")] == []


def test_usage_errors(example_project: Path, run_cli: Run) -> None:
    neither = run_cli("export", "wiki", "--flavor", "gitlab", cwd=example_project)
    assert neither.exit_code == 2 and "error[wiki-target]" in neither.stderr
    bad = run_cli(
        "export", "wiki", "--flavor", "wikijs", "--folder", "BCP手冊", "--out", "x",
        cwd=example_project,
    )  # fmt: skip
    assert bad.exit_code == 2 and "error[wiki-folder]" in bad.stderr
    push = run_cli(
        "export", "wiki", "--flavor", "confluence", "--push", "x.git", cwd=example_project
    )
    assert push.exit_code == 2 and "publish-confluence" in push.stderr


def test_markdown_clean_up() -> None:
    text = (
        '!!! warning "草案"\n    第一行\n\n    第二行\n\n之後\n\n'
        '<div class="bcp-procedure" markdown>\n\n| a |\n| --- |\n| 1 |\n\n</div>\n\n'
        '<div class="call-tree">\n<ul><li>甲</li></ul>\n</div>\n'
        "## 標題 { #head }\n\n說明\n{ .bcp-meta }\n"
    )
    out = plain_markdown(text)
    assert out.startswith("> **草案**\n> 第一行\n>\n> 第二行\n\n之後\n")
    assert "| a |\n| --- |\n| 1 |" in out and "markdown>" not in out
    assert '<div class="call-tree">\n<ul><li>甲</li></ul>\n</div>' in out  # raw HTML kept
    assert '## 標題 <a id="head"></a>' in out and "{ .bcp-meta }" not in out
    body, found = split_abbreviations("正文 RTO\n\n*[RTO]: 復原時間目標\n")
    assert body == "正文 RTO\n" and found == [("RTO", "復原時間目標")]


def test_page_names_follow_each_wiki() -> None:
    assert page_name("第一條 目的", "gitlab") == "第一條-目的"
    assert page_name("A-B: C/D?", "azure") == "A%2DB：-C／D？"
    assert page_name("A-B", "gitea") == "A-B"


def test_shared_files_keep_what_users_wrote() -> None:
    tree = WikiTree(
        "gitlab", "BCP手冊", {"_sidebar.md": f"{MARK_BEGIN}\n新\n{MARK_END}\n".encode()}
    )
    old = f"我的連結\n\n{MARK_BEGIN}\n舊\n{MARK_END}\n頁尾\n".encode()
    assert (
        tree.merge("_sidebar.md", old).decode()
        == f"我的連結\n\n{MARK_BEGIN}\n新\n{MARK_END}\n頁尾\n"
    )
    assert tree.merge("_sidebar.md", b"Home\n").decode().startswith("Home\n\n" + MARK_BEGIN)
    azure = WikiTree("azure", "BCP手冊", {".order": "BCP手冊\n".encode()})
    assert azure.merge(".order", b"Home\nFAQ\n").decode() == "Home\nFAQ\nBCP手冊\n"
    assert azure.owns("BCP手冊.md") and azure.owns(".attachments/BCP手冊/x.png")
    assert not azure.owns("FAQ.md") and not azure.owns(".attachments/other.png")
    gitea = WikiTree("gitea", "BCP手冊")
    assert gitea.owns("BCP手冊｜首頁.md") and not gitea.owns("Home.md")


def test_links_in_raw_html_call_trees_are_rewritten_too() -> None:
    text = (
        '<ul class="call-tree"><li><a href="../people.md#p-chen">陳建宏</a>'
        '<img src="icons/phone.svg" alt="電話"></li></ul>\n'
        "[外部](https://example.invalid/a.md) [本頁](#top)\n"
    )
    out = rewrite_links(
        text,
        "contacts/tree.md",
        lambda dest, anchor: f"W:{dest}#{anchor}",
        lambda rel, _anchor: f"A:{rel}",
    )
    assert 'href="W:people.md#p-chen"' in out
    assert 'src="A:contacts/icons/phone.svg"' in out
    assert "(https://example.invalid/a.md)" in out and "(#top)" in out
