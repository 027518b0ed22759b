"""The ``handbook`` command: parses arguments, calls the pipeline, prints, and sets exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.errors import ExitCode, GeneratorError, Issue, Severity, sorted_issues
from generator.load import display_path
from generator.pipeline import (
    Generated,
    Project,
    build,
    bundle,
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
    sub.add_parser("generate", help="只產生頁面（build/docs），不建置網站")
    sub.add_parser("build", help="驗證、產生頁面並建置網站到 site/")
    pack = sub.add_parser("bundle", help="建置離線版（file:// 可開啟、可搜尋）並打包成一個 zip")
    pack.add_argument(
        "--out", type=Path, help="zip 路徑（預設：build/bcp-handbook-<版次>-offline.zip）"
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


def _cmd_check(project: Project, strict: bool) -> int:
    loaded = load_and_validate(project.data_dir)
    issues = loaded.all_issues()
    _print_issues(issues)
    firm = loaded.firm
    print(
        f"{display_path(project.data_dir)}：檢查完成，{_summary(issues)}"
        f"（{len(firm.businesses)} 項核心業務、{len(firm.core_systems())} 套核心系統、"
        f"{len(firm.scenarios)} 種風險情境、{len(firm.drills)} 次演練）"
    )
    if any(i.severity is Severity.ERROR for i in issues):
        return ExitCode.DATA
    has_warnings = any(i.severity is Severity.WARNING for i in issues)
    return ExitCode.DATA if strict and has_warnings else ExitCode.OK


def _report(result: Generated, project: Project) -> None:
    _print_issues(result.loaded.all_issues())
    report = result.report
    print(
        f"已產生 {result.pages} 個頁面：寫入 {len(report.written)} 個、未變更 {report.unchanged} 個、"
        f"移除 {len(report.removed)} 個（{display_path(project.build / 'docs')}）"
    )


def _cmd_build(project: Project) -> int:
    result = build(project)
    _report(result, project)
    site = display_path(project.site)
    print(f"網站已建置於 {site}/")
    print(
        f"開啟方式：handbook serve，或 python3 -m http.server -d {site} 8000 後瀏覽 http://127.0.0.1:8000/"
    )
    return ExitCode.OK


def _cmd_bundle(project: Project, out: Path | None) -> int:
    result = bundle(project, out)
    _report(result.generated, project)
    size = result.path.stat().st_size / 1_000_000
    pdfs = "、".join(result.pdfs) if result.pdfs else "無（build/pdf/ 中沒有 PDF）"
    print(f"離線版網站已建置於 {display_path(project.offline_site)}/")
    print(
        f"離線包：{display_path(result.path)}（{result.files} 個檔案，{size:.1f} MB；PDF：{pdfs}）"
    )
    print("開啟方式：解壓縮後以瀏覽器開啟 index.html；檔案雜湊見 SHA256SUMS")
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
        return _cmd_check(project, args.strict)
    if args.command == "generate":
        _report(generate(project), project)
        return ExitCode.OK
    if args.command == "build":
        return _cmd_build(project)
    if args.command == "bundle":
        return _cmd_bundle(project, args.out)
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
