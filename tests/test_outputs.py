"""Outputs never destroy inputs: every user-named output is refused when it is, holds or lies
inside an input, and the refused run leaves every file (``.git`` included) byte for byte."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.bundle import is_bundle, write_zip
from generator.errors import UsageError
from generator.outputs import MARKER, OutputKind, check_output
from generator.project import Project
from tests.conftest import CliResult
from tests.golden_tree import tree_of

Run = Callable[..., CliResult]
SOURCES = ("firm_data", "templates", "docs", "mkdocs.yml", ".git")


def snapshot(root: Path) -> dict[str, str]:
    """Every entry under ``root``: folders, symlink targets, file modes and SHA-256 of contents."""
    out: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = "link:" + path.readlink().as_posix()
            elif path.is_dir():
                out[rel] = "dir"
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                out[rel] = f"{oct(path.stat().st_mode)}:{digest}"
    return out


def sources(project: Path) -> dict[str, str]:
    """The snapshot of the project's inputs only (a successful run may fill .cache/ and build/)."""
    return {k: v for k, v in snapshot(project).items() if k.split("/")[0] in SOURCES}


def git_init(folder: Path) -> None:
    subprocess.run(["git", "init", "-q", str(folder)], check=True, capture_output=True)


@pytest.fixture
def project(minimal_project: Path) -> Path:
    """The minimal project as a git work tree, beside an unrelated folder, a git clone of
    something else and a plain file; plus sources that are not YAML data."""
    git_init(minimal_project)
    outside = minimal_project.parent
    (outside / "notes").mkdir()
    (outside / "notes" / "todo.txt").write_text("mine\n", encoding="utf-8")
    (outside / "clone").mkdir()
    git_init(outside / "clone")
    (outside / "clone" / "Home.md").write_text("# wiki\n", encoding="utf-8")
    (outside / "afile").write_text("keep\n", encoding="utf-8")
    (minimal_project / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    (minimal_project / "README.md").write_text("# readme\n", encoding="utf-8")
    (minimal_project / "notes.yaml").write_text("a: 1\n", encoding="utf-8")
    (minimal_project / "scripts").mkdir()
    (minimal_project / "scripts" / "run.sh").write_text("#!/bin/sh\n", encoding="utf-8")
    (minimal_project / "build" / "docs").mkdir(parents=True)
    (minimal_project / "build" / "docs" / "index.md").write_text("# old\n", encoding="utf-8")
    (minimal_project / "link-to-data").symlink_to("firm_data")
    (minimal_project / "link-to-root").symlink_to(".")
    (minimal_project / "link.zip").symlink_to("firm_data/people.yaml")
    return minimal_project


def refused(run_cli: Run, project: Path, code: str, *args: str) -> CliResult:
    """Run ``args`` in ``project``; assert it is refused with ``code`` and changes nothing."""
    everything = project.parent
    before = snapshot(everything)
    result = run_cli(*args, cwd=project)
    assert result.exit_code == 2, result.stdout + result.stderr
    assert f"error[{code}]" in result.stderr
    assert "提示：" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(everything) == before
    return result


def absolute(project: Path, out: str) -> str:
    return str(project / out.removeprefix("ABS:")) if out.startswith("ABS:") else out


WIKI_REFUSED = [
    (".", "output-overlaps-source"),
    ("..", "output-overlaps-source"),
    ("firm_data", "output-overlaps-source"),
    ("firm_data/sub", "output-overlaps-source"),
    ("firm_data/../templates", "output-overlaps-source"),
    ("templates", "output-overlaps-source"),
    ("templates/wiki", "output-overlaps-source"),
    ("docs", "output-overlaps-source"),
    ("docs/guide", "output-overlaps-source"),
    ("mkdocs.yml", "output-overlaps-source"),
    (".git", "output-overlaps-source"),
    (".git/wiki", "output-overlaps-source"),
    ("link-to-data", "output-overlaps-source"),
    ("link-to-root", "output-overlaps-source"),
    ("link-to-data/sub", "output-overlaps-source"),
    ("ABS:firm_data", "output-overlaps-source"),
    ("ABS:.", "output-overlaps-source"),
    ("../notes", "output-not-ours"),
    ("scripts", "output-not-ours"),
    ("build", "output-not-ours"),
    ("../clone", "output-git-work-tree"),
    ("../afile", "output-not-folder"),
]


@pytest.mark.parametrize(("out", "code"), WIKI_REFUSED)
def test_wiki_export_refuses(out: str, code: str, project: Path, run_cli: Run) -> None:
    args = ("export", "wiki", "--flavor", "gitlab", "--out", absolute(project, out))
    result = refused(run_cli, project, code, *args)
    assert "已停止" in result.stderr


def test_the_refusal_names_the_path_and_what_it_would_destroy(project: Path, run_cli: Run) -> None:
    result = refused(
        run_cli, project, "output-overlaps-source",
        "export", "wiki", "--flavor", "gitlab", "--out", "link-to-data",
    )  # fmt: skip
    assert "輸出資料夾「link-to-data」（即「firm_data」）就是資料目錄「firm_data」" in result.stderr
    result = refused(
        run_cli, project, "output-overlaps-source",
        "export", "wiki", "--flavor", "gitlab", "--out", "..",
    )  # fmt: skip
    assert (
        f"輸出資料夾「..」（即「{project.parent.as_posix()}」）包含專案根目錄「.」" in result.stderr
    )


@pytest.mark.parametrize("flavor", ["gitlab", "confluence"])
def test_wiki_export_to_a_folder_of_someone_else_names_what_is_there(
    flavor: str, project: Path, run_cli: Run
) -> None:
    result = refused(
        run_cli, project, "output-not-ours", "export", "wiki", "--flavor", flavor,
        "--out", "../notes",
    )  # fmt: skip
    assert "1 個項目：todo.txt" in result.stderr


def test_a_previous_export_that_became_a_git_work_tree_is_refused(
    project: Path, run_cli: Run
) -> None:
    out = project.parent / "wiki"
    assert (
        run_cli("export", "wiki", "--flavor", "gitlab", "--out", str(out), cwd=project).exit_code
        == 0
    )
    git_init(out)
    refused(
        run_cli, project, "output-git-work-tree",
        "export", "wiki", "--flavor", "gitlab", "--out", str(out),
    )  # fmt: skip


def test_wiki_export_refuses_its_own_data_folder_outside_the_project(
    project: Path, run_cli: Run
) -> None:
    data = project.parent / "data"
    shutil.copytree(project / "firm_data", data)
    refused(
        run_cli, project, "output-overlaps-source",
        "--data", str(data), "export", "wiki", "--flavor", "gitlab", "--out", "../data",
    )  # fmt: skip


FILE_REFUSED = [
    ("firm_data/people.yaml", "output-overlaps-source"),
    ("firm_data/new.json", "output-overlaps-source"),
    ("firm_data", "output-overlaps-source"),
    ("link.zip", "output-overlaps-source"),
    ("link-to-data/people.yaml", "output-overlaps-source"),
    ("ABS:firm_data/people.yaml", "output-overlaps-source"),
    ("mkdocs.yml", "output-overlaps-source"),
    ("docs/guide/using-this-handbook.md", "output-overlaps-source"),
    ("templates/out.zip", "output-overlaps-source"),
    (".git/config", "output-overlaps-source"),
    (".", "output-overlaps-source"),
    ("..", "output-overlaps-source"),
    ("pyproject.toml", "output-not-ours"),
    ("notes.yaml", "output-not-ours"),
    ("README.md", "output-not-ours"),
    ("scripts/run.sh", "output-not-ours"),
    ("build", "output-is-folder"),
    ("../notes", "output-is-folder"),
]


@pytest.mark.parametrize("command", ["bundle", "schema"])
@pytest.mark.parametrize(("out", "code"), FILE_REFUSED)
def test_file_outputs_refuse(
    command: str, out: str, code: str, project: Path, run_cli: Run
) -> None:
    refused(run_cli, project, code, command, "--out", absolute(project, out))


@pytest.mark.parametrize("to", [".", "..", "firm_data", "templates/pub", "docs", "link-to-data"])
def test_publish_refuses_a_target_overlapping_the_project_inputs(
    to: str, project: Path, run_cli: Run
) -> None:
    refused(run_cli, project, "output-overlaps-source", "publish", "--to", to)


@pytest.mark.parametrize(
    ("data", "command"),
    [
        ("build/data", ["generate"]),
        ("build", ["pdf"]),
        ("site", ["build"]),
        ("site/data", ["bundle"]),
        ("build/data", ["publish", "--to", "../pub"]),
    ],
)
def test_the_project_outputs_must_not_hold_the_data(
    data: str, command: list[str], project: Path, run_cli: Run
) -> None:
    target = project / data
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(project / "firm_data", target, dirs_exist_ok=True)
    refused(run_cli, project, "output-overlaps-source", "--data", data, *command)


def test_wiki_export_outside_the_project_then_again_into_it(project: Path, run_cli: Run) -> None:
    before = sources(project)
    out = project.parent / "exports" / "wiki"
    first = run_cli("export", "wiki", "--flavor", "gitlab", "--out", str(out), cwd=project)
    assert first.exit_code == 0, first.stderr
    assert (out / MARKER / "export-wiki").is_dir()
    files = tree_of(out)
    assert "_sidebar.md" in files and not any(name.startswith(MARKER) for name in files)
    again = run_cli("export", "wiki", "--flavor", "gitea", "--out", str(out), cwd=project)
    assert again.exit_code == 0, again.stderr
    assert "_Sidebar.md" in tree_of(out) and "_sidebar.md" not in tree_of(out)
    assert (out / MARKER / "export-wiki").is_dir()
    assert sources(project) == before


def test_wiki_export_into_an_empty_folder_and_into_the_project(project: Path, run_cli: Run) -> None:
    before = sources(project)
    empty = project.parent / "empty"
    empty.mkdir()
    result = run_cli("export", "wiki", "--flavor", "wikijs", "--out", "../empty", cwd=project)
    assert result.exit_code == 0, result.stderr
    assert "bcp-handbook/contents.md" in tree_of(empty)
    for out in ("build/wiki", "wiki-out"):
        result = run_cli("export", "wiki", "--flavor", "azure", "--out", out, cwd=project)
        assert result.exit_code == 0, result.stderr
        assert ".order" in tree_of(project / out)
    assert sources(project) == before


def test_schema_may_replace_its_own_output_and_files_outside_the_project(
    project: Path, run_cli: Run
) -> None:
    before = sources(project)
    for _ in range(2):
        result = run_cli("schema", "--out", "firm.schema.json", cwd=project)
        assert result.exit_code == 0, result.stderr
    assert "FirmData" in (project / "firm.schema.json").read_text(encoding="utf-8")
    (project / "build" / "schema.json").write_text("old\n", encoding="utf-8")
    assert run_cli("schema", "--out", "build/schema.json", cwd=project).exit_code == 0
    for out in ("../afile", "../new/dir/schema.json"):
        result = run_cli("schema", "--out", out, cwd=project)
        assert result.exit_code == 0, result.stderr
        assert (project / out).read_text(encoding="utf-8").startswith("{")
    assert sources(project) == before


def test_a_bundle_may_replace_only_a_previous_bundle(project: Path) -> None:
    handbook = Project.at(project)
    own = project / "handbook.zip"
    write_zip(own, "bcp-handbook-1", {"SHA256SUMS": b"", "index.html": b"<p>"})
    assert is_bundle(own)
    check_output(handbook, own, OutputKind.FILE, "bundle", previous=is_bundle)
    other = project / "photos.zip"
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("holiday/1.jpg", b"jpg")
    assert not is_bundle(other) and not is_bundle(project / "README.md")
    with pytest.raises(UsageError) as caught:
        check_output(handbook, other, OutputKind.FILE, "bundle", previous=is_bundle)
    assert caught.value.issues[0].code == "output-not-ours"
    outside = project.parent / "afile"
    check_output(handbook, outside, OutputKind.FILE, "bundle", previous=is_bundle)


def test_a_publish_target_may_be_a_non_empty_folder(project: Path) -> None:
    handbook = Project.at(project)
    check_output(handbook, project.parent / "notes", OutputKind.TARGET, "publish")
    check_output(handbook, project / "pub", OutputKind.TARGET, "publish")
    with pytest.raises(UsageError):
        check_output(handbook, project / "firm_data", OutputKind.TARGET, "publish")


def test_the_library_calls_are_guarded_too(project: Path) -> None:
    from generator.bundle import bundle
    from generator.exports.wiki.commands import export_wiki_command

    handbook = Project.at(project)
    before = snapshot(project.parent)
    with pytest.raises(UsageError):
        bundle(handbook, project / "firm_data" / "people.yaml")
    with pytest.raises(UsageError):
        export_wiki_command(handbook, "gitlab", "BCP手冊", project, None, None)
    assert snapshot(project.parent) == before
