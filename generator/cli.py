"""The ``handbook`` command: parses arguments, calls the pipeline, prints, and sets exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.checks.core import today
from generator.checks.report import json_report, sarif_report
from generator.errors import DataError, ExitCode, GeneratorError, Issue, Severity, sorted_issues
from generator.load import display_path
from generator.pipeline import (
    Generated,
    Loaded,
    Project,
    build,
    generate,
    json_schema,
    load_and_validate,
)
from generator.pipeline import serve as serve_project

DESCRIPTION = "由公司的 YAML 資料產生業務持續計畫手冊（MkDocs 網站）。"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"handbook: error[usage]: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="handbook", description=DESCRIPTION)
    parser.add_argument("--version", action="version", version=f"handbook {__version__}")
    parser.add_argument("--debug", action="store_true", help="出錯時顯示完整 traceback")
    parser.add_argument("--project", type=Path, default=Path(), help="專案根目錄（預設：目前目錄）")
    parser.add_argument("--data", type=Path, help="資料目錄（預設：<專案>/firm_data）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = sub.add_parser("check", help="驗證資料並列出所有問題")
    check.add_argument("--strict", action="store_true", help="有警告也視為失敗")
    check.add_argument(
        "--format",
        choices=("text", "json", "sarif"),
        default="text",
        help="輸出格式：text（預設，寫到標準錯誤）、json 或 sarif（寫到標準輸出）",
    )
    sub.add_parser("generate", help="只產生頁面（build/docs），不建置網站")
    build_cmd = sub.add_parser("build", help="驗證、產生頁面並建置網站到 site/")
    build_cmd.add_argument(
        "--strict", action="store_true", help="有規則錯誤或警告時不建置網站，並以代碼 1 結束"
    )
    serve = sub.add_parser("serve", help="本機預覽，資料或模板變更時自動重新產生")
    serve.add_argument("--addr", default="127.0.0.1:8000", help="監聽位址（預設 127.0.0.1:8000）")
    schema = sub.add_parser("schema", help="輸出資料格式的 JSON Schema")
    schema.add_argument("--out", type=Path, help="寫入檔案（預設：標準輸出）")
    return parser


def _print_issues(issues: Sequence[Issue]) -> None:
    for issue in sorted_issues(list(issues)):
        print(issue.format(), file=sys.stderr)


def _summary(issues: Sequence[Issue]) -> str:
    errors = sum(1 for i in issues if i.severity is Severity.ERROR)
    warnings = sum(1 for i in issues if i.severity is Severity.WARNING)
    return f"{errors} 個錯誤、{warnings} 個警告"


def _exit_for(issues: Sequence[Issue], strict: bool) -> int:
    if any(i.severity is Severity.ERROR for i in issues):
        return ExitCode.DATA
    has_warnings = any(i.severity is Severity.WARNING for i in issues)
    return ExitCode.DATA if strict and has_warnings else ExitCode.OK


def _cmd_check_machine(project: Project, strict: bool, fmt: str) -> int:
    shown = display_path(project.data_dir)
    try:
        loaded = load_and_validate(project.data_dir)
        findings, issues, firm = loaded.findings, loaded.issues, _firm_json(loaded)
        day = loaded.today
    except DataError as exc:
        findings, issues, firm, day = [], exc.issues, None, today()
    if fmt == "json":
        doc = json_report(shown, day, findings, issues, firm)
    else:
        doc = sarif_report(findings, issues)
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return _exit_for([*issues, *(f.to_issue() for f in findings)], strict)


def _firm_json(loaded: Loaded) -> dict[str, str]:
    firm = loaded.firm.firm
    return {"name": firm.name, "category": firm.category.value, "edition": firm.edition.number}


def _cmd_check(project: Project, strict: bool, fmt: str = "text") -> int:
    if fmt != "text":
        return _cmd_check_machine(project, strict, fmt)
    loaded = load_and_validate(project.data_dir)
    issues = loaded.all_issues()
    _print_issues(issues)
    firm = loaded.firm
    print(
        f"{display_path(project.data_dir)}：檢查完成，{_summary(issues)}{_waived(loaded)}"
        f"（{len(firm.businesses)} 項核心業務、{len(firm.core_systems())} 套核心系統、"
        f"{len(firm.scenarios)} 種風險情境、{len(firm.drills)} 次演練）"
    )
    return _exit_for(issues, strict)


def _waived(loaded: Loaded) -> str:
    count = sum(1 for f in loaded.findings if f.waiver)
    return f"、{count} 項已豁免" if count else ""


def _report(result: Generated, project: Project) -> None:
    _print_issues(result.loaded.all_issues())
    report = result.report
    print(
        f"已產生 {result.pages} 個頁面：寫入 {len(report.written)} 個、未變更 {report.unchanged} 個、"
        f"移除 {len(report.removed)} 個（{display_path(project.build / 'docs')}）"
    )


def _cmd_build(project: Project, strict: bool = False) -> int:
    result = build(project, strict)
    _report(result, project)
    site = display_path(project.site)
    print(f"網站已建置於 {site}/")
    errors = sum(1 for i in result.loaded.all_issues() if i.severity is Severity.ERROR)
    if errors:
        print(f"注意：有 {errors} 個規則錯誤，已列於網站的「合規總覽」頁（加 --strict 則不建置）")
    print(
        f"開啟方式：handbook serve，或 python3 -m http.server -d {site} 8000 後瀏覽 http://127.0.0.1:8000/"
    )
    return ExitCode.OK


def _cmd_schema(out: Path | None) -> int:
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(f"已寫入 {display_path(out)}")
    return ExitCode.OK


def run(args: argparse.Namespace) -> int:
    """Dispatch one parsed command; GeneratorError propagates to ``main``."""
    project = Project.at(args.project, args.data if args.data else None)
    if args.command == "check":
        return _cmd_check(project, args.strict, args.format)
    if args.command == "generate":
        _report(generate(project), project)
        return ExitCode.OK
    if args.command == "build":
        return _cmd_build(project, args.strict)
    if args.command == "serve":
        serve_project(project, args.addr)
        return ExitCode.OK
    return _cmd_schema(args.out)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``handbook`` and ``python -m generator``."""
    args = _parser().parse_args(argv)
    try:
        return run(args)
    except GeneratorError as exc:
        if args.debug:
            raise
        _print_issues(exc.issues)
        print(f"handbook: 失敗，{_summary(exc.issues)}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.USAGE)
    except OSError as exc:
        if args.debug:
            raise
        print(f"handbook: error[io]: {exc}", file=sys.stderr)
        return int(ExitCode.IO)
