"""The ``handbook`` command: parses arguments, calls the pipeline, prints, and sets exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from generator import __version__
from generator.audience import Audience
from generator.bundle import bundle
from generator.dates import today
from generator.editions.publish import DEFAULT_SITE_URL
from generator.errors import (
    DataError,
    ExitCode,
    GeneratorError,
    Issue,
    Severity,
    UsageError,
    display_path,
    error,
    sorted_issues,
)
from generator.exports.wiki.layout import FLAVORS, default_folder
from generator.pipeline import (
    Generated,
    Loaded,
    build,
    generate,
    json_schema,
    load_and_validate,
)
from generator.pipeline import pdf as make_pdfs
from generator.pipeline import serve as serve_project
from generator.project import Project

if TYPE_CHECKING:
    from generator.exports.wiki.confluence_publish import Step

# Each command imports what only it needs when it runs (exports, publishing, the planner, the
# machine-readable reports), so ``generate`` and ``check`` start quickly.

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
    generate_cmd = sub.add_parser("generate", help="只產生頁面（build/docs），不建置網站")
    build_cmd = sub.add_parser("build", help="驗證、產生頁面並建置網站到 site/")
    build_cmd.add_argument("--pdf", action="store_true", help="同時產生 PDF 並放上網站首頁")
    build_cmd.add_argument(
        "--strict", action="store_true", help="有規則錯誤或警告時不建置網站，並以代碼 1 結束"
    )
    pack = sub.add_parser("bundle", help="建置離線版（file:// 可開啟、可搜尋）並打包成一個 zip")
    pack.add_argument(
        "--out", type=Path, help="zip 路徑（預設：build/bcp-handbook-<版次>-offline.zip）"
    )
    serve = sub.add_parser("serve", help="本機預覽，資料或模板變更時自動重新產生")
    serve.add_argument("--addr", default="127.0.0.1:8000", help="監聽位址（預設 127.0.0.1:8000）")
    pdf = sub.add_parser("pdf", help="產生整本手冊 PDF 與演練手冊 PDF（build/pdf/）")
    pdf.add_argument("--drill", help="另產生這次演練的演練手冊（演練識別碼）")
    pdf.add_argument("--year", type=int, help="另產生這一年全部演練的演練手冊")
    for command in (generate_cmd, build_cmd, serve, pdf):
        command.add_argument(
            "--audience",
            choices=[a.value for a in Audience],
            default=Audience.INTERNAL.value,
            help="internal：內部網站版，不含個人電話與住家地址（預設，輸出到 build/、site/）；"
            "restricted：限閱版，含全部資料並標示「限閱」（輸出到 build-restricted/、site-restricted/）",
        )
    drills = sub.add_parser("drills", help="演練計畫工具")
    drills_sub = drills.add_subparsers(dest="drills_command", required=True, metavar="ACTION")
    plan = drills_sub.add_parser(
        "plan", help="建議輪流演練排程，以 YAML 輸出到標準輸出（不寫入任何檔案）"
    )
    plan.add_argument("--years", type=int, default=2, help="規劃年數（預設 2）")
    plan.add_argument("--start", type=int, help="起始年度（預設：今天的下一年）")
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
    _export_parsers(sub)
    return parser


def _export_parsers(sub: Any) -> None:
    export = sub.add_parser("export", help="匯出手冊到其他平台（wiki）")
    targets = export.add_subparsers(dest="target", required=True, metavar="TARGET")
    wiki = targets.add_parser(
        "wiki", help="匯出為 GitLab、Gitea、Azure DevOps、Wiki.js 或 Confluence 格式"
    )
    wiki.add_argument("--flavor", choices=FLAVORS, required=True, help="wiki 種類")
    wiki.add_argument("--out", type=Path, help="寫入資料夾（整個資料夾會被取代）")
    wiki.add_argument("--push", metavar="GIT_URL", help="提交並推送到 git wiki 儲存庫")
    wiki.add_argument("--branch", help="推送的分支（預設：儲存庫目前分支）")
    wiki.add_argument("--folder", help="手冊在 wiki 中所擁有的資料夾或頁名前綴（預設：BCP手冊）")
    confluence = sub.add_parser("publish-confluence", help="建立或更新 Confluence 頁面")
    confluence.add_argument("--url", required=True, help="Confluence 網址")
    confluence.add_argument("--space", required=True, help="空間代碼（space key）")
    confluence.add_argument("--parent", help="上層頁面標題或頁面 ID（預設：空間最上層）")
    confluence.add_argument(
        "--token-env", default="CONFLUENCE_TOKEN", help="存放個人存取權杖的環境變數"
    )
    confluence.add_argument("--folder", help="頁面標題前綴（預設：BCP手冊）")
    confluence.add_argument("--dry-run", action="store_true", help="只列出計畫，不寫入")


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


def _exit_for(issues: Sequence[Issue], strict: bool) -> int:
    if any(i.severity is Severity.ERROR for i in issues):
        return ExitCode.DATA
    has_warnings = any(i.severity is Severity.WARNING for i in issues)
    return ExitCode.DATA if strict and has_warnings else ExitCode.OK


def _cmd_check_machine(project: Project, strict: bool, fmt: str) -> int:
    from generator.compliance.report import json_report, sarif_report

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


def _cmd_build(project: Project, with_pdf: bool, strict: bool = False) -> int:
    progress = _ProgressLine() if with_pdf else None
    result = build(project, with_pdf=with_pdf, progress=progress, strict=strict)
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


class _ProgressLine:
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


def _cmd_pdf(project: Project, drill: str | None, year: int | None) -> int:
    for path, pages in make_pdfs(project, drill=drill, year=year, progress=_ProgressLine()):
        print(f"已產生 {display_path(path)}（{pages} 頁）")
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


def _cmd_drills_plan(project: Project, years: int, start: int | None) -> int:
    from generator.drills.planner import plan as plan_drills
    from generator.drills.planner import plan_yaml

    if not 1 <= years <= 20:
        print("handbook: error[usage]: --years 須介於 1 與 20 之間", file=sys.stderr)
        return ExitCode.USAGE
    loaded = load_and_validate(project.data_dir)
    first = start if start is not None else today().year + 1
    proposals = plan_drills(loaded.firm, first, years)
    sys.stdout.write(
        f"# handbook drills plan：{first}–{first + years - 1} 年演練排程建議（未寫入任何檔案）。\n"
        "# 檢視後將需要的項目貼入 firm_data/drills-<年度>.yaml，並補上參與人員等資料。\n"
    )
    sys.stdout.write(plan_yaml(proposals))
    return ExitCode.OK


def _cmd_export_wiki(project: Project, args: argparse.Namespace) -> int:
    from generator.exports.wiki.commands import export_wiki_command

    if args.out is None and args.push is None:
        raise UsageError([error("wiki-target", "請指定 --out DIR 或 --push GIT_URL（可同時指定）")])
    if args.push is not None and args.flavor == "confluence":
        raise UsageError(
            [error("wiki-target", "Confluence 不是 git wiki；請改用 handbook publish-confluence")]
        )
    folder = args.folder or default_folder(args.flavor)
    outcome = export_wiki_command(project, args.flavor, folder, args.out, args.push, args.branch)
    edition = outcome.handbook.edition.number
    if outcome.out is not None:
        shown = display_path(outcome.out)
        print(f"已匯出 {args.flavor} wiki（版次 {edition}，{outcome.files} 個檔案）到 {shown}/")
    pushed = outcome.push
    if pushed is not None and pushed.commit is None:
        print(f"{pushed.url}（{pushed.branch}）已是版次 {edition} 的內容，未提交")
    elif pushed is not None and pushed.commit is not None:
        print(
            f"已推送版次 {edition} 到 {pushed.url}（{pushed.branch}）："
            f"提交 {pushed.commit[:12]}，變更 {len(pushed.changed)} 個檔案"
        )
    return ExitCode.OK


ACTIONS = {"create": "建立", "update": "更新", "unchanged": "不變"}


def _cmd_publish_confluence(project: Project, args: argparse.Namespace) -> int:
    from generator.exports.wiki.commands import publish_confluence_command
    from generator.exports.wiki.confluence_publish import Target

    token = os.environ.get(args.token_env, "")
    if not token:
        raise UsageError(
            [
                error(
                    "confluence-token",
                    f"環境變數 {args.token_env} 未設定 Confluence 個人存取權杖",
                    None,
                    "權杖只從環境變數讀取，不接受命令列參數。",
                )
            ]
        )
    target = Target(args.url.rstrip("/"), args.space, args.parent, token)
    folder = args.folder or default_folder("confluence")
    steps = publish_confluence_command(project, target, folder, args.dry_run)
    _print_plan(steps, args.dry_run)
    return ExitCode.OK


def _print_plan(steps: Sequence[Step], dry_run: bool) -> None:
    for step in steps:
        parent = f"（上層：{step.parent_title}）" if step.parent_title else ""
        print(f"{ACTIONS[step.action]}\t{step.title}{parent}")
    counts = {a: sum(1 for s in steps if s.action == a) for a in ACTIONS}
    summary = "、".join(f"{ACTIONS[a]} {n} 頁" for a, n in counts.items())
    print(("試執行，未寫入：" if dry_run else "Confluence 已發布：") + summary)


def _cmd_publish(project: Project, args: argparse.Namespace) -> int:
    from generator.editions.publish import PublishOptions, publish_to_dir
    from generator.editions.publish_git import publish_to_git

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
    from generator.editions.verify import diff_editions

    repo = args.repo or project.root
    first, second, lines = diff_editions(args.first, args.second, args.to, repo, args.branch)
    print(f"版次 {first} → {second}：")
    for line in lines:
        print(f"- {line}")
    return ExitCode.OK


def _cmd_verify(project: Project, args: argparse.Namespace) -> int:
    from generator.editions.verify import verify_dir, verify_git

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


def _cmd_generate(project: Project) -> int:
    _report(generate(project), project)
    return ExitCode.OK


def _cmd_serve(project: Project, addr: str) -> int:
    # The server reports through logging (address, rebuilds, data problems): show it.
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    serve_project(project, addr)
    return ExitCode.OK


Command = Callable[[Project, argparse.Namespace], int]
COMMANDS: dict[str, Command] = {
    "check": lambda p, a: _cmd_check(p, a.strict, a.format),
    "generate": lambda p, a: _cmd_generate(p),
    "build": lambda p, a: _cmd_build(p, a.pdf, a.strict),
    "pdf": lambda p, a: _cmd_pdf(p, a.drill, a.year),
    "drills": lambda p, a: _cmd_drills_plan(p, a.years, a.start),
    "export": _cmd_export_wiki,
    "publish-confluence": _cmd_publish_confluence,
    "bundle": lambda p, a: _cmd_bundle(p, a.out),
    "serve": lambda p, a: _cmd_serve(p, a.addr),
    "publish": _cmd_publish,
    "diff": _cmd_diff,
    "verify": _cmd_verify,
    "schema": lambda p, a: _cmd_schema(a.out),
}


def run(args: argparse.Namespace) -> int:
    """Dispatch one parsed command; GeneratorError propagates to ``main``."""
    audience = Audience(getattr(args, "audience", Audience.INTERNAL.value))
    project = Project.at(args.project, args.data if args.data else None, audience)
    return COMMANDS[args.command](project, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (``argv``, else the process's arguments) and report its errors; the exit
    code is returned."""
    return _reported(_parser().parse_args(argv))


def _reported(args: argparse.Namespace) -> int:
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


def console() -> NoReturn:
    """``handbook`` and ``python -m generator``."""
    sys.exit(main())
