"""Rotation planner: proposes drills so every scenario and every core system is drilled in time.

Deterministic: the same data, start year and number of years always give the same proposal.
The proposal respects trading hours, public holidays, exchange closures, drill blackouts and the
dates of drills already in the data; it is returned as YAML text and never written anywhere.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from generator.drills.programme import TECHNICAL_TYPES, MarketCalendar
from generator.errors import DataError, error
from generator.labels import label
from generator.model import Drill, FirmData, Scenario, System

BATCH = 8
SLOTS: dict[str, tuple[int, dt.time, dt.time]] = {
    # drill type → (weekday: Mon=0, start, end); technical drills on Saturdays, others after hours.
    "failover_offsite": (5, dt.time(14, 0), dt.time(21, 0)),
    "restore_offsite": (5, dt.time(14, 0), dt.time(22, 0)),
    "tabletop": (2, dt.time(18, 30), dt.time(21, 0)),
    "call_tree": (2, dt.time(18, 30), dt.time(19, 30)),
}


@dataclass(frozen=True)
class Proposal:
    """One proposed drill, shaped like a ``drills:`` record."""

    id: str
    title: str
    date: dt.date
    start: dt.time
    end: dt.time
    type: str
    scenario: str
    systems: tuple[str, ...]


@dataclass(frozen=True)
class _Draft:
    type: str
    scenario: Scenario
    systems: tuple[str, ...]


class _State:
    """What is drilled so far: existing drills plus the proposals made for earlier years."""

    def __init__(self, firm: FirmData) -> None:
        live = [d for d in firm.drills if d.status != "cancelled"]
        self.last_year: dict[str, int] = {}
        for drill in live:
            self.mark(drill.scenario, drill.date.year)
        self.taken = {d.date for d in firm.drills}
        self.live = live

    def mark(self, scenario: str, year: int) -> None:
        self.last_year[scenario] = max(year, self.last_year.get(scenario, year))

    def existing(self, year: int) -> list[Drill]:
        return [d for d in self.live if d.date.year == year]


def _technical_type(scenario: Scenario, systems: list[System]) -> str:
    if scenario.category == "cyber" or all(s.standby.type == "cold" for s in systems):
        return "restore_offsite"
    return "failover_offsite"


def _choose_scenarios(firm: FirmData, state: _State, year: int) -> list[Scenario]:
    """Scenarios due this year: those the rotation would miss, then the stalest, up to a quota."""
    rotation = firm.firm.policy.scenario_rotation_years
    quota = math.ceil(len(firm.scenarios) / rotation)
    done = {d.scenario for d in state.existing(year)}
    pending = [s for s in firm.scenarios if s.id not in done]
    order = sorted(pending, key=lambda s: state.last_year.get(s.id, -1))
    due = [s for s in order if state.last_year.get(s.id, -1) <= year - rotation]
    rest = [s for s in order if s not in due]
    return due + rest[: max(0, quota - len(done) - len(due))]


def _drafts(firm: FirmData, state: _State, year: int) -> list[_Draft]:
    if not firm.scenarios:
        return []  # every drill is designed on a scenario: nothing to propose without one
    by_id = {s.id: s for s in firm.systems}
    rounds = max(1, math.ceil(12 / firm.firm.policy.drill_period_months))
    covered = [sid for d in state.existing(year) if d.type in TECHNICAL_TYPES for sid in d.systems]
    need = {s.id: max(0, rounds - covered.count(s.id)) for s in firm.core_systems()}
    drafts = []
    for scenario in _choose_scenarios(firm, state, year):
        mine = tuple(sid for sid in scenario.systems if need.get(sid, 0) > 0)
        if mine:
            drafts.append(
                _Draft(_technical_type(scenario, [by_id[s] for s in mine]), scenario, mine)
            )
            for sid in mine:
                need[sid] -= 1
        else:
            drafts.append(_Draft("tabletop", scenario, ()))
        state.mark(scenario.id, year)
    while any(need.values()):
        batch = tuple(sid for sid, n in need.items() if n > 0)[:BATCH]
        scenario = max(
            firm.scenarios,
            key=lambda s: (len(set(s.systems) & set(batch)), -firm.scenarios.index(s)),
        )
        drafts.append(_Draft(_technical_type(scenario, [by_id[s] for s in batch]), scenario, batch))
        for sid in batch:
            need[sid] -= 1
    if not any(d.type == "call_tree" for d in state.existing(year)):
        trees = {sid for t in firm.contact_trees for sid in t.activation}
        callable_ = [s for s in firm.scenarios if s.id in trees] or firm.scenarios
        pick = min(
            callable_, key=lambda s: (state.last_year.get(s.id, -1), firm.scenarios.index(s))
        )
        drafts.insert(0, _Draft("call_tree", pick, ()))
    return drafts


def _free_day(
    cal: MarketCalendar, state: _State, year: int, month: int, slot: tuple[int, dt.time, dt.time]
) -> dt.date:
    """The first allowed day on the slot's weekday from ``month``, wrapping round the year."""
    weekday, start, end = slot
    first = dt.date(year, month, 1)
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    for offset in range(days):
        day = dt.date(year, 1, 1) + dt.timedelta(
            days=(first.timetuple().tm_yday - 1 + offset) % days
        )
        if (
            day.weekday() == weekday
            and day not in state.taken
            and not cal.holiday(day)
            and not cal.closure(day)
            and not cal.blackout(day)
            and not cal.in_trading_hours(day, start, end)
        ):
            return day
    issue = error(
        "drill-plan-no-day",
        f"{year} 年找不到可排定演練之日期（星期{'一二三四五六日'[weekday]}）",
        None,
        "請檢查 drill_blackouts 是否涵蓋整年，或已排定之演練是否占滿所有可用日期。",
    )
    raise DataError([issue])


