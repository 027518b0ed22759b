"""Pages are rendered again only when something they read changed, and never come out stale."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from generator import incremental
from generator.audience import Audience, Secret, SecretScanner, scanner_for
from generator.errors import DataError, TemplateError
from generator.incremental import Fingerprints, Lookup, Reads, Unfingerprintable
from generator.model import Person, Record
from generator.pipeline import (
    Loaded,
    Project,
    generate,
    load_and_validate,
    page_session,
    render_handbook,
    render_pages,
)
from generator.render import Md
from generator.validate import ValidationMemo
from tests.conftest import EXAMPLE, edit, make_project


def test_lookup_records_ids_read_and_whole_reads() -> None:
    table = Lookup("people", {"a": 1, "b": 2})
    reads = Reads()
    incremental._active = reads
    try:
        assert table["a"] == 1 and table.get("zz") is None and "b" in table
        assert reads.keys == {("people", "a"), ("people", "zz"), ("people", "b")}
        assert not reads.whole
        assert sorted(table) == ["a", "b"]
        assert reads.whole == {"people"}
    finally:
        incremental._active = None
    table["a"]  # outside a render nothing is recorded
    assert reads.keys == {("people", "a"), ("people", "zz"), ("people", "b")}


@dataclasses.dataclass
class _Row:
    name: str
    when: dt.date


def test_fingerprints_follow_content_and_type() -> None:
    fp = Fingerprints()
    day = dt.date(2026, 1, 2)
    assert fp.of([_Row("a", day), {"k": (1, None)}]) == Fingerprints().of(
        [_Row("a", day), {"k": (1, None)}]
    )
    distinct = [
        "1",
        1,
        1.0,
        True,
        None,
        Md("a"),
        "a",
        [1, 2],
        [2, 1],
        (1, 2),
        {"a": 1},
        {"a": 2},
        _Row("a", day),
        _Row("a", dt.date(2026, 1, 3)),
    ]
    assert len({Fingerprints().of(v) for v in distinct}) == len(distinct)


def test_fingerprints_see_records_and_their_private_path() -> None:
    fields = {"id": "p1", "title": "經理", "department": "資訊處"}
    fields["phones"] = [{"kind": "office", "number": "02-2700-0101"}]
    one = Person.model_validate({**fields, "name": "王大明"})
    same = Person.model_validate({**fields, "name": "王大明"})
    other = Person.model_validate({**fields, "name": "王小明"})
    assert Fingerprints().of(one) == Fingerprints().of(same)
    assert Fingerprints().of(one) != Fingerprints().of(other)
    same._path = ("people", 3)
    assert Fingerprints().of(one) != Fingerprints().of(same)


def test_values_that_cannot_be_fingerprinted_say_so() -> None:
    seen = ["x"]
    with pytest.raises(Unfingerprintable):
        Fingerprints().of(lambda: seen)  # a closure may capture anything
    with pytest.raises(Unfingerprintable):
        Fingerprints().of(object())


@dataclasses.dataclass(eq=False)
class _Tree:
    name: str
    up: _Tree | None = None
    down: list[_Tree] = dataclasses.field(default_factory=list)


def _tree(leaf_parent: str) -> tuple[_Tree, _Tree]:
    root = _Tree("root")
    a, b = _Tree("a", root), _Tree("b", root)
    root.down = [a, b]
    leaf = _Tree("leaf", a if leaf_parent == "a" else b)
    leaf.up.down.append(leaf)  # type: ignore[union-attr]
    return root, leaf


def test_fingerprints_of_graphs_that_point_back_cover_the_whole_graph() -> None:
    root, leaf = _tree("a")
    same_root, same_leaf = _tree("a")
    other_root, other_leaf = _tree("b")
    fp = Fingerprints()
    assert fp.of(root) == Fingerprints().of(same_root) != Fingerprints().of(other_root)
    # The leaf's digest sees its caller's caller, whichever way the walk reached it.
    assert fp.of(leaf) == Fingerprints().of(same_leaf)
    other_leaf.up.up.name = "changed"  # type: ignore[union-attr]
    assert Fingerprints().of(leaf) != Fingerprints().of(other_leaf)
    assert fp.of([root, leaf]) == Fingerprints().of([same_root, same_leaf])


def _load_both(project: Project) -> tuple[Loaded, Loaded]:
    """The data through the project's stage memos, and loaded afresh: the same in every way
    (records with their paths, messages, findings), or the same DataError."""
    try:
        fresh = load_and_validate(project.data_dir, project.audience)
    except DataError as exc:
        with pytest.raises(DataError) as again:
            load_and_validate(project.data_dir, project.audience, memos=project.memos)
        assert again.value.issues == exc.issues
        raise
    loaded = load_and_validate(project.data_dir, project.audience, memos=project.memos)
    assert Fingerprints().of(loaded.firm) == Fingerprints().of(fresh.firm)
    assert _paths(loaded.firm) == _paths(fresh.firm)
    assert loaded.issues == fresh.issues and loaded.findings == fresh.findings
    assert loaded.secrets == fresh.secrets
    return loaded, fresh


def _paths(node: Any) -> list[tuple[str | int, ...]]:
    """The path of every record, in order (the digest of the model does not see them)."""
    found = [node.path] if isinstance(node, Record) else []
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            found += _paths(getattr(node, name))
    elif isinstance(node, list):
        for item in node:
            found += _paths(item)
    return found


def _render_both(project: Project) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """The pages as the memos give them, then loaded and rendered afresh, and which ones were
    reused."""
    loaded, plain = _load_both(project)
    session = page_session(project, loaded)
    _, memoised = render_pages(project, loaded, session=session)
    session.close(set(memoised))
    reused = list(project.page_memo.reused)
    _, fresh = render_pages(project, plain)
    return memoised, fresh, reused


_SCALAR = re.compile(r"^(\s*(?:- )?[a-z_]+: )(\"?)([^\"#\n{}\[\]]*[^\s\"#{}\[\]])(\"?)\s*$")
_NUMBER = re.compile(r'(number: "[^"]*?)(\d)(")')  # a phone in flow style: {kind: .., number: ".."}


def _mutations(data: Path, every: int) -> list[tuple[Path, int]]:
    """(file, line) of every ``every``-th scalar value or phone number, in every data file."""
    found = []
    for path in sorted(data.glob("*.yaml")):
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


def _sweep(root: Path, every: int, check: Callable[[str], None]) -> int:
    """Make each of ``_mutations`` in turn, then ``check`` it (given where it was made); an edit
    that is not valid data (``check`` raises DataError: an id, a code) is put back. Returns how
    many edits were kept."""
    applied = 0
    for path, number in _mutations(root / "firm_data", every):
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


def test_every_edit_gives_the_pages_a_full_render_gives(tmp_path: Path) -> None:
    """A sweep of edits over every file of the example firm, one after another, each checked
    against rendering every page afresh; a new process (memo read from disk) sees the same."""
    root = make_project(tmp_path / "project", EXAMPLE)
    project = Project.at(root).serving()
    memoised, fresh, _ = _render_both(project)
    assert memoised == fresh
    rendered: list[str] = []

    def check(where: str) -> None:
        memoised, fresh, reused = _render_both(project)
        assert memoised == fresh, where
        rendered.extend(set(fresh) - set(reused))

    applied = _sweep(root, 23, check)
    assert applied >= 20
    # An edit renders the pages that read the edited record (all of them for the firm's name).
    assert len(rendered) < 0.4 * applied * len(fresh)
    again = Project.at(root)  # a new process: the memo comes from .cache/pages
    memoised, fresh, reused = _render_both(again)
    assert memoised == fresh and sorted(reused) == sorted(fresh)


def test_values_taken_as_unchanged_by_their_origin_are_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``Origin`` relies on (a builder reads nothing it is not seen reading), checked:
    each edit in a new process (the memo from disk), every page whose own values were skipped
    has values whose digests, taken anyway, equal the ones kept; and its page equals a full
    render."""
    root = make_project(tmp_path / "project", EXAMPLE)
    _render_both(Project.at(root))
    checked: list[str] = []
    reuse = incremental.Session._reuse

    def checking(
        session: incremental.Session,
        dest: str,
        candidates: list[str],
        context: dict[str, Any],
        origin: incremental.Origin | None,
    ) -> str | None:
        entry = session.memo.entries.get(dest)
        skipped = entry is not None and origin is not None and entry.origin == origin.digest
        found = reuse(session, dest, candidates, context, origin)
        if found is not None and skipped and entry is not None and origin is not None:
            kept = {n: d for n, d in entry.values.items() if n in origin.names}
            assert {n: session._value(context, n) for n in kept} == kept, dest
            checked.append(dest)
        return found

    monkeypatch.setattr(incremental.Session, "_reuse", checking)

    def check(where: str) -> None:
        memoised, fresh, _ = _render_both(Project.at(root))  # a new process
        assert memoised == fresh, where

    assert _sweep(root, 53, check) >= 10
    assert len(checked) > 500


