"""Broken inputs: the exact messages (file:line:col), and the exit code, for each kind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


def apply_changes(project: Path, changes: dict[str, Any]) -> None:
    """Edit the project's files as a golden case describes."""
    for item in changes.get("replace", []):
        path = project / item["file"]
        text = path.read_text(encoding="utf-8")
        assert item["old"] in text, f"{item['old']!r} not in {item['file']}"
        path.write_text(text.replace(item["old"], item["new"], 1), encoding="utf-8")
    for name, content in (changes.get("write") or {}).items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    for name, content in (changes.get("write_bytes") or {}).items():
        (project / name).write_bytes(content.encode("latin-1"))
    for name in changes.get("delete", []):
        (project / name).unlink()


@pytest.mark.golden_test("golden/cli/*.yml")
def test_broken_input(golden: Any, minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    apply_changes(minimal_project, golden["input"])
    before = sorted(p.relative_to(minimal_project) for p in minimal_project.rglob("*"))
    result = run_cli(*golden["command"], cwd=minimal_project)
    assert result.exit_code == golden.out["exit_code"]
    assert result.stderr == golden.out["stderr"]
    assert result.stdout == golden.out["stdout"]
    if golden["command"][-1] == "check":
        after = sorted(p.relative_to(minimal_project) for p in minimal_project.rglob("*"))
        assert after == before, "check must not write anything"
