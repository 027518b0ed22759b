"""The handbook in Confluence storage format (XHTML with ``ac:``/``ri:`` elements), as a page tree.

The rendered Markdown goes through Python-Markdown (the same extensions as the site), then an
HTML tree is rewritten into storage format: admonitions become info/warning macros, heading ids
anchor macros, page links ``<ac:link><ri:page/>``, images and PDFs attachments of their page.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

import markdown

from generator.exports.wiki.handbook import (
    GENERATED_NOTICE,
    ExportPage,
    Handbook,
    abbreviation_list,
    edition_label,
    header_lines,
    split_abbreviations,
    strip_front_matter,
)

OWNER_LABEL = "bcp-handbook"
NAMESPACES = (
    'xmlns="http://www.w3.org/1999/xhtml" xmlns:ac="http://atlassian.com/content" '
    'xmlns:ri="http://atlassian.com/resource/identifier"'
)
MACROS = {"note": "note", "info": "info", "tip": "tip", "warning": "warning", "danger": "warning"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "col", "area", "wbr", "source"}
_KEEP = {
    "p", "table", "thead", "tbody", "tr", "th", "td", "ul", "ol", "li", "strong", "em", "b",
    "i", "code", "pre", "blockquote", "sup", "sub", "del", "s", "u", "dl", "dt", "dd",
    "h1", "h2", "h3", "h4", "h5", "h6", "br", "hr",
}  # fmt: skip
_EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "sane_lists", "def_list"]


@dataclass
class _Node:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[_Node | str] = field(default_factory=list)

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)


class _TreeBuilder(HTMLParser):
    """Lenient HTML → tree: void elements close themselves, stray end tags are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = _Node("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = _Node(tag, {k: v if v is not None else k for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(_Node(tag, {k: v or k for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def _parse(html: str) -> _Node:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _attr(value: str) -> str:
    return escape(value, quote=True)


@dataclass
class _PageContext:
    """What the serializer needs to resolve links from one page."""

    dest: str
    titles: dict[str, str]  # page dest → Confluence title
    files: dict[str, bytes]
    attachments: dict[str, bytes] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)

    def resolve(self, raw: str) -> tuple[str, str, str] | None:
        """``("page", title, anchor)``, ``("file", name, "")``, ``("anchor", "", id)`` or None."""
        parts = urlsplit(raw)
        if parts.scheme or parts.netloc:
            return None
        if not parts.path:
            return ("anchor", "", parts.fragment)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(self.dest), parts.path))
        if path in self.titles:
            return ("page", self.titles[path], parts.fragment)
        if path in self.files and not path.endswith(".md"):
            name = attachment_name(path)
            self.attachments[name] = self.files[path]
            return ("file", name, "")
        self.missing.append(path)
        return None


def attachment_name(rel: str) -> str:
    """Confluence attachments are flat per page: ``guide/map.png`` → ``guide_map.png``."""
    return rel.replace("/", "_")


def _children(node: _Node, ctx: _PageContext) -> str:
    return "".join(_xhtml(child, ctx) for child in node.children)


def _macro(name: str, body: str, title: str | None = None) -> str:
    param = f'<ac:parameter ac:name="title">{escape(title)}</ac:parameter>' if title else ""
    return (
        f'<ac:structured-macro ac:name="{name}">{param}'
        f"<ac:rich-text-body>{body}</ac:rich-text-body></ac:structured-macro>"
    )


def _anchor(name: str) -> str:
    return (
        '<ac:structured-macro ac:name="anchor">'
        f'<ac:parameter ac:name="">{escape(name)}</ac:parameter></ac:structured-macro>'
    )


def _admonition(node: _Node, ctx: _PageContext) -> str:
    classes = node.attrs.get("class", "").split()
    kind = next((c for c in classes if c != "admonition"), "note")
    title = None
    body = []
    for child in node.children:
        if isinstance(child, _Node) and "admonition-title" in child.attrs.get("class", ""):
            title = child.text()
        else:
            body.append(_xhtml(child, ctx))
    return _macro(MACROS.get(kind, "note"), "".join(body), title)


def _link(node: _Node, ctx: _PageContext) -> str:
    body = _children(node, ctx)
    href = node.attrs.get("href")
    if href is None:
        anchor = node.attrs.get("id") or node.attrs.get("name")
        return (_anchor(anchor) if anchor else "") + body
    target = ctx.resolve(href)
    if target is None:
        return f'<a href="{_attr(href)}">{body}</a>'
    kind, name, anchor = target
    anchor_attr = f' ac:anchor="{_attr(anchor)}"' if anchor else ""
    resource = {
        "page": f'<ri:page ri:content-title="{_attr(name)}"/>',
        "file": f'<ri:attachment ri:filename="{_attr(name)}"/>',
        "anchor": "",
    }[kind]
    return f"<ac:link{anchor_attr}>{resource}<ac:link-body>{body}</ac:link-body></ac:link>"


def _image(node: _Node, ctx: _PageContext) -> str:
    src = node.attrs.get("src", "")
    alt = node.attrs.get("alt", "")
    target = ctx.resolve(src)
    if target is None:
        resource = f'<ri:url ri:value="{_attr(src)}"/>'
    else:
        resource = f'<ri:attachment ri:filename="{_attr(target[1])}"/>'
    return f'<ac:image ac:alt="{_attr(alt)}">{resource}</ac:image>'


