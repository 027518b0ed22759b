"""Locations, issues and the error hierarchy shared by every stage of the pipeline."""

from __future__ import annotations

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
