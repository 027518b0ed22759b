"""Names the data gives to the output: ids that would replace a generated page or file, and
edition numbers that would damage the publish target (``generator.reserved``)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import generator.pipeline as pipeline
from generator.errors import Issue, Severity
from generator.exports.files import static_files
from generator.load import SourceMap, load_firm
from generator.model import FirmData
from generator.nav import NavSection, PageSpec
from generator.pages import plan
from generator.printing.jobs import download_list
from generator.refs import check_refs, index_ids
from generator.reserved import reserved_name_issues
from generator.validate import build_model
from tests.conftest import CliResult

Cli = Callable[..., CliResult]

# The command-line tests go through ``load_and_validate``: they must fail until
# generator/pipeline.py calls ``reserved_name_issues`` there, and must pass from then on.
needs_wiring = pytest.mark.xfail(
    not hasattr(pipeline, "reserved_name_issues"),
    reason="generator/pipeline.py does not call reserved_name_issues yet",
    strict=True,
)
HINT = "識別碼會成為頁面的檔名與網址，不可與手冊產生的其他頁面或檔案同名；請改用其他識別碼。"


def rename(project: Path, old: str, new: str) -> None:
    """Rename the id ``old`` to ``new`` in every data file: the record and its references."""
    token = re.compile(rf"(?<![\w.@-]){re.escape(old)}(?![\w.@-])")
    found = False
    for path in sorted((project / "firm_data").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        changed = token.sub(new, text)
        if changed != text:
            found = True
            path.write_text(changed, encoding="utf-8")
    assert found, old


def set_edition(project: Path, number: str) -> None:
    path = project / "firm_data" / "firm.yaml"
    text = path.read_text(encoding="utf-8")
    assert "number: '2026.1'" in text
    path.write_text(text.replace("number: '2026.1'", f"number: '{number}'", 1), encoding="utf-8")


def written_files(firm: FirmData) -> list[str]:
    """What ``generate`` writes beside the pages: the pipeline's own list once it has one."""
    wired = getattr(pipeline, "written_beside_pages", None)
    if wired is not None:
        return list(wired(firm))
    downloads = [item["dest"] for item in download_list(firm)]
    return [*static_files(firm, None), pipeline.EDITION_CSS, *downloads]


