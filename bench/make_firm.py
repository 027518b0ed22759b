"""Write a firm N times the size of the example: every list section repeated with renamed ids.

Usage: python bench/make_firm.py --scale N --out DIR [--data firm_data]
Copy k (1…N-1) renames every id to ``<id>-k`` and every reference inside the copied records with
it, so the scaled firm validates like the original (the task force gains the copied teams).
"""

from __future__ import annotations

import argparse
import copy
import shutil
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
ID_SECTIONS = (
    "people",
    "parties",
    "businesses",
    "systems",
    "backups",
    "sites",
    "scenarios",
    "drills",
    "vendors",
    "contact_trees",
    "training",
    "waivers",
)
# Keys whose values are codes, never ids (a role kind "commander" may equal a role id).
CODE_KEYS = {
    "kind",
    "type",
    "cause",
    "media",
    "method",
    "result",
    "status",
    "level",
    "category",
    "key",
    "rule",
    "data_classification",
}


def load_sections(data: Path) -> dict[str, Any]:
    """All sections of all files; list sections joined in file-name order."""
    yaml = YAML(typ="safe")
    merged: dict[str, Any] = {}
    for path in sorted(data.glob("*.yaml")):
        for name, value in (yaml.load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, list) and name in merged:
                merged[name].extend(value)
            else:
                merged[name] = value
    return merged


def known_ids(sections: dict[str, Any]) -> set[str]:
    """Ids of records and task-force roles and teams."""
    ids = {r["id"] for name in ID_SECTIONS for r in sections.get(name, []) if "id" in r}
    for team in sections["organisation"]["teams"]:
        ids.add(team["id"])
        ids |= {role["id"] for role in team["roles"]}
    return ids


def rename(value: Any, ids: set[str], suffix: str, key: str = "") -> Any:
    """``value`` with every id replaced by ``id + suffix``."""
    if isinstance(value, dict):
        return {k: rename(v, ids, suffix, k) for k, v in value.items()}
    if isinstance(value, list):
        return [rename(v, ids, suffix, key) for v in value]
    if isinstance(value, str) and value in ids and key not in CODE_KEYS:
        return value + suffix
    return value


def scale(sections: dict[str, Any], n: int) -> dict[str, Any]:
    """The firm with every list section (and the task force's teams) repeated ``n`` times."""
    ids = known_ids(sections)
    out = copy.deepcopy(sections)
    teams = sections["organisation"]["teams"]
    for k in range(1, n):
        suffix = f"-{k}"
        for name in ID_SECTIONS:
            out.setdefault(name, []).extend(rename(sections.get(name, []), ids, suffix))
        out["organisation"]["teams"].extend(rename(teams, ids, suffix))
    return out


def main() -> int:
    """Write the scaled firm as one YAML file per section."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--data", type=Path, default=REPO / "firm_data")
    args = parser.parse_args()
    sections = scale(load_sections(args.data), args.scale)
    shutil.rmtree(args.out, ignore_errors=True)
    args.out.mkdir(parents=True)
    yaml = YAML()
    yaml.default_flow_style = None  # leaf lists and mappings inline, as the example writes them
    yaml.width = 4096
    for name, value in sections.items():
        with (args.out / f"{name}.yaml").open("w", encoding="utf-8") as handle:
            yaml.dump({name: value}, handle)
    print(
        f"{args.out}: {args.scale}× ({len(sections['systems'])} systems, "
        f"{len(sections['drills'])} drills, {len(sections['people'])} people)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
