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
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum, StrEnum
from typing import Any, TypeVar

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
    """The fields of ``owner`` that are personal or may hold records (which may be personal,
    or hold personal fields): the only ones redaction looks at."""
    hidden, nesting = _personal_fields(owner), set(nesting_fields(owner))
    return tuple(name for name in owner.model_fields if name in hidden or name in nesting)


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
# inside one such run, so a page is searched only for the numbers its runs contain.
_DIGIT_RUN = re.compile(r"[0-9](?:[\s\-.()]?[0-9])*")
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
        self._others: list[Secret] = []  # addresses, and numbers with non-ASCII digits
        for secret in found:
            if secret.number and _ASCII_DIGITS.fullmatch(secret.needle):
                self._numbers.setdefault(secret.needle, []).append(secret)
            else:
                self._others.append(secret)
        self._lengths = sorted({len(number) for number in self._numbers})

    def find(self, text: str) -> list[Secret]:
        """The secrets ``text`` contains, in the order they were given."""
        hits = [s for s in self._others if (s.number or s.needle in text) and s.found_in(text)]
        if self._numbers:
            for number in _windows(text, tuple(self._lengths)) & self._numbers.keys():
                hits.extend(s for s in self._numbers[number] if s.found_in(text))
        return sorted(hits, key=lambda secret: self._order[id(secret)])


def _windows(text: str, lengths: tuple[int, ...]) -> frozenset[str]:
    """Every run of ``lengths`` digits inside the digit runs of ``text``."""
    seen: set[str] = set()
    for run in _DIGIT_RUN.findall(text):
        digits = _NOT_DIGIT.sub("", run)
        for size in lengths:
            for start in range(len(digits) - size + 1):
                seen.add(digits[start : start + size])
    return frozenset(seen)


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
