"""Outputs never destroy inputs: the one check every output path goes through before writing.

``check_output`` is called with every path the user names for writing (``export wiki --out``,
``bundle --out``, ``schema --out``, ``publish --to``) and with the project's own ``build/`` and
``site/`` (whose place follows ``--project`` and ``--data``), before anything is written. It
compares resolved paths (symlinks and ``..`` followed) as well as the paths as written, and
raises ``UsageError`` when writing could destroy an input:

* every kind: the path is, contains or lies inside the data folder, ``templates/``, ``docs/`` or
  ``mkdocs.yml``, is or contains the project root, or lies inside a ``.git`` folder
  (``output-overlaps-source``);
* a folder replaced as a whole (``FOLDER``): an existing file (``output-not-folder``), the top of
  a git work tree (``output-git-work-tree``), or a non-empty folder that is not a previous output
  of the same command (``output-not-ours``). Folders the tool writes carry ``MARKER``;
* one file (``FILE``): an existing folder (``output-is-folder``), or an existing file inside the
  project but outside ``build*/`` and ``site*/`` that is not a previous output of the same
  command (``output-not-ours``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from enum import StrEnum
from pathlib import Path

from generator.errors import Issue, Location, OutputError, UsageError, display_path, error
from generator.project import Project

# A folder made by the tool holds ``.handbook-output/<command>/``: empty folders, not a file, so
# the output's files are exactly what was exported (git does not track empty folders, so the
# mark does not travel when the export is copied into a wiki repository and committed).
MARKER = ".handbook-output"
OVERLAP = "output-overlaps-source"


class OutputKind(StrEnum):
    """How an output is written, which decides what may already be there."""

    FOLDER = "folder"  # a folder replaced as a whole (export wiki --out)
    FILE = "file"  # one file, replaced (bundle --out, schema --out)
    TARGET = "target"  # an existing folder written into (publish --to)
    FIXED = "fixed"  # the project's build/ and site/


_LABEL = {
    OutputKind.FOLDER: "輸出資料夾",
    OutputKind.FILE: "輸出檔案",
    OutputKind.TARGET: "發布目錄",
    OutputKind.FIXED: "輸出資料夾",
}
_HINT = {
    OutputKind.FOLDER: "請改用 build/ 之下、專案以外，或新建的空資料夾（例如 --out build/wiki）",
    OutputKind.FILE: "請改用 build/ 之下或專案以外的檔案路徑（例如 --out build/out.zip）",
    OutputKind.TARGET: "請把 --to 指向網頁伺服器的發布目錄，不可與專案、資料、templates/ 或 docs/ 重疊",
    OutputKind.FIXED: "請把 --data 指向 build/ 與 site/ 以外的資料夾",
}


def check_output(
    project: Project,
    path: Path,
    kind: OutputKind,
    command: str,
    previous: Callable[[Path], bool] | None = None,
) -> None:
    """Raise ``UsageError`` unless writing ``command``'s output at ``path`` leaves every input
    intact; ``previous`` tells a file this command wrote before (FILE outputs only)."""
    issue = _overlap(project, path, kind, command)
    if issue is None and kind is OutputKind.FOLDER:
        issue = _folder_issue(path, command)
    elif issue is None and kind is OutputKind.FILE:
        issue = _file_issue(project, path, command, previous)
    if issue is not None:
        raise UsageError([issue])


def check_project_outputs(project: Project, command: str) -> None:
    """The project's own ``build/`` and ``site/`` must not hold or be an input (``--data``)."""
    for folder in (project.build, project.site):
        check_output(project, folder, OutputKind.FIXED, command)


def mark_output(folder: Path, command: str) -> None:
    """Mark ``folder`` as ``command``'s output, so a later run of it may replace the folder."""
    (folder / MARKER / _slug(command)).mkdir(parents=True, exist_ok=True)


def is_marked(folder: Path, command: str) -> bool:
    """True when ``folder`` is an output that ``command`` made."""
    return (folder / MARKER / _slug(command)).is_dir()


def is_json_with_title(title: str) -> Callable[[Path], bool]:
    """Recogniser of a JSON Schema document titled ``title`` (``handbook schema``'s output)."""

    def recognise(path: Path) -> bool:
        try:
            doc = json.loads(path.read_bytes())
        except (OSError, ValueError):
            return False
        return isinstance(doc, dict) and doc.get("title") == title and "properties" in doc

    return recognise


def _shown(path: Path) -> str:
    """The path as the user wrote it, and where it really is when that differs (symlinks, ..)."""
    given, real = path.as_posix(), display_path(path.resolve()) or "."
    return f"「{given}」" if given == real else f"「{given}」（即「{real}」）"


def _slug(command: str) -> str:
    return command.replace(" ", "-")


def _forms(path: Path) -> set[Path]:
    """The path as written (absolute, ``..`` folded) and with every symlink followed."""
    # abspath folds ".." without following symlinks, unlike resolve(): both forms are checked.
    return {Path(os.path.abspath(path)), path.resolve()}  # noqa: PTH100


