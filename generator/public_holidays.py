"""Taiwan's public holidays by year, named in zh-TW, from the ``holidays`` library.

Building one year's table imports the library and its lunar calendar, about 0.1 s in each new
process. ``keep_in(folder)`` keeps the tables made so far in a JSON file there, named after the
library's version (a new version makes its own tables), so later runs read them instead. A
missing or damaged file is simply rebuilt; failing to write it costs only time.
"""

from __future__ import annotations

import datetime as dt
import json
from importlib import metadata
from pathlib import Path

from generator.write import replace_atomically

_tables: dict[int, dict[dt.date, str]] = {}
_file: Path | None = None


def keep_in(folder: Path | None) -> None:
    """Read and keep the tables in ``folder`` from now on (None: in memory only)."""
    global _file
    target = folder / f"holidays-{metadata.version('holidays')}.json" if folder else None
    if target == _file:
        return
    _file = target
    if target is not None:
        stored = _read(target)
        made = set(_tables) - set(stored)  # before this call: keep those too
        _tables.update(stored)
        if made:
            _write(target)


def names(year: int) -> dict[dt.date, str]:
    """The public holidays of ``year``: date → name."""
    found = _tables.get(year)
    if found is None:
        found = _tables[year] = _from_library(year)
        if _file is not None:
            _write(_file)
    return found


def _from_library(year: int) -> dict[dt.date, str]:
    import holidays  # only when a year is not kept yet

    found = holidays.country_holidays("TW", years=year, language="zh_TW")
    return {day: str(name) for day, name in sorted(found.items())}


def _read(path: Path) -> dict[int, dict[dt.date, str]]:
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return {
            int(year): {dt.date.fromisoformat(day): str(name) for day, name in table.items()}
            for year, table in stored.items()
        }
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _write(path: Path) -> None:
    stored = {
        str(year): {day.isoformat(): name for day, name in table.items()}
        for year, table in sorted(_tables.items())
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, json.dumps(stored, ensure_ascii=False, indent=1).encode())
    except OSError:
        return
