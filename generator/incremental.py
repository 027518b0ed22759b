"""Render again only the pages whose inputs changed.

A page is a pure function of its template (and the templates it extends or includes), the
generator's code, and the values its template reads. When a page is rendered, what it read is
written down: the context names its templates may read (found statically), the ids it looked up
in the id tables (``people[pid]``), and the sections of ``data`` it used. Each of those is kept
as a digest of its value. Next time, if every digest is the same, the page's Markdown is the same
and is reused without rendering. Reads are recorded, not declared, so a template edit that reads
a new record is followed without any list to keep up to date.

Anything whose value cannot be fingerprinted makes the page render every time (never stale).
Publishing an edition renders every page from scratch (``PageMemo`` is not used there).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import hashlib
import inspect
import pickle
import sys
import types
import zoneinfo
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from importlib import metadata, resources
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel

from generator.load import yaml_backend
from generator.write import read_cache, store_cache

K = TypeVar("K")
T = TypeVar("T")
V = TypeVar("V")

_MISSING = "∅"  # digest of a name or id that is not there


@dataclass
class Reads:
    """What one page read through the tracked tables and ``data``."""

    keys: set[tuple[str, Any]] = field(default_factory=set)
    whole: set[str] = field(default_factory=set)
    sections: set[str] = field(default_factory=set)


_active: Reads | None = None  # the page being rendered (rendering is single-threaded)


@contextlib.contextmanager
def _recording() -> Iterator[Reads]:
    """Record the reads made through ``Lookup`` and ``TrackedData`` inside the block."""
    global _active
    _active = reads = Reads()
    try:
        yield reads
    finally:
        _active = None


def with_reads(data: BaseModel, function: Callable[[Any], T]) -> tuple[T, set[str]]:
    """``function`` called with ``data`` as a ``TrackedData``, and the fields of ``data`` it read
    (every field when it read the model as a whole, or anything that is not a field)."""
    with _recording() as reads:
        result = function(TrackedData(data))
    fields = type(data).model_fields
    if all(name in fields for name in reads.sections):
        return result, reads.sections
    return result, set(fields)


class Lookup(Mapping[K, V]):
    """A read-only id → record table for templates; while a page renders, its reads are recorded.

    Looking up an id (``people[pid]``, ``pid in people``, ``people.get(pid)``) records that id;
    anything that sees the whole table (iterating, ``length``, ``items()``) records the table.
    """

    __slots__ = ("_items", "name")

    def __init__(self, name: str, items: dict[K, V]) -> None:
        self.name = name
        self._items = items

    def __getitem__(self, key: K) -> V:
        if _active is not None:
            _active.keys.add((self.name, key))
        return self._items[key]

    def get(self, key: K, default: Any = None) -> Any:
        if _active is not None:
            _active.keys.add((self.name, key))
        return self._items.get(key, default)

    def __contains__(self, key: object) -> bool:
        if _active is not None:
            _active.keys.add((self.name, key))
        return key in self._items

    def __iter__(self) -> Iterator[K]:
        if _active is not None:
            _active.whole.add(self.name)
        return iter(self._items)

    def __len__(self) -> int:
        if _active is not None:
            _active.whole.add(self.name)
        return len(self._items)

    def __repr__(self) -> str:
        return f"Lookup({self.name!r}, {len(self._items)} items)"

    # Underscored, so templates cannot call them (the sandbox refuses such names): every read a
    # template makes is recorded.
    def _peek(self, key: Any) -> Any:
        """The record for ``key`` (or the missing marker), without recording a read."""
        return self._items.get(key, _MISSING)

    def _raw(self) -> dict[K, V]:
        """The whole table, without recording a read."""
        return self._items


class TrackedData:
    """``data`` as templates see it: the sections read are recorded.

    Methods and properties of the model run on this object, so the sections they read are
    recorded too (``data.core_systems()`` reads ``systems``). Anything else is recorded by name
    and stands for the whole of ``data``.
    """

    __slots__ = ("_data",)

    def __init__(self, data: BaseModel) -> None:
        object.__setattr__(self, "_data", data)

    def _whole(self) -> BaseModel:
        """The model itself, read as a whole."""
        if _active is not None:
            _active.sections.add("*")
        data: BaseModel = object.__getattribute__(self, "_data")
        return data

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        return iter(self._whole())

    def __eq__(self, other: object) -> bool:
        mine = self._whole()
        if isinstance(other, TrackedData):
            return mine == other._whole()
        return mine == other

    __hash__ = None  # type: ignore[assignment]  # as the model: not hashable

    def __repr__(self) -> str:
        return repr(self._whole())

    def __str__(self) -> str:
        return str(self._whole())

    def __getattr__(self, name: str) -> Any:
        data: BaseModel = object.__getattribute__(self, "_data")
        found = _class_attribute(type(data), name)
        if isinstance(found, types.FunctionType):
            return types.MethodType(found, self)
        if isinstance(found, property) and found.fget is not None:
            return found.fget(self)
        if _active is not None:
            _active.sections.add(name)
        return getattr(data, name)


@functools.cache
def _class_attribute(kind: type[BaseModel], name: str) -> Any:
    """What ``kind`` itself defines as ``name`` (a method, a property), or None; pydantic's own
    (``model_dump``…) count as None: they run on the model itself and stand for all of it."""
    if inspect.getattr_static(BaseModel, name, None) is not None:
        return None
    return inspect.getattr_static(kind, name, None)


class Unfingerprintable(Exception):
    """A value whose content cannot be digested: the page that holds it always renders."""


_REPR_TYPES = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime, dt.time, Decimal})


class Fingerprints:
    """Digests of values, each container or record digested once per generation run.

    Digests are stable across processes (content only, never ``id`` or ``hash``), so they can be
    kept on disk. Objects are kept alive while memoised, so an ``id`` is never reused.

    Values may point back at what holds them (a call-tree node at its caller): a reference to an
    object still being digested is written as how many levels up it is, so a digest is the whole
    graph as seen from that object, walked the same way whatever was digested before. Only
    objects on no cycle are memoised for reuse inside other walks; an object on a cycle is
    memoised for being asked for again directly.
    """

    def __init__(self, known: dict[int, tuple[object, str]] | None = None) -> None:
        self._memo: dict[int, tuple[object, str]] = {}  # objects on no cycle
        self._top: dict[int, tuple[object, str]] = {}  # objects on a cycle, walked from them
        self._stack: dict[int, int] = {}  # objects being digested → depth
        self._low = sys.maxsize  # the shallowest depth referred back to in the current walk
        self._known = known or {}
        self.asked: dict[int, tuple[object, str]] = {}  # what ``of`` gave, for the next run

    def of(self, value: Any) -> str:
        """The digest of ``value``: equal digests, equal content (and type).

        ``known`` (the ``asked`` of the last run) gives the digest of an object asked for then
        without walking it: the values pages are made from are never changed once built.
        """
        key = id(value)
        found = self._known.get(key)
        if found is None or found[0] is not value:
            token = self._token(value)
            found = (value, token[1:] if token[0] == "#" else text_digest(token))
        self.asked[key] = found
        return found[1]

    def _token(self, value: Any) -> str:
        """``repr`` for plain values (it tells types apart), ``#digest`` for anything else."""
        kind = type(value)
        if kind in _REPR_TYPES:
            return repr(value)
        if isinstance(value, Enum):
            return f"{kind.__module__}.{kind.__qualname__}:{value.value!r}"
        if isinstance(value, str):  # Md and other str subclasses: the type changes the output
            return f"{kind.__qualname__}:{str.__repr__(value)}"
        key = id(value)
        found = self._memo.get(key)
        if found is None and not self._stack:
            found = self._top.get(key)
        if found is not None:
            return found[1]
        depth = len(self._stack)
        up = self._stack.get(key)
        if up is not None:
            self._low = min(self._low, up)
            return f"^{depth - up}"
        outer_low, self._low = self._low, sys.maxsize
        self._stack[key] = depth
        try:
            token = "#" + text_digest(self._parts(value))
        finally:
            del self._stack[key]
            low, self._low = self._low, min(outer_low, self._low)
        if low == sys.maxsize:  # on no cycle
            self._memo[key] = (value, token)
        elif depth == 0:  # on a cycle, walked from itself
            self._top[key] = (value, token)
        return token

    def _parts(self, value: Any) -> str:
        kind = type(value)
        name = _type_name(kind)
        token = self._token
        plain = _REPR_TYPES
        if kind is dict or kind is list or kind is tuple:  # the common cases first
            items = value.items() if kind is dict else None
        elif isinstance(value, BaseModel):
            private = value.__pydantic_private__ or {}
            return f"{name}\x1f{value.model_dump_json()}\x1f{sorted(private.items())!r}"
        elif isinstance(value, Lookup):
            return f"{name}\x1f{value.name}\x1f{self._mapping(value._raw().items())}"
        elif isinstance(value, TrackedData):
            return f"{name}\x1f{token(object.__getattribute__(value, '_data'))}"
        elif isinstance(value, Mapping):
            items = value.items()
        elif isinstance(value, list | tuple):
            items = None
        elif isinstance(value, set | frozenset):
            return "\x1f".join([name, *sorted(token(item) for item in value)])
        elif hasattr(kind, "__dataclass_fields__"):
            fields = [getattr(value, f) for f in _field_names(kind)]
            parts = [repr(v) if type(v) in plain else token(v) for v in fields]
            return "\x1f".join([name, *parts])
        elif isinstance(value, _CALLABLES):
            return self._callable(value)
        else:
            raise Unfingerprintable(name)
        if items is not None:
            return f"{name}\x1f{self._mapping(items)}"
        return "\x1f".join([name, *(repr(v) if type(v) in plain else token(v) for v in value)])

    def _callable(self, value: Callable[..., Any]) -> str:
        """A function by name (its code is in the memo key), with what it is bound to."""
        if isinstance(value, types.MethodType):
            return f"{_function(value.__func__)}@{self._token(value.__self__)}"
        owner = getattr(value, "__self__", None)  # a builtin bound to an object ({}.get)
        if owner is None or isinstance(owner, types.ModuleType):
            return _function(value)
        return f"{_function(value)}@{self._token(owner)}"

    def _mapping(self, items: Iterable[tuple[Any, Any]]) -> str:
        token = self._token
        plain = _REPR_TYPES
        return "\x1f".join(
            f"{repr(k) if type(k) in plain else token(k)}\x1e"
            f"{repr(v) if type(v) in plain else token(v)}"
            for k, v in items
        )


