"""``drills.ics``: the drill calendar feed (RFC 5545), built with the icalendar library.

The feed is a pure function of the data: UIDs come from drill ids, DTSTAMP from the edition, so
rebuilding the same data gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from generator.labels import label
from generator.model import Drill, FirmData

TAIPEI = ZoneInfo("Asia/Taipei")
PRODID = "-//bcp-handbook//drills//ZH-TW"
STATUS = {"planned": "CONFIRMED", "done": "CONFIRMED", "cancelled": "CANCELLED"}


def drill_uid(firm: FirmData, drill: Drill) -> str:
    """Stable UID of one drill: its id plus the firm's broker code."""
    return f"{drill.id}@{firm.firm.broker_code.lower()}.bcp-handbook"


def drill_page_url(site_url: str, drill: Drill) -> str:
    """Absolute URL of a drill page on the published site (directory URLs)."""
    return f"{site_url.rstrip('/')}/drills/{drill.id}/"


def _stamp(firm: FirmData) -> dt.datetime:
    edition = firm.firm.edition
    day = edition.approval_date or edition.effective_date or dt.date(2000, 1, 1)
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=dt.UTC)


def _event(firm: FirmData, drill: Drill, site_url: str | None, stamp: dt.datetime) -> Event:
    scenarios = {s.id: s.name for s in firm.scenarios}
    systems = {s.id: s.name for s in firm.systems}
    event = Event()
    event.add("uid", drill_uid(firm, drill))
    event.add("dtstamp", stamp)
    event.add("dtstart", dt.datetime.combine(drill.date, drill.start, tzinfo=TAIPEI))
    event.add("dtend", dt.datetime.combine(drill.date, drill.end, tzinfo=TAIPEI))
    event.add("summary", f"【演練】{drill.title}")
    lines = [
        f"演練類型：{label('drill_type', drill.type)}",
        f"風險情境：{scenarios[drill.scenario]}",
    ]
    if drill.systems:
        lines.append("系統：" + "、".join(systems[s] for s in drill.systems))
    page = drill_page_url(site_url, drill) if site_url else f"drills/{drill.id}/"
    lines.append(f"演練頁面及檢核表：{page}")
    event.add("description", "\n".join(lines))
    event.add("categories", [label("drill_type", drill.type)])
    event.add("status", STATUS[drill.status])
    if site_url:
        event.add("url", drill_page_url(site_url, drill))
    return event


def drills_calendar(firm: FirmData, site_url: str | None = None) -> bytes:
    """The whole feed, one VEVENT per drill in date order, with the Asia/Taipei VTIMEZONE."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{firm.firm.short_name}業務持續計畫演練")
    cal.add("x-wr-timezone", "Asia/Taipei")
    stamp = _stamp(firm)
    for drill in sorted(firm.drills, key=lambda d: (d.date, d.start, d.id)):
        cal.add_component(_event(firm, drill, site_url, stamp))
    cal.add_missing_timezones()
    ical: bytes = cal.to_ical()
    return ical
