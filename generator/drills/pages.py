"""Pages of the drill programme: overview, a schedule per year, and a checklist page per drill."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from generator.dates import today
from generator.drills.programme import (
    TECHNICAL_TYPES,
    WEEKDAYS,
    MarketCalendar,
    drill_flags,
    drill_years,
    drills_in,
    open_actions,
    outcomes,
    rotation_years,
    scenario_coverage,
    step_log,
    system_coverage,
    systems_by_id,
    technical_drills,
    verdict,
    year_grids,
)
from generator.model import Drill, FirmData, System
from generator.nav import NavSection, PageSpec

ICS_NAME = "drills.ics"
DEFAULT_GO_NO_GO = [
    "演練前一營業日之完整備份已完成並確認可讀取",
    "演練時段非交易時段，且無應屆交割或結算作業受影響",
    "已依規定通知證交所、櫃買中心及相關往來單位（如需要）",
    "參與人員及受邀供應商均已到位，聯絡方式已確認",
    "回切（還原）程序及中止條件已由演練指揮官確認",
]


def drill_dest(drill_id: str) -> str:
    """Where the page of one drill goes (kept stable: the drill binder links here)."""
    return f"drills/{drill_id}.md"


def year_dest(year: int) -> str:
    """Where the schedule of one year goes."""
    return f"drills/{year}.md"


# ``systems`` below: the firm's systems by id (``systems_by_id``), made once for all the pages.


def drill_row(
    firm: FirmData, cal: MarketCalendar, drill: Drill, systems: Mapping[str, System]
) -> dict[str, Any]:
    """What a schedule row shows about one drill."""
    return {
        "drill": drill,
        "weekday": WEEKDAYS[drill.date.weekday()],
        "flags": drill_flags(drill, cal),
        "verdict": verdict(firm, drill, systems),
        "open": sum(1 for f in drill.findings if f.status == "open"),
    }


def year_view(
    firm: FirmData, cal: MarketCalendar, year: int, now: dt.date, systems: Mapping[str, System]
) -> dict[str, Any]:
    """Context of the schedule page of one year."""
    drills = drills_in(firm, year)
    cycle = rotation_years(firm, year)
    technical = technical_drills(drills)
    return {
        "year": year,
        "rows": [drill_row(firm, cal, d, systems) for d in drills],
        "months": year_grids(firm, cal, year),
        "cycle": cycle,
        "scenario_rows": scenario_coverage(firm, cycle),
        "technical": technical,
        "system_rows": system_coverage(firm, technical, systems),
        "actions": open_actions(firm, now, dt.date(year, 12, 31)),
        "ics": ICS_NAME,
        "today": now,
    }


def overview_view(
    firm: FirmData, cal: MarketCalendar, now: dt.date, systems: Mapping[str, System]
) -> dict[str, Any]:
    """Context of the overview page: all years, scenario rotation, open actions."""
    years = drill_years(firm)
    return {
        "years": [
            (y, [drill_row(firm, cal, d, systems) for d in drills_in(firm, y)]) for y in years
        ],
        "scenario_rows": scenario_coverage(firm, years),
        "all_years": years,
        "actions": open_actions(firm, now),
        "ics": ICS_NAME,
        "today": now,
    }


def drill_view(
    firm: FirmData, cal: MarketCalendar, drill: Drill, systems: Mapping[str, System]
) -> dict[str, Any]:
    """Context of the checklist page of one drill."""
    found = outcomes(firm, drill, systems)
    roles = {r.person: r.role for r in drill.roles}
    participants = [*drill.participants, *(p for p in roles if p not in drill.participants)]
    return {
        "drill": drill,
        "scenario": next(s for s in firm.scenarios if s.id == drill.scenario),
        "weekday": WEEKDAYS[drill.date.weekday()],
        "flags": drill_flags(drill, cal),
        "verdict": verdict(firm, drill, systems),
        "outcomes": found,
        "failed": [o for o in found if o.passed is False],
        "technical": drill.type in TECHNICAL_TYPES,
        "participants": [(pid, roles.get(pid)) for pid in participants],
        "steps": step_log(firm, drill, systems),
        "go_no_go": drill.go_no_go or DEFAULT_GO_NO_GO,
        "done": drill.status == "done",
        "ics": ICS_NAME,
    }


def drill_sections(firm: FirmData, shared: Mapping[str, Any]) -> list[NavSection]:
    """演練計畫 (overview and one schedule per year) and 演練紀錄 (one page per drill)."""
    if not firm.drills:
        return []
    cal = MarketCalendar.of(firm)
    now = today()
    systems = systems_by_id(firm)
    overview = PageSpec(
        "drills/index.md",
        "演練計畫總覽",
        ["pages/drills-overview.md.j2"],
        overview_view(firm, cal, now, systems),
    )
    years = [
        PageSpec(
            year_dest(y),
            f"{y} 年度演練計畫",
            [f"pages/drill-schedule-{y}.md.j2", "pages/drill-schedule.md.j2"],
            year_view(firm, cal, y, now, systems),
        )
        for y in drill_years(firm)
    ]
    pages = [
        PageSpec(
            drill_dest(d.id),
            d.title,
            [f"pages/drill-{d.id}.md.j2", "pages/drill.md.j2"],
            drill_view(firm, cal, d, systems),
        )
        for d in sorted(firm.drills, key=lambda d: (d.date, d.start, d.id))
    ]
    return [
        NavSection("演練計畫", [overview, *years], order=40),
        NavSection("演練紀錄與檢核表", pages, order=41),
    ]
