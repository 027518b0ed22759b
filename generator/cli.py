"""The ``handbook`` command: parses arguments, calls the pipeline, prints, and sets exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.errors import (
    ExitCode,
    GeneratorError,
    Issue,
    Severity,
    UsageError,
    error,
    sorted_issues,
)
from generator.load import display_path
from generator.pipeline import Generated, Project, build, generate, json_schema, load_and_validate
from generator.pipeline import serve as serve_project
from generator.publish import (
    DEFAULT_SITE_URL,
    PublishOptions,
    diff_editions,
    publish_to_dir,
    publish_to_git,
    verify_dir,
    verify_git,
)

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
    serve = sub.add_parser("serve", help="本機預覽，資料或模板變更時自動重新產生")
    serve.add_argument("--addr", default="127.0.0.1:8000", help="監聽位址（預設 127.0.0.1:8000）")
    publish = sub.add_parser("publish", help="把目前資料發布為一個版次（目錄或 git 分支）")
    _target_args(publish)
    publish.add_argument("--remote", help="git 遠端名稱（先同步該分支；與 --push 一起推送）")
    publish.add_argument("--push", action="store_true", help="發布後推送到 --remote")
    publish.add_argument(
        "--replace", action="store_true", help="取代已發布的同一版次（需 --reason）"
    )
    publish.add_argument("--reason", help="取代的理由（記錄於版次資料與發布紀錄）")
    publish.add_argument(
        "--site-url",
        default=DEFAULT_SITE_URL,
        help="發布目標在內網的網址（供版本選單與 sitemap 使用）",
    )
    diff = sub.add_parser("diff", help="列出兩個已發布版次之間的資料差異")
    diff.add_argument("first", metavar="EDITION_A")
    diff.add_argument("second", metavar="EDITION_B")
    _target_args(diff)
    verify = sub.add_parser("verify", help="以 SHA-256 清單檢查已發布的版次有無被更動")
    _target_args(verify)
    schema = sub.add_parser("schema", help="輸出資料格式的 JSON Schema")
    schema.add_argument("--out", type=Path, help="寫入檔案（預設：標準輸出）")
    return parser


def _target_args(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=Path, metavar="DIR", help="發布目錄（網頁伺服器的目錄）")
    where.add_argument("--branch", help="git 分支（以 mike 發布）")
    parser.add_argument("--repo", type=Path, help="git 儲存庫（預設：專案根目錄）")


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


def _cmd_schema(out: Path | None) -> int:
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        out.write_text(text, encoding="utf-8")
        print(f"已寫入 {display_path(out)}")
    return ExitCode.OK


def _cmd_publish(project: Project, args: argparse.Namespace) -> int:
    options = PublishOptions(args.replace, args.reason, args.site_url)
    if args.push and not args.remote:
        raise UsageError([error("usage", "--push 需要同時指定 --remote")])
    if args.to is not None:
        result = publish_to_dir(project, args.to, options)
    else:
        repo = args.repo or project.root
        result = publish_to_git(project, repo, args.branch, args.remote, args.push, options)
    verb = "已取代" if result.replaced else "已發布"
    print(f"{verb}版次 {result.name} 到 {result.target}")
    if args.replace:
        print(f"取代理由（已記錄）：{args.reason}")
    print(f"預設版次：{result.default or '（尚無已核定版次）'}")
    print(f"與前一版 {result.previous or '（無）'} 的差異：")
    for line in result.changes:
        print(f"  - {line}")
    return ExitCode.OK


def _cmd_diff(project: Project, args: argparse.Namespace) -> int:
    repo = args.repo or project.root
    first, second, lines = diff_editions(args.first, args.second, args.to, repo, args.branch)
    print(f"版次 {first} → {second}：")
    for line in lines:
        print(f"- {line}")
    return ExitCode.OK


def _cmd_verify(project: Project, args: argparse.Namespace) -> int:
    if args.to is not None:
        issues, count = verify_dir(args.to)
        shown = display_path(args.to)
    else:
        repo = args.repo or project.root
        issues, count = verify_git(repo, args.branch)
        shown = f"{display_path(repo)}:{args.branch}"
    _print_issues(issues)
    if issues:
        print(f"{shown}：檢查 {count} 個版次，發現 {len(issues)} 個問題")
        return ExitCode.DATA
    print(f"{shown}：{count} 個版次的所有檔案與 SHA-256 清單相符")
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
    if args.command == "serve":
        serve_project(project, args.addr)
        return ExitCode.OK
    if args.command == "publish":
        return _cmd_publish(project, args)
    if args.command == "diff":
        return _cmd_diff(project, args)
    if args.command == "verify":
        return _cmd_verify(project, args)
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
