"""Hostile input, as a security review found it: every class ends in one located error with a
stable code and the usual exit code. Never a traceback, never a hang, never a crash."""

from __future__ import annotations

import os
import re
import socket
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator import render
from tests.conftest import CliResult

BIN = Path(sys.executable).parent / "handbook"
DATA = "firm_data"
BIA = "firm_data/overrides/pages/bia.md.j2"  # an override of a page the minimal firm has


def refused(result: CliResult, code: str, exit_code: int, where: str | None = None) -> None:
    """One ``error[code]`` (at ``where``: ``file:line:col`` or ``file``), the exit code, and no
    traceback."""
    assert "Traceback" not in result.stderr + result.stdout
    assert result.exit_code == exit_code, result.stderr
    assert f"error[{code}]" in result.stderr, result.stderr
    if where is not None:
        assert re.search(rf"^{re.escape(where)}: error\[{code}\]", result.stderr, re.M), (
            result.stderr
        )


def run_bin(args: list[str], cwd: Path, timeout: float = 60, **env: str) -> CliResult:
    """The installed ``handbook`` as a process: a hang fails the test instead of blocking it."""
    done = subprocess.run(
        [str(BIN), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **env},
    )
    return CliResult(done.returncode, done.stdout, done.stderr)


def write(project: Path, name: str, text: str) -> None:
    path = project / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass"))


# ---------------------------------------------------------------- YAML constructs

YAML_CASES = {
    # name: (file text, code, line, column)
    "merge-key-block": (
        "glossary:\n- &t {term: a, definition: b}\n- <<: *t\n",
        "yaml-merge-key",
        3,
        3,
    ),
    "merge-key-flow": ("glossary:\n- {<<: {term: a}, definition: b}\n", "yaml-merge-key", 2, 4),
    "merge-key-top": ("base: &b {x: 1}\n<<: *b\n", "yaml-merge-key", 2, 1),
    "explicit-merge-tag": ("glossary:\n- {!!merge x: 1}\n", "yaml-tag", 2, 4),
    "local-tag-mapping": ("glossary:\n- !foo {term: a, definition: b}\n", "yaml-tag", 2, 3),
    "local-tag-scalar": ("glossary:\n- {term: !foo a, definition: b}\n", "yaml-tag", 2, 10),
    "local-tag-sequence": ("glossary: !list\n- {term: a, definition: b}\n", "yaml-tag", 1, 11),
    "binary-tag": ("glossary:\n- {term: !!binary YWJj, definition: b}\n", "yaml-tag", 2, 10),
    "python-tag": (
        "glossary:\n- {term: !!python/object:os.system x, definition: b}\n",
        "yaml-tag",
        2,
        10,
    ),
    "set-tag": ("glossary: !!set {a, b}\n", "yaml-tag", 1, 11),
    "declared-tag": ("%TAG !e! tag:example.com,2000:\n---\nglossary: !e!x []\n", "yaml-tag", 3, 11),
    "complex-key": ("glossary:\n- {[a]: 1}\n", "yaml-complex-key", 2, 4),
    "alias-cycle": ("glossary: &a [*a]\n", "yaml-alias-cycle", 1, 15),
    "alias-cycle-nested": ("glossary: &a\n- {term: x, calls: [*a]}\n", "yaml-alias-cycle", 2, 21),
    "two-documents": ("glossary: []\n---\nsites: []\n", "yaml-syntax", 2, 1),
}


