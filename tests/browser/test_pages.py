"""Every page in both profiles: loads without console errors, requests stay local, links work."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page

from tests.browser.conftest import REPORT, Built, make_profile
from tests.browser.harness import Profile, Traffic, crawl, open_context, save_screenshots


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site but the server's 404 page."""
    return sorted(
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.name != "404.html"
    )


def test_every_page_loads_and_every_internal_link_resolves(
    page: Page, profile: Profile, traffic: Traffic
) -> None:
    found = crawl(page, profile)
    origins = dict(sorted(traffic.origins().items()))
    REPORT.add(
        profile.name,
        pages=len(found.visited),
        links=found.links,
        requests=len(traffic.requests),
        origins=origins,
        external=traffic.external,
        request_urls=sorted(set(traffic.requests)),
    )
    assert sorted(found.visited) == site_pages(profile.site), "a page no link leads to"
    assert found.links > 20 * len(found.visited)
    assert found.broken == []
    assert traffic.console_errors == []
    assert traffic.failed == []
    assert traffic.external == []
    assert all(profile.is_local(url) for url in traffic.requests)
    assert len(origins) == 1  # one origin: the intranet server, or file:// for the bundle


def test_offline_bundle_opens_from_its_start_page(browser: Browser, built: Built) -> None:
    offline = make_profile("offline", built)
    traffic = Traffic()
    context = open_context(browser, offline, traffic)
    page = context.new_page()
    page.goto(offline.start)
    page.wait_for_url(offline.base + "index.html")
    assert page.locator("h1").first.inner_text().strip() != ""
    assert "晨曦證券" in page.title() or "業務持續計畫手冊" in page.title()
    context.close()
    assert traffic.console_errors == [] and traffic.external == []


def test_failure_screenshots_show_home_article_and_search(
    browser: Browser, built: Built, tmp_path: Path
) -> None:
    shots = save_screenshots(browser, make_profile("offline", built), tmp_path, "颱風")
    assert [p.name for p in shots] == [
        "offline-home.png",
        "offline-article.png",
        "offline-search.png",
    ]
    for shot in shots:
        assert shot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n") and shot.stat().st_size > 10_000


def test_harness_blocks_and_records_requests_leaving_the_origin(
    page: Page, profile: Profile, traffic: Traffic
) -> None:
    """The guard the suite relies on: an outside request is aborted and reported, so is an error."""
    page.goto(profile.url_of("index.md"), wait_until="load")
    page.evaluate(
        """() => new Promise(done => {
            const img = new Image();
            img.onerror = img.onload = done;
            img.src = 'https://example.com/tracker.png';
        })"""
    )
    page.evaluate("() => console.error('boom')")
    assert traffic.external == ["https://example.com/tracker.png"]
    assert not profile.is_local("https://example.com/tracker.png")
    assert any(message.endswith("boom") for message in traffic.console_errors)
    traffic.console_errors.clear()  # expected here; the page fixture must not report them
