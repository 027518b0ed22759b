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
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.dates import today
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
from generator.editions.layout import (
    EDITION_DIR,
    LATEST,
    LOCK,
    LOG,
    MANIFEST,
    PENDING,
    RECORD,
    SNAPSHOT,
    STAGING_PREFIX,
    entry_of,
    load_snapshot,
    manifest_text,
    read_bytes,
    read_published,
    version_entry,
)
from generator.errors import (
    DataError,
    Location,
    OutputError,
    UsageError,
    display_path,
    error,
)
from generator.pipeline import Loaded, generate, load_and_validate
from generator.project import Project
from generator.site.build import build_site
from generator.site.versions import (
    edition_config,
    parse_versions,
    redirect_html,
    versions_json,
)

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
def target_lock(path: Path) -> Iterator[None]:
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


def usage_error(code: str, message: str, hint: str | None = None) -> UsageError:
    return UsageError([error(code, message, None, hint)])


def check_options(options: PublishOptions) -> None:
    if options.replace and not (options.reason or "").strip():
        raise usage_error("replace-reason", "--replace 必須以 --reason 說明取代已發布版次的理由")


def check_publishable(loaded: Loaded) -> None:
    issues = edition_issues(loaded.firm, loaded.sources)
    if issues:
        raise DataError(issues)


def _check_replace(name: str, published: list[PublishedEdition], options: PublishOptions) -> bool:
    exists = any(e.name == name for e in published)
    if exists and not options.replace:
        raise usage_error(
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
    entries = parse_versions(versions_json([version_entry(e) for e in out]))
    return [entry_of(e) for e in entries], moves


def default_edition(entries: list[PublishedEdition]) -> str | None:
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


# ---------------------------------------------------------------- directory target


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


def plan_edition(
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
    changes = describe_changes(load_snapshot(old), snap)
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


def build_plan(
    project: Project, loaded: Loaded, plan: _EditionPlan, out: Path, options: PublishOptions
) -> None:
    publication = Publication(plan.name, plan.previous, plan.changes, plan.entries)
    _build_edition(project, loaded, publication, out, plan.record, plan.snap, options.site_url)
    checkpoint("built")


def publish_to_dir(project: Project, target: Path, options: PublishOptions) -> PublishResult:
    """Publish the current data as an edition into the directory ``target``."""
    check_options(options)
    loaded = load_and_validate(project.data_dir)  # an edition is always parsed from source
    check_publishable(loaded)
    target.mkdir(parents=True, exist_ok=True)
    with target_lock(target / LOCK):
        checkpoint("locked")
        _roll_forward(target)
        _clean_stale(target)
        plan = plan_edition(
            loaded, read_published(target), options, lambda folder: read_bytes(target / folder)
        )
        name, entries = plan.name, plan.entries
        staging = Path(tempfile.mkdtemp(dir=target, prefix=STAGING_PREFIX))
        try:
            build_plan(project, loaded, plan, staging / "edition", options)
            moves = [["edition", name]]
            if plan.moves_latest:
                shutil.copytree(staging / "edition", staging / LATEST, symlinks=True)
                moves.append([LATEST, LATEST])
            log = _log(target, plan.record)
            (staging / LOG).write_bytes(log)
            (staging / "versions.json").write_bytes(
                versions_json([version_entry(e) for e in entries])
            )
            moves += [[LOG, LOG], ["versions.json", "versions.json"]]
            default = default_edition(entries)
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


# ---------------------------------------------------------------- verify and diff
