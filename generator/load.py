"""Read ``firm_data/*.yaml`` into plain Python data plus a map of where every key came from."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from generator.errors import (
    Issue,
    Location,
    UnsafeFile,
    display_path,
    error,
    read_regular_file,
)
from generator.fields import FORBIDDEN_CHARS, forbidden_char_issues, forbidden_char_text
from generator.yaml_reader import MERGE_TAG, STR_TAG, Composer, Refused, refusal, syntax_issue

DataPath = tuple[str | int, ...]
# Where something was written: the file as shown, line, column (1-based). A plain tuple, not a
# Location: a large firm has tens of thousands.
Place = tuple[str, int, int]


@dataclass
class SourceMap:
    """Where each key and each value of the merged data was written (path tuple → place)."""

    keys: dict[DataPath, Place] = field(default_factory=dict)
    values: dict[DataPath, Place] = field(default_factory=dict)

    def find(self, path: DataPath, *, key: bool = False) -> Location | None:
        """Location of ``path``; falls back to the nearest enclosing item that is known."""
        table = self.keys if key else self.values
        for end in range(len(path), -1, -1):
            found = table.get(path[:end]) or self.values.get(path[:end])
            if found:
                return Location(*found)
        return None


@dataclass
class RawFirm:
    """The merged top-level sections of all data files, before validation."""

    data: dict[str, Any]
    sources: SourceMap
    files: list[Path]
    section_files: dict[str, list[str]]


def _place(shown: str, node: Node) -> Place:
    return (shown, node.start_mark.line + 1, node.start_mark.column + 1)


def _at(shown: str, node: Node) -> Location:
    return Location(*_place(shown, node))


def _scalar(node: Any) -> Any:
    if node is None or isinstance(node, bool | dt.date | str):
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return node


@dataclass
class _Walker:
    """Turns composed YAML nodes into builtins, recording where each key and item was written."""

    yaml: YAML
    shown: str
    sources: SourceMap
    issues: list[Issue] = field(default_factory=list)

    def value(self, node: Node, path: DataPath) -> Any:
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            items = []
            for index, child in enumerate(node.value):
                self.sources.values.setdefault((*path, index), _place(self.shown, child))
                items.append(self.value(child, (*path, index)))
            return items
        return self.scalar(node)

    def mapping(self, node: MappingNode, path: DataPath) -> dict[str, Any]:
        out: dict[str, Any] = {}
        first: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self.key(key_node)
            if key is None:
                continue
            if key in first:
                self.issues.append(self.duplicate(key, first[key], key_node))
                continue
            first[key] = key_node
            child = (*path, key)
            self.sources.keys[child] = _place(self.shown, key_node)
            self.sources.values[child] = _place(self.shown, value_node)
            out[key] = self.value(value_node, child)
        return out

    def key(self, node: Node) -> str | None:
        """A mapping key as text; None (and an issue) for a merge key, a list or a mapping."""
        if node.tag == MERGE_TAG or not isinstance(node, ScalarNode):
            code = "yaml-merge-key" if node.tag == MERGE_TAG else "yaml-complex-key"
            detail = str(node.value) if code == "yaml-merge-key" else ""
            self.issues.append(refusal(code, detail, _at(self.shown, node)))
            return None
        return str(self.scalar(node))

    def scalar(self, node: Node) -> Any:
        if not isinstance(node, ScalarNode):
            return None
        if node.tag == STR_TAG:
            return self.text(node, str(node.value))
        try:
            value = _scalar(self.yaml.constructor.construct_object(node, deep=True))
        except (ValueError, OverflowError, YAMLError):  # 2026-02-30; "<<" or "=" as a value
            return self.text(node, str(node.value))  # as written: validation says what is wrong
        return self.text(node, value) if isinstance(value, str) else value

    def text(self, node: Node, value: str) -> str:
        """``value``, after reporting a refused character written as an escape ("\\u202e")."""
        found = FORBIDDEN_CHARS.search(value)
        if found:
            text = forbidden_char_text(found.group())
            self.issues.append(error("forbidden-character", text, _at(self.shown, node)))
        return value

    def duplicate(self, key: str, first: Node, again: Node) -> Issue:
        return error(
            "duplicate-key",
            f"重複的欄位「{key}」，第一次出現在 {_at(self.shown, first)}",
            _at(self.shown, again),
            "刪除或合併重複的欄位；YAML 不允許同一層有兩個相同的鍵。",
        )


def _merge_section(raw: RawFirm, section: _Section) -> list[Issue]:
    """Add one top-level section of one file to the merged data; lists concatenate."""
    name, value, local, here = section.name, section.value, section.sources, section.here
    existing = raw.data.get(name)
    if existing is None:
        # A shallow copy: parsed sections are shared by every load of the same cache.
        raw.data[name] = copy.copy(value)
        raw.section_files[name] = [here.path]
        _copy_locations(local, raw.sources, 0)
        return []
    if isinstance(existing, list) and isinstance(value, list):
        offset = len(existing)
        raw.data[name] = [*existing, *value]  # a new list: parsed sections are shared
        raw.section_files[name].append(here.path)
        _copy_locations(local, raw.sources, offset)
        return []
    first = raw.sources.find((name,), key=True)
    return [
        error(
            "duplicate-section",
            f"區段「{name}」重複定義，第一次定義於 {first}",
            here,
            "同名的清單區段可分散在多個檔案中，但單一物件區段（如 firm）只能寫一次。",
        )
    ]


def _copy_locations(local: SourceMap, merged: SourceMap, offset: int) -> None:
    """Copy one section's locations into the merged map, shifting list indexes by ``offset``."""
    for source, target in ((local.keys, merged.keys), (local.values, merged.values)):
        if not offset:  # the first (often only) file of a section: nothing to shift
            target.update(source)
            continue
        for path, loc in source.items():
            if len(path) == 1:  # the section itself stays where its first file put it
                continue
            if isinstance(path[1], int):
                path = (path[0], path[1] + offset, *path[2:])
            target[path] = loc


