"""Printed handbook: the rendered Markdown pages as one paged HTML document, then a PDF.

The print document is built from the generated Markdown (not from the MkDocs site), so it does
not depend on the site engine. WeasyPrint lays it out: A4, a cover, a table of contents with page
numbers (``target-counter``), PDF bookmarks following the navigation, and the edition,
classification and 「第 N 頁，共 M 頁」 on every page.
"""

from __future__ import annotations

import logging
import posixpath
import re
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import markupsafe

from generator.errors import Location, OutputError, error
from generator.model import FirmData
from generator.render import format_date

Progress = Callable[[str, int, int | None], None]
MARKDOWN_EXTENSIONS = ["tables", "attr_list", "abbr", "admonition", "md_in_html", "sane_lists"]
FONT_FAMILY = "Noto Sans CJK TC"
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
_ID_ATTR = re.compile(r'\sid="([^"]+)"')
_HREF_ATTR = re.compile(r'\shref="([^"]*)"')
_PAGE_STEP = re.compile(r"Step 5 - Creating layout - Page (\d+)")


@dataclass(frozen=True)
class PrintPage:
    """One handbook page to print: its place in the site, title and Markdown."""

    dest: str
    title: str
    markdown: str
    part: str = ""


@dataclass(frozen=True)
class PrintJob:
    """A document to print: which pages, under which title, into which file name."""

    name: str
    title: str
    subtitle: str
    pages: list[PrintPage]


def page_slug(dest: str) -> str:
    """``systems/oms.md`` → ``systems-oms``: the id of a page inside the print document."""
    return dest.removesuffix(".md").replace("/", "-")


def markdown_to_html(source: str) -> str:
    """One page's Markdown (front matter removed) as HTML."""
    body = _FRONT_MATTER.sub("", source, count=1)
    import markdown  # only printing converts Markdown itself

    return str(markdown.markdown(body, extensions=MARKDOWN_EXTENSIONS))


def _rewrite_links(html: str, dest: str, known: set[str]) -> str:
    """Prefix ids with the page slug and point links between pages at in-document anchors."""
    slug = page_slug(dest)
    html = _ID_ATTR.sub(lambda m: f' id="{slug}--{m.group(1)}"', html)

    def href(match: re.Match[str]) -> str:
        target = match.group(1)
        path, _, anchor = target.partition("#")
        if not path:
            return f' href="#{slug}--{anchor}"'
        if "://" in path or not path.endswith(".md"):
            return match.group(0)
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(dest), path))
        if resolved not in known:
            return match.group(0)
        other = page_slug(resolved)
        return f' href="#{other}--{anchor}"' if anchor else f' href="#{other}"'

    return _HREF_ATTR.sub(href, html)


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


def page_css(firm: FirmData) -> str:
    """The per-firm part of the print stylesheet: running footer and draft marker."""
    edition = firm.firm.edition
    style = firm.firm.date_style
    footer = (
        f"{firm.firm.classification}｜{firm.firm.short_name}業務持續計畫手冊｜"
        f"版次 {edition.number}｜生效日期 {format_date(edition.effective_date, style)}"
    )
    draft = '@top-center { content: "草案（未核定）"; color: #b00020; font-weight: bold; }'
    return (
        "@page {\n"
        f"  @bottom-left {{ content: {_css_string(footer)}; }}\n"
        '  @bottom-right { content: "第 " counter(page) " 頁，共 " counter(pages) " 頁"; }\n'
        f"  {draft if edition.status == 'draft' else ''}\n"
        "}\n"
    )


def _cover(firm: FirmData, job: PrintJob) -> str:
    f = firm.firm
    e = f.edition
    style = f.date_style
    rows = [
        ("版次", f"{e.number}" + (f"（{e.title}）" if e.title else "")),
        ("狀態", "已核定" if e.status == "approved" else "草案（未核定）"),
        ("生效日期", format_date(e.effective_date, style)),
        ("核定人", e.approved_by or "—"),
        ("核定日期", format_date(e.approval_date, style)),
        ("核定依據", e.approval_ref or "—"),
        ("機密等級", f.classification),
    ]
    cells = "".join(
        f"<tr><th>{markupsafe.escape(k)}</th><td>{markupsafe.escape(v)}</td></tr>" for k, v in rows
    )
    return (
        '<section class="bcp-cover">'
        f'<p class="bcp-cover-firm">{markupsafe.escape(f.name)}</p>'
        f'<h1 class="bcp-cover-title">{markupsafe.escape(job.title)}</h1>'
        f'<p class="bcp-cover-sub">{markupsafe.escape(job.subtitle)}</p>'
        f'<table class="bcp-cover-table">{cells}</table>'
        "</section>"
    )


def _toc(job: PrintJob) -> str:
    items: list[str] = []
    part = None
    for page in job.pages:
        if page.part != part and page.part:
            items.append(f'<li class="bcp-toc-part">{markupsafe.escape(page.part)}</li>')
        part = page.part
        cls = "bcp-toc-page nested" if page.part else "bcp-toc-page"
        link = f'<a href="#{page_slug(page.dest)}">{markupsafe.escape(page.title)}</a>'
        items.append(f'<li class="{cls}">{link}</li>')
    return f'<nav class="bcp-toc"><h1>目錄</h1><ol>{"".join(items)}</ol></nav>'


