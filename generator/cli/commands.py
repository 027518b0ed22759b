"""One function per command: run it through the pipeline and say what happened."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from generator.bundle import bundle
from generator.cli.report import (
    ProgressLine,
    exit_code_for,
    firm_json,
    print_generated,
    print_issues,
    print_plan,
    summary,
    waived_note,
)
from generator.dates import today
from generator.errors import (
    DataError,
    ExitCode,
    Severity,
    UsageError,
    display_path,
    error,
)
from generator.exports.wiki.layout import default_folder
from generator.fields import MAX_DATE
from generator.outputs import (
    OutputKind,
    check_output,
    check_project_outputs,
    is_json_with_title,
)
from generator.pipeline import (
    build,
    generate,
    json_schema,
    load_and_validate,
)
from generator.pipeline import pdf as make_pdfs
from generator.pipeline import serve as serve_project
from generator.project import Project
from generator.write import write_if_changed

Command = Callable[[Project, argparse.Namespace], int]


def _cmd_check_machine(project: Project, strict: bool, fmt: str) -> int:
    from generator.compliance.report import json_report, sarif_report

    shown = display_path(project.data_dir)
    try:
        loaded = load_and_validate(project.data_dir)
        findings, issues, firm = loaded.findings, loaded.issues, firm_json(loaded)
        day = loaded.today
    except DataError as exc:
        findings, issues, firm, day = [], exc.issues, None, today()
    if fmt == "json":
        doc = json_report(shown, day, findings, issues, firm)
    else:
        doc = sarif_report(findings, issues)
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    return exit_code_for([*issues, *(f.to_issue() for f in findings)], strict)


def _cmd_check(project: Project, strict: bool, fmt: str = "text") -> int:
    if fmt != "text":
        return _cmd_check_machine(project, strict, fmt)
    loaded = load_and_validate(project.data_dir)
    issues = loaded.all_issues()
    print_issues(issues)
    firm = loaded.firm
    print(
        f"{display_path(project.data_dir)}：檢查完成，{summary(issues)}{waived_note(loaded)}"
        f"（{len(firm.businesses)} 項核心業務、{len(firm.core_systems())} 套核心系統、"
        f"{len(firm.scenarios)} 種風險情境、{len(firm.drills)} 次演練）"
    )
    return exit_code_for(issues, strict)


def _cmd_build(project: Project, with_pdf: bool, strict: bool = False) -> int:
    progress = ProgressLine() if with_pdf else None
    result = build(project, with_pdf=with_pdf, progress=progress, strict=strict)
    print_generated(result, project)
    site = display_path(project.site)
    print(f"網站已建置於 {site}/")
    errors = sum(1 for i in result.loaded.all_issues() if i.severity is Severity.ERROR)
    if errors:
        print(f"注意：有 {errors} 個規則錯誤，已列於網站的「合規總覽」頁（加 --strict 則不建置）")
    print(
        f"開啟方式：handbook serve，或 python3 -m http.server -d {site} 8000 後瀏覽 http://127.0.0.1:8000/"
    )
    return ExitCode.OK


def _cmd_pdf(project: Project, drill: str | None, year: int | None) -> int:
    for path, pages in make_pdfs(project, drill=drill, year=year, progress=ProgressLine()):
        print(f"已產生 {display_path(path)}（{pages} 頁）")
    return ExitCode.OK


def _cmd_bundle(project: Project, out: Path | None) -> int:
    result = bundle(project, out)
    print_generated(result.generated, project)
    size = result.path.stat().st_size / 1_000_000
    pdfs = "、".join(result.pdfs) if result.pdfs else "無（build/pdf/ 中沒有 PDF）"
    print(f"離線版網站已建置於 {display_path(project.offline_site)}/")
    print(
        f"離線包：{display_path(result.path)}（{result.files} 個檔案，{size:.1f} MB；PDF：{pdfs}）"
    )
    print("開啟方式：解壓縮後以瀏覽器開啟 index.html；檔案雜湊見 SHA256SUMS")
    return ExitCode.OK


def _cmd_schema(project: Project, out: Path | None) -> int:
    schema = json_schema()
    text = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    if out is None:
        sys.stdout.write(text)
    else:
        previous = is_json_with_title(str(schema.get("title")))
        check_output(project, out, OutputKind.FILE, "schema", previous)
        write_if_changed(out, text.encode("utf-8"))
        print(f"已寫入 {display_path(out)}")
    return ExitCode.OK


def _cmd_drills_plan(project: Project, years: int, start: int | None) -> int:
    from generator.drills.planner import plan_yaml
    from generator.drills.planner import propose_rotation as plan_drills

    first = start if start is not None else today().year + 1
    if first + years - 1 > MAX_DATE.year:
        span = f"{first}–{first + years - 1}"
        raise UsageError(
            [error("usage", f"規劃期間 {span} 年超過資料可用的最後一年 {MAX_DATE.year}")]
        )
    loaded = load_and_validate(project.data_dir)
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
    print_plan(steps, args.dry_run)
    return ExitCode.OK


def _cmd_publish(project: Project, args: argparse.Namespace) -> int:
    from generator.editions.publish import PublishOptions, publish_to_dir
    from generator.editions.publish_git import publish_to_git

    options = PublishOptions(args.replace, args.reason, args.site_url)
    if args.push and not args.remote:
        raise UsageError([error("usage", "--push 需要同時指定 --remote")])
    if args.to is not None:
        # A publish target is an existing, non-empty folder by design: only overlap is refused.
        check_output(project, args.to, OutputKind.TARGET, "publish")
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
    print_issues(issues)
    if issues:
        print(f"{shown}：檢查 {count} 個版次，發現 {len(issues)} 個問題")
        return ExitCode.DATA
    print(f"{shown}：{count} 個版次的所有檔案與 SHA-256 清單相符")
    return ExitCode.OK


def _cmd_generate(project: Project) -> int:
    print_generated(generate(project), project)
    return ExitCode.OK


def _cmd_serve(project: Project, addr: str) -> int:
    # The server reports through logging (address, rebuilds, data problems): show it.
    logging.basicConfig(level=logging.INFO, format="%(levelname)-7s -  %(message)s")
    serve_project(project, addr)
    return ExitCode.OK


def _writes_build(name: str, command: Command) -> Command:
    """``command`` after checking that the project's build/ and site/ hold no input (--data)."""

    def run(project: Project, args: argparse.Namespace) -> int:
        check_project_outputs(project, name)
        return command(project, args)

    return run


COMMANDS: dict[str, Command] = {
    "check": lambda p, a: _cmd_check(p, a.strict, a.format),
    "generate": _writes_build("generate", lambda p, a: _cmd_generate(p)),
    "build": _writes_build("build", lambda p, a: _cmd_build(p, a.pdf, a.strict)),
    "pdf": _writes_build("pdf", lambda p, a: _cmd_pdf(p, a.drill, a.year)),
    "drills": lambda p, a: _cmd_drills_plan(p, a.years, a.start),
    "export": _cmd_export_wiki,
    "publish-confluence": _cmd_publish_confluence,
    "bundle": _writes_build("bundle", lambda p, a: _cmd_bundle(p, a.out)),
    "serve": _writes_build("serve", lambda p, a: _cmd_serve(p, a.addr)),
    "publish": _writes_build("publish", _cmd_publish),
    "diff": _cmd_diff,
    "verify": _cmd_verify,
    "schema": lambda p, a: _cmd_schema(p, a.out),
}
