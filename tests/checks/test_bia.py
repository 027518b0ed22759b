"""Rules of Art. 2 and 4 (recovery targets), each with a passing and a failing fixture."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any


def edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / "firm_data" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_minimal_firm_passes(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("check", cwd=minimal_project)
    assert result.exit_code == 0
    assert "TSA-" not in result.stderr


def test_system_rto_longer_than_business(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(minimal_project, "systems.yaml", "rto: 2h", "rto: 5h")
    result = run_cli("check", cwd=minimal_project)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[:3] == [
        "firm_data/systems.yaml:6:8: error[TSA-2.5-system-rto]: 第2條：核心系統「委託下單系統」的 RTO"
        "（5 小時）長於核心業務「證券經紀委託」的 RTO（4 小時）",
        "    另見 firm_data/businesses.yaml:6:8",
        "    提示：縮短系統 RTO（例如提升備援架構），或重新檢視業務 RTO。",
    ]


def test_system_rpo_longer_than_business(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(minimal_project, "systems.yaml", "rpo: 0", "rpo: 1h")
    result = run_cli("check", cwd=minimal_project)
    assert result.exit_code == 1
    assert "firm_data/systems.yaml:7:8: error[TSA-2.6-system-rpo]" in result.stderr
    assert "另見 firm_data/businesses.yaml:7:8" in result.stderr
