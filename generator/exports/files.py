"""Exports: files served beside the pages (calendar feed), and the wiki and Confluence exports."""

from __future__ import annotations

from generator.model import FirmData

CALENDAR = "drills.ics"


def static_names(firm: FirmData) -> list[str]:
    """The paths under the docs dir of the files ``static_files`` makes for ``firm``."""
    return [CALENDAR] if firm.drills else []


def static_files(firm: FirmData, site_url: str | None) -> dict[str, bytes]:
    """Files (path under the docs dir → bytes) that the site serves as they are."""
    from generator.drills.ical import drills_calendar  # icalendar: imported when a feed is made

    return {name: drills_calendar(firm, site_url) for name in static_names(firm)}


def searchable_text(name: str, content: bytes) -> str:
    """``content`` as text to search for personal data: a calendar's folded lines are joined
    (RFC 5545 §3.1), so a number split by a fold is still one run of digits."""
    text = content.decode("utf-8", errors="replace")
    if name.endswith(".ics"):
        text = text.replace("\r\n ", "").replace("\r\n\t", "")
    return text