def test_a_phone_edit_renders_only_pages_that_read_that_person(example_project: Path) -> None:
    project = Project.at(example_project).serving()
    generate(project)
    edit(example_project / "firm_data/people.yaml", '"02-2700-0101"', '"02-2700-0199"')
    result = generate(project)
    entries = project.page_memo.entries
    rendered = set(entries) - set(project.page_memo.reused)
    person = next(p.id for p in result.loaded.firm.people if "02-2700-0199" in str(p.phones))
    readers = {
        dest
        for dest, e in entries.items()
        if ("people", person) in e.keys or "people" in e.whole or "people" in e.sections
    }
    assert set(result.report.written) <= rendered
    assert rendered <= readers | set(result.report.written)
    assert len(rendered) < len(entries) / 3


def test_template_edits_and_overrides_render_everything_again(minimal_project: Path) -> None:
    project = Project.at(minimal_project)
    generate(project)
    base = minimal_project / "templates/base.md.j2"
    base.write_text(base.read_text(encoding="utf-8") + "\n頁尾註記\n", encoding="utf-8")
    result = generate(project)
    assert project.page_memo.reused == []
    pages = _pages(minimal_project)
    assert all("頁尾註記" in pages[dest] for dest in project.page_memo.entries)
    override = minimal_project / "firm_data/overrides/pages/glossary.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text(
        '{% extends "default:pages/glossary.md.j2" %}{% block meta %}覆寫{{ super() }}{% endblock %}',
        encoding="utf-8",
    )
    generate(project)
    assert "覆寫" in _pages(minimal_project)["glossary.md"]
    assert result.pages == len(project.page_memo.entries)


