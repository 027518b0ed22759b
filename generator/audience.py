"""Audiences: what each copy of the handbook may show. Personal data is masked in ONE place.

The model declares what is personal: fields annotated with ``Personal`` (``Person.home_address``)
and records whose ``personal`` property is true (``Phone``: mobile and home numbers, or any
number marked ``private: true``). ``visible()`` makes the copy of the model an audience may see;
the pipeline renders pages, the search dictionary and every export from that copy only.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import types
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

from generator import phones
from generator.errors import Issue, Location, error
from generator.fields import Personal
from generator.labels import label
from generator.model import FirmData, Record, nesting_fields

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class Audience(StrEnum):
    """Who a build is for: all staff on the intranet, or the BCP team's restricted copy."""

    INTERNAL = "internal"
    RESTRICTED = "restricted"


def visible(firm: FirmData, audience: Audience) -> FirmData:
    """The model as ``audience`` may see it: the internal copy has no personal data at all."""
    if audience is Audience.RESTRICTED:
        return firm
    return _redact(firm)


@functools.cache
def _personal_fields(owner: type[BaseModel]) -> frozenset[str]:
    """The fields of ``owner`` annotated ``Personal``."""
    return frozenset(
        name
        for name, info in owner.model_fields.items()
        if any(isinstance(m, Personal) for m in info.metadata)
    )


# Values that hold no record, so there is nothing inside them to redact.
_LEAVES = (str, int, float, dt.date, dt.time, Enum)


def _redact(value: T) -> T:
    if isinstance(value, BaseModel):
        return _redact_model(value, _redact)  # type: ignore[no-any-return]
    if isinstance(value, list):
        return _redact_items(value, _redact)  # type: ignore[return-value]
    return value


@functools.cache
def _redacted_fields(owner: type[BaseModel]) -> tuple[str, ...]:
    """The fields of ``owner`` that are personal or may hold personal data (a record that may be
    personal, or a model with a personal field, at any depth): the only ones redaction looks at.
    The others (a system's procedure, a drill's steps...) are never walked."""
    hidden, fields = _personal_fields(owner), owner.model_fields
    return tuple(
        name
        for name in fields
        if name in hidden
        or (name in nesting_fields(owner) and _may_hold_personal(fields[name].annotation))
    )


def _may_hold_personal(annotation: Any) -> bool:
    """Whether a value of type ``annotation`` may hold personal data; a type that is not read
    here (``Any``, a bare ``list``...) may."""
    models = _models_in(annotation)
    return models is None or any(_model_may_hold_personal(m) for m in models)


def _models_in(annotation: Any) -> list[type[BaseModel]] | None:
    """The models a value of type ``annotation`` may be, or hold in a list (through unions and
    ``Annotated``); None for a type not read here."""
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Literal:
        return []
    if origin is Annotated:
        return _models_in(args[0])
    if args and origin in (list, Union, types.UnionType):
        found: list[type[BaseModel]] = []
        for arg in args:
            inner = _models_in(arg)
            if inner is None:
                return None
            found += inner
        return found
    if origin is None and isinstance(annotation, type) and annotation is not Any:
        if issubclass(annotation, BaseModel):
            return [annotation]
        if any(issubclass(annotation, c) or issubclass(c, annotation) for c in (list, BaseModel)):
            return None  # a list of anything, or a base such as ``object``
        return []  # text, numbers, dates, choices
    return None


@functools.cache
def _model_may_hold_personal(owner: type[BaseModel]) -> bool:
    """Whether a value of ``owner`` or of a subclass may hold personal data: a record whose
    ``personal`` may be true, or a ``Personal`` field, in it or in any model it may hold."""
    seen: set[type[BaseModel]] = set()
    todo = [owner]
    while todo:
        kind = todo.pop()
        if kind in seen:
            continue
        seen.add(kind)
        if _personal_fields(kind) or (
            issubclass(kind, Record) and kind.personal is not Record.personal
        ):
            return True
        todo += kind.__subclasses__()
        for name in nesting_fields(kind):
            models = _models_in(kind.model_fields[name].annotation)
            if models is None:
                return True
            todo += models
    return False


def _redact_model(value: M, inner: Callable[[Any], Any]) -> M:
    """``value`` without its personal fields and records; ``inner`` redacts what it holds."""
    kind = type(value)
    hidden = _personal_fields(kind)
    updates: dict[str, Any] = {}
    for name in _redacted_fields(kind):
        current = getattr(value, name)
        if current is None:
            continue
        if name in hidden or _personal(current):
            updates[name] = None
            continue
        if isinstance(current, _LEAVES):
            continue
        new = inner(current)
        if new is not current:
            updates[name] = new
    return value.model_copy(update=updates) if updates else value


def _redact_items(items: list[Any], inner: Callable[[Any], Any]) -> list[Any]:
    """``items`` without personal records, each redacted by ``inner``; the same list if nothing
    changed."""
    kept = [inner(item) for item in items if not _personal(item)]
    if len(kept) == len(items) and all(a is b for a, b in zip(kept, items, strict=True)):
        return items
    return kept


def _personal(value: object) -> bool:
    return isinstance(value, Record) and value.personal


@dataclass(frozen=True)
class Secret:
    """One piece of personal data the internal copy must not contain, and whose it is."""

    owner: str
    what: str
    pattern: str  # a regular expression of every common spelling
    needle: str  # what every match contains: the digits of a number, or the first word
    number: bool = False  # a phone number, matched with separators between its digits

    def found_in(self, text: str) -> bool:
        """True when ``text`` contains this secret in any common spelling."""
        return _compiled(self.pattern).search(text) is not None


@functools.lru_cache(maxsize=1 << 12)
def _compiled(pattern: str) -> re.Pattern[str]:
    """A secret's pattern, compiled once."""
    return re.compile(pattern)


