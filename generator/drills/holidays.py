"""Taiwan's public holidays by year, named in zh-TW, from the ``holidays`` library."""

from __future__ import annotations

import datetime as dt
import functools


@functools.cache
def names(year: int) -> dict[dt.date, str]:
    """The public holidays of ``year``: date → name."""
    import holidays  # about 0.1 s: only when a command needs a year's holidays

    made = holidays.country_holidays("TW", years=year, language="zh_TW")
    return {day: str(name) for day, name in sorted(made.items())}
