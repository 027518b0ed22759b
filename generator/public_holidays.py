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
import functools
import json
from importlib import metadata
from pathlib import Path
from typing import Any

from generator.write import replace_atomically

_COUNTRY, _LANGUAGE = "TW", "zh_TW"
_kept: dict[int, dict[dt.date, str]] = {}  # tables of ``_file``: read from it, or added
_file: Path | None = None
_made_years: set[int] = set()  # years this process asked the library for


def keep_in(folder: Path | None) -> None:
    """Read and keep the tables in ``folder`` from now on (None: the library only)."""
    global _file, _kept
    version = _version()
    target = folder / "holidays.json" if folder is not None and version else None
    if target == _file:
        return
    _file, _kept = target, {}
    if target is not None and version is not None:
        _kept = _read(target, version)
        if _made_years - set(_kept):  # asked for before: keep those too
            _write(target)


def names(year: int) -> dict[dt.date, str]:
    """The public holidays of ``year``: date → name."""
    found = _kept.get(year)
    if found is None:
        found = _kept[year] = _from_library(year)
        if _file is not None:
            _write(_file)
    return found


@functools.cache
def _from_library(year: int) -> dict[dt.date, str]:
    import holidays  # only when a year is not kept yet

    found = holidays.country_holidays(_COUNTRY, years=year, language=_LANGUAGE)
    _made_years.add(year)
    return {day: str(name) for day, name in sorted(found.items())}


def _version() -> str | None:
    try:
        return metadata.version("holidays")
    except metadata.PackageNotFoundError:
        return None


def _query(version: str) -> dict[str, str]:
    return {"library": f"holidays {version}", "country": _COUNTRY, "language": _LANGUAGE}


def _read(path: Path, version: str) -> dict[int, dict[dt.date, str]]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(stored, dict) or stored.get("query") != _query(version):
            return {}
        return {int(year): _table(int(year), table) for year, table in stored["years"].items()}
    except (OSError, ValueError, TypeError, AttributeError, KeyError, RecursionError):
        return {}


def _table(year: int, stored: Any) -> dict[dt.date, str]:
    table = {dt.date.fromisoformat(day): str(name) for day, name in stored.items()}
    if not table or any(day.year != year for day in table):
        raise ValueError(f"not a holiday table of {year}")
    return table


def _write(path: Path) -> None:
    version = _version()
    if version is None:
        return
    tables = {year: _from_library(year) for year in _made_years} | _kept
    stored = {
        "query": _query(version),
        "years": {
            str(year): {day.isoformat(): name for day, name in table.items()}
            for year, table in sorted(tables.items())
        },
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, json.dumps(stored, ensure_ascii=False, indent=1).encode())
    except OSError:
        return
