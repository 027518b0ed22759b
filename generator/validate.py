"""Turn raw data into the model, translating every validation error into a located Issue."""

from __future__ import annotations

import difflib
import re
import types
import typing
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from generator.errors import Issue, Location, error
from generator.load import DataPath, RawFirm
from generator.model import FirmData, Record, nesting_fields

_TYPE_WORDS = {
    "string_type": "文字",
    "int_type": "整數",
    "int_parsing": "整數",
    "int_from_float": "整數",
    "float_type": "數字",
    "float_parsing": "數字",
    "bool_type": " true 或 false",
    "bool_parsing": " true 或 false",
    "list_type": "清單（每項以「- 」開頭）",
    "dict_type": "對應（「欄位: 值」）",
    "model_type": "對應（「欄位: 值」）",
    "model_attributes_type": "對應（「欄位: 值」）",
    "time_type": "時刻",
}
_DATE_TYPES = {
    "date_type",
    "date_parsing",
    "date_from_datetime_parsing",
    "date_from_datetime_inexact",
}
_CUSTOM_CODES = {
    "invalid_duration": "invalid-duration",
    "invalid_time": "invalid-time",
    "invalid_id": "invalid-id",
    "duration_out_of_range": "out-of-range",
    "date_out_of_range": "out-of-range",
}
_BOUNDS = {
    "greater_than_equal": ("ge", "≥"),
    "greater_than": ("gt", ">"),
    "less_than_equal": ("le", "≤"),
    "less_than": ("lt", "<"),
}


def build_model(raw: RawFirm, data_dir_shown: str) -> tuple[FirmData | None, list[Issue]]:
    """Validate the merged data; on failure return None and one Issue per problem."""
    try:
        firm = FirmData.model_validate(raw.data)
    except ValidationError as exc:
        return None, [_to_issue(err, raw, data_dir_shown) for err in exc.errors()]
    for name in FirmData.model_fields:
        _remember_paths(getattr(firm, name), (name,))
    return firm, []


def _remember_paths(node: Any, path: DataPath) -> None:
    """Store each record's data path on it, so later stages can point at the source."""
    if isinstance(node, Record):
        node._path = path
    if isinstance(node, BaseModel):
        for name in nesting_fields(type(node)):
            value = getattr(node, name)
            if isinstance(value, BaseModel | list):  # text, numbers and dates hold no record
                _remember_paths(value, (*path, name))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, BaseModel | list):
                _remember_paths(item, (*path, index))


