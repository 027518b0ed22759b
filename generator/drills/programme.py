"""The drill programme: market calendar, flags, default step logs, results, coverage, actions.

Pure functions over the model (no I/O); pages, the planner, the calendar feed and the compliance
dashboard all read drills through this module.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from generator.drills import holidays as public_holidays
from generator.model import (
    Blackout,
    Closure,
    Drill,
    DrillFinding,
    DrillResult,
    DrillStep,
    FirmData,
    RoleKind,
    System,
    TradingHours,
)

TECHNICAL_TYPES = frozenset(
    {"failover_same_site", "failover_offsite", "restore_same_site", "restore_offsite"}
)
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class MarketCalendar:
    """Public holidays (``public_holidays``), exchange closures and drill blackouts (firm data)."""

    closures: tuple[Closure, ...] = ()
    blackouts: tuple[Blackout, ...] = ()
    trading_hours: TradingHours = field(default_factory=TradingHours)

    @classmethod
    def of(cls, firm: FirmData) -> MarketCalendar:
        """The calendar of one firm."""
        return cls(
            tuple(firm.closures), tuple(firm.drill_blackouts), firm.firm.policy.trading_hours
        )

    def holiday(self, day: dt.date) -> str | None:
        """The public holiday's name, or None."""
        return public_holidays.names(day.year).get(day)

    def closure(self, day: dt.date) -> str | None:
        """Why the exchange is closed on ``day`` beyond the holiday calendar, or None."""
        return next((c.reason for c in self.closures if c.date == day), None)

    def blackout(self, day: dt.date) -> str | None:
        """Why no drill may take place on ``day``, or None."""
        for b in self.blackouts:
            if b.start <= day <= (b.end or b.start):
                return b.reason
        return None

    def is_trading_day(self, day: dt.date) -> bool:
        """A weekday that is neither a public holiday nor an exchange closure."""
        return day.weekday() < 5 and not self.holiday(day) and not self.closure(day)

    def in_trading_hours(self, day: dt.date, start: dt.time, end: dt.time) -> bool:
        """True when [start, end) overlaps the regular session of a trading day."""
        hours = self.trading_hours
        return self.is_trading_day(day) and start < hours.end and end > hours.start


@dataclass(frozen=True)
class DrillFlag:
    """Something about a drill's date or time window that coordinators must look at."""

    code: str
    message: str


def drill_flags(drill: Drill, cal: MarketCalendar) -> list[DrillFlag]:
    """Trading-hours, holiday, closure and blackout flags of one drill (cancelled: none)."""
    if drill.status == "cancelled":
        return []
    flags = []
    if cal.in_trading_hours(drill.date, drill.start, drill.end):
        hours = cal.trading_hours
        flags.append(
            DrillFlag(
                "trading-hours",
                f"排定於交易時段（{hours.start:%H:%M}–{hours.end:%H:%M}）",
            )
        )
    holiday = cal.holiday(drill.date)
    if holiday:
        flags.append(DrillFlag("holiday", f"國定假日：{holiday}"))
    closure = cal.closure(drill.date)
    if closure:
        flags.append(DrillFlag("closure", f"休市日：{closure}"))
    blackout = cal.blackout(drill.date)
    if blackout:
        flags.append(DrillFlag("blackout", f"不得演練期間：{blackout}"))
    return flags


# ---------------------------------------------------------------- objectives and results


@dataclass(frozen=True)
class SystemOutcome:
    """One system of a drill: its targets and, once recorded, what the drill measured."""

    system: System
    result: DrillResult | None
    rto_ok: bool | None
    rpo_ok: bool | None

    @property
    def passed(self) -> bool | None:
        """False when a measured value misses its target, None when nothing was measured."""
        checks = [ok for ok in (self.rto_ok, self.rpo_ok) if ok is not None]
        if not checks:
            return None
        return all(checks)


def _within(measured: int | None, target: int | None) -> bool | None:
    if measured is None or target is None:
        return None
    return measured <= target


def systems_by_id(firm: FirmData) -> dict[str, System]:
    """The firm's systems by id: the functions below take it (``systems``) from a caller that
    asks about many drills, rather than making it again for each."""
    return {s.id: s for s in firm.systems}


def outcomes(
    firm: FirmData, drill: Drill, systems: Mapping[str, System] | None = None
) -> list[SystemOutcome]:
    """Targets and measured results of every system of the drill, in the drill's order."""
    by_id = systems_by_id(firm) if systems is None else systems
    results = {r.system: r for r in drill.results}
    ids = [*drill.systems, *(r.system for r in drill.results if r.system not in drill.systems)]
    found = []
    for sid in ids:
        system, result = by_id[sid], results.get(sid)
        rto_ok = _within(result.recovery_time, system.rto) if result else None
        rpo_ok = _within(result.data_loss, system.rpo) if result else None
        found.append(SystemOutcome(system, result, rto_ok, rpo_ok))
    return found


