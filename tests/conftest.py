"""Shared fixtures: temporary projects built from the committed test firms."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.cli import main

REPO = Path(__file__).resolve().parent.parent
FIRMS = REPO / "tests" / "firms"
EXAMPLE = REPO / "firm_data"

os.environ.setdefault("SOURCE_DATE_EPOCH", "1790000000")
os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")


def make_project(root: Path, data: Path) -> Path:
    """A project at ``root``: the repo's templates, docs and mkdocs.yml, a copy of ``data``."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copytree(REPO / "docs", root / "docs")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(data, root / "firm_data", ignore=shutil.ignore_patterns("overrides"))
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a data file with ``new`` (``old`` must be there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def minimal_project(tmp_path: Path) -> Path:
    """A fresh project holding the minimal test firm."""
    return make_project(tmp_path / "project", FIRMS / "minimal")


@pytest.fixture
def example_project(tmp_path: Path) -> Path:
    """A fresh project holding the shipped example firm."""
    return make_project(tmp_path / "project", EXAMPLE)


@dataclass
class CliResult:
    """What one run of the CLI printed and returned."""

    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def run_cli(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., CliResult]:
    """Run ``handbook ARGS`` in-process from directory ``cwd``."""

    def run(*args: str, cwd: Path) -> CliResult:
        monkeypatch.chdir(cwd)
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0)
        out = capsys.readouterr()
        return CliResult(code, out.out, out.err)

    return run
