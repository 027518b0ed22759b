"""Benchmark (not a test): search index and offline bundle sizes, and what jieba costs.

Usage: python bench/offline.py [--repeat N] [--data DIR]
For the firm in DIR (default: the example firm) it builds the intranet site with and without
jieba segmentation (median wall time of N builds, process start included), and the offline bundle,
and prints the size of the search index and of the zip.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import zipfile
from pathlib import Path

from run import REPO, copy_project, timed  # bench/run.py, beside this script

# The same build, but `import jieba` fails: Material then indexes Han runs unsegmented.
WITHOUT_JIEBA = (
    "import sys; sys.modules['jieba'] = None; "
    "from generator.cli import main; raise SystemExit(main(['build']))"
)


def index_facts(site: Path) -> tuple[int, int]:
    """Size in bytes of search_index.json and its number of distinct tokens."""
    path = site / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    separator = re.compile(index["config"]["separator"])
    tokens = {
        token
        for doc in index["docs"]
        for token in separator.split(re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"]))
        if token
    }
    return path.stat().st_size, len(tokens)


def main() -> int:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--data", type=Path, default=REPO / "firm_data")
    args = parser.parse_args()
    python = [sys.executable]
    with tempfile.TemporaryDirectory() as tmp:
        root = copy_project(Path(tmp) / "project", args.data)
        runs = range(args.repeat)
        plain = statistics.median(timed([*python, "-c", WITHOUT_JIEBA], root) for _ in runs)
        plain_size, plain_tokens = index_facts(root / "site")
        with_jieba = statistics.median(
            timed([*python, "-m", "generator", "build"], root) for _ in runs
        )
        size, tokens = index_facts(root / "site")
        packed = statistics.median(
            timed([*python, "-m", "generator", "bundle"], root) for _ in runs
        )
        (archive,) = (root / "build").glob("*-offline.zip")
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
        unpacked = sum(m.file_size for m in members)
        inlined = (root / "build/offline-site/search/search_index.js").stat().st_size
        zipped = archive.stat().st_size
    kb = 1024
    print(f"data: {args.data}  repeats: {args.repeat}  (median wall time, process start included)")
    print(f"  handbook build, jieba segmentation      {with_jieba:6.2f} s")
    print(f"  handbook build, no segmentation         {plain:6.2f} s")
    print(f"  cost of segmentation                    {with_jieba - plain:+6.2f} s")
    print(
        f"  search_index.json with jieba            {size / kb:7.1f} KiB  {tokens} distinct tokens"
    )
    print(
        f"  search_index.json without jieba         {plain_size / kb:7.1f} KiB  {plain_tokens} distinct tokens"
    )
    print(f"  search_index.js (offline, inlined)      {inlined / kb:7.1f} KiB")
    print(f"  handbook bundle                         {packed:6.2f} s")
    print(
        f"  offline zip                             {zipped / kb:7.1f} KiB"
        f"  ({len(members)} files, {unpacked / kb:.1f} KiB unpacked)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
