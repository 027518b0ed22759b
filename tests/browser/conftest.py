"""The browser suite's fixtures: the example firm built in both profiles, a local HTTP server,
Debian's Chromium driven by Playwright, screenshots on failure and the suite's report."""

from __future__ import annotations

import functools
import json
import os
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from generator.bundle import bundle
from generator.pipeline import build
from generator.project import Project
from tests.browser.harness import CHROMIUM_ARGS, Profile, Traffic, open_context, save_screenshots
from tests.conftest import EXAMPLE, REPO, make_project
from tests.printing import chromium

# Screenshots on failure and the JSON report go here (git-ignored).
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", REPO / "build" / "browser-suite"))


@dataclass
class Report:
    """What the suite saw, printed at the end of the run and saved as JSON."""

    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def add(self, profile: str, **facts: Any) -> None:
        self.profiles.setdefault(profile, {}).update(facts)


REPORT = Report()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass(frozen=True)
class Built:
    """The example firm built once for the whole suite."""

    root: Path
    site: Path
    port: int
    bundle_dir: Path  # the zip unpacked "anywhere": a folder with a space and Chinese in its name


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Built]:
    root = make_project(tmp_path_factory.mktemp("browser") / "example", EXAMPLE)
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(root / "site"))
    )
    port = server.server_address[1]
    saved = os.environ.get("SITE_URL")
    # The intranet profile as deployed: served over HTTP, with its site URL set.
    os.environ["SITE_URL"] = f"http://127.0.0.1:{port}/"
    try:
        project = Project.at(root)
        build(project)
        packed = bundle(project)
    finally:
        if saved is None:
            os.environ.pop("SITE_URL", None)
        else:
            os.environ["SITE_URL"] = saved
    unpacked = tmp_path_factory.mktemp("usb") / "USB 隨身碟"
    with zipfile.ZipFile(packed.path) as archive:
        archive.extractall(unpacked)
    (top,) = unpacked.iterdir()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Built(root, root / "site", port, top)
    server.shutdown()
    server.server_close()


def make_profile(name: str, built: Built) -> Profile:
    if name == "intranet":
        origin = f"http://127.0.0.1:{built.port}/"
        return Profile(name, built.site, origin, origin, True, origin)
    site = built.bundle_dir / "site"
    return Profile(
        name,
        site,
        site.as_uri() + "/",
        (built.bundle_dir / "index.html").as_uri(),
        False,
        unquote(built.bundle_dir.as_uri()) + "/",
    )


@pytest.fixture(scope="session", params=["intranet", "offline"])
def profile(request: pytest.FixtureRequest, built: Built) -> Profile:
    return make_profile(str(request.param), built)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium(), args=CHROMIUM_ARGS)
        REPORT.add("browser", version=launched.version)
        yield launched
        launched.close()


@pytest.fixture
def traffic() -> Traffic:
    return Traffic()


@pytest.fixture
def page(
    browser: Browser, profile: Profile, traffic: Traffic, request: pytest.FixtureRequest
) -> Iterator[Page]:
    """A page in a fresh context; on failure, screenshots of home, an article and a search."""
    context = open_context(browser, profile, traffic)
    yield context.new_page()
    context.close()
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        out = ARTIFACTS / request.node.name.replace("/", "_")
        shots = save_screenshots(browser, profile, out, "交割")
        request.node.add_report_section("call", "screenshots", "\n".join(map(str, shots)))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not REPORT.profiles:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / "report.json"
    path.write_text(json.dumps(REPORT.profiles, ensure_ascii=False, indent=2), encoding="utf-8")
    write = terminalreporter.write_line
    terminalreporter.section("browser suite")
    write(f"Chromium {REPORT.profiles.get('browser', {}).get('version', '?')} via Playwright")
    for name, facts in REPORT.profiles.items():
        if name == "browser":
            continue
        if "pages" in facts:
            write(
                f"{name}: {facts['pages']} pages loaded, {facts['links']} internal links followed, "
                f"{facts['requests']} requests, external {facts['external']}"
            )
            for origin, count in facts["origins"].items():
                write(f"    {count:5d} requests to {origin}")
        if "queries" in facts:
            write(f"{name}: {facts['queries_passed']}/{facts['queries']} queries found in top 3")
        if "axe_pages" in facts:
            write(
                f"{name}: axe-core on {facts['axe_pages']} pages, serious/critical: {facts['axe']}"
            )
    write(f"report: {path}")
