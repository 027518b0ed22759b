"""Benchmark (not a test): publishing the 10th edition costs no more than publishing the first.

Usage: python bench/publish.py [--editions N] [--data DIR]
Publishes N editions of the example firm (N-1 drafts then one approved, each with a new number)
into one fresh directory target and prints the wall time of each `handbook publish`, measured from
outside the process. Time should follow one edition's size, not the number already published.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import HANDBOOK, REPO, copy_project


def set_edition(firm_yaml: Path, number: str, status: str) -> None:
    """Point ``firm.edition`` at ``number`` with ``status``."""
    text = firm_yaml.read_text(encoding="utf-8")
    text = re.sub(r'(\n  edition:\n    number: )"[^"]*"', rf'\1"{number}"', text, count=1)
    text = re.sub(
        r"(\n  edition:\n(?:    .*\n)*?    status: )\w+", rf"\g<1>{status}", text, count=1
    )
    firm_yaml.write_text(text, encoding="utf-8")


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--editions", type=int, default=10)
    parser.add_argument("--data", type=Path, default=REPO / "firm_data")
    args = parser.parse_args()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1790000000"}
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project", args.data)
        target = Path(tmp) / "pub"
        for n in range(1, args.editions + 1):
            status = "approved" if n in (1, args.editions) else "draft"
            set_edition(root / "firm_data" / "firm.yaml", f"2030.{n}", status)
            start = time.perf_counter()
            subprocess.run(
                [*HANDBOOK, "publish", "--to", str(target)],
                cwd=root,
                env=env,
                check=True,
                capture_output=True,
            )
            times.append(time.perf_counter() - start)
        size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    for n, seconds in enumerate(times, start=1):
        print(f"edition {n:2d}: {seconds:6.2f} s")
    print(f"first: {times[0]:.2f} s, last ({args.editions}th): {times[-1]:.2f} s")
    print(f"target size after {args.editions} editions: {size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
