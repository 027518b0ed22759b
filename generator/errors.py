"""Locations, issues and the error hierarchy shared by every stage of the pipeline."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from pathlib import Path


def display_path(path: Path) -> str:
    """Path as shown in messages: relative to the working directory when possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class ExitCode(IntEnum):
    """Process exit codes; the CLI maps every GeneratorError to one of these."""

    OK = 0
    DATA = 1
    USAGE = 2
    TEMPLATE = 3
    IO = 4


class Severity(StrEnum):
    """How serious an issue is."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file; line and column are 1-based."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Issue:
    """One problem found in the firm's data or templates, with where it is."""

    severity: Severity
    code: str
    message: str
    location: Location | None = None
    hint: str | None = None
    related: tuple[Location, ...] = ()

    def format(self) -> str:
        """Compiler-style text: ``path:line:col: error[code]: message``, related places, hint."""
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity}[{self.code}]: {self.message}"
        for place in self.related:
            text += f"\n    另見 {place}"
        if self.hint:
            text += f"\n    提示：{self.hint}"
        return text

    def sort_key(self) -> tuple[str, int, int, str]:
        """Order issues by file, line, column, then code."""
        loc = self.location or Location("")
        return (loc.path, loc.line, loc.column, self.code)


def sorted_issues(issues: list[Issue]) -> list[Issue]:
    """Issues in reading order, duplicates removed."""
    unique = list(dict.fromkeys(issues))
    return sorted(unique, key=Issue.sort_key)


@dataclass
class GeneratorError(Exception):
    """Base of every error the CLI turns into a message and an exit code."""

    issues: list[Issue] = field(default_factory=list)
    exit_code: ExitCode = ExitCode.DATA

    def __str__(self) -> str:
        return "\n".join(issue.format() for issue in self.issues)


class DataError(GeneratorError):
    """The firm's data cannot be loaded or is invalid."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues, ExitCode.DATA)


class TemplateError(GeneratorError):
    """A template failed to load or render."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues, ExitCode.TEMPLATE)


class OutputError(GeneratorError):
    """Files could not be read or written, or the site engine failed."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues, ExitCode.IO)


class UsageError(GeneratorError):
    """The command line asks for something impossible."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(issues, ExitCode.USAGE)


def error(
    code: str, message: str, location: Location | None = None, hint: str | None = None
) -> Issue:
    """Shorthand for an error-severity issue."""
    return Issue(Severity.ERROR, code, message, location, hint)


def warning(
    code: str, message: str, location: Location | None = None, hint: str | None = None
) -> Issue:
    """Shorthand for a warning-severity issue."""
    return Issue(Severity.WARNING, code, message, location, hint)


MAX_FILE_BYTES = 64 * 1024 * 1024
"""Largest data or template file read: they are written by hand."""

_FILE_KINDS = (
    (stat.S_ISDIR, "資料夾"),
    (stat.S_ISFIFO, "具名管道（FIFO）"),
    (stat.S_ISSOCK, "通訊端（socket）"),
    (stat.S_ISCHR, "字元裝置"),
    (stat.S_ISBLK, "區塊裝置"),
)


class UnsafeFile(Exception):
    """A path that is not read: not a regular file, too large, or a link out of its folder."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code, self.message, self.hint = code, message, hint

    def issue(self, shown: str) -> Issue:
        """The error, at the start of the file as the folder names it."""
        return error(self.code, self.message, Location(shown, 1, 1), self.hint)


def read_regular_file(path: Path, root: Path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, which must be a regular file inside ``root`` (after symlinks).

    A FIFO, socket, device or folder is refused before it is opened (reading a FIFO would wait
    forever), and so is a symlink that leads out of ``root``. Raises ``UnsafeFile`` or
    ``OSError``.
    """
    target = path.resolve(strict=True)
    if not target.is_relative_to(root.resolve(strict=True)):
        raise UnsafeFile(
            "symlink-outside",
            f"「{path.name}」是指向資料夾之外（{target}）的符號連結，不予讀取",
            "請把檔案本身放進資料夾，而不是放連結。",
        )
    _require_regular(path, target.stat().st_mode)
    fd = os.open(target, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())  # the file opened is the file checked
        _require_regular(path, info.st_mode)
        if info.st_size > limit:
            raise UnsafeFile(
                "file-too-large",
                f"「{path.name}」過大（{info.st_size:,} 位元組，上限 {limit:,}）",
                "資料檔是手寫的 YAML；請確認放進資料夾的是正確的檔案。",
            )
        return handle.read(limit + 1)


def _require_regular(path: Path, mode: int) -> None:
    if stat.S_ISREG(mode):
        return
    kind = next((name for test, name in _FILE_KINDS if test(mode)), "特殊檔案")
    raise UnsafeFile(
        "not-a-regular-file",
        f"「{path.name}」不是一般檔案（是{kind}），不予讀取",
        "資料夾中只讀取一般檔案；請移除或改名這個項目。",
    )


def offset_location(shown: str, text: str, offset: int) -> Location:
    """The line and column of character ``offset`` of ``text``."""
    line = text.count("\n", 0, offset) + 1
    return Location(shown, line, offset - text.rfind("\n", 0, offset))
