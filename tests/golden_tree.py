"""Compare a generated file tree with a committed golden tree, or refresh it."""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path


def tree_of(root: Path) -> dict[str, bytes]:
    """Every file under ``root``, dot-files included (``.order``, ``.attachments``)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def check_tree(golden: Path, actual: dict[str, bytes], update: bool) -> None:
    """Assert ``actual`` equals the golden tree (listing missing, extra, changed files and the
    first diff), or rewrite the golden tree when ``update`` (``--update-goldens``)."""
    if update:
        shutil.rmtree(golden, ignore_errors=True)
        for name, content in actual.items():
            (golden / name).parent.mkdir(parents=True, exist_ok=True)
            (golden / name).write_bytes(content)
        return
    expected = tree_of(golden)
    missing = sorted(set(expected) - set(actual))
    extra = sorted(set(actual) - set(expected))
    changed = sorted(n for n in set(actual) & set(expected) if actual[n] != expected[n])
    diff = ""
    if changed:
        lines = difflib.unified_diff(
            expected[changed[0]].decode().splitlines(),
            actual[changed[0]].decode().splitlines(),
            f"golden/{changed[0]}",
            f"generated/{changed[0]}",
            lineterm="",
        )
        diff = "\n".join(list(lines)[:60])
    assert (missing, extra, changed) == ([], [], []), (
        f"run `make update-goldens` if intended\n{diff}"
    )
