"""Benchmark (not a test): how the generator scales with the size of the firm.

Usage: python bench/scale.py [--scales 1 5 10] [--repeat 3]

For each scale N a synthetic firm (bench/make_firm.py) is checked, generated and built. Every
figure is the median of --repeat runs of a separate process (start-up included); peak memory is
the largest resident set of those processes. "gen cold" generates with nothing kept from earlier
runs (no .cache/: every file parsed, every page rendered); "gen cached" removes build/ only (as
`make clean` does). "regenerate" edits one person's office phone and times
`handbook generate` again, printing how many files it rewrote. Every timed process starts on a
flushed disk (``os.sync``), so it is not billed for the step before it.

Two figures show what `handbook serve` does with the same edit, in its one warm process:
"warm regen" regenerates in memory (only the edited file is parsed again; median of --repeat
edits), and "serve" is the wall time from saving the file to the browser reload (live-reload
server: change detection, regeneration, the partial MkDocs build of the rewritten pages).
"""

from __future__ import annotations

import argparse
import compileall
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HANDBOOK = [sys.executable, "-m", "generator"]
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1790000000"}


@dataclass
class Run:
    """Wall time (s), peak resident memory (MB) and output of one process."""

    seconds: float
    peak_mb: float
    stdout: str


def run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run one process to completion, measuring wall time and its peak memory.

    The disk is flushed first, so writes and deletions left by the step before (this VM's disk
    discards deleted blocks, which can take longer than the deletion) are not billed to it.
    """
    os.sync()
    start = time.perf_counter()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env or ENV, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):  # 1: the synthetic firm may have rule findings
        raise SystemExit(f"{' '.join(args)} failed with exit code {proc.returncode}")
    return Run(seconds, usage.ru_maxrss / 1024, out)


def project(root: Path, scale: int) -> Path:
    """A throwaway project holding the firm at ``scale``."""
    for name in ("templates", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    subprocess.run(
        [
            sys.executable,
            str(REPO / "bench/make_firm.py"),
            "--scale",
            str(scale),
            "--out",
            str(root / "firm_data"),
        ],
        check=True,
        capture_output=True,
    )
    return root


def mkdocs_only(root: Path) -> list[str]:
    """The MkDocs build of the already generated pages, alone."""
    code = (
        "import sys; from pathlib import Path; from generator.site import build_site;"
        "build_site(Path('build/mkdocs.yml'), Path(sys.argv[1]), Path('build/jieba_user_dict.txt'),"
        " Path('docs'))"
    )
    return [sys.executable, "-c", code, str(root / "bench-site")]


def edit_phone(root: Path) -> None:
    """Change the first office number in the people file."""
    people = root / "firm_data/people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(re.sub(r"02-2700-0101", "02-2700-0199", text, count=1), encoding="utf-8")


WARM = """
import re, statistics, sys, time
from pathlib import Path
from generator.pipeline import Project, generate
project = Project.at(Path.cwd()).serving()  # as handbook serve keeps it
generate(project)
people = project.data_dir / "people.yaml"
times, written = [], []
for n in range(int(sys.argv[1])):
    text = people.read_text(encoding="utf-8")
    people.write_text(re.sub(r"02-2700-01\\d\\d", f"02-2700-01{50 + n}", text, count=1), "utf-8")
    start = time.perf_counter()
    result = generate(project)
    times.append(time.perf_counter() - start)
    written.append(len(result.report.written))
