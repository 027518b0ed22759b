"""A copy of the example firm with one defect per rule yields exactly the expected findings.

``tests/golden/example-defects.yml`` lists one edit per rule (each commented by the rule it
breaks is unnecessary: the expected output names the rule of every finding). The only rule not
exercised is TSA-2.10-parent-standard, which applies to 外國證券商 only (the example is 第一類;
its failing fixture is ``tests/golden/rules/2.10-parent-standard.yml``). Refresh with
``pytest tests/checks/test_example_defects.py --update-goldens`` and read the diff.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.compliance.registry import all_rules
from tests.test_cli_errors import apply_changes

FOREIGN_ONLY = {"TSA-2.10-parent-standard"}


@pytest.mark.golden_test("../golden/example-defects.yml")
def test_example_with_one_defect_per_rule(
    golden: Any, example_project: Path, run_cli: Callable[..., Any]
) -> None:
    apply_changes(example_project, golden["input"])
    result = run_cli("check", cwd=example_project)
    assert result.stderr == golden.out["stderr"]
    assert int(result.exit_code) == golden.out["exit_code"]
    fired = set(re.findall(r"^\S+ (?:error|warning|info)\[(TSA-[^\]]+)\]", result.stderr, re.M))
    # Outsourcing and contact rules have their own failing/passing fixtures
    # (tests/checks/test_outsourcing.py, test_contacts.py).
    own_tests = ("generator.compliance.rules.outsourcing", "generator.compliance.rules.contacts")
    pack = {r.id for r in all_rules() if r.check.__module__ not in own_tests}
    assert pack - fired == FOREIGN_ONLY
