"""Loading: locations of keys and items, sections split over files, syntax errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from generator.errors import Location
from generator.load import load_firm


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
