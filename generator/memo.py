"""Results remembered from one pipeline run to the next, by the identity of what they describe.

``handbook serve`` keeps one process: a record whose data did not change is the same object in
the next run (see ``validate.ValidationMemo``), so what was worked out about it (its redacted
copy, its references) can be taken as it is. Records are frozen, so an object stands for its
content; an entry holds its object, so the id is never reused while the entry lives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from generator.incremental import with_reads

K = TypeVar("K")
V = TypeVar("V")


class IdentityMemo(Generic[K, V]):
    """``compute(obj)`` by ``(id(obj), where)``, kept for the run that asked and the next one.

    Call ``next_run`` when a run starts: entries the previous run did not ask for are dropped,
    so the memo never holds more than two runs' objects.
    """

    def __init__(self) -> None:
        self._previous: dict[tuple[int, Hashable], tuple[K, V]] = {}
        self._current: dict[tuple[int, Hashable], tuple[K, V]] = {}

    def next_run(self) -> None:
        """Start a run: keep what the last run used, forget the rest (a run that asked for
        nothing, e.g. stopped by bad data, leaves the memo as it found it)."""
        if self._current:
            self._previous, self._current = self._current, {}

    def get(self, obj: K, compute: Callable[[K], V], where: Hashable = None) -> V:
        """The remembered result for ``obj`` at ``where``, else ``compute(obj)`` remembered."""
        key = (id(obj), where)
        found = self._current.get(key) or self._previous.get(key)
        if found is None:
            found = (obj, compute(obj))
        self._current[key] = found
        return found[1]


@dataclass(frozen=True)
class RecordsRead:
    """The sections of the model a function read on ``day``, with their records then.

    Records are frozen: while every record of those sections is the same object (``handbook
    serve`` keeps unchanged records, see ``validate.ValidationMemo``) and the day is the same,
    the function would give the same result.
    """

    day: dt.date
    sections: dict[str, Any]  # field → its records then (a tuple) or the record itself

    def unchanged(self, data: BaseModel, day: dt.date) -> bool:
        """True when ``data`` has the same records in those sections, and it is the same day."""
        return day == self.day and all(
            _same_records(getattr(data, name), then) for name, then in self.sections.items()
        )


def run_recorded(
    data: BaseModel, function: Callable[[Any], V], day: dt.date
) -> tuple[V, RecordsRead]:
    """``function`` called with ``data`` as it records reads (``incremental.with_reads``), and
    what it read."""
    result, read = with_reads(data, function)
    sections = {name: _records_of(getattr(data, name)) for name in read}
    return result, RecordsRead(day, sections)


def _records_of(section: Any) -> Any:
    return tuple(section) if isinstance(section, list) else section


def _same_records(section: Any, then: Any) -> bool:
    if isinstance(section, list):
        return len(section) == len(then) and all(a is b for a, b in zip(section, then, strict=True))
    return section is then
