"""Dates: the day the handbook judges by, and calendar months."""

from __future__ import annotations

import calendar
import datetime as dt
import os


def today() -> dt.date:
    """The date checks judge freshness against: BCP_TODAY, else SOURCE_DATE_EPOCH, else today."""
    if os.environ.get("BCP_TODAY"):
        return dt.date.fromisoformat(os.environ["BCP_TODAY"])
    if os.environ.get("SOURCE_DATE_EPOCH"):
        stamp = int(os.environ["SOURCE_DATE_EPOCH"])
        return dt.datetime.fromtimestamp(stamp, dt.UTC).date()
    return dt.date.today()


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by ``months`` calendar months (the day clipped to the month's length)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
