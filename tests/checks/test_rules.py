"""Every rule of the pack: a failing fixture per rule (golden), passing fixtures, coverage.

Each ``tests/golden/rules/*.yml`` case copies the minimal or the example firm, applies edits (one
defect) and records exactly which issues appear (``new``) and disappear (``gone``) compared with
the unedited firm, with their rule id, file:line:col, message and hint. Refresh with
``pytest tests/checks/test_rules.py --update-goldens`` and read the diff.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.compliance.registry import all_rules
from tests.conftest import EXAMPLE, FIRMS, make_project
from tests.test_cli_errors import apply_changes

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "rules"


def issue_blocks(stderr: str) -> list[str]:
    """The printed issues, each with its indented 另見 and 提示 lines."""
    blocks: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("    ") and blocks:
            blocks[-1] += "\n" + line
        elif not line.startswith("handbook:"):
            blocks.append(line)
    return blocks


def run_case(tmp_path: Path, firm: str, changes: dict[str, Any], run_cli: Any) -> Any:
    source = FIRMS / "minimal" if firm == "minimal" else EXAMPLE
    before = run_cli("check", cwd=make_project(tmp_path / "before", source))
    project = make_project(tmp_path / "after", source)
    apply_changes(project, changes)
    return issue_blocks(before.stderr), run_cli("check", cwd=project)


@pytest.mark.golden_test("../golden/rules/*.yml")
def test_one_defect(golden: Any, tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    baseline, result = run_case(tmp_path, golden["firm"], golden["input"], run_cli)
    after = issue_blocks(result.stderr)
    new = [b for b in after if b not in baseline]
    gone = [b for b in baseline if b not in after]
    assert "\n".join(new) + "\n" == golden.out["new"]
    assert "\n".join(gone) + "\n" == golden.out["gone"]
    assert int(result.exit_code) == golden.out["exit_code"]


def test_every_rule_has_a_failing_fixture() -> None:
    covered: set[str] = set()
    for case in GOLDEN.glob("*.yml"):
        data = yaml.safe_load(case.read_text(encoding="utf-8"))
        covered |= set(re.findall(r"(?:error|warning|info)\[(TSA-[^\]]+)\]", data["new"]))
    # Topic modules with their own failing/passing fixture tests (outsourcing, contacts).
    for module in Path(__file__).parent.glob("test_*.py"):
        text = module.read_text(encoding="utf-8")
        covered |= set(re.findall(r"(?:error|warning|info)\[(TSA-[^\]]+)\]", text))
    missing = sorted(r.id for r in all_rules() if r.id not in covered)
    assert missing == []


def test_minimal_firm_has_no_findings(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("check", "--strict", cwd=minimal_project)
    assert (result.exit_code, result.stderr) == (0, "")


def test_example_firm_has_no_errors(example_project: Path, run_cli: Callable[..., Any]) -> None:
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0
    assert "error[" not in result.stderr
    # the intended gaps of the example (documented in README): a stale contact, a missed RTO
    # with its corrective action, and a waived missing clause
    codes = re.findall(r"^firm_data/\S+ (\w+)\[([^\]]+)\]", result.stderr, re.MULTILINE)
    assert codes == [
        ("info", "TSA-3.7-target-missed"),
        ("warning", "TSA-7.2-contact-stale"),
        ("info", "TSA-9.2-recommended-clauses"),
        ("info", "TSA-9.2-clause-remediation"),
    ]


def test_every_rule_pack_entry_has_exactly_one_check() -> None:
    from generator.compliance.rule import pack_entries

    registered = [r.id for r in all_rules()]
    assert len(registered) == len(set(registered))
    assert sorted(registered) == sorted(pack_entries())
