"""A publish killed mid-way changes nothing published; two publishes cannot interleave."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.editions.publish import PAUSE_ENV, PAUSE_MARKER_ENV
from tests.conftest import CliResult
from tests.editions_helpers import approve_2026_2, handbook_process, make_draft_2026_2, tree
from tests.test_publish_git import GIT_ENV, git

Cli = Callable[..., CliResult]


def _paused(project: Path, args: list[str], point: str) -> subprocess.Popen[str]:
    """Start ``handbook ARGS`` and return once it sleeps at checkpoint ``point``."""
    marker = project.parent / f"paused-{point}"
    proc = handbook_process(project, args, {PAUSE_ENV: point, PAUSE_MARKER_ENV: str(marker)})
    deadline = time.monotonic() + 120
    while not marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"publisher ended before {point}: {proc.communicate()}")
        assert time.monotonic() < deadline, f"publisher never reached {point}"
        time.sleep(0.05)
    return proc


def _kill(proc: subprocess.Popen[str]) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture
def two_published(minimal_project: Path, run_cli: Cli) -> tuple[Path, Path]:
    """2026.1 and the 2026.2 draft published; the data now holds the approved 2026.2."""
    target = minimal_project.parent / "pub"
    assert run_cli("publish", "--to", str(target), cwd=minimal_project).exit_code == 0
    make_draft_2026_2(minimal_project)
    assert run_cli("publish", "--to", str(target), cwd=minimal_project).exit_code == 0
    approve_2026_2(minimal_project)
    return minimal_project, target


@pytest.mark.parametrize("point", ["locked", "built", "staged"])
def test_killed_before_commit_leaves_target_byte_identical(
    two_published: tuple[Path, Path], run_cli: Cli, point: str
) -> None:
    project, target = two_published
    before = tree(target)
    _kill(_paused(project, ["publish", "--to", str(target)], point))
    assert tree(target) == before
    assert run_cli("verify", "--to", str(target), cwd=project).exit_code == 0
    # The next publish cleans up after the killed one and succeeds.
    done = run_cli("publish", "--to", str(target), cwd=project)
    assert done.exit_code == 0, done.stderr
    assert not [p for p in target.iterdir() if p.name.startswith(".publish-staging-")]
    assert run_cli("verify", "--to", str(target), cwd=project).exit_code == 0


@pytest.mark.parametrize("point", ["committed", "switching"])
def test_killed_after_commit_is_completed_by_the_next_publish(
    two_published: tuple[Path, Path], run_cli: Cli, point: str
) -> None:
    project, target = two_published
    before = tree(target)
    _kill(_paused(project, ["publish", "--to", str(target)], point))
    after = tree(target)
    # Nothing published before was altered, and versions.json still lists the old editions.
    for name, content in before.items():
        if name.startswith(("2026.1/", "2026.2-draft/")) or name == "versions.json":
            assert after[name] == content, name
    pending = run_cli("verify", "--to", str(target), cwd=project)
    assert pending.exit_code == 1
    assert "error[verify-pending]" in pending.stderr
    # The next publish first finishes the committed one, then finds 2026.2 published.
    again = run_cli("publish", "--to", str(target), cwd=project)
    assert again.exit_code == 2
    assert "版次「2026.2」已發布" in again.stderr
    ok = run_cli("verify", "--to", str(target), cwd=project)
    assert ok.exit_code == 0, ok.stderr
    assert tree(target / "latest") == tree(target / "2026.2")
    assert 'url=2026.2/"' in (target / "index.html").read_text("utf-8")


def test_second_publish_waits_for_none_and_is_refused_while_locked(
    two_published: tuple[Path, Path], run_cli: Cli
) -> None:
    project, target = two_published
    proc = _paused(project, ["publish", "--to", str(target)], "built")
    try:
        second = run_cli("publish", "--to", str(target), cwd=project)
        assert second.exit_code == 4
        assert "error[publish-locked]: 另一個發布作業正在進行中" in second.stderr
    finally:
        _kill(proc)


@pytest.mark.parametrize("point", ["built", "committed", "switching"])
def test_killed_git_publish_leaves_branch_unchanged(
    minimal_project: Path, run_cli: Cli, monkeypatch: pytest.MonkeyPatch, point: str
) -> None:
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)
    project = minimal_project
    git(project, "init", "-q", "-b", "main")
    assert run_cli("publish", "--branch", "site", cwd=project).exit_code == 0
    before = git(project, "rev-parse", "refs/heads/site")
    make_draft_2026_2(project)
    _kill(_paused(project, ["publish", "--branch", "site"], point))
    assert git(project, "rev-parse", "refs/heads/site") == before
    assert run_cli("verify", "--branch", "site", cwd=project).exit_code == 0
    done = run_cli("publish", "--branch", "site", cwd=project)
    assert done.exit_code == 0, done.stderr
    assert git(project, "rev-parse", "refs/heads/site") != before