def _sources(project: Project) -> list[tuple[str, Path, bool]]:
    """(what it is, where, whether an output may not lie inside it) for every input."""
    named = [
        ("專案根目錄", project.root, False),
        ("資料目錄", project.data_dir, True),
        ("模板目錄", project.templates, True),
        ("手寫頁面目錄", project.docs, True),
        ("網站設定檔 mkdocs.yml", project.root / "mkdocs.yml", True),
    ]
    return [(what, form, inside) for what, place, inside in named for form in _forms(place)]


def _relation(candidate: Path, source: Path, inside: bool) -> str | None:
    if candidate == source:
        return "就是"
    if source.is_relative_to(candidate):
        return "包含"
    if inside and candidate.is_relative_to(source):
        return "位於"
    return None


def _overlap(project: Project, path: Path, kind: OutputKind, command: str) -> Issue | None:
    shown, label = _shown(path), _LABEL[kind]
    for candidate in sorted(_forms(path)):
        for what, source, inside in _sources(project):
            relation = _relation(candidate, source, inside)
            if relation is None:
                continue
            place = display_path(source) or "."
            where = f"{relation}{what}「{place}」" + ("之內" if relation == "位於" else "")
            victim = what if what.endswith(".yml") else f"{what}中的檔案"
            message = (
                f"{label}{shown}{where}；handbook {command} 會刪除或覆寫{victim}，"
                "已停止，未寫入任何檔案"
            )
            return error(OVERLAP, message, None, _HINT[kind])
        if ".git" in candidate.parts:
            message = (
                f"{label}{shown}位於 git 儲存庫的 .git 資料夾之內；handbook {command} "
                "會毀損該儲存庫，已停止，未寫入任何檔案"
            )
            return error(OVERLAP, message, None, _HINT[kind])
    return None


def _entries(folder: Path) -> list[str]:
    try:
        return sorted(entry.name for entry in folder.iterdir())
    except OSError as exc:
        where = display_path(folder)
        issue = error("io", f"無法讀取「{where}」：{exc.strerror or exc}", Location(where))
        raise OutputError([issue]) from exc


def _folder_issue(path: Path, command: str) -> Issue | None:
    shown, real = _shown(path), path.resolve()
    if real.exists() and not real.is_dir():
        return error(
            "output-not-folder",
            f"輸出路徑{shown}是一個檔案；handbook {command} 會以資料夾取代它，已停止",
            None,
            "請指定資料夾路徑（不存在、空的，或先前匯出的資料夾）",
        )
    if not real.is_dir():
        return None
    if (real / ".git").exists():
        return error(
            "output-git-work-tree",
            f"輸出資料夾{shown}是 git 工作目錄（含 .git），不是本工具建立的；"
            f"handbook {command} 會整個取代它，刪除其中的檔案與版本紀錄，已停止",
            None,
            "要更新 git wiki 請用 --push GIT_URL；要寫到資料夾請指定新的或空的資料夾",
        )
    entries = _entries(real)
    if entries and not is_marked(real, command):
        return error(
            "output-not-ours",
            f"輸出資料夾{shown}已存在且不是空的（{_count(entries)}），"
            f"也不是先前 handbook {command} 的輸出；整個取代會刪除這些內容，已停止",
            None,
            f"請指定新的或空的資料夾，或自行移走它；本工具只取代自己建立（含 {MARKER}/）的資料夾",
        )
    return None


def _count(entries: Iterable[str]) -> str:
    names = list(entries)
    shown = "、".join(names[:3]) + ("…" if len(names) > 3 else "")
    return f"{len(names)} 個項目：{shown}"


def _in_build_or_site(project: Project, path: Path) -> bool:
    """True when ``path`` (as written and resolved) lies in the project's output folders
    (``build*/``, ``site*/``)."""
    tops = {
        form.relative_to(root).parts[0]
        for root in _forms(project.root)
        for form in _forms(path)
        if form.is_relative_to(root) and form != root
    }
    return bool(tops) and all(top.startswith(("build", "site")) for top in tops)


def _inside_project(project: Project, path: Path) -> bool:
    return any(form.is_relative_to(root) for root in _forms(project.root) for form in _forms(path))


def _file_issue(
    project: Project, path: Path, command: str, previous: Callable[[Path], bool] | None
) -> Issue | None:
    shown, real = _shown(path), path.resolve()
    if real.is_dir():
        return error(
            "output-is-folder",
            f"輸出路徑{shown}是一個資料夾；handbook {command} 只寫一個檔案，不會以檔案取代資料夾",
            None,
            "請指定檔案路徑（例如 --out build/out.zip）",
        )
    exists = real.exists() or path.is_symlink()
    if not exists or not _inside_project(project, path) or _in_build_or_site(project, path):
        return None
    if previous is not None and real.is_file() and previous(real):
        return None
    return error(
        "output-not-ours",
        f"輸出檔案{shown}已存在於專案中，且不是先前 handbook {command} 的輸出；"
        "專案中 build/ 與 site/ 以外的檔案都視為來源，覆寫會毀損它，已停止",
        None,
        _HINT[OutputKind.FILE],
    )
