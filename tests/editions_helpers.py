"""Helpers for the edition tests: edit the minimal firm into successive editions, read trees."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

NEW_DRILL = """drills:
- id: d2026-92
  title: 颱風停班通報演練
  date: 2026-09-10
  start: 14:00
  end: 15:00
  type: call_tree
  scenario: typhoon
  participants: [p1, p2]
  status: planned
"""


def edit(path: Path, old: str, new: str) -> None:
    """Replace one exact piece of text in a data file (fails loudly if it is not there)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def make_draft_2026_2(project: Path) -> None:
    """Edition 2026.2 as a draft: OMS RTO 2h → 1h and a new drill."""
    data = project / "firm_data"
    edit(data / "firm.yaml", "number: '2026.1'", "number: '2026.2'")
    edit(data / "firm.yaml", "status: approved", "status: draft")
    edit(data / "systems.yaml", "rto: 2h", "rto: 1h")
    (data / "drills-2026-2.yaml").write_text(NEW_DRILL, encoding="utf-8")


def approve_2026_2(project: Path) -> None:
    """Edition 2026.2 approved, in force from 2026-07-01."""
    data = project / "firm_data"
    edit(data / "firm.yaml", "status: draft", "status: approved")
    edit(data / "firm.yaml", "effective_date: 2026-01-15", "effective_date: 2026-07-01")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (dot-entries such as the lock and staging folders left out)."""
    out = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in rel.parts):
            out[rel.as_posix()] = path.read_bytes()
    return out


def versions(root: Path) -> list[dict[str, Any]]:
    """``versions.json`` of a directory target."""
    data: list[dict[str, Any]] = json.loads((root / "versions.json").read_text("utf-8"))
    return data


def handbook_process(
    project: Path, args: list[str], env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """``handbook ARGS`` as a separate process (so a test can kill it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "generator", *args],
        cwd=project,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