_CALLABLES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType)
_TYPE_NAMES: dict[type, str] = {}


def _type_name(kind: type) -> str:
    name = _TYPE_NAMES.get(kind)
    if name is None:
        name = _TYPE_NAMES[kind] = f"{kind.__module__}.{kind.__qualname__}"
    return name


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def _function(func: Callable[..., Any]) -> str:
    """A function is its code (covered by the code digest) when it captures nothing."""
    if getattr(func, "__closure__", None):
        raise Unfingerprintable(f"closure {getattr(func, '__qualname__', func)}")
    return function_name(func)


def function_name(func: Callable[..., Any]) -> str:
    """``module.qualname``: where a function's code is."""
    return f"{getattr(func, '__module__', '')}.{getattr(func, '__qualname__', '')}"


def text_digest(text: str) -> str:
    """A digest of ``text``, stable across processes."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass(frozen=True)
class Origin:
    """How a page's own values were made: ``digest`` covers everything the function that made
    them read (see ``pages.plan``). A pure function of the same inputs makes the same values,
    and its code is in the memo's key: while the digest is the one a page's values were last
    digested under, they need not be digested again."""

    names: frozenset[str]  # the context names it made
    digest: str


def section_digest(fp: Fingerprints, data: BaseModel, name: str) -> str:
    """Digest of one section of ``data``; anything else (``*``: iterated, compared, printed; a
    pydantic attribute) stands for the whole model."""
    if name in type(data).model_fields:
        return fp.of(getattr(data, name))
    return fp.of(data)  # a method or property: it may read anything


@dataclass
class PageEntry:
    """One rendered page and the digests of everything it read."""

    candidates: list[str]
    template: str
    values: dict[str, str]  # context name → digest (names its templates may read)
    keys: dict[tuple[str, Any], str]  # (table, id) → digest of the record (or missing)
    whole: dict[str, str]  # table → digest of the whole table
    sections: dict[str, str]  # data attribute → digest
    output: str
    origin: str | None = None  # the ``Origin.digest`` its own values' digests were taken under


@dataclass
class CallEntry:
    """One result of a function of the data, with the digests of what it read."""

    args: str
    sections: dict[str, str]
    result: Any


class PageMemo:
    """Rendered pages by what they read; in memory, and in ``folder`` between runs if given.

    Entries are valid for one ``key`` (generator code, templates, render settings); a new key
    forgets them all. A missing, stale or damaged file is simply an empty memo.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.key = ""
        self.entries: dict[str, PageEntry] = {}
        self.names: dict[str, frozenset[str] | None] = {}  # template → names it may read
        self.calls: dict[str, CallEntry] = {}  # other files made from the data (drills.ics)
        self.reused: list[str] = []  # pages reused by the last run
        self.changed = True  # since it was last written (a run that reuses everything: False)
        # Digests of the values the last run asked for, by identity (in memory only).
        self.digests: dict[int, tuple[object, str]] = {}
        # Digests of the page texts the personal-data guard found clean, with a digest of the
        # secrets it searched for (see ``audience.skipping_clean``).
        self.clean: tuple[str, frozenset[str]] = ("", frozenset())
        self._file: Path | None = None  # read once, at the first run

    def open(self, key: str, name: str) -> None:
        """Start a run with ``key``; ``name`` tells this memo's file apart (e.g. the audience)."""
        if self._file is None and self.folder is not None:
            self._file = self.folder / f"{name}.pickle"
            stored = read_cache(self._file, pickle.loads)  # written by ``close``
            if isinstance(stored, dict) and stored.get("key") == key:
                self.key, self.entries = key, stored.get("entries", {})
                self.names, self.calls = stored.get("names", {}), stored.get("calls", {})
                self.clean = stored.get("clean", self.clean)
                self.changed = False
        if key != self.key:
            self.key, self.entries, self.names, self.calls = key, {}, {}, {}
            self.clean = ("", frozenset())
            self.changed = True
        self.reused = []

    def clean_texts(self, secrets: str) -> frozenset[str]:
        """The digests of the texts found clean by the last run that searched for ``secrets``
        (a digest of them), if that was the last search; else none."""
        return self.clean[1] if self.clean[0] == secrets else frozenset()

    def keep_clean(self, secrets: str, digests: frozenset[str]) -> None:
        """Remember the texts found clean by this run's search for ``secrets``."""
        if self.clean != (secrets, digests):
            self.clean = (secrets, digests)
            self.changed = True

    def close(self, pages: set[str]) -> None:
        """End a run: forget every page but ``pages`` (the handbook's now), and write the memo
        (atomically; a failure costs only time)."""
        for dest in set(self.entries) - pages:
            del self.entries[dest]
            self.changed = True
        if self._file is None or not self.changed:
            return
        data = {
            "key": self.key,
            "entries": self.entries,
            "names": self.names,
            "calls": self.calls,
            "clean": self.clean,
        }
        try:
            blob = pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)
        except (pickle.PicklingError, TypeError, AttributeError):
            return
        self.changed = not store_cache(self._file, blob)