@pytest.mark.parametrize("case", sorted(YAML_CASES))
def test_yaml_construct_is_refused_where_it_is_written(
    case: str, minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    text, code, line, column = YAML_CASES[case]
    write(minimal_project, "firm_data/x.yaml", text)
    result = run_cli("check", cwd=minimal_project)
    refused(result, code, 1, f"firm_data/x.yaml:{line}:{column}")


def _laughs(levels: int, width: int) -> str:
    lines = [f"l0: &l0 [{', '.join(['lol'] * width)}]"]
    for level in range(1, levels):
        lines.append(f"l{level}: &l{level} [{', '.join([f'*l{level - 1}'] * width)}]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize(("levels", "width"), [(9, 10), (30, 2), (4, 200)])
def test_billion_laughs_stop_at_the_alias_that_goes_over(
    levels: int, width: int, minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    write(minimal_project, "firm_data/x.yaml", _laughs(levels, width))
    result = run_cli("check", cwd=minimal_project)
    refused(result, "yaml-alias-expansion", 1)
    assert re.search(r"^firm_data/x\.yaml:\d+:\d+: error", result.stderr, re.M)


def test_aliases_that_stay_small_are_still_read(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    write(
        minimal_project,
        "firm_data/x.yaml",
        "glossary:\n- &t {term: 甲, definition: 說明}\n- {term: 乙, definition: 說明}\n",
    )
    assert run_cli("check", cwd=minimal_project).exit_code == 0


DEEP = {
    "flow-lists-1200": "glossary: " + "[" * 1200 + "]" * 1200 + "\n",
    "flow-maps-100000": "glossary: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
    "dashes-100000": "glossary:\n" + "- " * 100_000 + "x\n",
    "indented-1500": "glossary:\n" + "\n".join(" " * i + "- " for i in range(0, 3000, 2)) + "x\n",
    "via-alias": "a: &a "
    + "[" * 40
    + "]" * 40
    + "\nglossary: "
    + "[" * 30
    + "*a"
    + "]" * 30
    + "\n",
}


@pytest.mark.parametrize("case", sorted(DEEP))
def test_deep_nesting_is_refused_not_a_crash(case: str, minimal_project: Path) -> None:
    """In a process of its own: ruamel's C composer would overflow the C stack (SIGSEGV)."""
    write(minimal_project, "firm_data/x.yaml", DEEP[case])
    result = run_bin(["check"], minimal_project)
    refused(result, "yaml-too-deep", 1)
    assert re.search(r"^firm_data/x\.yaml:\d+:\d+: error\[yaml-too-deep\]", result.stderr, re.M)


# ---------------------------------------------------------------- characters

CHARACTERS = {
    # name: (text of the term, line, column of the character); written literally in the file
    "nul": ("a\x00b", 2, 11),
    "esc": ("a\x1bb", 2, 11),
    "bell": ("\x07", 2, 10),
    "vertical-tab": ("a\x0bb", 2, 11),
    "del": ("a\x7fb", 2, 11),
    "c1-csi": ("a\x9bb", 2, 11),
    "c1-nel": ("a\x85b", 2, 11),
    "bidi-rlo": ("abc\u202edef", 2, 13),
    "bidi-lre": ("\u202aabc", 2, 10),
    "bidi-isolate": ("ab\u2066c\u2069", 2, 12),
    "line-separator": ("a\u2028b", 2, 11),
    "paragraph-separator": ("a\u2029b", 2, 11),
    "non-character-fffe": ("a\ufffeb", 2, 11),
    "non-character-fdd0": ("a\ufdd0b", 2, 11),
    "non-character-plane-16": ("a\U0010ffffb", 2, 11),
}


@pytest.mark.parametrize("case", sorted(CHARACTERS))
def test_forbidden_character_is_refused_at_its_line_and_column(
    case: str, minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    term, line, column = CHARACTERS[case]
    write(minimal_project, "firm_data/x.yaml", f"glossary:\n- {{term: {term}, definition: b}}\n")
    result = run_cli("check", cwd=minimal_project)
    refused(result, "forbidden-character", 1, f"firm_data/x.yaml:{line}:{column}")
    assert "position" not in result.stderr


def test_forbidden_characters_in_a_comment_and_a_key_are_located(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    write(minimal_project, "firm_data/x.yaml", "# 註解\u202e\nglossary:\n  x\x1b: 1\n")
    result = run_cli("check", cwd=minimal_project)
    refused(result, "forbidden-character", 1, "firm_data/x.yaml:1:5")
    refused(result, "forbidden-character", 1, "firm_data/x.yaml:3:4")


ESCAPES = {
    "escape-esc": '"a\\x1bb"',
    "escape-rlo": '"a\\u202eb"',
    "escape-line-separator": '"a\\Lb"',
    "escape-nel": '"a\\Nb"',
    "escape-nul": '"a\\0b"',
    "escape-non-character": '"a\\U0010FFFEb"',
}


@pytest.mark.parametrize("case", sorted(ESCAPES))
def test_forbidden_character_written_as_an_escape_is_refused(
    case: str, minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    written = ESCAPES[case]
    write(minimal_project, "firm_data/x.yaml", f"glossary:\n- {{term: {written}, definition: b}}\n")
    result = run_cli("check", cwd=minimal_project)
    refused(result, "forbidden-character", 1, "firm_data/x.yaml:2:10")


def test_name_with_a_line_separator_never_reaches_generate(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    people = minimal_project / "firm_data/people.yaml"
    text = people.read_text(encoding="utf-8")
    name = re.search(r"name: (\S+)", text)
    assert name
    people.write_text(text.replace(name.group(0), f"name: {name.group(1)}\u2028x", 1), "utf-8")
    for command in ("check", "generate"):
        refused(run_cli(command, cwd=minimal_project), "forbidden-character", 1)
    assert not (minimal_project / "build" / "docs").exists()


# ---------------------------------------------------------------- files that are not files


def test_fifo_in_the_data_folder_is_refused_not_waited_on(minimal_project: Path) -> None:
    os.mkfifo(minimal_project / "firm_data/x.yaml")
    result = run_bin(["check"], minimal_project, timeout=30)
    refused(result, "not-a-regular-file", 1, "firm_data/x.yaml:1:1")


def test_socket_and_folder_named_yaml_are_refused(
    minimal_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    (minimal_project / "firm_data/d.yaml").mkdir()
    server = socket.socket(socket.AF_UNIX)
    monkeypatch.chdir(minimal_project)  # a socket's path must be short
    try:
        server.bind("firm_data/s.yaml")
        result = run_cli("check", cwd=minimal_project)
    finally:
        server.close()
    refused(result, "not-a-regular-file", 1, "firm_data/d.yaml:1:1")
    refused(result, "not-a-regular-file", 1, "firm_data/s.yaml:1:1")


def test_device_in_the_data_folder_is_refused(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    try:
        os.mknod(minimal_project / "firm_data/z.yaml", stat.S_IFCHR | 0o600, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("making a device file needs root")
    result = run_cli("check", cwd=minimal_project)
    refused(result, "not-a-regular-file", 1, "firm_data/z.yaml:1:1")


@pytest.mark.parametrize("target", ["/dev/zero", "/etc/hostname", "../outside.yaml"])
def test_symlink_out_of_the_data_folder_is_refused(
    target: str, minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    (minimal_project / "outside.yaml").write_text("glossary: []\n", encoding="utf-8")
    (minimal_project / "firm_data/link.yaml").symlink_to(target)
    result = run_cli("check", cwd=minimal_project)
    refused(result, "symlink-outside", 1, "firm_data/link.yaml:1:1")


def test_symlink_inside_the_data_folder_is_read(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    (minimal_project / "firm_data/more").mkdir()
    (minimal_project / "firm_data/more/glossary.txt").write_text(
        "glossary:\n- {term: 甲, definition: 說明}\n", encoding="utf-8"
    )
    (minimal_project / "firm_data/glossary.yaml").symlink_to("more/glossary.txt")
    assert run_cli("check", cwd=minimal_project).exit_code == 0


def test_dangling_symlink_is_named_as_written(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    (minimal_project / "firm_data/gone.yaml").symlink_to("nowhere.yaml")
    refused(run_cli("check", cwd=minimal_project), "unreadable", 1, "firm_data/gone.yaml")


def test_fifo_as_a_template_override_is_refused_not_waited_on(minimal_project: Path) -> None:
    (minimal_project / BIA).parent.mkdir(parents=True)
    os.mkfifo(minimal_project / BIA)
    refused(
        run_bin(["generate"], minimal_project, timeout=30), "not-a-regular-file", 3, f"{BIA}:1:1"
    )


def test_fifo_included_by_an_override_is_refused(minimal_project: Path) -> None:
    write(minimal_project, BIA, '{% include "partials/p.md.j2" %}\n')
    (minimal_project / "firm_data/overrides/partials").mkdir()
    os.mkfifo(minimal_project / "firm_data/overrides/partials/p.md.j2")
    result = run_bin(["generate"], minimal_project, timeout=30)
    refused(result, "not-a-regular-file", 3, "firm_data/overrides/partials/p.md.j2:1:1")


@pytest.mark.parametrize(
    "target", ["/etc/hostname", "../../real.md.j2", "../../../templates/pages/bia.md.j2"]
)
def test_override_symlink_out_of_the_overrides_folder_is_refused(
    target: str, minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    write(minimal_project, "firm_data/real.md.j2", "secret\n")
    (minimal_project / BIA).parent.mkdir(parents=True)
    (minimal_project / BIA).symlink_to(target)
    result = run_cli("generate", cwd=minimal_project)
    refused(result, "symlink-outside", 3, f"{BIA}:1:1")
    assert not (minimal_project / "build" / "docs").exists()


def test_overrides_folder_that_is_a_symlink_out_of_the_data_is_refused(
    minimal_project: Path, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    write(elsewhere, "pages/bia.md.j2", "secret\n")
    (minimal_project / "firm_data/overrides").symlink_to(elsewhere)
    refused(run_cli("generate", cwd=minimal_project), "symlink-outside", 3, "firm_data/overrides")


def test_override_symlink_inside_the_overrides_folder_is_used(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    write(minimal_project, "firm_data/overrides/mine/bia.md.j2", "# 我們的營運衝擊分析\n")
    (minimal_project / BIA).parent.mkdir(parents=True)
    (minimal_project / BIA).symlink_to("../mine/bia.md.j2")
    assert run_cli("generate", cwd=minimal_project).exit_code == 0
    assert (minimal_project / "build/docs/bia.md").read_text(encoding="utf-8").startswith("# 我們")


# ---------------------------------------------------------------- numbers and dates

BOUNDS = {
    # name: (file, old, new, code, line, column)
    "duration-400-digits": (
        "businesses.yaml",
        "mtpd: 1d",
        "mtpd: " + "9" * 400 + "m",
        "invalid-duration",
        5,
        9,
    ),
    "duration-400-digit-unit": (
        "businesses.yaml",
        "mtpd: 1d",
        "mtpd: " + "9" * 60 + "y",
        "out-of-range",
        5,
        9,
    ),
    "duration-over-100-years": ("businesses.yaml", "mtpd: 1d", "mtpd: 101y", "out-of-range", 5, 9),
    "duration-many-parts": (
        "businesses.yaml",
        "rto: 4h",
        "rto: " + "1d" * 40000,
        "invalid-duration",
        6,
        8,
    ),
    "date-9999": ("drills.yaml", "date: 2026-07-08", "date: 9999-12-31", "out-of-range", 29, 9),
    "date-year-1": ("drills.yaml", "date: 2026-07-08", "date: 0001-01-01", "out-of-range", 29, 9),
    "date-1911": ("drills.yaml", "date: 2026-07-08", "date: 1911-12-31", "out-of-range", 29, 9),
    "date-2101": ("drills.yaml", "date: 2026-07-08", "date: 2101-01-01", "out-of-range", 29, 9),
    "date-as-number": ("drills.yaml", "date: 2026-07-08", "date: 20260708", "invalid-date", 29, 9),
    "review-date-9999": (
        "drills.yaml",
        "review: {date: 2026-05-20",
        "review: {date: 9999-12-31",
        "out-of-range",
        14,
        18,
    ),
}


@pytest.mark.parametrize("case", sorted(BOUNDS))
def test_value_out_of_bounds_is_refused_where_it_is_written(
    case: str, minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    name, old, new, code, line, column = BOUNDS[case]
    path = minimal_project / DATA / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    for command in ("check", "generate"):
        result = run_cli(command, cwd=minimal_project)
        refused(result, code, 1, f"firm_data/{name}:{line}:{column}")


POLICY = {
    # policy: value → code
    "contact_verify_months: 99999": "out-of-range",
    "drill_period_months: 1201": "out-of-range",
    "restore_test_months: 10000000000000000000000": "out-of-range",
    "contract_notice_months: 99999": "out-of-range",
    "plan_review_months: -1": "out-of-range",
    "scenario_rotation_years: 99999": "out-of-range",
    "review_window_days: 99999999": "out-of-range",
    "call_tree_max_fanout: 99999999999": "out-of-range",
    "training_hours_general: .inf": "out-of-range",
    "training_hours_security: .nan": "out-of-range",
    "incident_initial_report: 999999y": "out-of-range",
    "drill_period_months_by_tier: {1: 99999}": "out-of-range",
    "drill_period_months_by_tier: {9: 12}": "out-of-range",
}


@pytest.mark.parametrize("setting", sorted(POLICY))
def test_policy_value_out_of_bounds_is_refused(
    setting: str, minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    firm = minimal_project / "firm_data/firm.yaml"
    firm.write_text(
        firm.read_text(encoding="utf-8") + f"  policy:\n    {setting}\n", encoding="utf-8"
    )
    result = run_cli("check", cwd=minimal_project)
    refused(result, POLICY[setting], 1)
    assert re.search(r"^firm_data/firm\.yaml:20:\d+: error", result.stderr, re.M), result.stderr


def test_drill_step_minutes_and_step_count_are_bounded(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    drills = minimal_project / "firm_data/drills.yaml"
    text = drills.read_text(encoding="utf-8")
    steps = "  steps:\n" + "  - {action: 切換, minutes: 99999999999999}\n"
    drills.write_text(
        text.replace("  review: {date: 2026-05-20", steps + "  review: {date: 2026-05-20"), "utf-8"
    )
    refused(
        run_cli("generate", cwd=minimal_project), "out-of-range", 1, "firm_data/drills.yaml:15:27"
    )
    many = "  steps:\n" + "  - {action: 切換, minutes: 43200}\n" * 501
    drills.write_text(
        text.replace("  review: {date: 2026-05-20", many + "  review: {date: 2026-05-20"), "utf-8"
    )
    refused(
        run_cli("generate", cwd=minimal_project), "too-many-items", 1, "firm_data/drills.yaml:15:3"
    )


def test_longest_allowed_steps_fit_in_the_drill_log(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    """The default log of a failover drill sums its systems' procedure minutes (test_fuzz
    found a sum that the drill-step model refused while rendering)."""
    systems = minimal_project / "firm_data/systems.yaml"
    text = systems.read_text(encoding="utf-8").replace("minutes: 10}", "minutes: 43200}")
    systems.write_text(text.replace("minutes: 60}", "minutes: 43200}"), encoding="utf-8")
    result = run_cli("generate", cwd=minimal_project)
    assert result.exit_code == 0, result.stderr


def test_drill_steps_may_not_add_up_to_more_than_a_century(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    drills = minimal_project / "firm_data/drills.yaml"
    text = drills.read_text(encoding="utf-8")
    steps = "  steps:\n" + "  - {action: 切換, minutes: 52560000}\n" * 2
    text = text.replace("  review: {date: 2026-05-20", steps + "  review: {date: 2026-05-20")
    drills.write_text(text, encoding="utf-8")
    result = run_cli("generate", cwd=minimal_project)
    refused(result, "out-of-range", 1, "firm_data/drills.yaml:2:3")


def test_training_hours_are_finite(
    minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    drills = minimal_project / "firm_data/drills.yaml"
    text = drills.read_text(encoding="utf-8")
    drills.write_text(text.replace("  hours: 3", "  hours: 1e999"), "utf-8")
    refused(run_cli("check", cwd=minimal_project), "out-of-range", 1, "firm_data/drills.yaml:41:10")


# ---------------------------------------------------------------- environment and command line

ENVIRONMENT = [
    ("BCP_TODAY", "yesterday"),
    ("BCP_TODAY", "9999-12-31"),
    ("BCP_TODAY", "0001-01-01"),
    ("BCP_TODAY", "20260101"),
    ("BCP_TODAY", "2026-W01-1"),
    ("BCP_TODAY", "2026-02-30"),
    ("SOURCE_DATE_EPOCH", "abc"),
    ("SOURCE_DATE_EPOCH", "-1"),
    ("SOURCE_DATE_EPOCH", "1_790_000_000"),
    ("SOURCE_DATE_EPOCH", "1e9"),
    ("SOURCE_DATE_EPOCH", "99999999999999"),
    ("SOURCE_DATE_EPOCH", "\x1b[31m"),
]


@pytest.mark.parametrize(("name", "value"), ENVIRONMENT)
@pytest.mark.parametrize("command", [["check"], ["drills", "plan"], ["generate"]])
def test_bad_date_in_the_environment_is_a_usage_error(
    name: str,
    value: str,
    command: list[str],
    minimal_project: Path,
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("BCP_TODAY", raising=False)
    monkeypatch.setenv(name, value)
    result = run_cli(*command, cwd=minimal_project)
    refused(result, "invalid-env", 2)
    assert name in result.stderr and "\x1b" not in result.stderr


def test_bad_environment_through_the_installed_command(minimal_project: Path) -> None:
    refused(run_bin(["check"], minimal_project, BCP_TODAY="yesterday"), "invalid-env", 2)
    refused(run_bin(["check"], minimal_project, SOURCE_DATE_EPOCH="abc"), "invalid-env", 2)


COMMAND_LINES = [
    ["drills", "plan", "--start", "9999"],
    ["drills", "plan", "--start", "0"],
    ["drills", "plan", "--start", "-5"],
    ["drills", "plan", "--start", "99999999999999999999"],
    ["drills", "plan", "--start", "abc"],
    ["drills", "plan", "--years", "0"],
    ["drills", "plan", "--years", "21"],
    ["drills", "plan", "--years", "10**9"],
    ["drills", "plan", "--start", "2100", "--years", "2"],
    ["pdf", "--year", "99999"],
    ["serve", "--addr", "127.0.0.1:99999"],
    ["serve", "--addr", "127.0.0.1:0"],
    ["serve", "--addr", "127.0.0.1:-1"],
    ["serve", "--addr", "127.0.0.1:http"],
    ["serve", "--addr", "127.0.0.1"],
    ["serve", "--addr", "example.com:80"],
    ["serve", "--addr", "[::1]:70000"],
    ["serve", "--addr", ":8000"],
    ["--data", "firm\x00data", "check"],
    ["--project", "\udcff", "check"],
    ["schema", "--out", "a\x1b.json"],
]


@pytest.mark.parametrize(
    "args", COMMAND_LINES, ids=lambda a: " ".join(a).encode("unicode_escape").decode()
)
def test_impossible_command_line_value_is_a_usage_error(
    args: list[str], minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    result = run_cli(*args, cwd=minimal_project)
    refused(result, "usage", 2)


def test_good_addresses_and_years_still_parse() -> None:
    from generator.cli.parser import build_parser

    for addr in ("127.0.0.1:8000", "localhost:1", "[::1]:65535", "0.0.0.0:8080"):
        assert build_parser().parse_args(["serve", "--addr", addr]).addr == addr
    parsed = build_parser().parse_args(["drills", "plan", "--start", "2030", "--years", "20"])
    assert (parsed.start, parsed.years) == (2030, 20)


def test_start_year_through_the_installed_command(minimal_project: Path) -> None:
    refused(run_bin(["drills", "plan", "--start", "9999"], minimal_project), "usage", 2)
    refused(
        run_bin(["serve", "--addr", "127.0.0.1:99999"], minimal_project, timeout=30), "usage", 2
    )


# ---------------------------------------------------------------- template overrides

TEMPLATES = {
    # name: (override, code)
    "range-10-9": ("{% for i in range(10**9) %}x{% endfor %}", "template-limit"),
    "range-step": ("{% for i in range(0, 10**12, 7) %}x{% endfor %}", "template-limit"),
    "recursive-macro": (
        "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
        "template-recursion",
    ),
    "mutual-macros": (
        "{% macro f(n) %}{{ g(n) }}{% endmacro %}{% macro g(n) %}{{ f(n) }}{% endmacro %}{{ f(0) }}",
        "template-recursion",
    ),
    "recursive-loop": (
        "{% for x in [[1]] recursive %}{{ loop([x]) }}{% endfor %}",
        "template-recursion",
    ),
    "self-include": ('{% include "pages/bia.md.j2" %}', "template-recursion"),
    "string-times": ('{{ "x" * 10**9 }}', "template-limit"),
    "list-times": ("{{ ([1] * 10**8)|length }}", "template-limit"),
    "huge-power": ("{{ 2 ** (10**9) }}", "template-limit"),
    "percent-width": ('{{ "%0999999999d" % 1 }}', "template-limit"),
    "percent-star": ('{{ "%*d" % (999999999, 1) }}', "template-limit"),
    "format-width": ('{{ "{:999999999}".format(1) }}', "template-limit"),
    "format-filter": ('{{ "%999999999s"|format(1) }}', "template-limit"),
    "center-filter": ('{{ "x"|center(999999999) }}', "template-limit"),
    "string-method": ('{{ "x".ljust(999999999) }}', "template-limit"),
    "namespace-doubling": (
        '{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}'
        "{% endfor %}{{ ns.s|length }}",
        "template-limit",
    ),
    "replace-doubling": (
        '{% set s = "xx" %}{{ s|replace("x", s * 3000)|replace("x", s * 3000) }}',
        "template-limit",
    ),
    "page-too-big": (
        '{% for i in range(10000) %}{{ "x" * 4000000 }}{% endfor %}',
        "template-limit",
    ),
    "nested-parentheses": ("{{ " + "(" * 300 + "1" + ")" * 300 + " }}", "template-recursion"),
    "nested-for-blocks": (
        "{% for a in [1] %}" * 30 + "x" + "{% endfor %}" * 30,
        "template-limit",
    ),
    "long-sum": ("{{ 1" + " + 1" * 20000 + " }}", "template-recursion"),
    "filter-chain": ("{{ 1" + "|string" * 5000 + " }}", "template-recursion"),
    "division-by-zero": ("{{ 1 / 0 }}", "template-render"),
    "float-overflow": ("{{ 10.0 ** 1000 }}", "template-render"),
}


@pytest.mark.parametrize("case", sorted(TEMPLATES))
def test_override_beyond_a_limit_is_a_template_error(
    case: str, minimal_project: Path, run_cli: Callable[..., CliResult]
) -> None:
    override, code = TEMPLATES[case]
    write(minimal_project, BIA, override + "\n")
    result = run_cli("generate", cwd=minimal_project)
    refused(result, code, 3, f"{BIA}:1:1")
    assert not (minimal_project / "build" / "docs").exists()


ENDLESS = {
    "nested-ranges": "{% for i in range(10000) %}{% for j in range(10000) %}{% for k in range(10000) %}"
    "{% endfor %}{% endfor %}{% endfor %}",
    "empty-loops-over-a-string": '{% set s = "x" * 4000000 %}{% for a in s %}{% for b in s %}'
    "{% endfor %}{% endfor %}",
    "exponential-macro": "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}"
    "{% endmacro %}{{ f(60) }}",
    "loop-over-data": "{% for a in range(10000) %}{% for p in data.people %}{{ p.name|length }}"
    "{% for q in range(10000) %}{% endfor %}{% endfor %}{% endfor %}",
}


@pytest.mark.parametrize("case", sorted(ENDLESS))
def test_override_that_never_ends_is_stopped_at_the_time_limit(
    case: str,
    minimal_project: Path,
    run_cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(render, "RENDER_SECONDS", 1.0)
    write(minimal_project, BIA, ENDLESS[case] + "\n")
    result = run_cli("generate", cwd=minimal_project)
    refused(result, "template-timeout", 3, f"{BIA}:1:1")


def test_endless_override_through_the_installed_command(minimal_project: Path) -> None:
    """The default limit, in a real process: it ends by itself, well before the test's timeout."""
    write(minimal_project, BIA, ENDLESS["nested-ranges"] + "\n")
    result = run_bin(["generate"], minimal_project, timeout=120)
    refused(result, "template-timeout", 3, f"{BIA}:1:1")
    assert f"{render.RENDER_SECONDS:g} 秒" in result.stderr


def test_the_time_limit_leaves_nothing_behind(
    minimal_project: Path, run_cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After a page timed out, the next run of the same process renders normally."""
    monkeypatch.setattr(render, "RENDER_SECONDS", 0.5)
    write(minimal_project, BIA, ENDLESS["nested-ranges"] + "\n")
    refused(run_cli("generate", cwd=minimal_project), "template-timeout", 3)
    (minimal_project / BIA).unlink()
    monkeypatch.setattr(render, "RENDER_SECONDS", 10.0)
    for _ in range(3):
        result = run_cli("generate", cwd=minimal_project)
        assert result.exit_code == 0, result.stderr


def test_shipped_templates_render_well_within_the_limits(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    result = run_cli("generate", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    largest = max(p.stat().st_size for p in (example_project / "build/docs").rglob("*.md"))
    assert largest < render.MAX_PAGE_CHARS // 10
