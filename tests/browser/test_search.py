"""The query set (tests/search_queries.yaml) through the search box, in both profiles."""

from __future__ import annotations

from playwright.sync_api import Page

from generator.site.scan import page_of
from tests.browser.conftest import REPORT
from tests.browser.harness import Profile, Traffic, open_search, run_query
from tests.test_search import QUERIES


def test_every_query_finds_its_page_in_the_top_three(
    page: Page, profile: Profile, traffic: Traffic
) -> None:
    open_search(page, profile)
    misses = []
    for case in QUERIES:
        results = run_query(page, profile, case.query)
        expected = page_of(case.page, profile.directory_urls)
        if expected not in results[:3]:
            misses.append(f"{case.query} → {case.page}: got {results[:3]}")
    REPORT.add(profile.name, queries=len(QUERIES), queries_passed=len(QUERIES) - len(misses))
    assert len(QUERIES) >= 30
    assert misses == [], "\n".join(misses)
    assert traffic.console_errors == [] and traffic.external == []
