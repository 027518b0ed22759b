"""Publish editions side by side (a plain directory or a git branch via mike), diff and verify.

A directory target looks like mike's branch: ``DIR/<edition>/…`` (each with ``_edition/``: the
edition record, the normalised data snapshot and a SHA-256 manifest), ``DIR/latest/`` (a copy of
the newest approved edition), ``DIR/versions.json``, ``DIR/index.html`` and ``DIR/editions.json``
(the publish log). A publish builds everything in a staging folder inside ``DIR``; renaming that
folder to ``DIR/.publish-pending`` is the one step that commits it, after which the moves into
place are replayed until done (also by the next publish if this one is killed).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.compliance.rule import today
from generator.editions.history import (
    Publication,
    PublishedEdition,
    Snapshot,
    describe_changes,
    edition_issues,
    edition_name,
    edition_title,
    snapshot,
    snapshot_bytes,
)
from generator.errors import (
    DataError,
    Issue,
    Location,
    OutputError,
    UsageError,
    display_path,
    error,
)
from generator.pipeline import Loaded, Project, generate, load_and_validate
from generator.site import (
    VersionEntry,
    build_site,
    edition_config,
    git_deploy,
    git_dir,
    git_export,
    git_fetch,
    git_push,
    git_read,
    parse_versions,
    redirect_html,
    versions_json,
)

LATEST = "latest"
EDITION_DIR = "_edition"
MANIFEST = f"{EDITION_DIR}/SHA256SUMS"
RECORD = f"{EDITION_DIR}/edition.json"
SNAPSHOT = f"{EDITION_DIR}/snapshot.json"
PENDING = ".publish-pending"
STAGING_PREFIX = ".publish-staging-"
LOCK = ".publish.lock"
LOG = "editions.json"
ROOT_FILES = frozenset({"versions.json", "index.html", LOG, ".nojekyll"})
DEFAULT_SITE_URL = "http://bcp.intranet.invalid/"

# Test hook: pause at a named point so a test can kill the publisher there.
PAUSE_ENV = "BCP_PUBLISH_PAUSE"
PAUSE_MARKER_ENV = "BCP_PUBLISH_PAUSE_MARKER"
CHECKPOINTS = ("locked", "built", "staged", "committed", "switching")


def checkpoint(name: str) -> None:
    """If ``BCP_PUBLISH_PAUSE`` names this point, announce it and sleep (for kill tests)."""
    if os.environ.get(PAUSE_ENV) != name:
        return
    marker = os.environ.get(PAUSE_MARKER_ENV)
    if marker:
        Path(marker).write_text(name, encoding="utf-8")
    time.sleep(float(os.environ.get("BCP_PUBLISH_PAUSE_SECONDS", "120")))


@dataclass(frozen=True)
class PublishOptions:
    """How to publish: replacing an existing edition needs a reason."""

    replace: bool = False
    reason: str | None = None
    site_url: str = DEFAULT_SITE_URL


@dataclass
class PublishResult:
    """What a publish did."""

    name: str
    target: str
    previous: str | None
    changes: list[str]
    default: str | None
    replaced: bool
    entries: list[PublishedEdition] = field(default_factory=list)


# ---------------------------------------------------------------- shared steps


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive lock, released by the kernel even if the process is killed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = path.open("a")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            shown = display_path(path)
            issue = error(
                "publish-locked",
                "另一個發布作業正在進行中，請稍後再試",
                Location(shown),
                "同一發布目標同時只能有一個 handbook publish。",
            )
            raise OutputError([issue]) from exc
        yield
    finally:
        handle.close()


def _entry_of(entry: VersionEntry) -> PublishedEdition:
    return PublishedEdition(
        entry.name,
        entry.title,
        entry.properties.get("status", "approved"),
        entry.aliases,
        entry.properties.get("effective_date") or None,
    )


def _version_entry(edition: PublishedEdition) -> VersionEntry:
    props = {"status": edition.status}
    if edition.effective_date:
        props["effective_date"] = edition.effective_date
    return VersionEntry(edition.name, edition.title, edition.aliases, props)


def _usage(code: str, message: str, hint: str | None = None) -> UsageError:
    return UsageError([error(code, message, None, hint)])


def _check_options(options: PublishOptions) -> None:
    if options.replace and not (options.reason or "").strip():
        raise _usage("replace-reason", "--replace 必須以 --reason 說明取代已發布版次的理由")


def _check_publishable(loaded: Loaded) -> None:
    issues = edition_issues(loaded.firm, loaded.sources)
    if issues:
        raise DataError(issues)


def _check_replace(name: str, published: list[PublishedEdition], options: PublishOptions) -> bool:
    exists = any(e.name == name for e in published)
    if exists and not options.replace:
        raise _usage(
            "edition-exists",
            f"版次「{name}」已發布，已發布的版次不可更動",
            '請改用新的版次編號；確需取代時加上 --replace --reason "理由"（理由會被記錄）。',
        )
    return exists


def _previous(published: list[PublishedEdition], name: str) -> str | None:
    """The edition a new one is compared with: the one in force (``latest``), else the newest."""
    others = [e for e in published if e.name != name]
    for e in others:
        if LATEST in e.aliases:
            return e.name
    approved = [e for e in others if e.status == "approved"]
    pool = approved or others
    return pool[0].name if pool else None


def _with_new(
    published: list[PublishedEdition], new: PublishedEdition
) -> tuple[list[PublishedEdition], bool]:
    """The edition list after publishing ``new``; True if ``latest`` moves to it.

    ``latest`` goes only to approved editions: to ``new`` unless the edition holding it takes
    effect later.
    """
    others = [e for e in published if e.name != new.name]
    holder = next((e for e in others if LATEST in e.aliases), None)
    moves = new.status == "approved" and (
        holder is None or (holder.effective_date or "") <= (new.effective_date or "")
    )
    out = []
    for e in others:
        aliases = tuple(a for a in e.aliases if not (moves and a == LATEST))
        out.append(PublishedEdition(e.name, e.title, e.status, aliases, e.effective_date))
    aliases = (LATEST,) if moves else ()
    out.append(PublishedEdition(new.name, new.title, new.status, aliases, new.effective_date))
    entries = parse_versions(versions_json([_version_entry(e) for e in out]))
    return [_entry_of(e) for e in entries], moves


def _default(entries: list[PublishedEdition]) -> str | None:
    """The edition the root redirects to: the one holding ``latest`` (never a draft)."""
    return next((e.name for e in entries if LATEST in e.aliases and e.status == "approved"), None)


def _record(
    loaded: Loaded, name: str, previous: str | None, changes: list[str], options: PublishOptions
) -> dict[str, Any]:
    edition = loaded.firm.firm.edition
    record: dict[str, Any] = edition.model_dump(mode="json")
    record.update(
        {
            "name": name,
            "published": today().isoformat(),
            "previous": previous,
            "changes_since_previous": changes,
            "replaced": options.replace,
            "replace_reason": options.reason if options.replace else None,
        }
    )
    return record


def manifest_text(root: Path) -> str:
    """``sha256sum``-compatible lines for every file under ``root`` except the manifest."""
    lines = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel != MANIFEST:
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}\n")
    return "".join(lines)


def _build_edition(
    project: Project,
    loaded: Loaded,
    publication: Publication,
    out: Path,
    record: dict[str, Any],
    snap: Snapshot,
    site_url: str,
) -> None:
    """Render and build one edition into ``out`` with its record, snapshot and manifest."""
    generate(project, loaded, {"publication": publication})
    draft = loaded.firm.firm.edition.status != "approved"
    config = edition_config(project.build, publication.name, site_url, draft)
    build_site(config, out, project.user_dict, project.docs)
    (out / EDITION_DIR).mkdir(parents=True, exist_ok=True)
    (out / SNAPSHOT).write_bytes(snapshot_bytes(snap))
    text = json.dumps(record, ensure_ascii=False, sort_keys=True, indent=1) + "\n"
    (out / RECORD).write_text(text, encoding="utf-8")
    (out / MANIFEST).write_text(manifest_text(out), encoding="utf-8")


def _load_snapshot(data: bytes | None) -> Snapshot | None:
    if data is None:
        return None
    loaded: Snapshot = json.loads(data.decode("utf-8"))
    return loaded


# ---------------------------------------------------------------- directory target


def read_published(target: Path) -> list[PublishedEdition]:
    """The editions listed in ``target/versions.json`` (empty if there is none)."""
    path = target / "versions.json"
    if not path.is_file():
        return []
    return [_entry_of(e) for e in parse_versions(path.read_bytes())]


def _roll_forward(target: Path) -> None:
    """Finish a committed publish: move each staged item into place (idempotent)."""
    pending = target / PENDING
    if not pending.is_dir():
        return
    plan = json.loads((pending / "plan.json").read_text(encoding="utf-8"))
    retired = pending / "retired"
    retired.mkdir(exist_ok=True)
    for src, dst in plan["moves"]:
        source, dest = pending / src, target / dst
        if not source.exists():
            continue
        if source.is_dir():
            if dest.exists():
                dest.rename(retired / dst)
            checkpoint("switching")
            source.rename(dest)
        else:
            source.replace(dest)
    shutil.rmtree(pending)


def _clean_stale(target: Path) -> None:
    for stale in target.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(stale, ignore_errors=True)


@dataclass(frozen=True)
class _EditionPlan:
    """What publishing the current data means for the published editions (either target)."""

    name: str
    replaced: bool
    previous: str | None
    snap: Snapshot
    changes: list[str]
    new: PublishedEdition
    entries: list[PublishedEdition]
    moves_latest: bool
    record: dict[str, Any]


def _plan_edition(
    loaded: Loaded,
    published: list[PublishedEdition],
    options: PublishOptions,
    read: Callable[[str], bytes | None],
) -> _EditionPlan:
    """The new edition against ``published``; ``read`` gets a file of a published edition."""
    edition = loaded.firm.firm.edition
    name = edition_name(edition)
    replaced = _check_replace(name, published, options)
    previous = _previous(published, name)
    old = read(f"{previous}/{SNAPSHOT}") if previous else None
    snap = snapshot(loaded.firm)
    changes = describe_changes(_load_snapshot(old), snap)
    new = PublishedEdition(
        name,
        edition_title(edition),
        edition.status,
        (),
        edition.effective_date.isoformat() if edition.effective_date else None,
    )
    entries, moves_latest = _with_new(published, new)
    record = _record(loaded, name, previous, changes, options)
    return _EditionPlan(name, replaced, previous, snap, changes, new, entries, moves_latest, record)


def _build_plan(
    project: Project, loaded: Loaded, plan: _EditionPlan, out: Path, options: PublishOptions
) -> None:
    publication = Publication(plan.name, plan.previous, plan.changes, plan.entries)
    _build_edition(project, loaded, publication, out, plan.record, plan.snap, options.site_url)
    checkpoint("built")


def _read(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None


def publish_to_dir(project: Project, target: Path, options: PublishOptions) -> PublishResult:
    """Publish the current data as an edition into the directory ``target``."""
    _check_options(options)
    loaded = load_and_validate(project.data_dir)  # an edition is always parsed from source
    _check_publishable(loaded)
    target.mkdir(parents=True, exist_ok=True)
    with _lock(target / LOCK):
        checkpoint("locked")
        _roll_forward(target)
        _clean_stale(target)
        plan = _plan_edition(
            loaded, read_published(target), options, lambda folder: _read(target / folder)
        )
        name, entries = plan.name, plan.entries
        staging = Path(tempfile.mkdtemp(dir=target, prefix=STAGING_PREFIX))
        try:
            _build_plan(project, loaded, plan, staging / "edition", options)
            moves = [["edition", name]]
            if plan.moves_latest:
                shutil.copytree(staging / "edition", staging / LATEST, symlinks=True)
                moves.append([LATEST, LATEST])
            log = _log(target, plan.record)
            (staging / LOG).write_bytes(log)
            (staging / "versions.json").write_bytes(
                versions_json([_version_entry(e) for e in entries])
            )
            moves += [[LOG, LOG], ["versions.json", "versions.json"]]
            default = _default(entries)
            if default:
                (staging / "index.html").write_bytes(redirect_html(f"{default}/"))
                moves.append(["index.html", "index.html"])
            (staging / "plan.json").write_text(json.dumps({"moves": moves}), encoding="utf-8")
            checkpoint("staged")
            staging.rename(target / PENDING)  # the commit point
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        checkpoint("committed")
        _roll_forward(target)
    return PublishResult(
        name, display_path(target), plan.previous, plan.changes, default, plan.replaced, entries
    )


def _log(target: Path, record: dict[str, Any]) -> bytes:
    path = target / LOG
    log: list[dict[str, Any]] = (
        json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []
    )
    keys = ("name", "number", "status", "published", "replaced", "replace_reason", "previous")
    log.append({k: record.get(k) for k in keys})
    return (json.dumps(log, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


# ---------------------------------------------------------------- git target (mike)


def read_published_git(repo: Path, branch: str) -> list[PublishedEdition]:
    """The editions listed in ``versions.json`` on ``branch``."""
    data = git_read(repo, branch, "versions.json")
    return [_entry_of(e) for e in parse_versions(data)] if data else []


def publish_to_git(
    project: Project,
    repo: Path,
    branch: str,
    remote: str | None,
    push: bool,
    options: PublishOptions,
) -> PublishResult:
    """Publish the current data as an edition on ``branch`` of ``repo`` with mike."""
    _check_options(options)
    loaded = load_and_validate(project.data_dir)  # an edition is always parsed from source
    _check_publishable(loaded)
    with _lock(git_dir(repo) / "handbook-publish.lock"):
        checkpoint("locked")
        if remote:
            git_fetch(repo, remote, branch)
        plan = _plan_edition(
            loaded,
            read_published_git(repo, branch),
            options,
            lambda folder: git_read(repo, branch, folder),
        )
        name, new = plan.name, plan.new
        with tempfile.TemporaryDirectory(prefix="handbook-edition-") as tmp:
            out = Path(tmp) / "site"
            _build_plan(project, loaded, plan, out, options)
            aliases = (LATEST,) if plan.moves_latest else ()
            entry = _version_entry(dataclasses.replace(new, aliases=aliases))
            message = f"Publish edition {name} ({new.status})"
            if plan.replaced:
                message += f"; replaces the published edition: {options.reason}"
            default = name if plan.moves_latest else None
            git_deploy(repo, branch, out, entry, default, message, checkpoint)
        if push and remote:
            git_push(repo, remote, branch)
    return PublishResult(
        name,
        f"{display_path(repo)}:{branch}",
        plan.previous,
        plan.changes,
        _default(plan.entries),
        plan.replaced,
        plan.entries,
    )


# ---------------------------------------------------------------- verify and diff


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
    raise _usage("unknown-edition", f"找不到已發布的版次「{name}」", f"已發布：{known}")


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
    old_snap, new_snap = _load_snapshot(old), _load_snapshot(new)
    assert new_snap is not None
    return a, b, describe_changes(old_snap, new_snap)
