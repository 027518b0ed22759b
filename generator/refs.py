"""Ids and references across records: duplicate ids and dangling references, both located."""

from __future__ import annotations

import difflib
import functools
import types
import typing
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel

from generator.errors import Issue, error
from generator.fields import Ref
from generator.load import DataPath, SourceMap
from generator.model import FirmData, Record, nesting_fields

COLLECTION_LABELS = {
    "systems": "系統",
    "businesses": "核心業務",
    "people": "人員",
    "parties": "外部單位",
    "sites": "場所",
    "scenarios": "風險情境",
    "vendors": "供應商",
    "contact_trees": "緊急聯絡樹",
    "backups": "備份組",
    "drills": "演練",
    "training": "訓練紀錄",
    "roles": "任務編組角色",
    "teams": "任務編組小組",
}


@dataclass
class IdIndex:
    """Every id of every collection, with the record that owns it."""

    records: dict[str, dict[str, Record]]

    def get(self, collection: str, key: str) -> Record | None:
        """The record with id ``key`` in ``collection``, if any."""
        return self.records.get(collection, {}).get(key)


def _collections(firm: FirmData) -> dict[str, list[Any]]:
    teams = firm.organisation.teams
    found: dict[str, list[Any]] = {"roles": firm.roles(), "teams": list(teams)}
    for name in COLLECTION_LABELS:
        if name not in found:
            found[name] = list(getattr(firm, name))
    return found


def index_ids(firm: FirmData, sources: SourceMap) -> tuple[IdIndex, list[Issue]]:
    """Index all ids; report ids used twice in one collection, naming both places."""
    index = IdIndex({})
    issues: list[Issue] = []
    for name, records in _collections(firm).items():
        table: dict[str, Record] = {}
        for record in records:
            key = record.id
            if key in table:
                first = sources.find((*table[key].path, "id"))
                issues.append(
                    error(
                        "duplicate-id",
                        f"{COLLECTION_LABELS[name]}的識別碼「{key}」重複，第一次定義於 {first}",
                        sources.find((*record.path, "id")),
                        "每筆資料的 id 在同一類中必須唯一。",
                    )
                )
                continue
            table[key] = record
        index.records[name] = table
    return index, issues


def check_refs(
    firm: FirmData,
    index: IdIndex,
    sources: SourceMap,
    section_files: dict[str, list[str]],
) -> list[Issue]:
    """Every reference field must name an existing record of its collection."""
    issues: list[Issue] = []
    for path, target, value in _references(firm, ()):
        if any(index.get(c, value) for c in target.collections):
            continue
        issues.append(_dangling(path, target, value, index, sources, section_files))
    return issues


def _dangling(
    path: DataPath,
    target: Ref,
    value: str,
    index: IdIndex,
    sources: SourceMap,
    section_files: dict[str, list[str]],
) -> Issue:
    known = [k for c in target.collections for k in index.records.get(c, {})]
    close = difflib.get_close_matches(value, known, n=1, cutoff=0.5)
    defined = _defined_where(target, section_files)
    hint = f"{target.label}定義在 {defined}" if defined else f"尚未定義任何{target.label}"
    if close:
        hint = f"你是不是要寫「{close[0]}」？{hint}"
    return error(
        "dangling-ref",
        f"引用了不存在的{target.label}「{value}」（{_dotted(path)}）",
        sources.find(path),
        hint,
    )


def _defined_where(target: Ref, section_files: dict[str, list[str]]) -> str:
    places: list[str] = []
    for collection in target.collections:
        section = "organisation" if collection in ("roles", "teams") else collection
        places.extend(section_files.get(section, []))
    return "、".join(dict.fromkeys(places))


def _dotted(path: DataPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _references(node: Any, path: DataPath) -> typing.Iterator[tuple[DataPath, Ref, str]]:
    """Yield (path, ref target, id) for every reference value in the model."""
    if not isinstance(node, BaseModel):
        return
    for name, target in _fields(type(node)):
        value = getattr(node, name)
        if target is not None:
            if isinstance(value, str):
                yield (*path, name), target, value
            elif isinstance(value, list):
                child = (*path, name)
                yield from (((*child, i), target, v) for i, v in enumerate(value))
        elif isinstance(value, list):
            child = (*path, name)
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    yield from _references(item, (*child, i))
        elif isinstance(value, BaseModel):
            yield from _references(value, (*path, name))


@functools.cache
def _fields(owner: type[BaseModel]) -> tuple[tuple[str, Ref | None], ...]:
    """Each field of ``owner`` that holds references (with its Ref marker) or may hold records
    (with None); the others cannot lead to a reference."""
    nesting = set(nesting_fields(owner))
    return tuple(
        (name, target)
        for name in owner.model_fields
        if (target := _ref_target(owner, name)) is not None or name in nesting
    )


@functools.cache
def _ref_target(owner: type[BaseModel], name: str) -> Ref | None:
    """The Ref marker of a field, looking inside Optional, list and Annotated."""
    info = owner.model_fields[name]
    for item in info.metadata:
        if isinstance(item, Ref):
            return item
    return _find_ref(info.annotation)


def _find_ref(annotation: Any) -> Ref | None:
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        args = get_args(annotation)
        for item in args[1:]:
            if isinstance(item, Ref):
                return item
        return _find_ref(args[0])
    if origin in (list, typing.Union, types.UnionType):
        for arg in get_args(annotation):
            found = _find_ref(arg)
            if found:
                return found
    return None