def data_files(data_dir: Path) -> list[Path]:
    """The YAML files that make up the firm's data, in a stable order."""
    files = [*data_dir.glob("*.yaml"), *data_dir.glob("*.yml")]
    return sorted(files, key=lambda p: p.name)


@dataclass
class _Section:
    """One top-level section of one file, as parsed."""

    name: str
    value: Any
    sources: SourceMap
    here: Location


@dataclass
class _Parsed:
    """What one file holds: its sections and the problems found while reading it."""

    sections: list[_Section]
    issues: list[Issue]


class ParseCache:
    """Parsed data files of this process, by path and bytes: ``handbook serve`` parses again
    only the file that was saved. One version per file is kept; never mutate what it returns."""

    def __init__(self) -> None:
        self._files: dict[str, tuple[bytes, _Parsed]] = {}

    def get(self, shown: str, content: bytes) -> _Parsed | None:
        found = self._files.get(shown)
        return found[1] if found is not None and found[0] == content else None

    def put(self, shown: str, content: bytes, parsed: _Parsed) -> None:
        self._files[shown] = (content, parsed)


def load_firm(data_dir: Path, cache: ParseCache | None = None) -> tuple[RawFirm, list[Issue]]:
    """Parse every data file; return the merged raw data and any load problems.

    With a ``cache``, files whose bytes were parsed before are taken from it.
    """
    raw = RawFirm({}, SourceMap(), [], {})
    issues: list[Issue] = []
    if not data_dir.is_dir():
        shown = display_path(data_dir)
        return raw, [error("data-dir-missing", f"找不到資料目錄「{shown}」", Location(shown))]
    for path in data_files(data_dir):
        raw.files.append(path)
        parsed = _read_file(path, data_dir, cache)
        issues.extend(parsed.issues)
        for section in parsed.sections:
            issues.extend(_merge_section(raw, section))
    return raw, issues


def _read_file(path: Path, root: Path, cache: ParseCache | None) -> _Parsed:
    folder = display_path(path.parent)  # not of ``path``: a symlink is named as written
    shown = path.name if folder == "." else f"{folder}/{path.name}"
    try:
        content = read_regular_file(path, root)
    except UnsafeFile as exc:
        return _Parsed([], [exc.issue(shown)])
    except OSError as exc:
        return _Parsed([], [error("unreadable", f"無法讀取檔案：{exc.strerror}", Location(shown))])
    if cache is None:
        return _parse_file(shown, content)
    parsed = cache.get(shown, content)
    if parsed is None:
        parsed = _parse_file(shown, content)
        cache.put(shown, content, parsed)
    return parsed


def _parse_file(shown: str, content: bytes) -> _Parsed:
    yaml = YAML(typ="safe")  # one per file: a %YAML directive must not carry to the next file
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return _Parsed([], [error("encoding", "檔案不是 UTF-8 編碼", Location(shown, 1, 1))])
    refused = forbidden_char_issues(shown, text)
    if refused:
        return _Parsed([], refused)
    try:
        node = Composer(yaml, text).document()
    except Refused as exc:
        return _Parsed([], [exc.issue(shown)])
    except YAMLError as exc:
        return _Parsed([], [syntax_issue(shown, exc, text)])
    if node is None:
        return _Parsed([], [])
    if not isinstance(node, MappingNode):
        issue = error(
            "not-a-mapping",
            "資料檔的最上層必須是「區段名稱: 內容」的對應（例如 systems:）",
            Location(shown, 1, 1),
        )
        return _Parsed([], [issue])
    walker = _Walker(yaml, shown, SourceMap())
    sections: list[_Section] = []
    seen: dict[str, Node] = {}
    issues: list[Issue] = []
    for key_node, value_node in node.value:
        name = walker.key(key_node)
        if name is None:
            continue
        if name in seen:
            issues.append(walker.duplicate(name, seen[name], key_node))
            continue
        seen[name] = key_node
        local = SourceMap()
        walker.sources = local
        local.keys[(name,)] = place = _place(shown, key_node)
        here = Location(*place)
        local.values[(name,)] = _place(shown, value_node)
        sections.append(_Section(name, walker.value(value_node, (name,)), local, here))
    return _Parsed(sections, walker.issues + issues)
