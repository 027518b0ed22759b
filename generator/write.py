"""Write files only when their content changed; replace whole trees in one step."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Location, OutputError, error
from generator.load import display_path


@dataclass
class WriteReport:
    """What a sync of an output tree did."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _io_error(path: Path, exc: OSError) -> OutputError:
    shown = display_path(path)
    return OutputError(
        [error("io", f"無法寫入「{shown}」：{exc.strerror or exc}", Location(shown))]
    )


def write_if_changed(path: Path, content: bytes) -> bool:
    """Write ``content`` atomically unless the file already holds it; True if written."""
    try:
        if path.is_file() and path.read_bytes() == content:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        Path(tmp).chmod(0o666 & ~_umask())  # mkstemp makes 0600; published files must be readable
        Path(tmp).replace(path)
    except OSError as exc:
        raise _io_error(path, exc) from exc
    return True


def sync_tree(root: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Make ``root`` hold exactly ``files`` (relative posix path → bytes), touching only changes."""
    report = WriteReport()
    for rel in sorted(files):
        if write_if_changed(root / rel, files[rel]):
            report.written.append(rel)
        else:
            report.unchanged += 1
    if root.is_dir():
        for path in sorted(root.rglob("*"), reverse=True):
            rel = path.relative_to(root).as_posix()
            if path.is_file() and rel not in files:
                path.unlink()
                report.removed.append(rel)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return report


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` as relative posix path → bytes (empty if missing)."""
    if not root.is_dir():
        return {}
    out = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


@contextlib.contextmanager
def staged_dir(final: Path) -> Iterator[Path]:
    """A fresh directory beside ``final`` that replaces it only if the block succeeds."""
    final = final.resolve()
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.new-"))
    staging.chmod(0o777 & ~_umask())  # mkdtemp makes 0700; a web server must be able to read it
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = final.with_name(f".{final.name}.old")
    shutil.rmtree(old, ignore_errors=True)
    try:
        if final.exists():
            final.replace(old)
        staging.replace(final)
    except OSError as exc:
        raise _io_error(final, exc) from exc
    shutil.rmtree(old, ignore_errors=True)