# A run of digits with at most one separator between two digits: every phone secret matches
# inside one such run, so a page is searched only for the numbers its runs contain. A run is a
# digit, then steps of an optional separator and a digit (see ``SecretScanner._runs``).
_RUN_STEP = r"[\s\-.()]?[0-9]"
_NOT_DIGIT = re.compile(r"[^0-9]")
_ASCII_DIGITS = re.compile(r"[0-9]+")


class SecretScanner:
    """Finds which secrets a page contains, fast enough to run on every page of a large firm.

    Each secret is looked for only when its ``needle`` is present (numbers: among the digit runs
    of the page; addresses: the first word), then confirmed with its full pattern.
    """

    def __init__(self, found: list[Secret]) -> None:
        self._secrets = tuple(found)
        self._order = {id(secret): n for n, secret in enumerate(found)}
        self._numbers: dict[str, list[Secret]] = {}
        self._words: dict[str, list[Secret]] = {}  # addresses, by their first word
        self._others: list[Secret] = []  # numbers with non-ASCII digits
        for secret in found:
            if secret.number and _ASCII_DIGITS.fullmatch(secret.needle):
                self._numbers.setdefault(secret.needle, []).append(secret)
            elif secret.number:
                self._others.append(secret)
            else:
                self._words.setdefault(secret.needle, []).append(secret)
        self._lengths = tuple(sorted({len(number) for number in self._numbers}))
        # Only a run with at least as many digits as the shortest number can hold a number: the
        # pattern finds the same (longest) runs as without the bound, less the shorter ones
        # (dates, amounts, extensions), which need no window.
        shortest = self._lengths[0] if self._lengths else 1
        self._runs = re.compile(f"[0-9](?:{_RUN_STEP}){{{shortest - 1},}}")

    def find(self, text: str) -> list[Secret]:
        """The secrets ``text`` contains, in the order they were given."""
        hits = [s for s in self._others if s.found_in(text)]
        for needle, group in self._words.items():  # each first word looked for once
            if needle in text:
                hits.extend(s for s in group if s.found_in(text))
        if self._numbers:
            for number in _windows(self._runs.findall(text), self._lengths) & self._numbers.keys():
                hits.extend(s for s in self._numbers[number] if s.found_in(text))
        return sorted(hits, key=lambda secret: self._order[id(secret)])


def _windows(runs: list[str], lengths: tuple[int, ...]) -> set[str]:
    """Every sequence of ``lengths`` consecutive digits inside the digit runs ``runs``."""
    seen: set[str] = set()
    for run in runs:
        digits = _NOT_DIGIT.sub("", run)
        for size in lengths:
            seen.update(digits[start : start + size] for start in range(len(digits) - size + 1))
    return seen


def secrets(firm: FirmData) -> list[Secret]:
    """Personal numbers (any spelling: 0912-000-101, +886 912 000 101) and home addresses."""
    found: list[Secret] = []
    for owner, record in _contact_records(firm):
        for phone in getattr(record, "phones", []):
            number = phones.digits(phone.number)
            if phone.personal and len(number) >= 6:
                sep = r"[\s\-.()]?"
                pattern = sep.join(number) + r"(?!\d)"
                what = f"{label('phone', phone.kind)}電話"
                found.append(Secret(owner, what, pattern, number, number=True))
        found.extend(_field_secrets(owner, record))
    return found


def _contact_records(firm: FirmData) -> list[tuple[str, Record]]:
    records: list[tuple[str, Record]] = [(p.name, p) for p in firm.people]
    records += [(p.name, p) for p in firm.parties]
    records += [(f"{v.name} {c.name}", c) for v in firm.vendors for c in v.contacts]
    return records


def _field_secrets(owner: str, record: Record) -> list[Secret]:
    out = []
    for name, info in type(record).model_fields.items():
        value = getattr(record, name)
        marks = [m for m in info.metadata if isinstance(m, Personal)]
        if marks and isinstance(value, str) and value.strip():
            words = [re.escape(w) for w in value.split()]
            pattern = r"\s*".join(words)
            out.append(Secret(owner, marks[0].label, pattern, value.split()[0]))
    return out


def personal_data_issues(
    found: list[Secret], texts: dict[str, tuple[str, str | None]]
) -> list[Issue]:
    """One issue per secret found in the text of a page of the internal copy; ``texts`` maps a
    page to its text and, for a hand-written page, the file shown in the message."""
    scanner = SecretScanner(found)
    problems: list[Issue] = []
    for name, (text, source) in sorted(texts.items()):
        for secret in scanner.find(text):
            problems.append(
                error(
                    "personal-data",
                    f"內部版頁面「{name}」含有{secret.owner}的個人資料（{secret.what}）",
                    Location(source) if source is not None else None,
                    "個人電話與住家地址只能寫在 people 的對應欄位，不要寫進說明文字；"
                    "需要完整資料時請以 --audience restricted 建置限閱版。",
                )
            )
    return problems


RESTRICTED_BANNER = (
    '!!! danger "限閱"\n'
    "    本頁屬限閱版，含個人聯絡資料，僅供業務持續計畫小組使用；不得放上內部網站、轉寄或複製。\n\n"
)


def mark_restricted(name: str, content: bytes) -> bytes:
    """A hand-written Markdown page of the restricted copy, with the 「限閱」 banner on top."""
    if not name.endswith(".md"):
        return content
    text = content.decode("utf-8")
    front = ""
    if text.startswith("---\n") and "\n---\n" in text[4:]:
        end = text.index("\n---\n", 4) + 5
        front, text = text[:end], text[end:].lstrip("\n")
    return (front + RESTRICTED_BANNER + text).encode("utf-8")
