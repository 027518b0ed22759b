"""Benchmark (not a test): wall time of `handbook check`, page generation and wiki export.

Usage: python bench/run.py [--repeat N] [--data DIR]
Each figure is the median of N runs in a fresh temporary copy of the project, measured from
outside the process, so interpreter start-up and imports are included.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HANDBOOK = [sys.executable, "-m", "generator"]


def copy_project(root: Path, data: Path) -> Path:
    """A throwaway project: the repo's templates, docs, mkdocs.yml and the given data."""
    for name in ("templates", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(data, root / "firm_data")
    return root


def timed(args: list[str], cwd: Path, before: list[Path] | None = None) -> float:
    """Seconds one command takes; ``before`` paths are removed first (a cold generation).

    The disk is flushed first, so deletions and writes of the step before are not billed to it.
    """
    for path in before or []:
        shutil.rmtree(path, ignore_errors=True)
    os.sync()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def median_of(repeat: int, args: list[str], cwd: Path, before: list[Path] | None = None) -> float:
    """Median seconds over ``repeat`` runs."""
    return statistics.median(timed(args, cwd, before) for _ in range(repeat))


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", type=Path, default=REPO / "firm_data")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project", args.data)
        check = median_of(args.repeat, [*HANDBOOK, "check"], root)
        cold = median_of(
            args.repeat, [*HANDBOOK, "generate"], root, [root / "build", root / ".cache"]
        )
        warm = median_of(args.repeat, [*HANDBOOK, "generate"], root)
        site = median_of(max(1, args.repeat // 2), [*HANDBOOK, "build"], root)
        wiki = [*HANDBOOK, "export", "wiki", "--out", str(root / "wiki")]
        gitlab = median_of(args.repeat, [*wiki, "--flavor", "gitlab"], root)
        confluence = median_of(args.repeat, [*wiki, "--flavor", "confluence"], root)
    rows = [
        ("handbook check", check, "< 1.5 s"),
        ("handbook generate (no .cache/, build/)", cold, "< 1 s"),
        ("handbook generate (nothing changed)", warm, ""),
        ("handbook build (generate + MkDocs)", site, ""),
        ("handbook export wiki --flavor gitlab", gitlab, ""),
        ("handbook export wiki --flavor confluence", confluence, ""),
    ]
    print(f"data: {args.data}  repeats: {args.repeat}  (median wall time, process start included)")
    for name, seconds, target in rows:
        print(f"  {name:<40} {seconds:6.3f} s  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
