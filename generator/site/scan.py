"""The post-build check: what MkDocs' own validation cannot see, read from the built site.

MkDocs validates every Markdown link and image (missing page or file, missing anchor, absolute
or unrecognised link: ``validation:`` in mkdocs.yml, made fatal by ``strict``) and Material's
privacy plugin reports every ``<img src>``, ``<script src>`` and ``<link href>`` on another host
(``assets_fetch: false``). Neither reads raw HTML links, other elements that load by themselves
(``<iframe>``, ``<video>``, ``srcset``, ``style``) or stylesheets' ``@import``. This check reads
the built HTML with regular expressions, not a full parse, and skips the navigation, which MkDocs
makes from the validated nav: only the ``<head>``, the page content (raw HTML included) and what
follows it (scripts). Any other page layout is read whole, so the check still holds after a
switch of site engine (slower, not weaker). Stylesheets are checked for other hosts.
"""

from __future__ import annotations

import html as htmllib
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from generator.errors import Issue, Location, error

# Elements whose src/href/data/poster the browser loads by itself, without a click.
ASSET_TAGS = frozenset(
    {"img", "script", "iframe", "frame", "source", "audio", "video", "embed", "object", "track"}
)
# <link rel=…> values that make the browser fetch the href.
ASSET_RELS = frozenset(
    {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload",
     "prefetch", "manifest", "mask-icon", "prerender", "preconnect", "dns-prefetch"}
)  # fmt: skip
URL_ATTRS = ("src", "href", "data", "poster")
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
NOT_FOUND_PAGE = "404.html"
_LOCAL_SCHEMES = ("data:", "blob:", "about:", "javascript:", "mailto:", "tel:", "sms:")

# The attributes of a start tag: anything up to ">", quoted values may hold ">" (unrolled: linear).
_ATTRS = r"""([^>"']*(?:(?:"[^"]*"|'[^']*')[^>"']*)*)"""
# A comment (skipped), an element whose text is not markup (its start tag, and the CSS of a
# <style>), or any other start tag with attributes (a bare <p> or <td> has no URL or id).
_TOKEN = re.compile(
    rf"<!--.*?-->|<(script|style|textarea|title)\b{_ATTRS}>(.*?)</\1\s*>|<([a-zA-Z][^\s/>]*)\s{_ATTRS}>",
    re.DOTALL | re.IGNORECASE,
)
_ATTR = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
# Material's layout: the navigation lies between the end of <head> and the page content.
_NAV_START = b"</head>"
_CONTENT_START = b'<article class="md-content__inner'


@dataclass(frozen=True)
class Reference:
    """One URL in a page: which element and attribute holds it, and whether it loads by itself."""

    url: str
    where: str  # e.g. "<img src>", "style url()"
    asset: bool


@dataclass
class _Page:
    """The URLs a page references and the ids it defines, in the parts of it that are read."""

    refs: list[Reference]
    ids: set[str]
    whole: bool  # read whole: ``ids`` are all the page's ids


