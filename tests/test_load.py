"""Loading: locations of keys and items, sections split over files, syntax errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
from pydantic import BaseModel

from generator import load
from generator.errors import Location
from generator.load import ParseCache, load_firm
from generator.model import FirmData, Record, nesting_fields
from generator.pipeline import load_and_validate
from tests.conftest import EXAMPLE


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_list_sections_concatenate_and_keep_their_locations(
    tmp_path: Path, monkeypatch: object
) -> None:
    data = write(
        tmp_path / "d",
        {
            "a.yaml": "drills:\n  - id: one\n    date: 2025-01-02\n",
            "b.yaml": "# second file\ndrills:\n  - id: two\n  - id: three\n    title: x\n",
        },
    )
    raw, issues = load_firm(data)
    assert issues == []
    assert [d["id"] for d in raw.data["drills"]] == ["one", "two", "three"]
    assert raw.data["drills"][0]["date"] == dt.date(2025, 1, 2)
    shown_b = raw.sources.find(("drills", 2, "title"))
    assert shown_b is not None
    assert shown_b.path.endswith("b.yaml")
    assert (shown_b.line, shown_b.column) == (5, 12)
    key = raw.sources.find(("drills", 2, "title"), key=True)
    assert key is not None and (key.line, key.column) == (5, 5)
    assert raw.section_files["drills"] == [
        str(raw.files[0].as_posix()),
        str(raw.files[1].as_posix()),
    ]


def test_find_falls_back_to_the_enclosing_item(tmp_path: Path) -> None:
    data = write(tmp_path / "d", {"s.yaml": "systems:\n  - id: a\n    name: x\n"})
    raw, _ = load_firm(data)
    found = raw.sources.find(("systems", 0, "standby", "type"))
    assert isinstance(found, Location)
    assert (found.line, found.column) == (2, 5)


def test_empty_files_are_ignored(tmp_path: Path) -> None:
    data = write(tmp_path / "d", {"empty.yaml": "# nothing yet\n", "s.yml": "sites: []\n"})
    raw, issues = load_firm(data)
    assert issues == []
    assert raw.data == {"sites": []}


def test_every_broken_file_is_reported(tmp_path: Path) -> None:
    data = write(
        tmp_path / "d",
        {"a.yaml": "systems: [\n", "b.yaml": "sites:\n\t- x\n", "c.yaml": "people: []\n"},
    )
    raw, issues = load_firm(data)
    assert [(Path(i.location.path).name, i.code) for i in issues if i.location] == [
        ("a.yaml", "yaml-syntax"),
        ("b.yaml", "yaml-syntax"),
    ]
    assert raw.data == {"people": []}


def test_parse_cache_gives_the_same_data_and_reparses_only_edited_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {
        "a.yaml": "drills:\n  - id: one\n    date: 2025-01-02\n",
        "b.yaml": "drills:\n  - id: two\n    title: x\n",
        "c.yaml": "sites: [\n",  # broken: its issue comes from the cache too
    }
    data = write(tmp_path / "d", files)
    fresh, fresh_issues = load_firm(data)
    cache = ParseCache()
    load_firm(data, cache)
    parsed: list[str] = []
    parse = load._parse_file

    def counting(shown: str, content: bytes) -> Any:
        parsed.append(Path(shown).name)
        return parse(shown, content)

    monkeypatch.setattr(load, "_parse_file", counting)
    raw, issues = load_firm(data, cache)
    assert parsed == []
    assert (raw.data, raw.sources, raw.section_files) == (
        fresh.data,
        fresh.sources,
        fresh.section_files,
    )
    assert issues == fresh_issues
    write(data, {"b.yaml": "drills:\n  - id: two\n    title: y\n"})
    raw, _ = load_firm(data, cache)
    assert parsed == ["b.yaml"]
    assert raw.data["drills"][1]["title"] == "y"


def _records(
    node: Any, path: tuple[str | int, ...]
) -> Iterator[tuple[Record, tuple[str | int, ...]]]:
    """Every record under ``node`` with its data path, found by visiting every field."""
    if isinstance(node, Record):
        yield node, path
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _records(getattr(node, name), (*path, name))
    elif isinstance(node, list | tuple):
        for index, item in enumerate(node):
            yield from _records(item, (*path, index))


def _models(kind: type[BaseModel], seen: set[type[BaseModel]]) -> set[type[BaseModel]]:
    """``kind`` and every model type its fields' annotations name, transitively."""
    if kind in seen:
        return seen
    seen.add(kind)
    todo = [info.annotation for info in kind.model_fields.values()]
    while todo:
        annotation = todo.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            _models(annotation, seen)
        todo.extend(get_args(annotation))
    return seen


def test_walks_over_records_skip_only_fields_that_cannot_hold_one() -> None:
    """Record paths, references and the audience copy visit ``nesting_fields`` only: every
    other field of every model is typed so that it holds no record, and in the example firm
    none does."""
    kinds = _models(FirmData, set())
    assert len(kinds) > 30
    for kind in kinds:
        for name, info in kind.model_fields.items():
            if name not in nesting_fields(kind):
                assert info.annotation is not Any, f"{kind.__name__}.{name}"
    todo: list[Any] = [load_and_validate(EXAMPLE).firm]
    visited = 0
    while todo:
        node = todo.pop()
        if isinstance(node, list | tuple):
            todo.extend(node)
        if not isinstance(node, BaseModel):
            continue
        visited += 1
        for name in type(node).model_fields:
            value = getattr(node, name)
            todo.append(value)
            if name not in nesting_fields(type(node)):
                where = f"{type(node).__name__}.{name}"
                assert not isinstance(value, BaseModel | list | tuple), where
                if isinstance(value, dict):
                    assert not any(isinstance(v, BaseModel) for v in value.values()), where
    assert visited > 500


def test_every_record_knows_its_data_path() -> None:
    firm = load_and_validate(EXAMPLE).firm
    found = [(record.path, path) for record, path in _records(firm, ())]
    assert len(found) > 500
    assert all(record_path == path for record_path, path in found)
