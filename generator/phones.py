"""Phone numbers: parse with Google's libphonenumber (``phonenumbers``), E.164 and local display."""

from __future__ import annotations

import functools
import re

import phonenumbers
from phonenumbers import PhoneNumber, PhoneNumberFormat, shortnumberinfo

HOME_REGION = "TW"
SHORT_KINDS = frozenset({"hotline"})
_GROUPED = re.compile(r"^\(?0\d{1,4}\)?(?:[\s-]?\d{2,4}){1,3}$")


@functools.cache
def parse(number: str) -> PhoneNumber | None:
    """The number as written (Taiwanese national or ``+`` international), or None if unreadable."""
    try:
        return phonenumbers.parse(number, HOME_REGION)
    except phonenumbers.NumberParseException:
        return None


@functools.cache
def is_valid(number: str, kind: str = "office") -> bool:
    """A valid Taiwanese or international number; hotlines may also be short codes (110, 119)."""
    parsed = parse(number)
    if parsed is None:
        return False
    if phonenumbers.is_valid_number(parsed):
        return True
    return kind in SHORT_KINDS and is_short(number)


@functools.cache
def is_short(number: str) -> bool:
    """A valid Taiwanese short code such as 110 or 119."""
    parsed = parse(number)
    return parsed is not None and shortnumberinfo.is_valid_short_number_for_region(
        parsed, HOME_REGION
    )


@functools.cache
def is_emergency(number: str) -> bool:
    """An emergency number of Taiwan (110, 119, 112)."""
    return shortnumberinfo.is_emergency_number(number, HOME_REGION)


@functools.cache
def e164(number: str) -> str:
    """``+886227000101`` for ``02-2700-0101``; short codes stay as dialled; unreadable as written."""
    parsed = parse(number)
    if parsed is None:
        return number
    if not phonenumbers.is_valid_number(parsed):
        return "".join(c for c in number if c.isdigit()) if is_short(number) else number
    return phonenumbers.format_number(parsed, PhoneNumberFormat.E164)


@functools.cache
def local(number: str) -> str:
    """How a reader in Taiwan writes it: ``02-2700-0101``, ``0912-000-101``; others ``+1 212-…``.

    A domestic number already written with its trunk 0 and groups (``0800-000-201``) keeps the
    writer's grouping, which is the local convention; libphonenumber's grouping is used otherwise.
    """
    parsed = parse(number)
    if parsed is None or not phonenumbers.is_valid_number(parsed):
        return number
    if phonenumbers.region_code_for_number(parsed) != HOME_REGION:
        return phonenumbers.format_number(parsed, PhoneNumberFormat.INTERNATIONAL)
    written = number.strip()
    if _GROUPED.match(written) and re.search(r"[\s()-]", written):
        return re.sub(r"[\s()]+", "-", written).strip("-").replace("--", "-")
    return phonenumbers.format_number(parsed, PhoneNumberFormat.NATIONAL).replace(" ", "-")


@functools.cache
def digits(number: str) -> str:
    """The national significant number (no trunk 0, no country code), e.g. ``912000101``."""
    parsed = parse(number)
    if parsed is None:
        return "".join(c for c in number if c.isdigit())
    return phonenumbers.national_significant_number(parsed)