def verdict(firm: FirmData, drill: Drill, systems: Mapping[str, System] | None = None) -> str:
    """``failed`` / ``passed`` / ``not_recorded`` (done, no figures) / ``planned`` / ``cancelled``."""
    if drill.status != "done":
        return drill.status
    verdicts = [o.passed for o in outcomes(firm, drill, systems)]
    if any(v is False for v in verdicts):
        return "failed"
    if verdicts and all(v is None for v in verdicts):
        return "not_recorded"
    return "passed"


# ---------------------------------------------------------------- the step log


def _role_of(firm: FirmData, kind: RoleKind) -> str | None:
    return next((r.id for r in firm.roles() if r.kind is kind), None)


def _procedure_minutes(
    firm: FirmData, drill: Drill, default: int, systems: Mapping[str, System] | None
) -> int:
    by_id = systems_by_id(firm) if systems is None else systems
    totals = [sum(step.minutes or 0 for step in by_id[sid].procedure) for sid in drill.systems]
    return max([t for t in totals if t] or [default])


def default_steps(
    firm: FirmData, drill: Drill, systems: Mapping[str, System] | None = None
) -> list[DrillStep]:
    """The step log a drill of this type follows when the data gives none."""
    lead = _role_of(firm, RoleKind.COMMANDER)
    it = _role_of(firm, RoleKind.IT_RECOVERY)
    biz = _role_of(firm, RoleKind.BUSINESS_RECOVERY)
    rows: list[tuple[str, str, str | None, int]]
    if drill.type.startswith("failover"):
        rows = [
            ("declare", "宣告演練開始，完成執行／中止檢核並通知相關單位", lead, 10),
            (
                "switch_over",
                "依各系統復原程序切換至備援環境",
                it,
                _procedure_minutes(firm, drill, 60, systems),
            ),
            ("system_up", "確認各系統於備援環境正常運作並記錄復原時間", it, 15),
            ("business_verification", "業務單位以實際作業驗證系統功能及資料", biz, 60),
            ("fall_back", "切換回主要環境並確認資料一致", it, 60),
        ]
    elif drill.type.startswith("restore"):
        rows = [
            ("declare", "宣告演練開始，完成執行／中止檢核並調取備份媒體", lead, 10),
            (
                "restore",
                "自備份回存資料至回存環境",
                it,
                _procedure_minutes(firm, drill, 120, systems),
            ),
            ("system_up", "啟動系統並記錄復原時間及資料遺失範圍", it, 15),
            ("business_verification", "業務單位核對回存資料之完整性與正確性", biz, 60),
            ("fall_back", "清除回存環境並歸還備份媒體", it, 30),
        ]
    elif drill.type == "call_tree":
        target = next((t.target for t in firm.contact_trees if drill.scenario in t.activation), 60)
        rows = [
            ("declare", "啟動緊急聯絡樹並記錄開始時間", lead, 0),
            ("other", "各層依聯絡樹完成通知並回報", None, target),
            ("other", "統計完成時間、未聯絡人員及代理人接手情形", lead, 15),
        ]
    else:
        rows = [
            ("declare", "說明演練情境、規則及各組角色", lead, 15),
            ("other", "依情境推演逐步狀況，各組說明應變措施", None, 90),
            ("other", "綜合討論並記錄待改善事項", lead, 30),
        ]
    return [DrillStep(kind=k, action=a, role=r, minutes=m) for k, a, r, m in rows]


@dataclass(frozen=True)
class StepRow:
    """A step of the log with its number and planned clock time."""

    number: int
    step: DrillStep
    planned_at: dt.time
    elapsed: int


def step_log(
    firm: FirmData, drill: Drill, systems: Mapping[str, System] | None = None
) -> list[StepRow]:
    """The drill's steps (or the defaults of its type), with planned clock times."""
    steps = drill.steps or default_steps(firm, drill, systems)
    start = dt.datetime.combine(drill.date, drill.start)
    rows, elapsed = [], 0
    for number, step in enumerate(steps, start=1):
        at = (start + dt.timedelta(minutes=elapsed)).time()
        rows.append(StepRow(number, step, at, elapsed))
        elapsed += step.minutes or 0
    return rows


# ---------------------------------------------------------------- coverage


def drill_years(firm: FirmData) -> list[int]:
    """Every year with at least one drill, ascending."""
    return sorted({d.date.year for d in firm.drills})


