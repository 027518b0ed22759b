"""Publishing editions to a directory: layout, versions.json, banners, changelog, immutability."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.editions_helpers import approve_2026_2, edit, make_draft_2026_2, tree, versions

Cli = Callable[..., CliResult]


def _publish_three(project: Path, run_cli: Cli, target: Path) -> list[CliResult]:
    results = [run_cli("publish", "--to", str(target), cwd=project)]
    make_draft_2026_2(project)
    results.append(run_cli("publish", "--to", str(target), cwd=project))
    approve_2026_2(project)
    results.append(run_cli("publish", "--to", str(target), cwd=project))
    for result in results:
        assert result.exit_code == 0, result.stderr
    return results


@pytest.fixture
def published(minimal_project: Path, run_cli: Cli) -> tuple[Path, Path, list[CliResult]]:
    target = minimal_project.parent / "pub"
    return minimal_project, target, _publish_three(minimal_project, run_cli, target)


def test_directory_layout_and_versions_json(published: tuple[Path, Path, list[CliResult]]) -> None:
    _, target, _ = published
    names = sorted(p.name for p in target.iterdir() if not p.name.startswith("."))
    assert names == [
        "2026.1",
        "2026.2",
        "2026.2-draft",
        "editions.json",
        "index.html",
        "latest",
        "versions.json",
    ]
    assert versions(target) == [
        {
            "version": "2026.2",
            "title": "2026.2｜2026 年第一版（已核定）",
            "aliases": ["latest"],
            "properties": {"effective_date": "2026-07-01", "status": "approved"},
        },
        {
            "version": "2026.2-draft",
            "title": "2026.2｜2026 年第一版（草案）",
            "aliases": [],
            "properties": {"effective_date": "2026-01-15", "status": "draft"},
        },
        {
            "version": "2026.1",
            "title": "2026.1｜2026 年第一版（已核定）",
            "aliases": [],
            "properties": {"effective_date": "2026-01-15", "status": "approved"},
        },
    ]
    # mike's own formatting: two-space indent, ASCII escapes, final newline.
    assert (target / "versions.json").read_text("utf-8").startswith('[\n  {\n    "version"')
    for edition in ("2026.1", "2026.2-draft", "2026.2"):
        assert (target / edition / "index.html").is_file()
        assert (target / edition / "systems" / "oms" / "index.html").is_file()
        assert (target / edition / "_edition" / "snapshot.json").is_file()
        assert (target / edition / "_edition" / "SHA256SUMS").is_file()
    latest = tree(target / "latest")
    assert latest == tree(target / "2026.2")


def test_default_redirect_goes_to_the_approved_edition(
    published: tuple[Path, Path, list[CliResult]],
) -> None:
    _, target, results = published
    index = (target / "index.html").read_text("utf-8")
    assert 'url=2026.2/"' in index
    assert 'window.location.replace(\n      "2026.2/"' in index
    assert "draft" not in index
    assert "預設版次：2026.1" in results[1].stdout  # publishing the draft left the default alone


def test_draft_banner_on_every_page_only_in_the_draft(
    published: tuple[Path, Path, list[CliResult]],
) -> None:
    _, target, _ = published
    draft_pages = sorted((target / "2026.2-draft").rglob("index.html"))
    assert len(draft_pages) > 10
    for page in draft_pages:
        html = page.read_text("utf-8")
        assert 'class="bcp-draft-banner"><strong>草案</strong>' in html, page
    assert "尚未核定，不得作為正式依據" in (
        target / "2026.2-draft" / "bia" / "index.html"
    ).read_text("utf-8")
    for page in (target / "2026.2").rglob("*.html"):
        assert "bcp-draft-banner" not in page.read_text("utf-8"), page
        assert "尚未核定" not in page.read_text("utf-8"), page


def test_changelog_lines_in_history_page_and_diff(
    published: tuple[Path, Path, list[CliResult]], run_cli: Cli
) -> None:
    project, target, results = published
    history = (target / "2026.2" / "history" / "index.html").read_text("utf-8")
    assert "已發布之版次 2026.1 相較" in history
    assert "系統「委託下單系統」RTO由 2 小時 改為 1 小時" in history
    assert "新增演練：2026-09-10 颱風停班通報演練（d2026-92）" in history
    first = (target / "2026.1" / "history" / "index.html").read_text("utf-8")
    assert "首次發布，無前一版可比較。" in first
    assert "  - 系統「委託下單系統」RTO由 2 小時 改為 1 小時" in results[2].stdout
    diff = run_cli("diff", "2026.1", "latest", "--to", str(target), cwd=project)
    assert diff.exit_code == 0, diff.stderr
    assert diff.stdout.splitlines() == [
        "版次 2026.1 → 2026.2：",
        "- 系統「委託下單系統」RTO由 2 小時 改為 1 小時",
        "- 新增演練：2026-09-10 颱風停班通報演練（d2026-92）",
    ]


def test_editions_page_lists_published_editions(
    published: tuple[Path, Path, list[CliResult]],
) -> None:
    _, target, _ = published
    page = (target / "2026.2" / "editions" / "index.html").read_text("utf-8")
    for name in ("2026.1", "2026.2", "2026.2-draft"):
        assert f'href="../../{name}/index.html"' in page
    assert "2026.2｜2026 年第一版（已核定）" in page


def test_republishing_an_edition_is_refused(
    published: tuple[Path, Path, list[CliResult]], run_cli: Cli
) -> None:
    project, target, _ = published
    before = tree(target)
    again = run_cli("publish", "--to", str(target), cwd=project)
    assert again.exit_code == 2
    assert "error[edition-exists]: 版次「2026.2」已發布，已發布的版次不可更動" in again.stderr
    no_reason = run_cli("publish", "--to", str(target), "--replace", cwd=project)
    assert no_reason.exit_code == 2
    assert "error[replace-reason]" in no_reason.stderr
    assert tree(target) == before


def test_replace_with_reason_is_recorded(
    published: tuple[Path, Path, list[CliResult]], run_cli: Cli
) -> None:
    project, target, _ = published
    old_2026_1 = tree(target / "2026.1")
    edit(project / "firm_data" / "systems.yaml", "name: 電子郵件", "name: 電子郵件系統")
    reason = "更正電子郵件系統名稱誤植"
    result = run_cli("publish", "--to", str(target), "--replace", "--reason", reason, cwd=project)
    assert result.exit_code == 0, result.stderr
    assert "已取代版次 2026.2" in result.stdout
    record = json.loads((target / "2026.2" / "_edition" / "edition.json").read_text("utf-8"))
    assert record["replaced"] is True
    assert record["replace_reason"] == reason
    log = json.loads((target / "editions.json").read_text("utf-8"))
    assert [e["name"] for e in log] == ["2026.1", "2026.2-draft", "2026.2", "2026.2"]
    assert log[-1]["replace_reason"] == reason
    assert tree(target / "2026.1") == old_2026_1
    assert tree(target / "latest") == tree(target / "2026.2")


def test_approved_edition_needs_full_approval_record(minimal_project: Path, run_cli: Cli) -> None:
    firm = minimal_project / "firm_data" / "firm.yaml"
    edit(firm, "    approval_ref: 總經理核定 115-001\n", "")
    result = run_cli("publish", "--to", "pub", cwd=minimal_project)
    assert result.exit_code == 1
    assert (
        "firm_data/firm.yaml:13:13: error[approval-missing]: "
        "已核定版次「2026.1」缺少核定依據（approval_ref）"
    ) in result.stderr
    assert not (minimal_project / "pub").exists() or not any((minimal_project / "pub").iterdir())


def test_bad_edition_number_is_located(minimal_project: Path, run_cli: Cli) -> None:
    edit(minimal_project / "firm_data" / "firm.yaml", "number: '2026.1'", "number: 'latest'")
    result = run_cli("publish", "--to", "pub", cwd=minimal_project)
    assert result.exit_code == 1
    assert "firm_data/firm.yaml:11:13: error[reserved-edition]" in result.stderr


def test_verify_detects_one_byte_change_missing_and_extra_files(
    published: tuple[Path, Path, list[CliResult]], run_cli: Cli
) -> None:
    project, target, _ = published
    ok = run_cli("verify", "--to", str(target), cwd=project)
    assert ok.exit_code == 0, ok.stderr
    assert "3 個版次的所有檔案與 SHA-256 清單相符" in ok.stdout
    page = target / "2026.1" / "bia" / "index.html"
    data = bytearray(page.read_bytes())
    data[100] ^= 0x01
    page.write_bytes(bytes(data))
    altered = run_cli("verify", "--to", str(target), cwd=project)
    assert altered.exit_code == 1
    assert "error[verify-altered]: 版次「2026.1」的檔案 bia/index.html 已被更動" in altered.stderr
    (target / "2026.2" / "glossary" / "index.html").unlink()
    (target / "2026.2-draft" / "extra.html").write_text("x", encoding="utf-8")
    broken = run_cli("verify", "--to", str(target), cwd=project)
    assert "error[verify-missing]: 版次「2026.2」缺少檔案 glossary/index.html" in broken.stderr
    assert "error[verify-extra]: 版次「2026.2-draft」有清單外的檔案 extra.html" in broken.stderr
    # latest is a copy of 2026.2 and is checked on its own
    assert "verify-missing" not in "".join(
        line for line in broken.stderr.splitlines() if "latest" in line
    )
