"""The personal-data guard finds every secret the slow per-secret search finds, and no other."""

from __future__ import annotations

import re

from generator.audience import Secret, SecretScanner


def number(digits: str) -> Secret:
    pattern = r"[\s\-.()]?".join(digits) + r"(?!\d)"
    return Secret("王小明", "手機電話", pattern, digits, number=True)


def address(text: str) -> Secret:
    words = text.split()
    return Secret("王小明", "住家地址", r"\s*".join(map(re.escape, words)), words[0])


SECRETS = [
    number("0912000101"),
    number("0912000102"),
    number("886912000101"),
    number("0227001234"),
    address("臺北市 信義區 松仁路 100 號"),
    address("100 新北市 板橋區"),  # an address starting with digits is still a word secret
    number("0912①00101"),  # an unparseable number keeps every digit-like character
    number("０９１２０００１０３"),  # full-width digits
]

TEXTS = [
    "手機 0912-000-101，請勿外流",
    "+886 912 000 101",
    "(02) 2700-1234",
    "02-2700-12345",  # longer number: not the secret
    "09120001011",
    "x0912000102",
    "臺北市信義區 松仁路100號",
    "100 新北市板橋區",
    "分機 101 與 0912 000",
    "",
    "0912--000-101",  # two separators: the secret pattern does not match it
    "手機 0912①00101",
    "０９１２０００１０３",
    "0912000101０",  # followed by a full-width digit: not the number
]


def test_scanner_matches_the_per_secret_search() -> None:
    scanner = SecretScanner(SECRETS)
    for text in TEXTS:
        expected = [s for s in SECRETS if s.found_in(text)]
        assert scanner.find(text) == expected, text  # same secrets, in the order given


def test_scanner_finds_a_number_in_every_common_spelling() -> None:
    scanner = SecretScanner([number("0912000101")])
    for text in ("0912000101", "0912-000-101", "0912 000 101", "0912.000.101", "(0912)000101"):
        assert len(scanner.find(text)) == 1, text
