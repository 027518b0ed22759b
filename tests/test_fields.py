"""Durations, times and ids as people write them."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic_core import PydanticCustomError

from generator.fields import parse_duration, parse_time
from generator.render import format_date, format_minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30m", 30),
        ("30min", 30),
        ("4h", 240),
        ("1d", 1440),
        ("1h30m", 90),
        ("1.5h", 90),
        ("2w", 20160),
        ("7y", 7 * 525600),
        ("4H", 240),
        (0, 0),
    ],
)
def test_durations_parse(text: str | int, minutes: int) -> None:
    assert parse_duration(text) == minutes


@pytest.mark.parametrize("text", ["4 hours", "15", 15, "h", "", "-1h", True, None])
def test_bad_durations_are_rejected(text: object) -> None:
    with pytest.raises(PydanticCustomError) as info:
        parse_duration(text)
    assert info.value.type == "invalid_duration"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 分鐘"),
        (45, "45 分鐘"),
        (240, "4 小時"),
        (90, "1 小時 30 分鐘"),
        (1440, "1 天"),
        (1500, "1 天 1 小時"),
        (None, "未訂定"),
    ],
)
def test_durations_read_in_chinese(minutes: int | None, text: str) -> None:
    assert format_minutes(minutes) == text


def test_times_of_day() -> None:
    assert parse_time("09:00") == dt.time(9, 0)
    assert parse_time("18:30") == dt.time(18, 30)
    for bad in ("24:00", "9", "18:60", 1830):
        with pytest.raises(PydanticCustomError):
            parse_time(bad)


def test_dates_in_both_styles() -> None:
    day = dt.date(2026, 12, 1)
    assert format_date(day, "iso") == "2026-12-01"
    assert format_date(day, "roc") == "民國115年12月1日"
    assert format_date(None, "roc") == "—"