def load(project: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[FirmData, SourceMap]:
    monkeypatch.chdir(project)
    raw, load_issues = load_firm(Path("firm_data"))
    firm, issues = build_model(raw, "firm_data")
    assert firm is not None and not load_issues and not issues, issues
    index, issues = index_ids(firm, raw.sources)
    issues += check_refs(firm, index, raw.sources, raw.section_files)
    assert not [i for i in issues if i.severity is Severity.ERROR], issues
    return firm, raw.sources


def reserved(
    project: Path, monkeypatch: pytest.MonkeyPatch, extra: list[NavSection] | None = None
) -> list[str]:
    """The issues as the pipeline would print them, with ``extra`` pages added to the plan."""
    firm, sources = load(project, monkeypatch)
    sections = [*plan(firm, "internal", {"compliance": None}), *(extra or [])]
    found = reserved_name_issues(firm, sources, sections, written_files(firm))
    assert all(isinstance(i, Issue) and i.severity is Severity.ERROR for i in found)
    return [issue.format() for issue in found]


def id_error(where: str, rid: str, page: str, title: str, other: str | None = None) -> str:
    return (
        f"{where}: error[reserved-id]: 識別碼「{rid}」產生的頁面 {page} 會取代「{title}」頁面"
        f"（{other or page}）\n    提示：{HINT}"
    )


# ---------------------------------------------------------------- record ids (direct)


def test_the_example_firm_uses_no_reserved_name(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert reserved(example_project, monkeypatch) == []


def test_the_minimal_firm_uses_no_reserved_name(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert reserved(minimal_project, monkeypatch) == []


def test_drill_named_after_a_year_with_drills_would_replace_its_schedule(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rename(minimal_project, "d2026-01", "'2026'")
    assert reserved(minimal_project, monkeypatch) == [
        id_error("firm_data/drills.yaml:2:7", "2026", "drills/2026.md", "2026 年度演練計畫")
    ]


def test_drill_named_after_a_year_without_drills_is_fine(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rename(minimal_project, "d2026-01", "'2031'")  # no schedule page drills/2031.md is made
    assert reserved(minimal_project, monkeypatch) == []


def test_drill_named_index_would_replace_the_drill_overview(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rename(minimal_project, "d2026-02", "index")
    assert reserved(minimal_project, monkeypatch) == [
        id_error("firm_data/drills.yaml:17:7", "index", "drills/index.md", "演練計畫總覽")
    ]


def test_contact_tree_named_index_would_replace_the_contacts_overview(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rename(example_project, "tree-main", "index")
    assert reserved(example_project, monkeypatch) == [
        id_error("firm_data/contact_trees.yaml:5:9", "index", "contacts/index.md", "緊急聯絡總覽")
    ]


def test_contact_tree_named_like_another_trees_cards_names_both_places(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rename(example_project, "tree-it", "tree-main-cards")
    message = id_error(
        "firm_data/contact_trees.yaml:40:9",
        "tree-main-cards",
        "contacts/tree-main-cards.md",
        "全公司緊急聯絡樹皮夾卡",
    )
    also = "\n    另見 firm_data/contact_trees.yaml:5:9"
    assert reserved(example_project, monkeypatch) == [message.replace("\n", f"{also}\n", 1)]


@pytest.mark.parametrize(
    ("vendor_id", "page", "title"),
    [
        ("index", "vendors/index.md", "委外廠商總覽"),
        ("new-contract", "vendors/checklists/new-contract.md", "新約審閱用（空白）"),
    ],
)
def test_vendor_id_that_names_a_vendor_page_is_reserved(
    example_project: Path, monkeypatch: pytest.MonkeyPatch, vendor_id: str, page: str, title: str
) -> None:
    rename(example_project, "dingyue", vendor_id)
    assert reserved(example_project, monkeypatch) == [
        id_error("firm_data/vendors.yaml:14:9", vendor_id, page, title)
    ]


def test_system_id_that_equals_another_page_of_its_folder(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No feature puts a page of its own into systems/ today; one that did would be found as is.
    summary = PageSpec("systems/summary.md", "系統總表", ["pages/summary.md.j2"])
    rename(minimal_project, "oms", "summary")
    found = reserved(minimal_project, monkeypatch, [NavSection("系統", [summary])])
    where = "firm_data/systems.yaml:2:7"
    assert found == [id_error(where, "summary", "systems/summary.md", "系統總表")]


def test_a_page_with_the_same_web_address_is_a_clash_too(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # systems/oms.md is served as systems/oms/, the address of systems/oms/index.md.
    folder = PageSpec("systems/oms/index.md", "委託下單總覽", ["pages/x.md.j2"])
    found = reserved(minimal_project, monkeypatch, [NavSection("系統", [folder])])
    where = "firm_data/systems.yaml:2:7"
    page, other = "systems/oms.md", "systems/oms/index.md"
    assert found == [id_error(where, "oms", page, "委託下單總覽", other)]


def test_a_page_whose_folder_is_a_written_file_is_a_clash(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    firm, sources = load(minimal_project, monkeypatch)
    sections = plan(firm, "internal", {"compliance": None})
    found = reserved_name_issues(firm, sources, sections, ["systems/oms"])
    assert [issue.format() for issue in found] == [
        "firm_data/systems.yaml:2:7: error[reserved-id]: 識別碼「oms」產生的頁面 systems/oms.md "
        f"與手冊產生的檔案 systems/oms 衝突\n    提示：{HINT}"
    ]


def test_pages_of_the_tool_itself_that_clash_are_not_blamed_on_the_data(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    again = PageSpec("bia.md", "另一頁", ["pages/x.md.j2"])
    assert reserved(minimal_project, monkeypatch, [NavSection("", [again])]) == []


# ---------------------------------------------------------------- edition numbers (direct)

EDITION_AT = "firm_data/firm.yaml:11:13: error[reserved-edition]: "


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("editions.json", "與發布目標最上層的「editions.json」同名"),
        ("latest", "與發布目標最上層的「latest」同名"),
        ("Versions.JSON", "與發布目標最上層的「versions.json」同名"),
        ("index.html", "與發布目標最上層的「index.html」同名"),
        (".publish-pending", "以「.」開頭，發布目標以這類名稱存放鎖定與暫存檔"),
        (".publish-staging-x", "以「.publish-staging-」開頭，會被當成未完成的暫存目錄刪除"),
        ("a/b", "含有路徑分隔字元「/」或「\\」"),
        ("a\\b", "含有路徑分隔字元「/」或「\\」"),
    ],
)
def test_edition_number_that_cannot_be_a_published_folder(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch, number: str, problem: str
) -> None:
    set_edition(minimal_project, number)
    found = reserved(minimal_project, monkeypatch)
    assert len(found) == 1
    message, hint = found[0].split("\n")
    assert message == f"{EDITION_AT}版次「{number}」的發布目錄名稱「{number}」{problem}"
    assert hint == (
        "    提示：發布目標最上層保留給 .nojekyll、.publish-pending、.publish.lock、_edition、"
        "editions.json、index.html、latest、versions.json 與以「.」開頭的暫存檔；"
        "版次請只用英數字、點與連字號，例如 2026.2。"
    )


def test_a_draft_is_published_as_number_draft_which_is_free(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_edition(minimal_project, "latest")
    path = minimal_project / "firm_data" / "firm.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("status: approved", "status: draft"), "utf-8"
    )
    assert reserved(minimal_project, monkeypatch) == []  # published as latest-draft


# ---------------------------------------------------------------- through the command line


@needs_wiring
@pytest.mark.parametrize(
    ("firm", "old", "new", "line"),
    [
        ("minimal", "d2026-01", "'2026'", "firm_data/drills.yaml:2:7"),
        ("minimal", "d2026-02", "index", "firm_data/drills.yaml:17:7"),
        ("example", "tree-main", "index", "firm_data/contact_trees.yaml:5:9"),
        ("example", "dingyue", "index", "firm_data/vendors.yaml:14:9"),
        ("example", "dingyue", "new-contract", "firm_data/vendors.yaml:14:9"),
    ],
)
def test_generate_refuses_a_reserved_id_and_writes_nothing(
    request: pytest.FixtureRequest, run_cli: Cli, firm: str, old: str, new: str, line: str
) -> None:
    project: Path = request.getfixturevalue(f"{firm}_project")
    rename(project, old, new)
    result = run_cli("generate", cwd=project)
    assert result.exit_code == 1, result.stderr
    assert f"{line}: error[reserved-id]: 識別碼「{new.strip(chr(39))}」產生的頁面" in result.stderr
    assert not (project / "build" / "docs").exists()
    check = run_cli("check", cwd=project)
    assert check.exit_code == 1 and f"{line}: error[reserved-id]" in check.stderr


def _publish_refused(project: Path, run_cli: Cli, number: str) -> str:
    set_edition(project, number)
    target = project.parent / "pub"
    result = run_cli("publish", "--to", str(target), cwd=project)
    assert result.exit_code == 1, result.stderr
    assert not target.exists() or not any(target.iterdir())
    assert not (project / "build" / "docs").exists()
    return result.stderr


@needs_wiring
@pytest.mark.parametrize("number", ["editions.json", "latest"])
def test_publish_refuses_a_reserved_edition_and_leaves_the_target_alone(
    minimal_project: Path, run_cli: Cli, number: str
) -> None:
    stderr = _publish_refused(minimal_project, run_cli, number)
    assert f"{EDITION_AT}版次「{number}」的發布目錄名稱「{number}」與發布目標最上層的" in stderr


@pytest.mark.parametrize("number", [".publish-pending", "a/b"])
def test_publish_refuses_an_edition_number_that_is_no_name(
    minimal_project: Path, run_cli: Cli, number: str
) -> None:
    # The number's own check (edition-number) refuses these first, so only one message shows.
    stderr = _publish_refused(minimal_project, run_cli, number)
    assert f"firm_data/firm.yaml:11:13: error[edition-number]: 版次「{number}」" in stderr
    assert "reserved-edition" not in stderr


def test_the_example_firm_checks_clean_of_reserved_names(
    example_project: Path, run_cli: Cli
) -> None:
    result = run_cli("check", cwd=example_project)
    assert "reserved-" not in result.stderr