class Session:
    """One generation run's use of a ``PageMemo``: reuse, or render and record."""

    def __init__(self, memo: PageMemo, data: BaseModel) -> None:
        self.memo = memo
        self.data = data
        self.tracked = TrackedData(data)
        self.fp = Fingerprints(memo.digests)

    def page(
        self,
        dest: str,
        candidates: list[str],
        context: dict[str, Any],
        render: Callable[[dict[str, Any]], tuple[str, str]],
        names: Callable[[str], frozenset[str] | None],
        origin: Origin | None = None,
    ) -> str:
        """The page's last Markdown if nothing it read has changed; else rendered with ``render``
        (context → Markdown, template name), recording what it reads. ``names`` gives the
        context names a template may read; ``origin``, how some of the values were made."""
        found = self._reuse(dest, candidates, context, origin)
        if found is not None:
            return found
        tracked = {k: self.tracked if v is self.data else v for k, v in context.items()}
        with _recording() as reads:
            output, template = render(tracked)
        self.memo.entries.pop(dest, None)
        self.memo.changed = True
        try:
            entry = self._entry(candidates, template, context, reads, output, names, origin)
        except Unfingerprintable:
            return output  # rendered every time
        self.memo.entries[dest] = entry
        return output

    def close(self, pages: set[str]) -> None:
        """End the run: keep the memo of ``pages`` (the handbook's pages now) only, and save it."""
        self.memo.digests = self.fp.asked
        self.memo.close(pages)

    def _reuse(
        self,
        dest: str,
        candidates: list[str],
        context: Mapping[str, Any],
        origin: Origin | None,
    ) -> str | None:
        """The page's last Markdown if nothing it read has changed, else None."""
        entry = self.memo.entries.get(dest)
        if entry is None or entry.candidates != candidates:
            return None
        made = origin.names if origin is not None and origin.digest == entry.origin else ()
        try:
            same = (
                all(self._value(context, n) == d for n, d in entry.values.items() if n not in made)
                and all(self._key(context, t, k) == d for (t, k), d in entry.keys.items())
                and all(self._table(context, t) == d for t, d in entry.whole.items())
                and all(self._section(s) == d for s, d in entry.sections.items())
            )
        except Unfingerprintable:
            return None
        if not same:
            return None
        if origin is not None and entry.origin != origin.digest:
            entry.origin = origin.digest  # the same values, made from other inputs
            self.memo.changed = True
        self.memo.reused.append(dest)
        return entry.output

    def call(self, name: str, function: Callable[..., T], *args: Any) -> T:
        """``function(data, *args)``, reused while ``args`` and the sections it read are the same.

        ``function`` gets ``data`` as a ``TrackedData``, so it may only read attributes of it.
        """
        entry = self.memo.calls.get(name)
        try:
            given = self.fp.of(list(args))
            if (
                entry is not None
                and entry.args == given
                and all(self._section(s) == d for s, d in entry.sections.items())
            ):
                result: T = entry.result
                return result
        except Unfingerprintable:
            return function(self.data, *args)
        with _recording() as reads:
            result = function(self.tracked, *args)
        self.memo.changed = True
        self.memo.calls[name] = CallEntry(
            given, {s: self._section(s) for s in reads.sections}, result
        )
        return result

    def _entry(
        self,
        candidates: list[str],
        template: str,
        context: Mapping[str, Any],
        reads: Reads,
        output: str,
        names: Callable[[str], frozenset[str] | None],
        origin: Origin | None,
    ) -> PageEntry:
        if template not in self.memo.names:
            try:
                self.memo.names[template] = names(template)
            except Exception as exc:  # a template it reads but cannot analyse: render every time
                raise Unfingerprintable(f"template {template}") from exc
        may_read = self.memo.names[template]
        chosen = set(context) if may_read is None else may_read
        values = {
            n: self._value(context, n)
            for n in sorted(chosen)
            if not isinstance(context.get(n), Lookup) and context.get(n) is not self.data
        }
        return PageEntry(
            list(candidates),
            template,
            values,
            {(t, k): self._key(context, t, k) for t, k in reads.keys},
            {t: self._table(context, t) for t in reads.whole},
            {s: self._section(s) for s in reads.sections},
            output,
            origin.digest if origin is not None else None,
        )

    def _value(self, context: Mapping[str, Any], name: str) -> str:
        return self.fp.of(context[name]) if name in context else _MISSING

    def _key(self, context: Mapping[str, Any], table: str, key: Any) -> str:
        lookup = context.get(table)
        if not isinstance(lookup, Lookup):
            return _MISSING
        found = lookup._peek(key)
        return _MISSING if found is _MISSING else self.fp.of(found)

    def _table(self, context: Mapping[str, Any], table: str) -> str:
        lookup = context.get(table)
        return self.fp.of(lookup) if isinstance(lookup, Lookup) else _MISSING

    def _section(self, name: str) -> str:
        return section_digest(self.fp, self.data, name)


