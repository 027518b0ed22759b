"""Check published editions against their SHA-256 manifests, and diff the data of two editions."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from generator.editions.history import (
    PublishedEdition,
    describe_changes,
)
from generator.editions.layout import (
    MANIFEST,
    PENDING,
    ROOT_FILES,
    SNAPSHOT,
    load_snapshot,
    read_published,
)
from generator.editions.publish import usage_error
from generator.editions.publish_git import read_published_git
from generator.errors import (
    Issue,
    Location,
    OutputError,
    display_path,
    error,
)
from generator.site.versions import (
    git_export,
    git_read,
)


def _verify_edition(root: Path, folder: str) -> list[Issue]:
    base = root / folder
    manifest = base / MANIFEST
    if not manifest.is_file():
        return [
            error(
                "verify-manifest",
                f"版次「{folder}」沒有 SHA-256 清單",
                Location(display_path(manifest)),
            )
        ]
    expected = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _, rel = line.partition("  ")
        expected[rel] = digest
    issues = []
    for rel, digest in sorted(expected.items()):
        path = base / rel
        shown = Location(display_path(path))
        if not path.is_file():
            issues.append(error("verify-missing", f"版次「{folder}」缺少檔案 {rel}", shown))
        elif hashlib.sha256(path.read_bytes()).hexdigest() != digest:
            issues.append(error("verify-altered", f"版次「{folder}」的檔案 {rel} 已被更動", shown))
    for path in sorted(base.rglob("*")):
        rel = path.relative_to(base).as_posix()
        if path.is_file() and rel != MANIFEST and rel not in expected:
            issues.append(
                error(
                    "verify-extra",
                    f"版次「{folder}」有清單外的檔案 {rel}",
                    Location(display_path(path)),
                )
            )
    return issues


def verify_dir(target: Path) -> tuple[list[Issue], int]:
    """Check every edition (and alias copy) of ``target`` against its manifest."""
    if not (target / "versions.json").is_file():
        where = Location(display_path(target / "versions.json"))
        return [error("verify-no-target", "找不到 versions.json，這不是發布目標", where)], 0
    issues: list[Issue] = []
    if (target / PENDING).exists():
        issues.append(
            error(
                "verify-pending",
                "有一次發布尚未完成切換",
                Location(display_path(target / PENDING)),
                "再執行一次 handbook publish 會先完成它。",
            )
        )
    published = read_published(target)
    folders: set[str] = set()
    for edition in published:
        folders.add(edition.name)
        issues += _verify_edition(target, edition.name)
        for alias in edition.aliases:
            folders.add(alias)
            issues += _verify_edition(target, alias)
            mine, theirs = target / alias / MANIFEST, target / edition.name / MANIFEST
            if mine.is_file() and theirs.is_file() and mine.read_bytes() != theirs.read_bytes():
                issues.append(
                    error(
                        "verify-alias",
                        f"別名「{alias}」與版次「{edition.name}」內容不同",
                        Location(display_path(mine)),
                    )
                )
    for path in sorted(target.iterdir()):
        if path.name.startswith(".") or path.name in folders or path.name in ROOT_FILES:
            continue
        issues.append(
            error(
                "verify-extra",
                f"發布目標有不屬於任何版次的 {path.name}",
                Location(display_path(path)),
            )
        )
    return issues, len(published)


def verify_git(repo: Path, branch: str) -> tuple[list[Issue], int]:
    """Check the editions on a git branch (exported to a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="handbook-verify-") as tmp:
        git_export(repo, branch, Path(tmp))
        issues, count = verify_dir(Path(tmp))
        prefix = str(Path(tmp))
        fixed = [
            Issue(
                i.severity,
                i.code,
                i.message,
                Location(f"{branch}:{i.location.path.replace(prefix + '/', '')}")
                if i.location
                else None,
                i.hint,
            )
            for i in issues
        ]
        return fixed, count


def _resolve(name: str, published: list[PublishedEdition]) -> str:
    for e in published:
        if name == e.name or name in e.aliases:
            return e.name
    known = "、".join(e.name for e in published) or "（無）"
    raise usage_error("unknown-edition", f"找不到已發布的版次「{name}」", f"已發布：{known}")


def diff_editions(
    first: str, second: str, target: Path | None, repo: Path | None, branch: str | None
) -> tuple[str, str, list[str]]:
    """What changed from edition ``first`` to ``second`` of a publish target."""
    if target is not None:
        published = read_published(target)
        a, b = _resolve(first, published), _resolve(second, published)
        old = (target / a / SNAPSHOT).read_bytes()
        new = (target / b / SNAPSHOT).read_bytes()
    else:
        assert repo is not None and branch is not None
        published = read_published_git(repo, branch)
        a, b = _resolve(first, published), _resolve(second, published)
        old_data, new_data = (git_read(repo, branch, f"{n}/{SNAPSHOT}") for n in (a, b))
        if old_data is None or new_data is None:
            raise OutputError([error("io", f"版次 {a} 或 {b} 沒有資料快照")])
        old, new = old_data, new_data
    old_snap, new_snap = load_snapshot(old), load_snapshot(new)
    assert new_snap is not None
    return a, b, describe_changes(old_snap, new_snap)
