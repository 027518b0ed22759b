"""Field types of the firm data: ids, references, durations written as people write them."""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, WithJsonSchema
from pydantic_core import PydanticCustomError

from generator.errors import Issue, error, offset_location

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_DURATION_RE = re.compile(r"^\s*(?:(\d+(?:\.\d+)?)\s*([wdhmy]|min))+\s*$")
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(min|[wdhmy])")
_UNIT_MINUTES = {"m": 1, "min": 1, "h": 60, "d": 1440, "w": 10080, "y": 525600}
_TIME_RE = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")

# Bounds of the values the tool computes with (dates are moved by up to MAX_MONTHS or MAX_DAYS,
# and a drill's step log adds its steps' minutes to its date): each within Python's dates.
MIN_DATE = dt.date(1912, 1, 1)  # 民國元年: the handbook prints dates in the ROC calendar
MAX_DATE = dt.date(2100, 12, 31)  # the public-holiday calendar the drill planner uses ends here
MAX_MINUTES = 100 * 525_600  # a duration: 100 years
MAX_STEP_MINUTES = 30 * 1440  # one step of a procedure: 30 days
MAX_STEPS = 500  # steps of a procedure or of a drill's log
MAX_MONTHS = 1_200  # a policy period in months: 100 years
MAX_DAYS = 36_500  # a policy period in days: 100 years
MAX_YEARS = 100
MAX_COUNT = 1_000  # a policy count (copies, call-tree fan-out…)
MAX_HOURS = 10_000  # training hours


def _check_id(value: str) -> str:
    if not _ID_RE.match(value):
        raise PydanticCustomError(
            "invalid_id",
            "識別碼「{value}」只能使用英文字母、數字、-、_、.，且以字母或數字開頭",
            {"value": _short(value)},
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
    if not isinstance(value, str) or len(value) > 64 or not _DURATION_RE.match(value.lower()):
        raise _duration_error(value)
    total = sum(
        float(num) * _UNIT_MINUTES[unit] for num, unit in _DURATION_PART.findall(value.lower())
    )
    if not math.isfinite(total) or total > MAX_MINUTES:
        raise PydanticCustomError(
            "duration_out_of_range",
            "時間長度「{value}」超過上限 100 年",
            {"value": _short(value)},
        )
    return round(total)


def _short(value: Any) -> Any:
    text = str(value)
    return value if len(text) <= 40 else text[:37] + "…"


def _duration_error(value: Any) -> PydanticCustomError:
    return PydanticCustomError(
        "invalid_duration",
        "時間長度「{value}」的格式不正確；請寫成 30m、4h、1d、1h30m 這類數字加單位",
        {"value": _short(value)},
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


def _not_a_number(value: Any) -> Any:
    """A date is written YYYY-MM-DD: a number is not read as a timestamp."""
    if isinstance(value, bool | int | float):
        raise PydanticCustomError("date_type", "日期不能是數字", {"value": value})
    return value


def _check_date(value: dt.date) -> dt.date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise PydanticCustomError(
            "date_out_of_range",
            "日期「{value}」超出可處理的範圍（{low} 至 {high}）；沒有期限的日期請省略此欄位",
            {"value": value.isoformat(), "low": MIN_DATE.isoformat(), "high": MAX_DATE.isoformat()},
        )
    return value


Date = Annotated[
    dt.date,
    BeforeValidator(_not_a_number),
    AfterValidator(_check_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
Months = Annotated[int, Field(ge=1, le=MAX_MONTHS)]
Tier = Annotated[int, Field(ge=1, le=5)]
StepMinutes = Annotated[int, Field(ge=0, le=MAX_STEP_MINUTES)]


def parse_time(value: Any) -> dt.time:
    """``HH:MM`` → time of day."""
    if isinstance(value, dt.time):
        return value
    match = _TIME_RE.match(str(value).strip()) if isinstance(value, str) else None
    if not match:
        raise PydanticCustomError(
            "invalid_time",
            "時刻「{value}」的格式不正確；請寫成 HH:MM，例如 18:30",
            {"value": _short(value)},
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


# Characters no data value may hold: C0 controls but tab, LF and CR; DEL and the C1 controls (NEL
# too); bidi embeddings, overrides and isolates (text would display in another order than it is
# stored); line and paragraph separators; lone surrogates; the Unicode non-characters.
FORBIDDEN_CHARS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069"
    "\ud800-\udfff\ufdd0-\ufdef"
    + "".join(chr(plane * 0x10000 + low) for plane in range(17) for low in (0xFFFE, 0xFFFF))
    + "]"
)


def forbidden_char_text(char: str) -> str:
    """Why ``char`` (one of FORBIDDEN_CHARS) is refused, in zh-TW."""
    code = ord(char)
    if code < 0x20 or 0x7F <= code <= 0x9F:
        kind = "控制字元"
    elif 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
        kind = "雙向文字控制字元，會讓文字顯示的順序與實際內容不同"
    elif code in (0x2028, 0x2029):
        kind = "行或段落分隔字元；換行請直接換行"
    else:
        kind = "單獨的代理字元" if 0xD800 <= code <= 0xDFFF else "Unicode 非字元"
    name = unicodedata.name(char, "")
    return f"不允許的字元 U+{code:04X}{f' {name}' if name else ''}（{kind}），請刪除"


def forbidden_char_issues(shown: str, text: str, most: int = 10) -> list[Issue]:
    """The first ``most`` characters of a data file's ``text`` that data may not hold, located."""
    issues = []
    for match in FORBIDDEN_CHARS.finditer(text):
        where = offset_location(shown, text, match.start())
        issues.append(error("forbidden-character", forbidden_char_text(match.group()), where))
        if len(issues) == most:
            break
    return issues