def drills_in(firm: FirmData, year: int) -> list[Drill]:
    """The drills of one calendar year, by date and time."""
    return sorted(
        (d for d in firm.drills if d.date.year == year), key=lambda d: (d.date, d.start, d.id)
    )


def _live(drills: Iterable[Drill]) -> list[Drill]:
    return [d for d in drills if d.status != "cancelled"]


@dataclass(frozen=True)
class ScenarioRow:
    """One scenario across the years of a rotation cycle."""

    scenario_id: str
    cells: list[list[Drill]]
    covered: bool


def scenario_coverage(firm: FirmData, years: list[int]) -> list[ScenarioRow]:
    """Scenario × year: the (not cancelled) drills of each scenario in each year."""
    rows = []
    order = {"natural": 0, "man_made": 1, "cyber": 2}
    live = [_live(drills_in(firm, y)) for y in years]
    for sc in sorted(firm.scenarios, key=lambda s: order[s.category]):
        cells = [[d for d in drills if d.scenario == sc.id] for drills in live]
        rows.append(ScenarioRow(sc.id, cells, any(cells)))
    return rows


def rotation_years(firm: FirmData, year: int) -> list[int]:
    """The rotation cycle ending with ``year`` (policy.scenario_rotation_years long)."""
    length = firm.firm.policy.scenario_rotation_years
    return list(range(year - length + 1, year + 1))


@dataclass(frozen=True)
class SystemRow:
    """One core system against the technical drills of a period."""

    system: System
    cells: list[str]
    covered: bool


def system_coverage(
    firm: FirmData, drills: list[Drill], systems: Mapping[str, System] | None = None
) -> list[SystemRow]:
    """Core system × drill: ``pass`` / ``fail`` / ``included`` / ``""`` per drill."""
    rows = []
    per_drill = [{o.system.id: o for o in outcomes(firm, drill, systems)} for drill in drills]
    drilled = {sid for found in per_drill for sid in found}
    for system in firm.core_systems():
        if system.id not in drilled:  # in none of the drills: a row of empty cells
            rows.append(SystemRow(system, [""] * len(per_drill), False))
            continue
        cells = []
        for found in per_drill:
            outcome = found.get(system.id)
            if outcome is None:
                cells.append("")
            elif outcome.passed is None:
                cells.append("included")
            else:
                cells.append("pass" if outcome.passed else "fail")
        rows.append(SystemRow(system, cells, any(cells)))
    return rows


def technical_drills(drills: Iterable[Drill]) -> list[Drill]:
    """Failover and restore drills that are not cancelled."""
    return [d for d in _live(drills) if d.type in TECHNICAL_TYPES and d.systems]


# ---------------------------------------------------------------- corrective actions


@dataclass(frozen=True)
class OpenAction:
    """A corrective action of a past drill that is not closed yet."""

    drill: Drill
    finding: DrillFinding
    overdue: bool


def open_actions(firm: FirmData, today: dt.date, until: dt.date | None = None) -> list[OpenAction]:
    """Open findings of drills held on or before ``until`` (all when None), by due date."""
    found = [
        OpenAction(drill, finding, finding.due < today)
        for drill in firm.drills
        if until is None or drill.date <= until
        for finding in drill.findings
        if finding.status == "open"
    ]
    return sorted(found, key=lambda a: (a.finding.due, a.drill.date, a.drill.id))


# ---------------------------------------------------------------- calendar view


@dataclass(frozen=True)
class DayCell:
    """A day of the month grid (None day: padding before the 1st or after the last)."""

    day: dt.date | None
    drills: list[Drill]
    closed: str | None


def year_grids(
    firm: FirmData, cal: MarketCalendar, year: int
) -> list[tuple[int, list[list[DayCell]]]]:
    """Each month of ``year`` with its weeks (Sunday first, as Taiwanese calendars are printed)."""
    by_day: dict[dt.date, list[Drill]] = {}
    for drill in drills_in(firm, year):
        by_day.setdefault(drill.date, []).append(drill)
    return [(month, _month_grid(cal, by_day, year, month)) for month in range(1, 13)]


def _month_grid(
    cal: MarketCalendar, by_day: Mapping[dt.date, list[Drill]], year: int, month: int
) -> list[list[DayCell]]:
    weeks = []
    for week in calendar.Calendar(firstweekday=6).monthdatescalendar(year, month):
        cells = []
        for day in week:
            if day.month != month:
                cells.append(DayCell(None, [], None))
            else:
                closed = cal.holiday(day) or cal.closure(day)
                cells.append(DayCell(day, by_day.get(day, []), closed))
        weeks.append(cells)
    return weeks