def test_a_damaged_memo_is_ignored(minimal_project: Path) -> None:
    project = Project.at(minimal_project)
    generate(project)
    expected = _pages(minimal_project)
    for path in (minimal_project / ".cache/pages").glob("*.pickle"):
        path.write_bytes(b"not a pickle")
    again = Project.at(minimal_project)
    generate(again)
    assert again.page_memo.reused == [] and _pages(minimal_project) == expected


def test_the_memo_file_is_written_only_when_it_changed(minimal_project: Path) -> None:
    generate(Project.at(minimal_project))
    memo = minimal_project / ".cache/pages/internal.pickle"
    written = memo.stat().st_ino, memo.stat().st_mtime_ns
    shutil.rmtree(minimal_project / "build")  # as `make clean`: every page reused, none changed
    again = Project.at(minimal_project)
    generate(again)
    assert sorted(again.page_memo.reused) == sorted(again.page_memo.entries)
    assert (memo.stat().st_ino, memo.stat().st_mtime_ns) == written
    edit(minimal_project / "firm_data/people.yaml", "02-2700-0001", "02-2700-0991")
    third = Project.at(minimal_project)
    generate(third)
    assert (memo.stat().st_ino, memo.stat().st_mtime_ns) != written
    fourth = Project.at(minimal_project)  # what the third run learnt was kept
    generate(fourth)
    assert sorted(fourth.page_memo.reused) == sorted(fourth.page_memo.entries)


