"""Taiwan's public holidays by year, named in zh-TW, from the ``holidays`` library.

Building one year's table imports the library and its lunar calendar, about 0.1 s in each new
process. ``keep_in(folder)`` keeps the tables in a JSON file there (generation and serve do so in
``.cache/``), so later runs read them instead. The file records the library version and the
query; a file made by another version or query, or one that does not hold a sound table (a date
outside its year, an empty year), is ignored and rewritten. Tables read from one folder are
never used for another: switching folders forgets them. Failing to write costs only time.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from generator.incremental import library_version
from generator.write import read_cache, store_cache

_COUNTRY, _LANGUAGE = "TW", "zh_TW"
_made: dict[int, dict[dt.date, str]] = {}  # years this process asked the library for
_kept: dict[int, dict[dt.date, str]] = {}  # tables of ``_folder``: read from its file, or added
_folder: Path | None = None


def keep_in(folder: Path | None) -> None:
    """Read and keep the tables in ``folder`` from now on (None: the library only)."""
    global _folder, _kept
    if folder == _folder:
        return
    _folder, _kept = folder, {}
    if folder is not None:
        _kept = _read(folder / "holidays.json")
        if set(_made) - set(_kept):  # asked for before: keep those too
            _write()


def names(year: int) -> dict[dt.date, str]:
    """The public holidays of ``year``: date → name."""
    found = _kept.get(year)
    if found is None:
        found = _kept[year] = _from_library(year)
        _write()
    return found


def _from_library(year: int) -> dict[dt.date, str]:
    found = _made.get(year)
    if found is None:
        import holidays  # only when a year is not kept yet

        made = holidays.country_holidays(_COUNTRY, years=year, language=_LANGUAGE)
        found = _made[year] = {day: str(name) for day, name in sorted(made.items())}
    return found


def _query() -> dict[str, str] | None:
    version = library_version("holidays")
    if version is None:
        return None
    return {"library": f"holidays {version}", "country": _COUNTRY, "language": _LANGUAGE}


def _read(path: Path) -> dict[int, dict[dt.date, str]]:
    stored = read_cache(path, json.loads)
    if not isinstance(stored, dict) or stored.get("query") != _query():
        return {}
    try:
        return {int(year): _table(int(year), table) for year, table in stored["years"].items()}
    except (ValueError, TypeError, AttributeError, KeyError):
        return {}


def _table(year: int, stored: Any) -> dict[dt.date, str]:
    table = {dt.date.fromisoformat(day): str(name) for day, name in stored.items()}
    if not table or any(day.year != year for day in table):
        raise ValueError(f"not a holiday table of {year}")
    return table


def _write() -> None:
    query = _query()
    if _folder is None or query is None:
        return
    tables = _made | _kept
    stored = {
        "query": query,
        "years": {
            str(year): {day.isoformat(): name for day, name in table.items()}
            for year, table in sorted(tables.items())
        },
    }
    store_cache(
        _folder / "holidays.json", json.dumps(stored, ensure_ascii=False, indent=1).encode()
    )
