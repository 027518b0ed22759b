"""Dates: the day the handbook judges by, and calendar months."""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re

from generator.errors import UsageError, error
from generator.fields import MAX_DATE, MIN_DATE

# The last second of MAX_DATE; also within the year 2107 that the offline bundle's zip entries
# (dated by SOURCE_DATE_EPOCH) can carry.
_LAST_EPOCH = int(dt.datetime.combine(MAX_DATE, dt.time(23, 59, 59), dt.UTC).timestamp())


def today() -> dt.date:
    """The date checks judge freshness against: BCP_TODAY, else SOURCE_DATE_EPOCH, else today.

    Raises UsageError when the variable is set but is not a date the data could hold.
    """
    if os.environ.get("BCP_TODAY"):
        return _env_today(os.environ["BCP_TODAY"])
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return _env_epoch(os.environ["SOURCE_DATE_EPOCH"])
    return dt.date.today()


def _env_today(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) else None
    except ValueError:
        day = None
    if day is None or not MIN_DATE <= day <= MAX_DATE:
        raise _env_error("BCP_TODAY", value, f"{MIN_DATE} 至 {MAX_DATE} 之間的日期（YYYY-MM-DD）")
    return day


def _env_epoch(value: str) -> dt.date:
    stamp = int(value) if re.fullmatch(r"\d{1,12}", value) else -1
    if not 0 <= stamp <= _LAST_EPOCH:
        raise _env_error("SOURCE_DATE_EPOCH", value, f"0 至 {_LAST_EPOCH} 之間的整數（Unix 秒數）")
    return dt.datetime.fromtimestamp(stamp, dt.UTC).date()


def _env_error(name: str, value: str, expected: str) -> UsageError:
    shown = value if len(value) <= 40 else value[:37] + "…"
    shown = shown if shown.isprintable() else ascii(shown)
    return UsageError(
        [
            error(
                "invalid-env",
                f"環境變數 {name}=「{shown}」不正確：應為{expected}",
                None,
                f"修正或取消設定 {name}（unset {name}）。",
            )
        ]
    )


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (the day clipped to the month's length)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