def _attrs(text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for match in _ATTR.finditer(text):
        name = match.group(1).lower()
        value = match.group(2) or match.group(3) or match.group(4) or ""
        values.setdefault(name, htmllib.unescape(value) if "&" in value else value)
    return values


def _read(text: str, refs: list[Reference], ids: set[str]) -> None:
    """Collect the references and ids of the markup ``text``."""
    for match in _TOKEN.finditer(text):
        tag = (match.group(1) or match.group(4) or "").lower()
        if not tag:
            continue  # a comment
        values = _attrs(match.group(2) if match.group(1) else match.group(5))
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                ids.add(values[key])
        rel = set(values.get("rel", "").lower().split())
        asset = tag in ASSET_TAGS or (tag == "link" and bool(rel & ASSET_RELS))
        for attr in URL_ATTRS:
            if values.get(attr):
                refs.append(Reference(values[attr].strip(), f"<{tag} {attr}>", asset))
        for attr in ("srcset", "imagesrcset"):
            for candidate in values.get(attr, "").split(","):
                if candidate.strip():
                    refs.append(Reference(candidate.split()[0], f"<{tag} {attr}>", True))
        for url in css_urls(values.get("style", "")):
            refs.append(Reference(url, f"<{tag} style>", True))
        if tag == "style":
            refs.extend(Reference(url, "<style>", True) for url in css_urls(match.group(3)))


def _read_page(data: bytes) -> _Page:
    """A page's head, content and what follows it; a page of another layout whole."""
    nav = data.find(_NAV_START)
    content = data.find(_CONTENT_START, nav)
    page = _Page([], set(), whole=nav < 0 or content < 0)
    parts = [data] if page.whole else [data[:nav], data[content:]]
    for part in parts:  # only these are decoded: the navigation is most of a page
        _read(part.decode("utf-8", errors="replace"), page.refs, page.ids)
    return page


def css_urls(css: str) -> Iterator[str]:
    """Every ``url(…)`` and ``@import`` target in a stylesheet."""
    for match in _CSS_URL.finditer(css):
        yield match.group(1) or match.group(2)


def is_external(url: str) -> bool:
    """True for a URL that names another host (``https://…``, ``//host/…``)."""
    if url.startswith("//"):
        return True
    return bool(_SCHEME.match(url)) and not url.lower().startswith(_LOCAL_SCHEMES)


def page_of(markdown: str, directory_urls: bool) -> str:
    """The HTML file MkDocs writes for a Markdown page (``a/b.md`` → ``a/b/index.html``)."""
    stem = markdown[: -len(".md")]
    name = PurePosixPath(stem).name
    if name in ("index", "README"):
        parent = PurePosixPath(stem).parent.as_posix()
        return "index.html" if parent == "." else f"{parent}/index.html"
    return f"{stem}/index.html" if directory_urls else f"{stem}.html"


@dataclass(frozen=True)
class SiteScan:
    """What to scan, and how to name a page in a message."""

    site: Path
    shown: str  # how to name the site folder in messages (it is scanned while still staged)
    directory_urls: bool
    sources: Mapping[str, str]  # Markdown path (relative to the docs dir) → path shown to users

    def location(self, html: str) -> Location:
        """The Markdown source of a built page, or the page itself for theme pages (404.html)."""
        for markdown, shown in self.sources.items():
            if page_of(markdown, self.directory_urls) == html:
                return Location(shown)
        return Location(f"{self.shown}/{html}")


@dataclass
class _Site:
    """The built site's files and folders, and what its pages reference."""

    root: Path
    files: set[str]
    folders: set[str]
    pages: dict[str, _Page]

    def has_id(self, html: str, anchor: str) -> bool:
        """Whether page ``html`` defines ``anchor``: read whole if the parts read so far do not."""
        page = self.pages[html]
        if anchor not in page.ids and not page.whole:
            text = (self.root / html).read_text(encoding="utf-8", errors="replace")
            _read(text, [], page.ids)
            page.whole = True
        return anchor in page.ids


def _walk(root: Path) -> _Site:
    site = _Site(root, set(), set(), {})
    for folder, dirs, names in os.walk(root):
        rel = Path(folder).relative_to(root).as_posix()
        prefix = "" if rel == "." else f"{rel}/"
        site.folders.update(prefix + d for d in dirs)
        site.files.update(prefix + n for n in names)
    return site


def scan_site(scan: SiteScan) -> list[Issue]:
    """Every external asset and dangling internal link or anchor that MkDocs does not report."""
    site = _walk(scan.site)
    for html in sorted((f for f in site.files if f.endswith(".html")), key=_parts):
        site.pages[html] = _read_page((scan.site / html).read_bytes())
    issues: list[Issue] = []
    for html, page in site.pages.items():
        for ref in page.refs:
            problem = _check(scan, site, html, ref)
            if problem:
                issues.append(problem)
    for rel in sorted((f for f in site.files if f.endswith(".css")), key=_parts):
        css = (scan.site / rel).read_text(encoding="utf-8", errors="replace")
        for url in css_urls(css):
            if is_external(url):
                issues.append(_external(Location(f"{scan.shown}/{rel}"), rel, url, "url()"))
    return issues


def _parts(rel: str) -> list[str]:
    return rel.split("/")


def _external(location: Location, page: str, url: str, where: str) -> Issue:
    return error(
        "external-asset",
        f"頁面「{page}」引用外部資源「{url}」（{where}）：離線及內網閱讀時無法載入，也會向外部主機發出請求",
        location,
        "請將檔案放進 docs/assets/ 並以相對路徑引用。",
    )


def _check(scan: SiteScan, site: _Site, html: str, ref: Reference) -> Issue | None:
    url = ref.url
    if is_external(url):
        if ref.asset:
            return _external(scan.location(html), html, url, ref.where)
        return None  # a link to another host is not a request; it just cannot be followed offline
    if url.lower().startswith(_LOCAL_SCHEMES) or _SCHEME.match(url):
        return None
    parts = urlsplit(url)
    if parts.path.startswith("/"):
        if html == NOT_FOUND_PAGE:
            return None  # served by the web server for any path, so MkDocs makes its URLs absolute
        return _dangling(scan, html, ref, "以「/」開頭的絕對路徑在 file:// 及子目錄部署時會失效")
    target = _resolve(html, unquote(parts.path))
    if target is not None and target in site.folders:
        target = f"{target}/index.html"
    if target is None or target not in site.files:
        return _dangling(scan, html, ref, f"目標「{target or parts.path}」不存在")
    fragment = unquote(parts.fragment)
    if fragment and target in site.pages and not site.has_id(target, fragment):
        return _dangling(scan, html, ref, f"頁面「{target}」中沒有錨點「#{fragment}」")
    return None


def _resolve(html: str, path: str) -> str | None:
    """The site file a relative path points to, from page ``html``; None if it leaves the site."""
    if not path:
        return html
    parts = list(PurePosixPath(html).parent.parts)
    for piece in path.split("/"):
        if piece in ("", "."):
            continue
        if piece == "..":
            if not parts:
                return None
            parts.pop()
        else:
            parts.append(piece)
    directory = path.endswith("/") or path.split("/")[-1] in (".", "..")
    if directory:
        parts.append("index.html")
    return "/".join(parts) if parts else "index.html"


def _dangling(scan: SiteScan, html: str, ref: Reference, why: str) -> Issue:
    return error(
        "dangling-link",
        f"頁面「{html}」的連結「{ref.url}」（{ref.where}）無法使用：{why}",
        scan.location(html),
        "請改用 Markdown 相對連結（例如 [說明](../guide/page.md#anchor)），讓建置時檢查目標。",
    )
