"""The README stays true: every command, section, error code and template block is documented."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from generator.cli.parser import build_parser
from generator.model import FirmData

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_starts_with_the_two_commands() -> None:
    first_block = README.split("```")[1]
    assert "make site" in first_block and "make test" in first_block


def test_every_command_is_documented() -> None:
    subparsers = next(a for a in build_parser()._actions if a.dest == "command")
    commands = set(subparsers.choices)  # type: ignore[attr-defined]
    assert commands == {
        "check",
        "generate",
        "build",
        "pdf",
        "serve",
        "schema",
        "drills",
        "export",
        "publish-confluence",
        "publish",
        "diff",
        "verify",
        "bundle",
    }
    for command in commands:
        assert f"`handbook {command}" in README, command


def test_every_data_section_is_documented() -> None:
    for section in FirmData.model_fields:
        assert f"| `{section}` |" in README, section


def test_every_error_code_in_the_goldens_is_documented() -> None:
    codes = set()
    for case in (REPO / "tests/golden/cli").glob("*.yml"):
        stderr = yaml.safe_load(case.read_text(encoding="utf-8")).get("stderr", "")
        codes |= set(re.findall(r"error\[([a-z-]+)\]", stderr))
    codes.discard("usage")
    assert codes, "the goldens report codes"
    missing = sorted(code for code in codes if f"`{code}`" not in README)
    assert missing == []


def test_every_template_block_is_documented() -> None:
    for template in (REPO / "templates").rglob("*.md.j2"):
        if template.parent.name == "partials" or re.match(r"article-\d\d", template.stem):
            continue
        for block in re.findall(r"{%-?\s*block (\w+)", template.read_text(encoding="utf-8")):
            if block not in ("content", "arrangements") or template.name == "base.md.j2":
                assert f"`{block}`" in README, f"{template.name}: {block}"
