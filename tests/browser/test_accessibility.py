"""axe-core (vendored from npm under tests/vendor/axe-core/) on the main page types."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.browser.conftest import REPORT
from tests.browser.harness import Profile, Traffic, axe_violations, open_search, run_query
from tests.conftest import REPO

AXE = (REPO / "tests/vendor/axe-core/axe.min.js").read_text(encoding="utf-8")
# One page of each kind: cover, article, BIA, recovery procedure, glossary, hand-written guide.
PAGE_TYPES = [
    "index.md",
    "articles/07-emergency-response.md",
    "bia.md",
    "systems/settle.md",
    "glossary.md",
    "guide/using-this-handbook.md",
]
SERIOUS = {"serious", "critical"}


def test_main_page_types_have_no_serious_accessibility_violations(
    page: Page, profile: Profile, traffic: Traffic
) -> None:
    serious = []
    for markdown in PAGE_TYPES:
        page.goto(profile.url_of(markdown), wait_until="load")
        serious += [(markdown, v) for v in axe_violations(page, AXE) if v["impact"] in SERIOUS]
    open_search(page, profile)  # the search dialog with results open
    run_query(page, profile, "交割")
    serious += [("search", v) for v in axe_violations(page, AXE) if v["impact"] in SERIOUS]
    REPORT.add(profile.name, axe_pages=len(PAGE_TYPES) + 1, axe=len(serious))
    assert serious == []
    assert traffic.console_errors == [] and traffic.external == []