def test_publishing_renders_every_page_afresh(minimal_project: Path) -> None:
    project = Project.at(minimal_project)
    generate(project)
    generate(project, reuse=False)
    assert project.page_memo.reused == []


def test_the_memo_is_kept_per_audience(minimal_project: Path) -> None:
    internal = Project.at(minimal_project)
    generate(internal)
    restricted = Project.at(minimal_project, audience=Audience.RESTRICTED)
    generate(restricted)
    names = sorted(p.name for p in (minimal_project / ".cache/pages").glob("*.pickle"))
    assert names == ["internal.pickle", "restricted.pickle"]
    again = Project.at(minimal_project)
    result = generate(again)
    assert sorted(again.page_memo.reused) == sorted(again.page_memo.entries)
    assert len(again.page_memo.reused) == result.pages


def _pages(root: Path) -> dict[str, str]:
    docs = root / "build/docs"
    return {
        p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8")
        for p in docs.rglob("*.md")
        if p.is_file()
    }


def test_the_drill_calendar_is_made_again_only_when_what_it_shows_changed(
    example_project: Path,
) -> None:
    project = Project.at(example_project)
    generate(project)
    calendar = example_project / "build/docs/drills.ics"
    first = project.page_memo.calls["static"].result
    edit(example_project / "firm_data/people.yaml", '"02-2700-0101"', '"02-2700-0199"')
    generate(project)
    assert project.page_memo.calls["static"].result is first  # people are not in the feed
    drills = example_project / "firm_data/drills-2026.yaml"
    text = drills.read_text(encoding="utf-8")
    title = re.search(r"^    title: (.+)$", text, re.M)
    assert title is not None
    drills.write_text(text.replace(title[1], title[1] + "（改期）", 1), encoding="utf-8")
    generate(project)
    fresh = Project.at(example_project)
    generate(fresh, reuse=False)
    assert "（改期）" in calendar.read_bytes().decode("utf-8").replace("\r\n ", "")
    assert project.page_memo.calls["static"].result["drills.ics"] == calendar.read_bytes()


def _override(project_root: Path, name: str, text: str) -> None:
    path = project_root / "firm_data/overrides" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


_BIA = '{% extends "default:pages/bia.md.j2" %}{% block meta %}'


def test_overrides_that_include_missing_templates_still_render(minimal_project: Path) -> None:
    _override(
        minimal_project,
        "pages/bia.md.j2",
        _BIA + '{% include "partials/firm-note.md.j2" ignore missing %}附註{{ super() }}'
        "{% endblock %}",
    )
    project = Project.at(minimal_project)
    memoised, fresh, _ = _render_both(project)
    assert memoised == fresh and "附註" in fresh["bia.md"]
    again, _, reused = _render_both(project)
    assert again == fresh and "bia.md" in reused  # kept by the digests of every context name
    _override(minimal_project, "partials/firm-note.md.j2", "公司附註")
    memoised, fresh, _ = _render_both(project)
    assert memoised == fresh and "公司附註" in fresh["bia.md"]


def test_templates_can_neither_bypass_the_tables_nor_change_shared_data(
    minimal_project: Path,
) -> None:
    project = Project.at(minimal_project)
    for body in ("{{ people._raw() }}", "{{ data.systems.append(1) }}"):
        _override(minimal_project, "pages/bia.md.j2", _BIA + body + "{% endblock %}")
        with pytest.raises(TemplateError):
            generate(project)


