"""Regeneration: every run renders every page from the data as it is now, so nothing is stale."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from generator import audience
from generator.audience import Audience, Secret, SecretScanner, visible
from generator.errors import DataError, TemplateError
from generator.fields import Personal
from generator.model import FirmData, Phone, Record
from generator.pipeline import generate, load_and_validate, render_pages
from generator.project import Project
from tests.conftest import EXAMPLE, make_project

_SCALAR = re.compile(r"^(\s*(?:- )?[a-z_]+: )(\"?)([^\"#\n{}\[\]]*[^\s\"#{}\[\]])(\"?)\s*$")
_NUMBER = re.compile(r'(number: "[^"]*?)(\d)(")')  # a phone in flow style: {kind: .., number: ".."}


def _mutations(data: Path, every: int, files: str = "*.yaml") -> list[tuple[Path, int]]:
    """(file, line) of every ``every``-th scalar value or phone number, in every data file
    (``files``: which ones)."""
    found = []
    for path in sorted(data.glob(files)):
        lines = path.read_text(encoding="utf-8").splitlines()
        spots = [n for n, line in enumerate(lines) if _SCALAR.match(line) or _NUMBER.search(line)]
        found += [(path, n) for n in spots[::every]]
    return found


def _mutate(line: str) -> str:
    """A different value of the same kind: a digit bumped, or text lengthened."""
    if _NUMBER.search(line):
        return _NUMBER.sub(lambda m: f"{m[1]}{(int(m[2]) + 1) % 10}{m[3]}", line, count=1)
    match = _SCALAR.match(line)
    assert match is not None
    head, quote, value, end = match.groups()
    if re.search(r"\d", value):
        changed = re.sub(r"\d(?=\D*$)", lambda m: str((int(m.group()) + 1) % 10), value)
    else:
        changed = value + "改"
    return f"{head}{quote}{changed}{end}"


def _sweep(root: Path, every: int, check: Callable[[str], None], files: str = "*.yaml") -> int:
    """Make each of ``_mutations`` in turn, then ``check`` it (given where it was made); an edit
    that is not valid data (``check`` raises DataError: an id, a code) is put back. Returns how
    many edits were kept."""
    applied = 0
    for path, number in _mutations(root / "firm_data", every, files):
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        before = lines[number]
        lines[number] = _mutate(before.rstrip("\n")) + "\n"
        path.write_text("".join(lines), encoding="utf-8")
        try:
            check(f"{path.name}:{number + 1}: {before.strip()}")
        except DataError:
            lines[number] = before
            path.write_text("".join(lines), encoding="utf-8")
            continue
        applied += 1
    return applied


def _fresh(root: Path) -> dict[str, str]:
    """Every page, loaded and rendered as a new process would."""
    project = Project.at(root)
    return render_pages(project, load_and_validate(project.data_dir))[1]


def test_serve_regenerates_exactly_what_a_new_process_makes_after_every_edit(
    tmp_path: Path,
) -> None:
    """A sweep of edits over every file of the example firm, one after another, each generated
    by one long-lived serving project (its parse cache kept): the files it rewrites are exactly
    the pages whose text changed, and every page equals what a new process renders."""
    root = make_project(tmp_path / "project", EXAMPLE)
    serving = Project.at(root).serving()
    generate(serving)
    docs = root / "build" / "docs"
    last = {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*.md")}
    changed_pages: list[int] = []

    def check(where: str) -> None:
        nonlocal last
        result = generate(serving)
        fresh = _fresh(root)
        now = {p.relative_to(docs).as_posix(): p.read_bytes() for p in docs.rglob("*.md")}
        generated = {name: now[name].decode("utf-8") for name in fresh}
        assert generated == fresh, where
        differ = sorted(name for name in now if last.get(name) != now[name])
        assert sorted(n for n in result.report.written if n.endswith(".md")) == differ, where
        changed_pages.append(len(differ))
        last = now

    assert _sweep(root, 23, check) >= 20
    # Most edits change a few pages; none leaves the handbook as it was when what it shows moved.
    assert sorted(changed_pages)[len(changed_pages) // 2] < 0.4 * len(last)


def test_templates_cannot_change_the_data_they_are_given(minimal_project: Path) -> None:
    """Pages never depend on the order they are rendered in: the sandbox refuses changes."""
    bia = minimal_project / "firm_data/overrides/pages/bia.md.j2"
    bia.parent.mkdir(parents=True)
    for body in ("{{ data.systems.append(1) }}", "{% set _ = people.update({}) %}"):
        bia.write_text(
            '{% extends "default:pages/bia.md.j2" %}{% block meta %}' + body + "{% endblock %}",
            encoding="utf-8",
        )
        with pytest.raises(TemplateError):
            generate(Project.at(minimal_project))


def test_overrides_that_include_missing_templates_still_render(minimal_project: Path) -> None:
    folder = minimal_project / "firm_data/overrides"
    (folder / "pages").mkdir(parents=True)
    (folder / "pages/bia.md.j2").write_text(
        '{% extends "default:pages/bia.md.j2" %}{% block meta %}'
        '{% include "partials/firm-note.md.j2" ignore missing %}附註{{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    project = Project.at(minimal_project).serving()
    generate(project)
    page = minimal_project / "build/docs/bia.md"
    assert "附註" in page.read_text(encoding="utf-8")
    (folder / "partials").mkdir()
    (folder / "partials/firm-note.md.j2").write_text("公司附註", encoding="utf-8")
    generate(project)
    assert "公司附註" in page.read_text(encoding="utf-8")


def test_internal_copy_walks_only_what_can_hold_personal_data() -> None:
    """visible() looks only at fields whose type can hold personal data, and removes exactly
    what a walk over every field removes; a type it does not read is walked."""

    def walk_all(value: Any) -> Any:
        if isinstance(value, list):
            return [walk_all(v) for v in value if not (isinstance(v, Record) and v.personal)]
        if not isinstance(value, BaseModel):
            return value
        updates = {}
        for name, info in type(value).model_fields.items():
            current = getattr(value, name)
            personal = any(isinstance(m, Personal) for m in info.metadata)
            gone = personal or (isinstance(current, Record) and current.personal)
            updates[name] = None if gone else walk_all(current)
        return value.model_copy(update=updates)

    full = load_and_validate(EXAMPLE, Audience.RESTRICTED).firm
    internal = visible(full, Audience.INTERNAL)
    assert internal.model_dump() == walk_all(full).model_dump()
    assert internal.model_dump() != full.model_dump()
    assert set(audience._redacted_fields(FirmData)) == {"people", "parties", "vendors"}
    for kind, holds in [
        (str, False),
        (list[str], False),
        (Literal["a", "b"], False),
        (Phone | None, True),
        (list[Phone], True),
        (Record, True),  # a subclass (Phone) may be personal
        (list, True),
        (Any, True),
        (object, True),
        (dict[str, Phone], True),
    ]:
        assert audience._may_hold_personal(kind) is holds, kind


def test_guard_finds_numbers_after_short_digit_runs() -> None:
    """The guard looks for numbers only in digit runs at least as long as the shortest number,
    and finds the same secrets as a search for each one."""

    def number(digits: str) -> Secret:
        return Secret("某", "手機", r"[\s\-.()]?".join(digits) + r"(?!\d)", digits, number=True)

    secrets = [number("0912000101"), number("123456"), number("886912000101")]
    texts = [
        "2026-01-01 0912-000-101",
        "1 2 3 0912000101",  # one run: short numbers, then the secret
        "12/0912000101",
        "12345 123456",
        "1234５123456",
        "x123-456y 0912 000 10",
        "+886 912 000 101",
        "分機 12 與 3456",
    ]
    scanner = SecretScanner(secrets)
    for text in texts:
        assert scanner.find(text) == [s for s in secrets if s.found_in(text)], text