def _xhtml(node: _Node | str, ctx: _PageContext) -> str:
    if isinstance(node, str):
        return escape(node, quote=False)
    tag = node.tag
    if tag == "div" and "admonition" in node.attrs.get("class", "").split():
        return _admonition(node, ctx)
    if tag == "a":
        return _link(node, ctx)
    if tag == "img":
        return _image(node, ctx)
    if tag in _VOID:
        return f"<{tag}/>" if tag in _KEEP else ""
    inner = _children(node, ctx)
    if tag not in _KEEP:
        return inner
    if tag[0] == "h" and tag[1:].isdigit() and node.attrs.get("id"):
        inner = _anchor(node.attrs["id"]) + inner
    spans = "".join(
        f' {k}="{_attr(v)}"' for k, v in node.attrs.items() if k in ("colspan", "rowspan")
    )
    return f"<{tag}{spans}>{inner}</{tag}>"


def storage_body(text: str, ctx: _PageContext) -> str:
    """Rendered page Markdown → Confluence storage-format XHTML (no namespace declarations)."""
    body, abbreviations = split_abbreviations(strip_front_matter(text))
    html = markdown.markdown(body + abbreviation_list(abbreviations), extensions=_EXTENSIONS)
    return _children(_parse(html), ctx).strip("\n")


def standalone(body: str) -> str:
    """A storage body as a standalone XML document with the ``ac:``/``ri:`` namespaces declared."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<ac:confluence {NAMESPACES}>\n{body}\n</ac:confluence>\n"
    )


@dataclass(frozen=True)
class ConfluencePage:
    """One page of the Confluence tree; ``parent`` is the key of its parent (None: the root)."""

    key: str
    title: str
    parent: str | None
    body: str
    attachments: tuple[tuple[str, bytes], ...] = ()


@dataclass(frozen=True)
class ConfluenceExport:
    """The page tree, parents before children, with the labels every page carries."""

    pages: tuple[ConfluencePage, ...]
    labels: tuple[str, ...]
    missing: tuple[tuple[str, str], ...] = ()


def _header(handbook: Handbook) -> str:
    lines = header_lines(handbook.firm)
    return _macro("info", f"<p>{escape(lines[0])}</p><p>{escape(lines[1])}</p>", GENERATED_NOTICE)


def _titles(handbook: Handbook, folder: str) -> dict[str, str]:
    titles: dict[str, str] = {}
    used: set[str] = set()
    for page in handbook.pages():
        title = f"{folder}｜{page.title}"
        count = 2
        while title in used:
            title = f"{folder}｜{page.title}（{count}）"
            count += 1
        used.add(title)
        titles[page.dest] = title
    return titles


def _content_page(
    handbook: Handbook, page: ExportPage, parent: str | None, titles: dict[str, str]
) -> tuple[ConfluencePage, list[str]]:
    ctx = _PageContext(page.dest, titles, handbook.files)
    body = _header(handbook) + storage_body(page.markdown, ctx)
    attachments = tuple(sorted(ctx.attachments.items()))
    key = page.dest.removesuffix(".md")
    return ConfluencePage(key, titles[page.dest], parent, body, attachments), ctx.missing


def export_confluence(handbook: Handbook, folder: str) -> ConfluenceExport:
    """The handbook as a Confluence page tree mirroring the site navigation."""
    titles = _titles(handbook, folder)
    pages: list[ConfluencePage] = []
    missing: list[tuple[str, str]] = []
    home = next(p for p in handbook.pages() if p.dest == "index.md")
    root, lost = _content_page(handbook, home, None, titles)
    pages.append(root)
    missing += [(home.dest, m) for m in lost]
    for number, section in enumerate(handbook.sections, start=1):
        parent = root.key
        single = len(section.pages) == 1 and section.pages[0].title == section.title
        if section.title and not single:
            parent = f"_section-{number:02d}"
            children = '<ac:structured-macro ac:name="children"/>'
            title = f"{folder}｜{section.title}"
            pages.append(ConfluencePage(parent, title, root.key, _header(handbook) + children))
        for page in section.pages:
            if page.dest == "index.md":
                continue
            made, lost = _content_page(handbook, page, parent, titles)
            pages.append(made)
            missing += [(page.dest, m) for m in lost]
    labels = (OWNER_LABEL, edition_label(handbook.edition))
    return ConfluenceExport(tuple(pages), labels, tuple(missing))


def export_files(export: ConfluenceExport) -> dict[str, bytes]:
    """``--flavor confluence --out DIR``: one XHTML file per page, attachments and ``tree.json``."""
    files: dict[str, bytes] = {}
    manifest = []
    for page in export.pages:
        path = f"pages/{page.key}.xhtml"
        files[path] = standalone(page.body).encode("utf-8")
        names = []
        for name, content in page.attachments:
            files[f"attachments/{page.key}/{name}"] = content
            names.append(name)
        manifest.append(
            {
                "key": page.key,
                "title": page.title,
                "parent": page.parent,
                "file": path,
                "attachments": names,
                "labels": list(export.labels),
            }
        )
    text = json.dumps({"pages": manifest}, ensure_ascii=False, indent=2) + "\n"
    files["tree.json"] = text.encode("utf-8")
    return files
