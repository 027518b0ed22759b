"""The command line: every command, its options and their help, in zh-TW."""

from __future__ import annotations

import argparse
import ipaddress
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from generator import __version__
from generator.audience import Audience
from generator.editions.publish import DEFAULT_SITE_URL
from generator.errors import (
    ExitCode,
)
from generator.exports.wiki.layout import FLAVORS
from generator.fields import FORBIDDEN_CHARS, MAX_DATE, MIN_DATE, forbidden_char_text

DESCRIPTION = "由公司的 YAML 資料產生業務持續計畫手冊（MkDocs 網站）。"


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"handbook: error[usage]: {message}", file=sys.stderr)
        raise SystemExit(ExitCode.USAGE)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extra = super().parse_known_args(args, namespace)
        for name, value in vars(parsed).items():
            found = FORBIDDEN_CHARS.search(str(value)) if isinstance(value, str | Path) else None
            if found:  # NUL, control characters, undecodable bytes (lone surrogates)…
                self.error(f"參數 {name}：{forbidden_char_text(found.group())}")
        return parsed, extra


def bounded_int(low: int, high: int, what: str) -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"\s*[+-]?\d{1,9}\s*", text) or not low <= int(text) <= high:
            raise argparse.ArgumentTypeError(f"{what}須為 {low} 至 {high} 的整數，而不是「{text}」")
        return int(text)

    return parse


YEAR = bounded_int(MIN_DATE.year, MAX_DATE.year, "年度")


def address(text: str) -> str:
    """An argparse type: ``HOST:PORT`` as MkDocs takes it (an IP address or localhost)."""
    host, _, port = text.rpartition(":")
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        if bare != "localhost":
            ipaddress.ip_address(bare)
        if re.fullmatch(r"\d{1,5}", port) and 1 <= int(port) <= 65535:
            return text
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f"「{text}」不是「IP 位址:埠」（埠為 1 至 65535），例如 127.0.0.1:8000 或 localhost:8000"
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(prog="handbook", description=DESCRIPTION)
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
    serve.add_argument(
        "--addr", type=address, default="127.0.0.1:8000", help="監聽位址（預設 127.0.0.1:8000）"
    )
    pdf = sub.add_parser("pdf", help="產生整本手冊 PDF 與演練手冊 PDF（build/pdf/）")
    pdf.add_argument("--drill", help="另產生這次演練的演練手冊（演練識別碼）")
    pdf.add_argument("--year", type=YEAR, help="另產生這一年全部演練的演練手冊")
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
    plan.add_argument(
        "--years", type=bounded_int(1, 20, "規劃年數"), default=2, help="規劃年數（1–20，預設 2）"
    )
    plan.add_argument(
        "--start",
        type=YEAR,
        help=f"起始年度（{MIN_DATE.year}–{MAX_DATE.year}，預設：今天的下一年）",
    )
    publish = sub.add_parser("publish", help="把目前資料發布為一個版次（目錄或 git 分支）")
    target_args(publish)
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
    target_args(diff)
    verify = sub.add_parser("verify", help="以 SHA-256 清單檢查已發布的版次有無被更動")
    target_args(verify)
    schema = sub.add_parser("schema", help="輸出資料格式的 JSON Schema")
    schema.add_argument("--out", type=Path, help="寫入檔案（預設：標準輸出）")
    export_parsers(sub)
    return parser


def export_parsers(sub: Any) -> None:
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


def target_args(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--to", type=Path, metavar="DIR", help="發布目錄（網頁伺服器的目錄）")
    where.add_argument("--branch", help="git 分支（以 mike 發布）")
    parser.add_argument("--repo", type=Path, help="git 儲存庫（預設：專案根目錄）")