def test_data_read_as_a_whole_is_followed(minimal_project: Path) -> None:
    _override(
        minimal_project,
        "pages/bia.md.j2",
        _BIA + "{% for name, value in data %}{{ name }} {% endfor %}{{ super() }}{% endblock %}",
    )
    project = Project.at(minimal_project)
    generate(project)
    edit(minimal_project / "firm_data/people.yaml", "02-2700-0001", "02-2700-0009")
    generate(project)
    assert "bia.md" not in project.page_memo.reused
    assert "people" in (minimal_project / "build/docs/bia.md").read_text(encoding="utf-8")


def test_bound_builtins_are_digested_with_what_they_are_bound_to() -> None:
    assert Fingerprints().of({"a": 1}.get) != Fingerprints().of({"a": 2}.get)
    assert Fingerprints().of(len) == Fingerprints().of(len)


def test_a_reused_page_is_searched_again_when_the_personal_numbers_change(
    minimal_project: Path,
) -> None:
    systems = minimal_project / "firm_data/systems.yaml"
    systems.write_text(
        systems.read_text(encoding="utf-8").replace(
            "客戶無法下單", "客戶無法下單，請撥 0912-000-555"
        ),
        encoding="utf-8",
    )
    project = Project.at(minimal_project)
    generate(project)  # not anybody's number yet
    holding = {dest for dest, text in _pages(minimal_project).items() if "0912-000-555" in text}
    assert holding
    edit(minimal_project / "firm_data/people.yaml", "0912-000-001", "0912-000-555")
    with pytest.raises(DataError) as raised:
        generate(project)
    caught = {
        re.sub(r"^內部版頁面「(.+?)」.*$", r"\1", i.message)
        for i in raised.value.issues
        if i.code == "personal-data" and "測試甲" in i.message
    }
    assert holding <= caught
    assert holding <= set(project.page_memo.reused)  # reused unchanged, and searched again


def _searched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts the personal-data scanner searches from now on (in-process verdicts dropped)."""
    scanner_for.cache_clear()
    searched: list[str] = []
    search = SecretScanner._find

    def spy(self: SecretScanner, text: str) -> list[Secret]:
        searched.append(text)
        return search(self, text)

    monkeypatch.setattr(SecretScanner, "_find", spy)
    return searched


def test_pages_found_clean_are_not_searched_again_by_the_next_process(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept = minimal_project / ".cache/pages/internal.pickle"  # the page memo keeps them
    searched = _searched(monkeypatch)
    generate(Project.at(minimal_project))
    pages = len(searched)
    assert pages > 10 and kept.is_file()
    searched.clear()
    scanner_for.cache_clear()
    generate(Project.at(minimal_project))  # a new process: only the file is shared
    assert searched == []
    # Exports (and publishing) search every page, whatever the file says.
    render_handbook(Project.at(minimal_project))
    assert len(searched) >= pages  # with the files made from data (drills.ics)
    stored = pickle.loads(kept.read_bytes())
    other_secrets = pickle.dumps({**stored, "clean": ("x", stored["clean"][1])})
    for damage in (b"{", b"[]", pickle.dumps({"key": 1}), other_secrets):
        kept.write_bytes(damage)
        searched.clear()
        scanner_for.cache_clear()
        generate(Project.at(minimal_project))
        assert len(searched) == pages, damage


def test_kept_verdicts_do_not_hide_a_number_that_became_personal(
    minimal_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same page text, found clean before the number was anybody's, is searched again in
    a new process once it is a personal number."""
    edit(
        minimal_project / "firm_data/systems.yaml",
        "客戶無法下單",
        "客戶無法下單，請撥 0912-000-555",
    )
    generate(Project.at(minimal_project))
    edit(minimal_project / "firm_data/people.yaml", "0912-000-001", "0912-000-555")
    searched = _searched(monkeypatch)
    with pytest.raises(DataError) as raised:
        generate(Project.at(minimal_project))
    assert any(i.code == "personal-data" and "測試甲" in i.message for i in raised.value.issues)
    assert any("0912-000-555" in text for text in searched)