def _shown(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "…"


def _to_issue(err: ErrorDetails, raw: RawFirm, data_dir: str) -> Issue:
    # A dict key's own error ends in "[key]": the key is already the last part of the path.
    loc: DataPath = tuple(p for p in err["loc"] if isinstance(p, str | int) and p != "[key]")
    kind = err["type"]
    field_name = _field_label(loc, raw)
    if kind == "missing":
        where = raw.sources.find(loc[:-1]) or Location(data_dir)
        if len(loc) == 1:
            return error("missing-section", f"缺少區段「{loc[0]}」", where, _section_hint())
        return error("missing-field", f"{_owner_label(loc, raw)}缺少必填欄位「{loc[-1]}」", where)
    if kind == "extra_forbidden":
        return _unknown_key(loc, raw)
    where = raw.sources.find(loc) or Location(data_dir)
    value = _shown(err.get("input"))
    if kind in _CUSTOM_CODES:
        return error(_CUSTOM_CODES[kind], f"{field_name}：{err['msg']}", where)
    if kind in _DATE_TYPES:
        return error(
            "invalid-date",
            f"{field_name}：日期「{value}」不正確",
            where,
            "日期請寫成 YYYY-MM-DD（西元），例如 2026-03-15",
        )
    if kind in ("literal_error", "enum"):
        expected = str((err.get("ctx") or {}).get("expected", ""))
        allowed = "、".join(re.findall(r"'([^']*)'", expected)) or expected
        return error(
            "invalid-choice", f"{field_name}：「{value}」不是允許的值；可用的值：{allowed}", where
        )
    if kind in _TYPE_WORDS:
        hint = None
        if kind == "string_type" and isinstance(err.get("input"), int | float):
            hint = f'像數字的文字請加上引號，例如 "{value}"'
        return error(
            "wrong-type", f"{field_name}：應為{_TYPE_WORDS[kind]}，但寫的是「{value}」", where, hint
        )
    return _other_issue(err, loc, where, field_name, value)


def _other_issue(
    err: ErrorDetails, loc: DataPath, where: Location, field_name: str, value: str
) -> Issue:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "too_short":
        if isinstance(err.get("input"), str):
            return error("empty-value", f"{field_name}：不可為空白", where)
        count = ctx.get("min_length", 1)
        return error("too-few-items", f"{field_name}：至少需要 {count} 項", where)
    if kind == "string_too_short":
        return error("empty-value", f"{field_name}：不可為空白", where)
    if kind in _BOUNDS:
        key, sign = _BOUNDS[kind]
        return error("out-of-range", f"{field_name}：「{value}」必須 {sign} {ctx.get(key)}", where)
    if kind == "finite_number":
        return error("out-of-range", f"{field_name}：「{value}」必須是有限的數字", where)
    if kind == "too_long":
        most = ctx.get("max_length")
        return error("too-many-items", f"{field_name}：最多 {most} 項", where)
    return error("invalid-value", f"{field_name}：{err['msg']}", where)


def _section_hint() -> str:
    return "在 firm_data/ 的任一 YAML 檔加入這個區段；格式見 README 的「資料格式」，或執行 handbook schema"


def _field_label(loc: DataPath, raw: RawFirm) -> str:
    """``systems[3]（oms）.standby.type``: the path, with the record's id where it has one."""
    text = ""
    node: Any = raw.data
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
        node = _child(node, part)
        if isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            text += f"（{node['id']}）"
    return f"欄位「{text}」"


def _child(node: Any, part: str | int) -> Any:
    if isinstance(part, int) and isinstance(node, list) and part < len(node):
        return node[part]
    if isinstance(part, str) and isinstance(node, dict):
        return node.get(part)
    return None


def _owner_label(loc: DataPath, raw: RawFirm) -> str:
    owner = loc[:-1]
    return f"{_field_label(owner, raw)}" if owner else ""


def _unknown_key(loc: DataPath, raw: RawFirm) -> Issue:
    where = raw.sources.find(loc, key=True) or Location("")
    allowed = _fields_at(FirmData, loc[:-1])
    name = str(loc[-1])
    close = difflib.get_close_matches(name, allowed, n=1, cutoff=0.6)
    hint = f"你是不是要寫「{close[0]}」？" if close else None
    if not hint and allowed:
        hint = "可用的欄位：" + "、".join(allowed)
    owner = _owner_label(loc, raw)
    where_text = f"{owner}中" if owner else "最上層"
    return error("unknown-key", f"{where_text}有未知的欄位「{name}」", where, hint)


def _fields_at(model: Any, path: DataPath) -> list[str]:
    """Field names the schema allows at ``path`` (for "did you mean")."""
    current: Any = model
    for part in path:
        current = _step_into(current, part)
        if current is None:
            return []
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _step_into(annotation: Any, part: str | int) -> Any:
    annotation = _unwrap(annotation)
    if isinstance(part, int):
        args = get_args(annotation)
        return _unwrap(args[0]) if get_origin(annotation) is list and args else None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        info = annotation.model_fields.get(part)
        return _unwrap(info.annotation) if info else None
    if get_origin(annotation) is dict:
        return _unwrap(get_args(annotation)[1])
    return None


def _unwrap(annotation: Any) -> Any:
    """Strip Annotated and Optional layers."""
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [a for a in get_args(annotation) if a is not type(None)]
            if len(members) != 1:
                return annotation
            annotation = members[0]
        elif origin is Literal:
            return annotation
        else:
            return annotation