# Libraries whose output ends up in a page or in drills.ics (tzdata: the feed's VTIMEZONE;
# holidays and ruamel.yaml: holiday names and the shipped rules, glossary and clause catalogue,
# which section builders put into views, see ``Origin``).
_LIBRARIES = (
    "holidays",
    "icalendar",
    "jinja2",
    "markupsafe",
    "phonenumbers",
    "pydantic",
    "pydantic-core",
    "ruamel.yaml",
    "tzdata",
)


@functools.cache
def code_digest() -> str:
    """The generator's own code and the libraries that shape a page (templates, escaping, phone
    formats): a change renders every page again."""
    root = Path(__file__).resolve().parent
    versions = [library_version(name) or "-" for name in _LIBRARIES]
    yaml = yaml_backend()  # parses the package data in views
    parts = [f"{sys.version_info[:2]}/{'/'.join(versions)}/{yaml}/{_zone_digest('Asia/Taipei')}"]
    for path in sorted([*root.rglob("*.py"), *(root / "data").rglob("*")]):
        if path.is_file():
            parts.append(f"{path.relative_to(root)}:{_file_hash(path)}")
    return text_digest("\n".join(parts))


@functools.cache
def library_version(name: str) -> str | None:
    """The installed version of the distribution ``name``, or None."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def _zone_digest(key: str) -> str:
    """The time zone file zoneinfo reads for ``key`` (the system's, else the tzdata package's)."""
    for folder in zoneinfo.TZPATH:
        path = Path(folder) / key
        if path.is_file():
            return _file_hash(path)
    try:
        found = resources.files("tzdata.zoneinfo").joinpath(*key.split("/"))
        return hashlib.blake2b(found.read_bytes(), digest_size=16).hexdigest()
    except (ModuleNotFoundError, OSError):
        return "-"


def tree_digest(*folders: Path) -> str:
    """Names and contents of every file under ``folders`` (the templates and overrides)."""
    parts = []
    for folder in folders:
        if not folder.is_dir():
            parts.append(f"{folder}:-")
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                parts.append(f"{folder}/{path.relative_to(folder)}:{_file_hash(path)}")
    return text_digest("\n".join(parts))


def _file_hash(path: Path) -> str:
    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
