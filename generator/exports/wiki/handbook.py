"""The export input: pages in navigation order with titles, plus engine-neutral Markdown clean-up.

Every export (git-backed wikis, Confluence) starts from the same rendered Markdown that the site
is built from, so wiki copies match the site's edition word for word.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from generator.model import EditionRecord, FirmData
from generator.pipeline import RenderedHandbook, hand_pages
from generator.render import format_date

GENERATED_NOTICE = "本頁由 BCP 手冊產生器產生，請勿直接編輯"
HAND_SECTION = "手冊說明"


@dataclass(frozen=True)
class ExportPage:
    """One handbook page as an export sees it."""

    dest: str
    title: str
    section: str
    markdown: str


@dataclass(frozen=True)
class ExportSection:
    """A navigation section; ``title`` is empty for top-level pages."""

    title: str
    pages: tuple[ExportPage, ...]


@dataclass(frozen=True)
class Handbook:
    """The handbook ready for export: firm, navigation and every source file for attachments."""

    firm: FirmData
    sections: tuple[ExportSection, ...]
    files: dict[str, bytes]

    def pages(self) -> list[ExportPage]:
        """Every page in navigation order."""
        return [page for section in self.sections for page in section.pages]

    @property
    def edition(self) -> EditionRecord:
        """The edition being exported."""
        return self.firm.firm.edition


def from_rendered(rendered: RenderedHandbook) -> Handbook:
    """The export view of a rendered handbook: generated pages, then the hand-written guide."""
    sections: list[ExportSection] = []
    for section in rendered.sections:
        pages = tuple(
            ExportPage(p.dest, p.title, section.title, rendered.pages[p.dest])
            for p in section.pages
        )
        # A section holding one page of the same name is that page (「營運衝擊分析」).
        single = len(pages) == 1 and pages[0].title == section.title
        sections.append(ExportSection("" if single else section.title, pages))
    hand = [
        ExportPage(p.dest, p.title, HAND_SECTION, rendered.hand[p.dest].decode("utf-8"))
        for p in hand_pages(rendered.hand)
    ]
    if hand:
        sections.append(ExportSection(HAND_SECTION, tuple(hand)))
    files = {**rendered.hand, **{k: v.encode("utf-8") for k, v in rendered.pages.items()}}
    return Handbook(rendered.loaded.firm, tuple(sections), files)


def header_lines(firm: FirmData) -> list[str]:
    """Edition, effective date, approval and the do-not-edit notice, as plain text lines."""
    edition = firm.firm.edition
    style = firm.firm.date_style
    if edition.status == "approved":
        approval = (
            f"核定：{edition.approved_by or '—'}（{format_date(edition.approval_date, style)}"
        )
        approval += f"，{edition.approval_ref}）" if edition.approval_ref else "）"
    else:
        approval = "核定：尚未核定（草案）"
    return [
        f"版次 {edition.number}｜生效日期 {format_date(edition.effective_date, style)}｜{approval}",
        f"{GENERATED_NOTICE}；內容請於 BCP 資料中修改後重新匯出。",
    ]


def edition_label(edition: EditionRecord) -> str:
    """A label/tag carrying the edition: ``bcp-edition-2026.2``."""
    return "bcp-edition-" + re.sub(r"[^0-9A-Za-z.]+", "-", edition.number).strip("-")


# ------------------------------------------------------------------ Markdown clean-up

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n+", re.DOTALL)
_HEADING_ID = re.compile(r"^(#{1,6} .*?)\s*\{\s*#([\w:.-]+)(?:\s+[.][\w-]+)*\s*\}\s*$")
_ATTR_LINE = re.compile(r"^\{\s*[.#:][^}]*\}\s*$")
_ABBR = re.compile(r"^\*\[([^\]]+)\]:\s*(.*)$")
_ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+(\w+)(?:\s+"([^"]*)")?\s*$')
_MD_DIV_OPEN = re.compile(r"^<div\b[^>]*\bmarkdown\b[^>]*>\s*$")
_TRAILING_ATTR = re.compile(r"(?<=\S)\s*\{\s*[.#:][^{}]*\}\s*$")  # `[link](x){ .md-button }`
_MD_PARAGRAPH = re.compile(r"^<p\b[^>]*\bmarkdown\b[^>]*>(.*)</p>\s*$")
_LINK = re.compile(r'(!?)\[((?:[^\[\]]|\[[^\]]*\])*)\]\(([^()\s]+)((?:\s+"[^"]*")?)\)')
_HTML_REF = re.compile(r'\b(href|src)="([^"]+)"')

ADMONITION_TITLES = {
    "note": "附註",
    "info": "說明",
    "tip": "提示",
    "warning": "警告",
    "danger": "危險",
    "caution": "注意",
}


def strip_front_matter(text: str) -> str:
    """The page without its YAML front matter."""
    return _FRONT_MATTER.sub("", text, count=1)


def split_abbreviations(text: str) -> tuple[str, list[tuple[str, str]]]:
    """Remove ``*[ABBR]: text`` lines; return them separately (no wiki supports them)."""
    kept, found = [], []
    for line in text.split("\n"):
        match = _ABBR.match(line)
        if match:
            found.append((match.group(1), match.group(2)))
        else:
            kept.append(line)
    return "\n".join(kept).rstrip("\n") + "\n", found


def abbreviation_list(found: list[tuple[str, str]]) -> str:
    """The abbreviations of a page as a short Markdown list."""
    if not found:
        return ""
    lines = ["", "**縮寫**", ""]
    lines += [f"- **{abbr}**：{text}" for abbr, text in found]
    return "\n".join(lines) + "\n"


def plain_markdown(text: str) -> str:
    """Material-only syntax turned into GitHub-flavoured Markdown every git wiki renders.

    Heading ids become inline anchors, attribute lines go, admonitions become block quotes and
    ``<div markdown>`` wrappers are dropped (their content is Markdown already).
    """
    out: list[str] = []
    divs: list[bool] = []
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = _HEADING_ID.match(line)
        admonition = _ADMONITION.match(line)
        if heading:
            out.append(f'{heading.group(1)} <a id="{heading.group(2)}"></a>')
        elif admonition:
            quoted, i = _admonition(lines, i, admonition)
            out.extend(quoted)
            continue
        elif not _ATTR_LINE.match(line):
            out.extend(_block_line(line, divs))
        i += 1
    return re.sub(r"\n{3,}", "\n\n", "\n".join(out))


def _admonition(lines: list[str], start: int, match: re.Match[str]) -> tuple[list[str], int]:
    """An admonition and its indented body as a block quote; returns the next line index."""
    kind, title = match.group(1), match.group(2)
    label = title if title is not None else ADMONITION_TITLES.get(kind, kind)
    out = [f"> **{label}**" if label else ">"]
    i = start + 1
    while i < len(lines):
        current = lines[i]
        if current.startswith("    "):
            out.append(f"> {current[4:]}".rstrip())
        elif not current.strip() and lines[i + 1 : i + 2] and lines[i + 1][:4] == "    ":
            out.append(">")
        else:
            break
        i += 1
    return out, i


def _block_line(line: str, divs: list[bool]) -> list[str]:
    """One line outside admonitions: ``markdown`` wrappers dropped, trailing attributes removed."""
    if _MD_DIV_OPEN.match(line):
        divs.append(True)
        return []
    if paragraph := _MD_PARAGRAPH.match(line):
        return [paragraph.group(1)]
    if line.strip().startswith("<div"):
        divs.append(False)
        return [line]
    if line.strip() == "</div>" and divs:
        return [] if divs.pop() else [line]
    return [_TRAILING_ATTR.sub("", line)]


LinkFn = Callable[[str, str], str]


def rewrite_links(text: str, dest: str, page_link: LinkFn, file_link: LinkFn) -> str:
    """Rewrite relative links of page ``dest``: to pages via ``page_link(dest, anchor)``, to
    other files via ``file_link(path, "")``; external links and bare anchors stay."""

    def target(raw: str) -> str | None:
        parts = urlsplit(raw)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(dest), parts.path))
        if resolved.endswith(".md"):
            return page_link(resolved, parts.fragment)
        return file_link(resolved, "")

    def markdown_link(match: re.Match[str]) -> str:
        new = target(match.group(3))
        if new is None:
            return match.group(0)
        return f"{match.group(1)}[{match.group(2)}]({new}{match.group(4)})"

    def html_ref(match: re.Match[str]) -> str:
        new = target(match.group(2))
        return match.group(0) if new is None else f'{match.group(1)}="{new}"'

    return _HTML_REF.sub(html_ref, _LINK.sub(markdown_link, text))