def assemble(firm: FirmData, job: PrintJob, css: str) -> str:
    """The whole print document as HTML."""
    known = {page.dest for page in job.pages}
    parts: list[str] = [_cover(firm, job), _toc(job)]
    part = None
    for page in job.pages:
        body = _rewrite_links(markdown_to_html(page.markdown), page.dest, known)
        if page.part and page.part != part:
            label = markupsafe.escape(page.part)
            body = f'<div class="bcp-part" data-title="{label}"></div>{body}'
        part = page.part
        level = "in-part" if page.part else "top"
        parts.append(
            f'<section class="bcp-page {level}" id="{page_slug(page.dest)}">{body}</section>'
        )
    title = markupsafe.escape(f"{firm.firm.short_name}{job.title}")
    return (
        '<!DOCTYPE html><html lang="zh-TW"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{css}\n{page_css(firm)}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )


def check_engine() -> None:
    """Fail clearly, naming what to install, when the PDF engine or the CJK fonts are missing."""
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        raise OutputError(
            [
                error(
                    "pdf-engine-missing",
                    f"無法載入 PDF 排版引擎 WeasyPrint：{exc}",
                    None,
                    "執行 make site 安裝 Python 套件，並以 apt-get install libpango-1.0-0 "
                    "libpangoft2-1.0-0 libharfbuzz-subset0 安裝 Debian 套件",
                )
            ]
        ) from exc
    if not _has_font(FONT_FAMILY):
        raise OutputError(
            [
                error(
                    "pdf-font-missing",
                    f"找不到繁體中文字型「{FONT_FAMILY}」，PDF 中文將無法正確顯示",
                    None,
                    "以 apt-get install fonts-noto-cjk 安裝 Debian 套件 fonts-noto-cjk",
                )
            ]
        )


def _has_font(family: str) -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    done = subprocess.run([fc_list, ":", "family"], capture_output=True, text=True, check=False)
    return family in done.stdout


class _ProgressHandler(logging.Handler):
    def __init__(self, progress: Progress) -> None:
        super().__init__(logging.INFO)
        self.progress = progress
        self.pages = 0
        self.total: int | None = None

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        match = _PAGE_STEP.search(message)
        if match:
            self.pages = int(match.group(1))
            self.progress("layout", self.pages, self.total)
        elif "Repagination" in message:
            self.total = self.pages
        elif message.startswith("Step 6"):
            self.progress("write", self.pages, self.pages)


@contextmanager
def _progress_logging(progress: Progress | None) -> Iterator[None]:
    if progress is None:
        yield
        return
    logger = logging.getLogger("weasyprint.progress")
    handler = _ProgressHandler(progress)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def render_pdf(html: str, base: Path, progress: Progress | None = None) -> tuple[bytes, int]:
    """Lay out and write the PDF; returns its bytes and page count."""
    check_engine()
    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    with _progress_logging(progress):
        document = HTML(string=html, base_url=str(base)).render()
        pdf = document.write_pdf(uncompressed_pdf=False)
    if pdf is None:  # pragma: no cover - write_pdf returns bytes when no target is given
        raise OutputError([error("pdf-failed", "PDF 產生失敗", Location(str(base)))])
    return pdf, len(document.pages)


def print_pages(sections: list[Any], rendered: dict[str, str]) -> list[PrintPage]:
    """Every rendered page in navigation order, with its navigation part."""
    return [
        PrintPage(page.dest, page.title, rendered[page.dest], section.title)
        for section in sections
        for page in section.pages
        if page.dest in rendered
    ]


def handbook_job(firm: FirmData, pages: list[PrintPage]) -> PrintJob:
    """The whole handbook."""
    return PrintJob("handbook", "業務持續計畫手冊", f"版次 {firm.firm.edition.number}", pages)


def binder_job(firm: FirmData, pages: list[PrintPage], drill_ids: list[str], name: str) -> PrintJob:
    """A drill binder: call trees, the procedures of the systems in scope, the drill checklists."""
    drills = [d for d in firm.drills if d.id in drill_ids]
    systems = {s for d in drills for s in d.systems}
    wanted = [p for p in pages if p.dest.startswith("contacts/")]
    wanted += [p for p in pages if p.dest.removeprefix("systems/").removesuffix(".md") in systems]
    wanted += [p for p in pages if p.dest in {f"drills/{d}.md" for d in drill_ids}]
    binder_pages = [
        PrintPage(p.dest, p.title, p.markdown, _BINDER_PARTS[p.dest.split("/")[0]]) for p in wanted
    ]
    subtitle = "、".join(d.title for d in drills) if len(drills) == 1 else name
    return PrintJob(f"binder-{name}", "演練手冊", subtitle, binder_pages)


_BINDER_PARTS = {"contacts": "緊急聯絡", "systems": "核心系統復原程序", "drills": "演練檢核表"}
