"""Drive Debian's Chromium with Playwright: profiles, traffic recording, crawl, search, axe.

Playwright's Python package is used with the system browser (``executable_path``); no browser is
ever downloaded (`playwright install` is never run).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Route

from generator.site.scan import page_of

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTICLE = "articles/07-emergency-response.md"  # the article page in screenshots
VIEWPORT = {"width": 1280, "height": 900}
IN_PAGE = ("data:", "blob:", "about:")
RESULT_PAGES = """() => [...document.querySelectorAll('li.md-search-result__item')]
    .map(li => li.querySelector('a.md-search-result__link')?.href).filter(Boolean)"""
PAGE_FACTS = """() => ({
    ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.getAttribute('name')),
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
})"""
SEARCH_SETTLED = """() => {
    const items = document.querySelectorAll('.md-search-result__item').length;
    const meta = document.querySelector('.md-search-result__meta');
    return items > 0 || (meta !== null && meta.textContent.includes('沒有'));
}"""


@dataclass(frozen=True)
class Profile:
    """One way of reading the handbook: the intranet site over HTTP, or the unzipped bundle."""

    name: str
    site: Path  # the built site on disk
    base: str  # URL of the site root, ending with "/"
    start: str  # URL a reader opens first
    directory_urls: bool
    boundary: str  # every request must start with this (decoded)

    def url_of(self, markdown: str) -> str:
        """URL of a Markdown page in this profile."""
        html = page_of(markdown, self.directory_urls)
        if self.directory_urls and html.endswith("index.html"):
            html = html[: -len("index.html")]
        return self.base + html

    def file_of(self, url: str) -> str | None:
        """The site file (``systems/oms/index.html``) a URL shows; None if outside the site."""
        parts = urlsplit(url)
        plain = unquote(f"{parts.scheme}://{parts.netloc}{parts.path}")
        base = unquote(self.base)
        if not plain.startswith(base):
            return None
        rel = plain[len(base) :]
        return rel + "index.html" if rel == "" or rel.endswith("/") else rel

    def is_local(self, url: str) -> bool:
        """True when a request stays inside this profile's origin (or the page itself)."""
        return url.startswith(IN_PAGE) or unquote(url).startswith(self.boundary)


@dataclass
class Traffic:
    """Everything the browser did that a test may fail on, and what the report lists."""

    requests: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def origins(self) -> Counter[str]:
        """Requests per origin (scheme and host; ``file://`` for local files)."""
        counts: Counter[str] = Counter()
        for url in self.requests:
            parts = urlsplit(url)
            counts[f"{parts.scheme}://{parts.netloc}"] += 1
        return counts


def open_context(browser: Browser, profile: Profile, traffic: Traffic) -> BrowserContext:
    """A fresh browser context that records every request and blocks any leaving the origin."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-TW", service_workers="block")

    def guard(route: Route) -> None:
        url = route.request.url
        if profile.is_local(url):
            route.continue_()
        else:
            traffic.external.append(url)
            route.abort()

    context.route("**/*", guard)
    context.on("request", lambda request: traffic.requests.append(request.url))
    context.on(
        "console",
        lambda msg: (
            traffic.console_errors.append(f"{msg.page.url if msg.page else '?'}: {msg.text}")
            if msg.type == "error"
            else None
        ),
    )
    context.on("weberror", lambda err: traffic.console_errors.append(f"uncaught: {err.error}"))
    context.on(
        "response",
        lambda response: (
            traffic.failed.append(f"{response.status} {response.url}")
            if response.status >= 400
            else None
        ),
    )
    return context


@dataclass
class Crawl:
    """What following every internal link from the start page found."""

    visited: list[str] = field(default_factory=list)  # site files, in visiting order
    ids: dict[str, set[str]] = field(default_factory=dict)
    links: int = 0
    broken: list[str] = field(default_factory=list)


def crawl(page: Page, profile: Profile) -> Crawl:
    """Open the home page, then every page an internal link leads to; check every link target."""
    result = Crawl()
    pending = [profile.base + ("" if profile.directory_urls else "index.html")]
    fragments: list[tuple[str, str, str]] = []  # (from page, target file, fragment)
    while pending:
        url = pending.pop(0)
        current = profile.file_of(url)
        if current is None or current in result.ids:
            continue
        page.goto(url, wait_until="load")
        facts: dict[str, Any] = page.evaluate(PAGE_FACTS)
        result.visited.append(current)
        result.ids[current] = set(facts["ids"])
        for link in facts["links"]:
            target = profile.file_of(link)
            if target is None:
                continue  # mailto:, tel:, or another host (a link, not a request)
            result.links += 1
            if not (profile.site / target).is_file():
                result.broken.append(f"{current} → {unquote(link)}（檔案不存在）")
                continue
            fragment = unquote(urlsplit(link).fragment)
            if fragment:
                fragments.append((current, target, fragment))
            if target.endswith(".html") and target not in result.ids:
                pending.append(link.split("#")[0])
    for source, target, fragment in fragments:
        if target in result.ids and fragment not in result.ids[target]:
            result.broken.append(f"{source} → {target}#{fragment}（錨點不存在）")
    return result


def run_query(page: Page, profile: Profile, query: str) -> list[str]:
    """Type ``query`` into the search box; the site files of the result pages, best first."""
    box = page.locator("input.md-search__input")
    box.fill("")
    box.press("End")  # Material reads the query on keyup
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')")
    box.fill(query)
    box.press("End")
    page.wait_for_function(SEARCH_SETTLED, timeout=15_000)
    hrefs: list[str] = page.evaluate(RESULT_PAGES)
    return [profile.file_of(href) or href for href in hrefs]


SEARCH_READY = """() => {
    const meta = document.querySelector('.md-search-result__meta');
    return meta !== null && meta.textContent.trim() !== '' && !meta.textContent.includes('初始化');
}"""


def open_search(page: Page, profile: Profile) -> None:
    """Open the home page, focus the search box and wait until the index has loaded (a query
    typed while Material is still initialising its search worker may find nothing)."""
    page.goto(profile.url_of("index.md"), wait_until="load")
    page.locator("input.md-search__input").click()
    page.wait_for_function(SEARCH_READY, timeout=30_000)


def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """Run axe-core on the current page; its violations with impact and failing elements."""
    page.mouse.move(0, 0)  # no hover colours on the elements axe measures
    page.add_script_tag(content=axe_source)
    found: list[dict[str, Any]] = page.evaluate(
        """async () => {
            // Colours are only final once transitions (search results fade in) have ended.
            await Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)));
            // preload: false — axe would re-fetch the stylesheets, which file:// forbids (CORS).
            const result = await axe.run(document, {resultTypes: ['violations'], preload: false});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary),
            }));
        }"""
    )
    return found


def save_screenshots(browser: Browser, profile: Profile, out: Path, query: str) -> list[Path]:
    """Home page, one article page and the search results for ``query``, as PNG files."""
    out.mkdir(parents=True, exist_ok=True)
    traffic = Traffic()
    context = open_context(browser, profile, traffic)
    try:
        page = context.new_page()
        page.goto(profile.url_of("index.md"), wait_until="load")
        page.screenshot(path=out / f"{profile.name}-home.png", full_page=True)
        page.goto(profile.url_of(ARTICLE), wait_until="load")
        page.screenshot(path=out / f"{profile.name}-article.png", full_page=True)
        open_search(page, profile)
        run_query(page, profile, query)
        page.screenshot(path=out / f"{profile.name}-search.png")
    finally:
        context.close()
    return [out / f"{profile.name}-{kind}.png" for kind in ("home", "article", "search")]
