"""Write files only when their content changed; replace whole trees in one step."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import Location, OutputError, display_path, error


@dataclass
class WriteReport:
    """What a sync of an output tree did."""

    written: list[str] = field(default_factory=list)
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)


@functools.cache
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
        if _holds(path, content):
            return False
        _replace_in_folder(path, content)
    except OSError as exc:
        raise _io_error(path, exc) from exc
    return True


def _replace_in_folder(path: Path, content: bytes) -> None:
    """``replace_atomically``, making the folder first when it is missing (checking for it on
    every write costs more than this)."""
    try:
        replace_atomically(path, content)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        replace_atomically(path, content)


def replace_atomically(path: Path, content: bytes) -> None:
    """Write ``content`` to a temporary file beside ``path``, then rename it over ``path``.

    Readers (MkDocs, a web server, another run) see the old file or the new one, never half of
    it; the new file gets the usual permissions (0666 less the umask). Raises OSError.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        fresh = False
    except FileExistsError:  # left by a run that was killed: pick a fresh name
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        tmp, fresh = Path(name), True
    try:
        with os.fdopen(fd, "wb") as handle:
            if fresh:
                tmp.chmod(0o666 & ~_umask())  # mkstemp makes 0600
            handle.write(content)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def sync_tree(root: Path, files: Mapping[str, bytes]) -> WriteReport:
    """Make ``root`` hold exactly ``files`` (relative posix path → bytes), touching only changes."""
    report = WriteReport()
    for rel in sorted(files):
        if write_if_changed(root / rel, files[rel]):
            report.written.append(rel)
        else:
            report.unchanged += 1
    for folder, _, names in os.walk(root, topdown=False):  # a folder after what is inside it
        here = Path(folder)
        prefix = here.relative_to(root).as_posix() + "/" if here != root else ""
        for name in names:
            if prefix + name not in files:
                (here / name).unlink()
                report.removed.append(prefix + name)
        if here != root and not any(here.iterdir()):
            here.rmdir()
    report.removed.sort(reverse=True)
    return report


def _holds(path: Path, content: bytes) -> bool:
    """True when the file at ``path`` holds exactly ``content`` (read only if the size agrees)."""
    try:
        if not stat.S_ISREG((info := path.stat()).st_mode) or info.st_size != len(content):
            return False
        return path.read_bytes() == content
    except (FileNotFoundError, NotADirectoryError):
        return False


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