@pytest.mark.parametrize("audience", list(Audience))
def test_stage_memos_keep_unchanged_records_and_validate_only_edited_ones(
    example_project: Path, audience: Audience
) -> None:
    project = Project.at(example_project, audience=audience).serving()
    before, _ = _load_both(project)
    edit(example_project / "firm_data/people.yaml", '"02-2700-0101"', '"02-2700-0199"')
    after, _ = _load_both(project)
    pairs = zip(before.firm.people, after.firm.people, strict=True)
    assert [i for i, (a, b) in enumerate(pairs) if a is not b] == [0]  # redacted copies too
    assert "02-2700-0199" in str(after.firm.people[0].phones)
    assert all(a is b for a, b in zip(before.firm.systems, after.firm.systems, strict=True))
    # A person inserted first moves everyone after it: nothing stale, every path right.
    edit(example_project / "firm_data/people.yaml", "people:\n", NEW_PERSON)
    inserted, _ = _load_both(project)
    assert inserted.firm.people[0].id == "p-900"
    assert inserted.firm.people[1].path == ("people", 1)


NEW_PERSON = """people:
  - id: p-900
    name: 新進員工
    title: 專員
    department: 資訊處
    phones:
      - {kind: office, number: "02-2700-0900"}
    last_verified: 2026-10-05
"""


def test_stage_memos_still_find_a_reference_to_a_record_removed_elsewhere(
    example_project: Path,
) -> None:
    project = Project.at(example_project).serving()
    _load_both(project)
    owner = re.search(r"owner: (p-\d+)", (example_project / "firm_data/systems.yaml").read_text())
    assert owner is not None
    edit(example_project / "firm_data/people.yaml", f"id: {owner[1]}\n", "id: p-899\n")
    with pytest.raises(DataError) as found:
        _load_both(project)  # the systems are unchanged: their references come from the memo
    assert any(
        i.code == "dangling-ref" and owner[1] in i.message and "systems.yaml" in str(i.location)
        for i in found.value.issues
    )


