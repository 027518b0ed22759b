"""Exports: files served beside the pages (calendar feed), and the wiki and Confluence exports."""

from __future__ import annotations

from generator.model import FirmData


def static_files(firm: FirmData, site_url: str | None) -> dict[str, bytes]:
    """Files (path under the docs dir → bytes) that the site serves as they are."""
    from generator.exports.ical import drills_calendar  # icalendar: imported when a feed is made

    files: dict[str, bytes] = {}
    if firm.drills:
        files["drills.ics"] = drills_calendar(firm, site_url)
    return files
