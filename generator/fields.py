"""Field types of the firm data: ids, references, durations written as people write them."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_DURATION_RE = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*([wdhmy]|min))+\s*$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(min|[wdhmy])")
_UNIT_MINUTES = {"m": 1, "min": 1, "h": 60, "d": 1440, "w": 10080, "y": 525600}
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise PydanticCustomError(
            "invalid_id",
            "識別碼「{value}」只能使用英文字母、數字、-、_、.，且以字母或數字開頭",
            {"value": value},
        )
    return value


Id = Annotated[
    str,
    Field(min_length=1, max_length=64),
    AfterValidator(_check_id),
    WithJsonSchema({"type": "string", "pattern": _ID_RE.pattern}),
]


@dataclass(frozen=True)
class Ref:
    """Marks a field as a reference to the ids of one or more collections."""

    collections: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class Personal:
    """Marks a field as personal data: only the restricted audience sees it (see audience.py)."""

    label: str


SystemRef = Annotated[str, Ref(("systems",), "系統")]
BusinessRef = Annotated[str, Ref(("businesses",), "核心業務")]
PersonRef = Annotated[str, Ref(("people",), "人員")]
ContactRef = Annotated[str, Ref(("people", "parties"), "人員或外部單位")]
SiteRef = Annotated[str, Ref(("sites",), "場所")]
ScenarioRef = Annotated[str, Ref(("scenarios",), "風險情境")]
VendorRef = Annotated[str, Ref(("vendors",), "供應商")]
TreeRef = Annotated[str, Ref(("contact_trees",), "緊急聯絡樹")]
RoleRef = Annotated[str, Ref(("roles",), "任務編組角色")]
BackupRef = Annotated[str, Ref(("backups",), "備份組")]


def parse_duration(value: Any) -> int:
    """``30m``, ``4h``, ``1d``, ``1h30m``, ``2w``, ``7y`` or ``0`` → whole minutes."""
    if isinstance(value, bool):
        raise _duration_error(value)
    if isinstance(value, int) and value == 0:
        return 0
    if isinstance(value, dt.timedelta):
        return int(value.total_seconds() // 60)
    if not isinstance(value, str) or not _DURATION_RE.match(value.lower()):
        raise _duration_error(value)
    total = sum(
        float(num) * _UNIT_MINUTES[unit] for num, unit in _DURATION_PART.findall(value.lower())
    )
    return round(total)


def _duration_error(value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        "invalid_duration",
        "時間長度「{value}」的格式不正確；請寫成 30m、4h、1d、1h30m 這類數字加單位",
        {"value": value},
    )


Minutes = Annotated[
    int,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": r"^(\d+(\.\d+)?\s*(min|[wdhmy]))+$"},
                {"const": 0},
            ],
            "description": "時間長度：數字加單位 m（分）h（時）d（天）w（週）y（年），例如 30m、4h、1d",
        }
    ),
]


def parse_time(value: Any) -> dt.time:
    """``HH:MM`` → time of day."""
    if isinstance(value, dt.time):
        return value
    match = _TIME_RE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise PydanticCustomError(
            "invalid_time",
            "時刻「{value}」的格式不正確；請寫成 HH:MM，例如 18:30",
            {"value": value},
        )
    return dt.time(int(match.group(1)), int(match.group(2)))


TimeOfDay = Annotated[
    dt.time,
    BeforeValidator(parse_time),
    WithJsonSchema({"type": "string", "pattern": _TIME_RE.pattern}),
]


def _as_list(value: Any) -> Any:
    """Let a single string stand for a one-item list."""
    return [value] if isinstance(value, str) else value


Text = Annotated[str, Field(min_length=1)]
TextList = Annotated[list[Text], BeforeValidator(_as_list)]