def test_the_validation_memo_tells_equal_values_of_other_types_apart() -> None:
    memo = ValidationMemo()
    memo.sections = {"s": ([{"a": 1, "b": [1.0]}], ["one"]), "t": ({"x": True}, "whole")}
    mixed, reused = memo.reuse({"s": [{"a": 1, "b": [1.0]}], "t": {"x": True}})
    assert mixed == {"s": ["one"], "t": "whole"} and reused == {"s": {0}, "t": True}
    aware = dt.datetime(2026, 1, 1, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    memo.sections["u"] = ([{"when": aware, "n": 0.0}], ["then"])
    same_instant = aware.astimezone(dt.UTC)
    for changed in ({"when": same_instant, "n": 0.0}, {"when": aware, "n": -0.0}):
        assert memo.reuse({"u": [changed]})[1] == {}  # equal, yet not the same to validation
    for other in ({"a": True, "b": [1.0]}, {"a": 1, "b": [1]}, {"b": [1.0], "a": 1}):
        mixed, reused = memo.reuse({"s": [other], "t": {"x": 1}})
        assert mixed == {"s": [other], "t": {"x": 1}} and reused == {}


def test_rules_and_pages_look_again_on_another_day(
    example_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Project.at(example_project).serving()
    monkeypatch.setenv("BCP_TODAY", "2026-11-01")
    first, _ = _load_both(project)
    _render_both(project)
    monkeypatch.setenv("BCP_TODAY", "2028-06-01")  # contacts and contracts have gone stale
    later, _ = _load_both(project)  # the same findings as a fresh load
    memoised, fresh, _ = _render_both(project)  # pages that show today's date say so
    assert memoised == fresh
    assert {f.rule.id for f in later.findings} - {f.rule.id for f in first.findings}


def test_a_run_stopped_by_bad_data_keeps_what_the_memos_know(example_project: Path) -> None:
    project = Project.at(example_project).serving()
    before, _ = _load_both(project)
    people = example_project / "firm_data/people.yaml"
    edit(people, "id: p-002\n", "id: p-002\n    unknown_field: 1\n")
    with pytest.raises(DataError):
        _load_both(project)
    edit(people, "    unknown_field: 1\n", "")
    after, _ = _load_both(project)
    pairs = zip(before.firm.people, after.firm.people, strict=True)
    assert all(a is b for a, b in pairs)  # the internal copies of the last good run


class _Data(BaseModel):
    x: int = 0


class _Undigestible:
    """A value the page memo cannot digest: a page that holds it renders, unless it is not
    digested at all."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __str__(self) -> str:
        return self.text


def test_values_made_from_the_same_inputs_are_not_digested_again() -> None:
    """A page's own values come with their ``Origin`` (what their builder read). While it is the
    one they were last digested under, the memo takes them as the same; under another origin
    they are digested and compared, so an edit elsewhere in what the builder read still reuses
    every page whose values did not change."""
    data = _Data()
    memo = incremental.PageMemo()
    renders: list[str] = []

    def run(value: Any, origin: incremental.Origin) -> str:
        session = incremental.Session(memo, data)

        def render(context: dict[str, Any]) -> tuple[str, str]:
            renders.append(str(context["v"]))
            return f"{context['v']} {context['shared']}", "p.md.j2"

        context = {"v": value, "shared": "共用"}
        names = frozenset({"v", "shared"})
        out = session.page("p.md", ["p.md.j2"], context, render, lambda _: names, origin)
        session.close({"p.md"})
        return out

    assert run(["甲", 1], incremental.Origin(frozenset({"v"}), "d1")) == "['甲', 1] 共用"
    # The same origin: its values are not digested (this one cannot be) and the page is reused.
    assert run(_Undigestible("乙"), incremental.Origin(frozenset({"v"}), "d1")) == "['甲', 1] 共用"
    assert renders == ["['甲', 1]"]
    # Another origin, the same values: reused, and recorded under the new origin.
    assert run(["甲", 1], incremental.Origin(frozenset({"v"}), "d2")) == "['甲', 1] 共用"
    assert renders == ["['甲', 1]"] and memo.entries["p.md"].origin == "d2"
    # Another origin, other values: rendered again.
    assert run(["丙", 2], incremental.Origin(frozenset({"v"}), "d3")) == "['丙', 2] 共用"
    assert renders == ["['甲', 1]", "['丙', 2]"]
    # A name the origin does not cover is always digested (this one cannot be: rendered).
    assert run(_Undigestible("丁"), incremental.Origin(frozenset(), "d3")) == "丁 共用"
    assert renders == ["['甲', 1]", "['丙', 2]", "丁"]


def test_every_page_knows_what_its_builder_read_in_any_process(example_project: Path) -> None:
    """``plan`` with fingerprints gives every page its origin; another process, with other
    hash seeds (set and dict orders), gives the same digests, so it reuses every page without
    digesting the values builders made."""

    def origins(seed: str) -> dict[str, str | None]:
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-m", "generator", "generate"]
        subprocess.run(command, cwd=example_project, env=env, check=True, capture_output=True)
        memo = pickle.loads((example_project / ".cache/pages/internal.pickle").read_bytes())
        return {dest: entry.origin for dest, entry in memo["entries"].items()}

    first = origins("1")
    assert first and all(first.values())
    (example_project / ".cache/pages/internal.pickle").unlink()
    assert origins("2") == first
