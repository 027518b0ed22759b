"""Drill programme: calendar flags, verdicts, coverage, corrective actions, pages, planner."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.drills.planner import plan_yaml, propose_rotation
from generator.drills.programme import (
    MarketCalendar,
    default_steps,
    drill_flags,
    drills_in,
    open_actions,
    scenario_coverage,
    system_coverage,
    technical_drills,
    verdict,
)
from generator.model import Blackout, Closure, Drill, FirmData
from generator.pipeline import generate, load_and_validate
from generator.project import Project
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def firm() -> FirmData:
    return load_and_validate(EXAMPLE).firm


def drill(day: dt.date, start: str, end: str, **extra: Any) -> Drill:
    return Drill.model_validate(
        {
            "id": "d-x",
            "title": "測試演練",
            "date": day,
            "start": start,
            "end": end,
            "type": "tabletop",
            "scenario": "sc-fire",
            **extra,
        }
    )


CAL = MarketCalendar(
    closures=(Closure(date=dt.date(2025, 8, 13), reason="颱風休市"),),
    blackouts=(Blackout(start=dt.date(2026, 12, 24), end=dt.date(2027, 1, 5), reason="封關"),),
)


def codes(d: Drill) -> list[str]:
    return [f.code for f in drill_flags(d, CAL)]


def test_weekday_session_is_flagged_as_trading_hours() -> None:
    assert codes(drill(dt.date(2026, 3, 18), "10:00", "12:00")) == ["trading-hours"]
    # touching the session's edges is not an overlap
    assert codes(drill(dt.date(2026, 3, 18), "13:30", "17:00")) == []
    assert codes(drill(dt.date(2026, 3, 18), "07:00", "09:00")) == []


def test_saturday_and_evening_drills_are_not_flagged() -> None:
    assert codes(drill(dt.date(2026, 3, 21), "09:00", "18:00")) == []
    assert codes(drill(dt.date(2026, 3, 18), "18:30", "21:00")) == []


def test_public_holiday_comes_from_the_holidays_library() -> None:
    flags = drill_flags(drill(dt.date(2026, 10, 9), "10:00", "12:00"), CAL)
    # 國慶日補假 falls on a Friday: a holiday, hence not a trading day and no trading-hours flag
    assert [f.code for f in flags] == ["holiday"]
    assert "國慶日" in flags[0].message


def test_exchange_closure_and_blackout_come_from_the_firm() -> None:
    closure = drill_flags(drill(dt.date(2025, 8, 13), "10:00", "12:00"), CAL)
    assert [f.code for f in closure] == ["closure"]
    assert "颱風休市" in closure[0].message
    assert codes(drill(dt.date(2027, 1, 2), "14:00", "18:00")) == ["blackout"]
    assert codes(drill(dt.date(2027, 1, 6), "18:30", "20:00")) == []


def test_cancelled_drill_carries_no_flags() -> None:
    assert codes(drill(dt.date(2026, 3, 18), "10:00", "12:00", status="cancelled")) == []


def test_recovery_above_rto_fails_the_drill(firm: FirmData) -> None:
    by_id = {d.id: d for d in firm.drills}
    assert verdict(firm, by_id["d-2025-04"]) == "failed"
    assert verdict(firm, by_id["d-2026-05"]) == "passed"
    assert verdict(firm, by_id["d-2026-08"]) == "planned"
    assert verdict(firm, by_id["d-2025-03"]) == "passed"  # tabletop: nothing measured, done


def test_scenario_coverage_per_year(firm: FirmData) -> None:
    rows = {r.scenario_id: r for r in scenario_coverage(firm, [2025, 2026, 2027])}
    assert [d.id for d in rows["sc-fire"].cells[0]] == ["d-2025-04"]
    assert rows["sc-fire"].cells[1] == []
    assert [d.id for d in rows["sc-typhoon"].cells[2]] == ["d-2027-01"]
    assert all(r.covered for r in rows.values())
    # rows are grouped by the three categories: natural, man-made, cyber
    cats = [firm.scenarios[[s.id for s in firm.scenarios].index(r)].category for r in rows]
    assert cats == sorted(cats, key=["natural", "man_made", "cyber"].index)


def test_system_coverage_marks_pass_fail_and_gaps(firm: FirmData) -> None:
    drills = technical_drills(drills_in(firm, 2025))
    assert [d.id for d in drills] == ["d-2025-02", "d-2025-04", "d-2025-06"]
    rows = {r.system.id: r for r in system_coverage(firm, drills)}
    assert rows["settle"].cells == ["pass", "fail", "pass"]
    assert rows["oms"].cells == ["", "pass", ""]
    assert rows["ivr"].covered is False
    assert rows["oms"].covered is True


def test_open_actions_carry_over_until_closed(firm: FirmData) -> None:
    today = dt.date(2026, 11, 23)
    actions = open_actions(firm, today)
    assert [a.drill.id for a in actions] == ["d-2026-05", "d-2026-06", "d-2026-07"]
    assert [a.overdue for a in actions] == [False, False, False]
    assert open_actions(firm, today, until=dt.date(2025, 12, 31)) == []
    assert open_actions(firm, dt.date(2027, 1, 1))[0].overdue is True


def test_default_steps_follow_the_drill_type(firm: FirmData) -> None:
    by_id = {d.id: d for d in firm.drills}
    steps = default_steps(firm, by_id["d-2026-05"])
    assert [s.kind for s in steps] == [
        "declare",
        "switch_over",
        "system_up",
        "business_verification",
        "fall_back",
    ]
    assert all(s.minutes is not None for s in steps)
    assert [s.kind for s in default_steps(firm, by_id["d-2026-08"])][1] == "restore"


def test_pages_show_results_phases_and_blank_forms(example_project: Path) -> None:
    generate(Project.at(example_project))
    docs = example_project / "build" / "docs" / "drills"
    failed = (docs / "d-2025-04.md").read_text(encoding="utf-8")
    for heading in ("## 一、事前準備", "## 二、演練實施", "## 三、演練後檢討"):
        assert heading in failed
    assert "!!! failure" in failed
    assert "實際復原時間 4 小時 25 分鐘，超過 RTO 4 小時" in failed
    assert "**✘ 未通過**" in failed
    assert "將外部連線憑證納入備援端組態同步清單" in failed
    assert "| ☑ | 2 | 切換 |" in failed  # recorded step with actual times
    assert "| 15:10 | 18:37 |" in failed
    planned = (docs / "d-2026-08.md").read_text(encoding="utf-8")
    assert "☐ 通過 ☐ 未通過" in planned
    assert planned.count('<span class="bcp-fill') > 20
    assert "!!! failure" not in planned
    schedule = (docs / "2026.md").read_text(encoding="utf-8")
    assert "開發自動比對程式" in schedule  # open action of d-2026-05
    assert "[訂閱演練行事曆（drills.ics）](../drills.ics)" in schedule
    assert "| 天然災害 | [颱風]" in schedule
    assert (docs / "2025.md").read_text(encoding="utf-8").count("**未涵蓋**") == 1  # ivr


def test_planner_covers_scenarios_and_systems_within_the_rules(firm: FirmData) -> None:
    proposals = propose_rotation(firm, 2027, 3)
    assert proposals == propose_rotation(firm, 2027, 3)  # deterministic
    cal = MarketCalendar.of(firm)
    taken = {d.date for d in firm.drills}
    for p in proposals:
        assert p.date not in taken
        assert not cal.holiday(p.date) and not cal.closure(p.date) and not cal.blackout(p.date)
        assert not cal.in_trading_hours(p.date, p.start, p.end)
    assert len({p.date for p in proposals}) == len(proposals)
    assert len({p.id for p in proposals} | {d.id for d in firm.drills}) == len(proposals) + len(
        firm.drills
    )
    for year in (2027, 2028, 2029):
        systems = {s for p in proposals if p.date.year == year for s in p.systems}
        systems |= {s for d in technical_drills(drills_in(firm, year)) for s in d.systems}
        assert {s.id for s in firm.core_systems()} <= systems, year
    rotation = firm.firm.policy.scenario_rotation_years
    drilled = {d.scenario for d in firm.drills if d.date.year >= 2029 - rotation + 1}
    drilled |= {p.scenario for p in proposals}
    assert drilled == {s.id for s in firm.scenarios}


def test_planner_yaml_validates_as_drills(firm: FirmData) -> None:
    text = plan_yaml(propose_rotation(firm, 2027, 2))
    records = YAML(typ="safe").load(text)["drills"]
    assert records
    for record in records:
        Drill.model_validate(record)
    assert list(records[0])[:4] == ["id", "title", "date", "start"]


def test_cli_plan_prints_yaml_and_writes_nothing(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    before = sorted(p.relative_to(example_project) for p in example_project.rglob("*"))
    result = run_cli("drills", "plan", "--years", "2", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("# handbook drills plan：2027–2028")
    assert YAML(typ="safe").load(result.stdout)["drills"]
    after = sorted(p.relative_to(example_project) for p in example_project.rglob("*"))
    assert after == before
    bad = run_cli("drills", "plan", "--years", "0", cwd=example_project)
    assert bad.exit_code == 2
    assert "error[usage]" in bad.stderr


def test_schedule_page_flags_a_drill_in_trading_hours(minimal_project: Path) -> None:
    drills = minimal_project / "firm_data" / "drills.yaml"
    text = drills.read_text(encoding="utf-8").replace("date: 2026-05-16", "date: 2026-05-13")
    drills.write_text(text, encoding="utf-8")
    generate(Project.at(minimal_project))
    docs = minimal_project / "build" / "docs" / "drills"
    schedule = (docs / "2026.md").read_text(encoding="utf-8")
    assert "bcp-flag--trading-hours" in schedule
    assert "排定於交易時段（09:00–13:30）" in schedule
    page = (docs / "d2026-01.md").read_text(encoding="utf-8")
    assert "| 排程標示 | ⚠ 排定於交易時段（09:00–13:30） |" in page


def test_planner_respects_a_shorter_drill_period(firm: FirmData) -> None:
    policy = firm.firm.policy.model_copy(update={"drill_period_months": 6})
    short = firm.model_copy(update={"firm": firm.firm.model_copy(update={"policy": policy})})
    proposals = propose_rotation(short, 2028, 1)
    for system in firm.core_systems():
        assert sum(system.id in p.systems for p in proposals) >= 2, system.id
    assert propose_rotation(firm.model_copy(update={"scenarios": []}), 2028, 1) == []
