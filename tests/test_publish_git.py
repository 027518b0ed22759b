"""Publishing editions to a git branch with mike and pushing it to a bare repository."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.editions_helpers import approve_2026_2, make_draft_2026_2, tree

Cli = Callable[..., CliResult]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "BCP 測試",
    "GIT_AUTHOR_EMAIL": "bcp@example.invalid",
    "GIT_COMMITTER_NAME": "BCP 測試",
    "GIT_COMMITTER_EMAIL": "bcp@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` and return its output."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.fixture
def git_project(minimal_project: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The minimal firm in a git repository whose ``origin`` is a local bare repository."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    remote = minimal_project.parent / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True)
    git(minimal_project, "init", "-q", "-b", "main")
    git(minimal_project, "add", "-A")
    git(minimal_project, "commit", "-q", "-m", "firm data")
    git(minimal_project, "remote", "add", "origin", remote.resolve().as_uri())
    return minimal_project, remote


def _publish(project: Path, run_cli: Cli) -> CliResult:
    result = run_cli("publish", "--branch", "bcp-site", "--remote", "origin", "--push", cwd=project)
    assert result.exit_code == 0, result.stderr
    return result


def test_three_editions_on_a_branch_pushed_to_a_bare_repo(
    git_project: tuple[Path, Path], run_cli: Cli, tmp_path: Path
) -> None:
    project, remote = git_project
    _publish(project, run_cli)
    make_draft_2026_2(project)
    _publish(project, run_cli)
    approve_2026_2(project)
    last = _publish(project, run_cli)
    assert "與前一版 2026.1 的差異：" in last.stdout

    log = git(remote, "log", "--format=%s", "bcp-site").splitlines()
    assert log[0] == "Publish edition 2026.2 (approved)（預設版次）"
    assert "Publish edition 2026.2-draft (draft)" in log
    assert not git(project, "branch", "--list", "handbook-publish/*").strip()

    checkout = tmp_path / "checkout"
    subprocess.run(
        ["git", "clone", "-q", "-b", "bcp-site", remote.resolve().as_uri(), str(checkout)],
        check=True,
    )
    names = sorted(p.name for p in checkout.iterdir() if p.name != ".git")
    expected = [".nojekyll", "2026.1", "2026.2", "2026.2-draft", "index.html", "latest"]
    assert names == [*expected, "versions.json"]
    listed = json.loads((checkout / "versions.json").read_text("utf-8"))
    assert [(v["version"], v["aliases"], v["properties"]["status"]) for v in listed] == [
        ("2026.2", ["latest"], "approved"),
        ("2026.2-draft", [], "draft"),
        ("2026.1", [], "approved"),
    ]
    assert listed[1]["title"] == "2026.2｜2026 年第一版（草案）"
    assert 'url=2026.2/"' in (checkout / "index.html").read_text("utf-8")
    assert tree(checkout / "latest") == tree(checkout / "2026.2")
    draft = (checkout / "2026.2-draft" / "index.html").read_text("utf-8")
    assert "bcp-draft-banner" in draft
    assert "bcp-draft-banner" not in (checkout / "2026.2" / "index.html").read_text("utf-8")
    history = (checkout / "2026.2" / "history" / "index.html").read_text("utf-8")
    assert "系統「委託下單系統」RTO由 2 小時 改為 1 小時" in history

    verify = run_cli("verify", "--branch", "bcp-site", cwd=project)
    assert verify.exit_code == 0, verify.stderr
    diff = run_cli("diff", "2026.1", "2026.2", "--branch", "bcp-site", cwd=project)
    assert "- 新增演練：2026-09-10 颱風停班通報演練（d2026-92）" in diff.stdout


def test_git_publish_refuses_an_existing_edition(
    git_project: tuple[Path, Path], run_cli: Cli
) -> None:
    project, _ = git_project
    _publish(project, run_cli)
    before = git(project, "rev-parse", "bcp-site")
    again = run_cli("publish", "--branch", "bcp-site", cwd=project)
    assert again.exit_code == 2
    assert "error[edition-exists]" in again.stderr
    assert git(project, "rev-parse", "bcp-site") == before
