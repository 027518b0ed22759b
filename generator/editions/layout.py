"""How a publish target is laid out: the edition folders, their records, manifests and snapshots, and the files at the top."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from generator.editions.history import (
    PublishedEdition,
    Snapshot,
)
from generator.site.versions import (
    VersionEntry,
    parse_versions,
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


def entry_of(entry: VersionEntry) -> PublishedEdition:
    return PublishedEdition(
        entry.name,
        entry.title,
        entry.properties.get("status", "approved"),
        entry.aliases,
        entry.properties.get("effective_date") or None,
    )


def version_entry(edition: PublishedEdition) -> VersionEntry:
    props = {"status": edition.status}
    if edition.effective_date:
        props["effective_date"] = edition.effective_date
    return VersionEntry(edition.name, edition.title, edition.aliases, props)


def manifest_text(root: Path) -> str:
    """``sha256sum``-compatible lines for every file under ``root`` except the manifest."""
    lines = []
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel != MANIFEST:
            lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {rel}\n")
    return "".join(lines)


def load_snapshot(data: bytes | None) -> Snapshot | None:
    if data is None:
        return None
    loaded: Snapshot = json.loads(data.decode("utf-8"))
    return loaded


def read_published(target: Path) -> list[PublishedEdition]:
    """The editions listed in ``target/versions.json`` (empty if there is none)."""
    path = target / "versions.json"
    if not path.is_file():
        return []
    return [entry_of(e) for e in parse_versions(path.read_bytes())]


def read_bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.is_file() else None
