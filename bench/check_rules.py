"""Benchmark (not a test): time of the rule pack on a scaled firm, in process.

Usage: python bench/check_rules.py [--scale 10] [--repeat 5]
Prints the median of: loading + validation (YAML, model, references), the rule pack with waivers,
and `handbook check` as a whole process (interpreter start included).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.compliance.registry import run_checks
from generator.compliance.rule import CheckContext
from generator.compliance.waivers import apply_waivers
from generator.dates import today
from generator.pipeline import load_and_validate


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "firm_data"
        subprocess.run(
            [sys.executable, "bench/make_firm.py", "--scale", str(args.scale), "--out", str(data)],
            check=True,
            capture_output=True,
        )
        loads, rules, whole = [], [], []
        for _ in range(args.repeat):
            start = time.perf_counter()
            loaded = load_and_validate(data)
            loads.append(time.perf_counter() - start)
            start = time.perf_counter()
            ctx = CheckContext(loaded.firm, loaded.sources, today())
            findings, _ = apply_waivers(ctx, run_checks(ctx))
            rules.append(time.perf_counter() - start)
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "generator", "--data", str(data), "check"],
                capture_output=True,
                check=False,
            )
            whole.append(time.perf_counter() - start)
    firm = loaded.firm
    print(
        f"{args.scale}× example: {len(firm.systems)} systems, {len(firm.drills)} drills, "
        f"{len(firm.people)} people, {len(findings)} findings (median of {args.repeat})"
    )
    print(f"  load + validate + references      {statistics.median(loads):6.3f} s")
    print(f"  rule pack + waivers               {statistics.median(rules):6.3f} s")
    print(f"  handbook check (whole process)    {statistics.median(whole):6.3f} s  target < 1 s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
