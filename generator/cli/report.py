"""What the command line prints: issues, summaries, progress, exit codes."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from generator.errors import (
    ExitCode,
    Issue,
    Severity,
    display_path,
    sorted_issues,
)
from generator.pipeline import (
    Generated,
    Loaded,
)
from generator.project import Project

if TYPE_CHECKING:
    from generator.exports.wiki.confluence_publish import PageChange


def print_issues(issues: Sequence[Issue]) -> None:
    for issue in sorted_issues(list(issues)):
        print(issue.format(), file=sys.stderr)


def summary(issues: Sequence[Issue]) -> str:
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = sum(1 for i in issues if i.severity is Severity.WARNING)
    return f"{errors} 個錯誤、{warnings} 個警告"


def exit_code_for(issues: Sequence[Issue], strict: bool) -> int:
    if any(i.severity is Severity.ERROR for i in issues):
        return ExitCode.DATA
    has_warnings = any(i.severity is Severity.WARNING for i in issues)
    return ExitCode.DATA if strict and has_warnings else ExitCode.OK


def firm_json(loaded: Loaded) -> dict[str, str]:
    firm = loaded.firm.firm
    return {"name": firm.name, "category": firm.category.value, "edition": firm.edition.number}


def waived_note(loaded: Loaded) -> str:
    count = sum(1 for f in loaded.findings if f.waiver)
    return f"、{count} 項已豁免" if count else ""


def print_generated(result: Generated, project: Project) -> None:
    print_issues(result.loaded.all_issues())
    report = result.report
    print(
        f"已產生 {result.pages} 個頁面：寫入 {len(report.written)} 個、未變更 {report.unchanged} 個、"
        f"移除 {len(report.removed)} 個（{display_path(project.build / 'docs')}）"
    )


class ProgressLine:
    """Pages laid out so far, on one updating line on a terminal, every 20 pages otherwise."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self.last = 0

    def __call__(self, stage: str, done: int, total: int | None) -> None:
        name, _, step = stage.partition(":")
        if step == "write":
            text = f"{name}：寫入 PDF（共 {done} 頁）"
        else:
            text = f"{name}：排版第 {done} 頁" + (f"／共 {total} 頁" if total else "")
        if self.tty:
            print(
                f"\r\x1b[2K{text}", end="\n" if step == "write" else "", file=sys.stderr, flush=True
            )
        elif step == "write" or done - self.last >= 20:
            print(text, file=sys.stderr, flush=True)
            self.last = done if step != "write" else 0


ACTIONS = {"create": "建立", "update": "更新", "unchanged": "不變"}


def print_plan(steps: Sequence[PageChange], dry_run: bool) -> None:
    for step in steps:
        parent = f"（上層：{step.parent_title}）" if step.parent_title else ""
        print(f"{ACTIONS[step.action]}\t{step.title}{parent}")
    counts = {a: sum(1 for s in steps if s.action == a) for a in ACTIONS}
    summary = "、".join(f"{ACTIONS[a]} {n} 頁" for a, n in counts.items())
    print(("試執行，未寫入：" if dry_run else "Confluence 已發布：") + summary)
