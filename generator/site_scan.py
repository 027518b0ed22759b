"""Post-build guards: scan a built site for external assets and dangling internal links.

Engine-independent (it reads the HTML and CSS that any site engine writes), so the guard survives
a switch away from MkDocs. MkDocs' own validation checks Markdown links; this scan also covers raw
HTML, theme output and stylesheets, and it runs on both the intranet and the file:// profile.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
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


@dataclass(frozen=True)
class Reference:
    """One URL in a page: which element and attribute holds it, and whether it loads by itself."""

    url: str
    where: str  # e.g. "<img src>", "style url()"
    asset: bool


class _Page(HTMLParser):
    """The URLs a page references and the ids it defines."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[Reference] = []
        self.ids: set[str] = set()
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for key in ("id", "name") if tag == "a" else ("id",):
            if values.get(key):
                self.ids.add(values[key])
        rel = set(values.get("rel", "").lower().split())
        asset = tag in ASSET_TAGS or (tag == "link" and bool(rel & ASSET_RELS))
        for attr in URL_ATTRS:
            if values.get(attr):
                self.refs.append(Reference(values[attr].strip(), f"<{tag} {attr}>", asset))
        for attr in ("srcset", "imagesrcset"):
            for candidate in values.get(attr, "").split(","):
                if candidate.strip():
                    url = candidate.split()[0]
                    self.refs.append(Reference(url, f"<{tag} {attr}>", True))
        for url in css_urls(values.get("style", "")):
            self.refs.append(Reference(url, f"<{tag} style>", True))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.refs.extend(Reference(url, "<style>", True) for url in css_urls(data))


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


def scan_site(scan: SiteScan) -> list[Issue]:
    """Every external asset and dangling internal link or anchor in the built site."""
    pages: dict[str, _Page] = {}
    for path in sorted(scan.site.rglob("*.html")):
        parser = _Page()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        pages[path.relative_to(scan.site).as_posix()] = parser
    issues: list[Issue] = []
    for html, parsed in pages.items():
        for ref in parsed.refs:
            problem = _check(scan, html, ref, pages)
            if problem:
                issues.append(problem)
    for css in sorted(scan.site.rglob("*.css")):
        rel = css.relative_to(scan.site).as_posix()
        for url in css_urls(css.read_text(encoding="utf-8", errors="replace")):
            if is_external(url):
                issues.append(_external(Location(f"{scan.shown}/{rel}"), rel, url, "url()"))
    return issues


def _external(location: Location, page: str, url: str, where: str) -> Issue:
    return error(
        "external-asset",
        f"頁面「{page}」引用外部資源「{url}」（{where}）：離線及內網閱讀時無法載入，也會向外部主機發出請求",
        location,
        "請將檔案放進 docs/assets/ 並以相對路徑引用。",
    )


def _check(scan: SiteScan, html: str, ref: Reference, pages: Mapping[str, _Page]) -> Issue | None:
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
    if target is not None and (scan.site / target).is_dir():
        target = f"{target}/index.html"
    if target is None or not (scan.site / target).is_file():
        return _dangling(scan, html, ref, f"目標「{target or parts.path}」不存在")
    fragment = unquote(parts.fragment)
    if fragment and target in pages and fragment not in pages[target].ids:
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
