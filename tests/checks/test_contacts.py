"""Contact-tree, deputy, phone and freshness rules, each with a failing and a passing fixture."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.compliance.rules.contacts import months_before
from tests.checks.test_bia import edit

PEOPLE = """\
people:
- {id: p3, name: 測試丙, title: 經理, department: 交割部, last_verified: 2026-09-01,
   phones: [{kind: office, number: 02-2700-0003}, {kind: mobile, number: 0912-000-003}]}
- {id: p4, name: 測試丁, title: 經理, department: 客服部, last_verified: 2026-09-01,
   phones: [{kind: office, number: 02-2700-0004}]}
- {id: p5, name: 測試戊, title: 副理, department: 交割部, last_verified: 2026-09-01,
   phones: [{kind: office, number: 02-2700-0005}]}
- {id: p6, name: 測試己, title: 副理, department: 客服部, last_verified: 2026-09-01,
   phones: [{kind: office, number: 02-2700-0006}]}
"""

GOOD_TREE = """\
contact_trees:
- id: all
  name: 全公司聯絡樹
  activation: [typhoon]
  target: 30m
  root:
    person: p1
    deputy: p2
    calls:
    - person: p3
      deputy: p5
      calls:
      - {person: p4, deputy: p6}
"""


def with_tree(project: Path, tree: str) -> Path:
    """Add four people and ``tree`` to the minimal firm; returns the tree file."""
    (project / "firm_data/zz-people.yaml").write_text(PEOPLE, encoding="utf-8")
    path = project / "firm_data/zz-trees.yaml"
    path.write_text(tree, encoding="utf-8")
    return path


def line_of(path: Path, text: str, occurrence: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    hits = [i for i, line in enumerate(lines, start=1) if text in line]
    return hits[occurrence - 1]


def codes(stderr: str) -> set[str]:
    return set(re.findall(r"\[(TSA-[\w.-]+)\]", stderr))


def test_good_tree_passes_every_contact_rule(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    with_tree(minimal_project, GOOD_TREE)
    result = run_cli("check", "--strict", cwd=minimal_project)
    assert result.exit_code == 0, result.stderr
    assert codes(result.stderr) == set()


def test_unknown_person_in_tree_is_a_located_dangling_reference(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    tree = with_tree(minimal_project, GOOD_TREE.replace("person: p4", "person: p44"))
    result = run_cli("check", cwd=minimal_project)
    assert result.exit_code == 1
    line = line_of(tree, "p44")
    assert f"firm_data/zz-trees.yaml:{line}:" in result.stderr
    assert "error[dangling-ref]: 引用了不存在的人員「p44」" in result.stderr


def test_cycle_reports_the_path_of_people_and_both_places(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    cyclic = GOOD_TREE.replace("{person: p4, deputy: p6}", "{person: p1, deputy: p6}")
    tree = with_tree(minimal_project, cyclic)
    result = run_cli("check", cwd=minimal_project)
    assert result.exit_code == 1
    again = line_of(tree, "{person: p1, deputy: p6}")
    root = line_of(tree, "person: p1")
    lines = result.stderr.splitlines()
    first = lines.index(
        f"firm_data/zz-trees.yaml:{again}:18: error[TSA-7.2-tree-cycle]: 第7條："
        "緊急聯絡樹「全公司聯絡樹」形成循環：測試甲 → 測試丙 → 測試甲"
    )
    assert lines[first + 1] == f"    另見 firm_data/zz-trees.yaml:{root}:13"
    assert "TSA-7.2-tree-duplicate" not in result.stderr, "a cycle is not also a duplicate"


def test_person_twice_in_one_tree(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    twice = GOOD_TREE + "    - {person: p4, deputy: p6}\n"
    tree = with_tree(minimal_project, twice)
    result = run_cli("check", cwd=minimal_project)
    assert result.exit_code == 1
    second = line_of(tree, "{person: p4, deputy: p6}", 2)
    assert (
        f"firm_data/zz-trees.yaml:{second}:16: error[TSA-7.2-tree-duplicate]: 第7條："
        "「測試丁」在緊急聯絡樹「全公司聯絡樹」出現兩次：測試甲 → 測試丙 → 測試丁 與 "
        "測試甲 → 測試丁"
    ) in result.stderr


def test_fan_out_above_policy(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    edit(
        minimal_project,
        "firm.yaml",
        "  date_style: iso\n",
        "  date_style: iso\n  policy:\n    call_tree_max_fanout: 1\n",
    )
    wide = GOOD_TREE + "    - {person: p6, deputy: p5}\n"
    tree = with_tree(minimal_project, wide)
    result = run_cli("check", cwd=minimal_project)
    assert result.exit_code == 0, "fan-out is a warning"
    assert (
        f"firm_data/zz-trees.yaml:{line_of(tree, '- person: p3')}:5: warning[TSA-7.2-tree-fanout]: "
        "第7條：緊急聯絡樹「全公司聯絡樹」中「測試甲」須聯絡 2 人，超過上限 1 人"
    ) in result.stderr
    assert run_cli("check", "--strict", cwd=minimal_project).exit_code == 1


def test_fan_out_within_default_policy(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    with_tree(minimal_project, GOOD_TREE + "    - {person: p6, deputy: p5}\n")
    result = run_cli("check", "--strict", cwd=minimal_project)
    assert "TSA-7.2-tree-fanout" not in result.stderr
    assert result.exit_code == 0, result.stderr


def test_task_force_role_without_deputy(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    edit(minimal_project, "organisation.yaml", "      deputies: [p1]\n", "")
    result = run_cli("check", cwd=minimal_project)
    assert result.exit_code == 1
    assert (
        "firm_data/organisation.yaml:14:15: error[TSA-4.0-role-deputy]: 第4條："
        "任務編組角色「資訊復原負責人」沒有代理人"
    ) in result.stderr


def test_caller_without_deputy_in_tree_or_role(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    tree = with_tree(minimal_project, GOOD_TREE.replace("      deputy: p5\n", ""))
    result = run_cli("check", cwd=minimal_project)
    assert (
        f"firm_data/zz-trees.yaml:{line_of(tree, '- person: p3')}:15: "
        "warning[TSA-7.2-tree-deputy-missing]: 第7條：緊急聯絡樹「全公司聯絡樹」中「測試丙」"
        "須聯絡 1 人，但沒有代理人；聯絡不到本人時，其下的聯絡就會中斷"
    ) in result.stderr


def test_role_holder_falls_back_to_the_role_deputy(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    # p1 holds the commander role (deputy p2): the tree need not repeat it.
    with_tree(minimal_project, GOOD_TREE.replace("    deputy: p2\n", ""))
    result = run_cli("check", "--strict", cwd=minimal_project)
    assert codes(result.stderr) == set(), result.stderr


def test_deputy_in_the_same_branch(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    tree = with_tree(minimal_project, GOOD_TREE.replace("deputy: p5", "deputy: p4"))
    result = run_cli("check", cwd=minimal_project)
    deputy_line = line_of(tree, "deputy: p4")
    assert (
        f"firm_data/zz-trees.yaml:{deputy_line}:15: warning[TSA-7.2-tree-deputy-branch]: 第7條："
        "緊急聯絡樹「全公司聯絡樹」中「測試丙」的代理人「測試丁」由本人（直接或間接）聯絡"
    ) in result.stderr
    assert f"另見 firm_data/zz-trees.yaml:{line_of(tree, '{person: p4')}:" in result.stderr


def test_deputy_who_is_a_caller_above(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    with_tree(minimal_project, GOOD_TREE.replace("deputy: p6", "deputy: p1"))
    result = run_cli("check", cwd=minimal_project)
    assert "「測試丁」的代理人「測試甲」是本人的上層撥號人" in result.stderr


def test_invalid_phone_numbers(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    edit(minimal_project, "people.yaml", "0912-000-001", "0912-000-01")
    edit(minimal_project, "people.yaml", "02-2700-0002", "02-2700-00")
    result = run_cli("check", cwd=minimal_project)
    assert result.exit_code == 1
    assert (
        "firm_data/people.yaml:8:28: error[TSA-7.2-phone-invalid]: 第7條："
        "測試甲的行動電話號碼不是有效的臺灣或國際電話號碼"
    ) in result.stderr, "a personal number is never quoted (findings may be published)"
    assert (
        "firm_data/people.yaml:15:28: error[TSA-7.2-phone-invalid]: 第7條："
        "測試乙的公務電話號碼「02-2700-00」不是有效的臺灣或國際電話號碼"
    ) in result.stderr


def test_valid_local_international_and_short_numbers(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(minimal_project, "people.yaml", "02-2700-0002", "+1 212 555 0100")
    edit(minimal_project, "people.yaml", "02-8101-0000", '"110"')
    result = run_cli("check", cwd=minimal_project)
    assert "TSA-7.2-phone-invalid" not in result.stderr
    assert result.exit_code == 0


def test_short_code_is_not_a_personal_number(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(minimal_project, "people.yaml", "0912-000-001", '"119"')
    result = run_cli("check", cwd=minimal_project)
    assert "firm_data/people.yaml:8:28: error[TSA-7.2-phone-invalid]" in result.stderr


def test_contacts_not_verified_within_policy(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    # Tests run on 2026-09-21; the default policy allows 6 months.
    edit(minimal_project, "people.yaml", "last_verified: 2026-10-01", "last_verified: 2026-03-20")
    edit(minimal_project, "people.yaml", "  last_verified: 2026-09-01\n", "")
    edit(minimal_project, "people.yaml", "  last_verified: 2026-09-01\n", "")
    result = run_cli("check", cwd=minimal_project)
    assert (
        "firm_data/people.yaml:9:18: warning[TSA-7.2-contact-stale]: 第7條："
        "「測試甲」的聯絡資料最後確認於 2026-03-20，已超過 6 個月"
    ) in result.stderr
    assert "「測試乙」的聯絡資料從未確認（沒有 last_verified）" in result.stderr
    assert "「臺灣證券交易所」的聯絡資料從未確認" in result.stderr


def test_contacts_verified_within_policy(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    edit(minimal_project, "people.yaml", "last_verified: 2026-10-01", "last_verified: 2026-03-21")
    result = run_cli("check", cwd=minimal_project)
    assert "「測試甲」的聯絡資料" not in result.stderr


def test_example_firm_emergency_numbers_need_no_verification(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    result = run_cli("check", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert "警察機關" not in result.stderr and "消防救護" not in result.stderr
    contact_codes = {c for c in codes(result.stderr) if c.startswith(("TSA-7.2", "TSA-4"))}
    assert contact_codes <= {"TSA-7.2-contact-stale"}


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 9, 21), 6, dt.date(2026, 3, 21)),
        (dt.date(2026, 8, 31), 6, dt.date(2026, 2, 28)),
        (dt.date(2026, 1, 15), 1, dt.date(2025, 12, 15)),
        (dt.date(2026, 3, 31), 13, dt.date(2025, 2, 28)),
    ],
)
def test_months_before(day: dt.date, months: int, expected: dt.date) -> None:
    assert months_before(day, months) == expected
