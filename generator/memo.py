"""Results remembered from one pipeline run to the next, by the identity of what they describe.

``handbook serve`` keeps one process: a record whose data did not change is the same object in
the next run (see ``validate.ValidationMemo``), so what was worked out about it (its redacted
copy, its references) can be taken as it is. Records are frozen, so an object stands for its
content; an entry holds its object, so the id is never reused while the entry lives.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

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

    def __len__(self) -> int:
        return len(self._current)


def records_of(section: Any) -> Any:
    """What ``same_records`` compares a section with later: its records as they are now."""
    return tuple(section) if isinstance(section, list) else section


def same_records(section: Any, then: Any) -> bool:
    """The same records as ``then`` (``records_of``), by identity: records are frozen, so the
    same object has the same content."""
    if isinstance(section, list):
        return len(section) == len(then) and all(a is b for a, b in zip(section, then, strict=True))
    return section is then