def propose_rotation(firm: FirmData, start_year: int, years: int) -> list[Proposal]:
    """Proposed drills for ``years`` calendar years from ``start_year``, by date."""
    cal = MarketCalendar.of(firm)
    state = _State(firm)
    proposals: list[Proposal] = []
    for year in range(start_year, start_year + years):
        drafts = _drafts(firm, state, year)
        used = [
            int(d.id.rsplit("-", 1)[1])
            for d in firm.drills
            if d.id.startswith(f"d-{year}-") and d.id.rsplit("-", 1)[1].isdigit()
        ]
        number = max(used, default=0)
        made = []
        for k, draft in enumerate(drafts):
            slot = SLOTS[draft.type]
            day = _free_day(cal, state, year, 1 + (12 * k) // len(drafts), slot)
            state.taken.add(day)
            made.append((day, draft, slot))
        for day, draft, slot in sorted(made, key=lambda m: m[0]):
            number += 1
            kind = label("drill_type", draft.type)
            proposals.append(
                Proposal(
                    f"d-{year}-{number:02d}",
                    f"{draft.scenario.name}情境{kind}",
                    day,
                    slot[1],
                    slot[2],
                    draft.type,
                    draft.scenario.id,
                    draft.systems,
                )
            )
    return proposals


def plan_yaml(proposals: list[Proposal]) -> str:
    """The proposal as a ``drills:`` section to paste into the data (keys in data-file order)."""
    records = []
    for p in proposals:
        record: dict[str, object] = {
            "id": p.id,
            "title": p.title,
            "date": p.date,
            "start": DoubleQuotedScalarString(p.start.strftime("%H:%M")),
            "end": DoubleQuotedScalarString(p.end.strftime("%H:%M")),
            "type": p.type,
            "scenario": p.scenario,
        }
        if p.systems:
            systems = CommentedSeq(p.systems)
            systems.fa.set_flow_style()
            record["systems"] = systems
        record["status"] = "planned"
        records.append(record)
    yaml = YAML(typ="rt", pure=True)
    yaml.allow_unicode = True
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = io.StringIO()
    yaml.dump({"drills": records}, out)
    return out.getvalue()
