"""Benchmark (not a test): the rotation planner on a large synthetic firm.

Usage: python bench/plan.py [--systems 60] [--scenarios 20] [--years 3] [--repeat 5]
Builds the example firm with extra core systems and scenarios in memory, then times
``planner.plan`` (median of N runs, in-process: imports and data loading excluded).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from generator.drills.planner import plan_yaml, propose_rotation
from generator.model import FirmData
from generator.pipeline import load_and_validate

REPO = Path(__file__).resolve().parent.parent


def big_firm(systems: int, scenarios: int) -> FirmData:
    """The example firm grown to ``systems`` core systems and ``scenarios`` scenarios."""
    firm = load_and_validate(REPO / "firm_data").firm
    grown = list(firm.systems)
    template = firm.core_systems()[0]
    while sum(1 for s in grown if s.core) < systems:
        n = len(grown)
        grown.append(template.model_copy(update={"id": f"sys-{n}", "name": f"系統{n}"}))
    core = [s.id for s in grown if s.core]
    more = list(firm.scenarios)
    while len(more) < scenarios:
        n = len(more)
        picked = core[(n * 3) % len(core) :][:4]
        update: dict[str, Any] = {"id": f"sc-{n}", "name": f"情境{n}", "systems": picked}
        more.append(firm.scenarios[0].model_copy(update=update))
    return firm.model_copy(update={"systems": grown, "scenarios": more})


def main() -> int:
    """Print the figure."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--systems", type=int, default=60)
    parser.add_argument("--scenarios", type=int, default=20)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    firm = big_firm(args.systems, args.scenarios)
    times, count = [], 0
    for _ in range(args.repeat):
        start = time.perf_counter()
        proposals = propose_rotation(firm, 2027, args.years)
        plan_yaml(proposals)
        times.append(time.perf_counter() - start)
        count = len(proposals)
    print(
        f"drills plan: {len(firm.core_systems())} core systems, {len(firm.scenarios)} scenarios, "
        f"{args.years} years → {count} drills in {statistics.median(times):.3f} s "
        f"(median of {args.repeat}; target < 2 s)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
