"""Write a synthetic but valid firm whose size grows with --scale N (N=1 is the example firm).

Usage: python bench/make_firm.py --scale 10 --out /tmp/firm10

The example firm's businesses, systems, backups, people, vendors, drills and training records
are copied N times; each copy gets ids and names with a suffix, and its references point at the
records of the same copy. The task force, sites, scenarios, contact trees and external parties
stay as they are. N=10 gives about 130 systems, 80 vendors, 370 people and 150 drills.
"""

from __future__ import annotations

import argparse
import copy
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ruamel.yaml import YAML  # noqa: E402

from generator.load import load_firm  # noqa: E402

REPLICATED = ("businesses", "systems", "backups", "people", "vendors", "drills", "training")
NAMED = ("name", "title")


def _rename(node: Any, ids: set[str], suffix: str) -> Any:
    """Point every id of a replicated collection at its copy; leave other values alone."""
    if isinstance(node, dict):
        return {key: _rename(value, ids, suffix) for key, value in node.items()}
    if isinstance(node, list):
        return [_rename(item, ids, suffix) for item in node]
    if isinstance(node, str) and node in ids:
        return f"{node}-{suffix}"
    return node


def _copy_record(record: dict[str, Any], ids: set[str], copy_no: int) -> dict[str, Any]:
    clone = _rename(copy.deepcopy(record), ids, f"c{copy_no}")
    for key in NAMED:
        if isinstance(clone.get(key), str):
            clone[key] = f"{clone[key]}{copy_no}"
    return dict(clone)


def scaled(data: dict[str, Any], scale: int) -> dict[str, Any]:
    """The firm's data with the replicated sections copied ``scale`` times."""
    ids = {r["id"] for name in REPLICATED for r in data.get(name, []) if isinstance(r, dict)}
    out = copy.deepcopy(data)
    for name in REPLICATED:
        originals = data.get(name, [])
        for copy_no in range(2, scale + 1):
            out[name].extend(_copy_record(r, ids, copy_no) for r in originals)
    return out


def write_firm(data: dict[str, Any], out: Path) -> None:
    """One YAML file per section."""
    out.mkdir(parents=True, exist_ok=True)
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.allow_unicode = True
    for name, value in data.items():
        with (out / f"{name}.yaml").open("w", encoding="utf-8") as handle:
            yaml.dump({name: value}, handle)


def main() -> int:
    """Parse arguments and write the firm."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=REPO / "firm_data")
    args = parser.parse_args()
    raw, issues = load_firm(args.data)
    if issues:
        print("\n".join(i.format() for i in issues), file=sys.stderr)
        return 1
    write_firm(scaled(raw.data, args.scale), args.out)
    counts = {name: len(scaled(raw.data, args.scale).get(name, [])) for name in REPLICATED}
    print(f"{args.out}: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