print(statistics.median(times), max(written))
"""


def warm_regenerate(root: Path, repeat: int) -> tuple[float, int]:
    """Median in-process regeneration after a phone edit, and the most files one edit rewrote."""
    out = run([sys.executable, "-c", WARM, str(max(3, repeat))], root).stdout.split()
    return float(out[0]), int(out[1])


def served_edit(root: Path) -> float:
    """Seconds from saving a phone edit to the live-reload server reloading the browsers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    log = root / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*HANDBOOK, "serve", "--addr", f"127.0.0.1:{port}"],
            cwd=root,
            env=ENV,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        if not _wait(lambda: "Serving on" in log.read_text(encoding="utf-8"), 600):
            raise SystemExit("handbook serve did not start")
        time.sleep(1)
        reloads = log.read_text(encoding="utf-8").count("Reloading browsers")
        people = root / "firm_data/people.yaml"
        text = people.read_text(encoding="utf-8")
        start = time.perf_counter()
        people.write_text(re.sub(r"02-2700-01\d\d", "02-2700-0188", text, count=1), "utf-8")
        if not _wait(
            lambda: log.read_text(encoding="utf-8").count("Reloading browsers") > reloads, 600
        ):
            raise SystemExit("handbook serve did not rebuild")
        seconds = time.perf_counter() - start
        if "局部重建" not in log.read_text(encoding="utf-8"):
            raise SystemExit("handbook serve made a full build for a phone edit")
        return seconds
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def measure(scale: int, repeat: int) -> dict[str, float | int]:
    """All figures for one scale."""
    with tempfile.TemporaryDirectory() as tmp:
        root = project(Path(tmp) / "project", scale)
        checks = [run([*HANDBOOK, "check"], root) for _ in range(repeat)]
        cold, gens = [], []
        for _ in range(repeat):  # nothing kept: every file parsed, every page rendered
            shutil.rmtree(root / "build", ignore_errors=True)
            shutil.rmtree(root / ".cache", ignore_errors=True)
            cold.append(run([*HANDBOOK, "generate"], root))
        for _ in range(repeat):  # build/ removed, .cache/ kept (parsed files, page memo)
            shutil.rmtree(root / "build", ignore_errors=True)
            gens.append(run([*HANDBOOK, "generate"], root))
        builds = [run(mkdocs_only(root), root) for _ in range(max(1, repeat - 1))]
        edit_phone(root)
        regen = run([*HANDBOOK, "generate"], root)
        written = re.search(r"寫入 (\d+) 個", regen.stdout)
        pages = len(list((root / "build/docs").rglob("*.md")))
        warm, warm_written = warm_regenerate(root, repeat)
        served = served_edit(root)
    first = statistics.median(r.seconds for r in cold)
    gen = statistics.median(r.seconds for r in gens)
    mk = statistics.median(r.seconds for r in builds)
    return {
        "pages": pages,
        "check": statistics.median(r.seconds for r in checks),
        "cold": first,
        "generate": gen,
        "mkdocs": mk,
        "cold_ratio": first / mk,
        "ratio": gen / mk,
        "peak_mb": max(r.peak_mb for r in [*checks, *cold, *gens, *builds]),
        "regenerate": regen.seconds,
        "rewritten": int(written.group(1)) if written else -1,
        "warm": warm,
        "warm_rewritten": warm_written,
        "served": served,
    }


def main() -> int:
    """Print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    # Byte-compiled, as MkDocs is in site-packages (an editable install leaves the generator as
    # source, and this environment may forbid Python from writing its own compiled files).
    compileall.compile_dir(REPO / "generator", quiet=1)
    print(
        "N   pages  check s  gen cold s  gen cached s  mkdocs s  cold/mkdocs  cached/mkdocs"
        "  peak MB  regenerate s  rewritten  warm regen s  serve s"
    )
    for scale in args.scales:
        m = measure(scale, args.repeat)
        print(
            f"{scale:<3} {m['pages']:>5}  {m['check']:>7.2f}  {m['cold']:>10.2f}  "
            f"{m['generate']:>12.2f}  {m['mkdocs']:>8.2f}  {m['cold_ratio']:>11.3f}  "
            f"{m['ratio']:>13.3f}  {m['peak_mb']:>7.0f}  {m['regenerate']:>12.2f}  "
            f"{m['rewritten']:>9}  {m['warm']:>12.2f}  {m['served']:>7.2f}",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
