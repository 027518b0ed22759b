"""Headless Chromium over HTTP: the version selector switches editions and keeps the page."""

from __future__ import annotations

import functools
import shutil
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import CliResult
from tests.editions_helpers import approve_2026_2, make_draft_2026_2
from tests.printing import page_texts, print_to_pdf

Cli = Callable[..., CliResult]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def served(minimal_project: Path, run_cli: Cli) -> Iterator[str]:
    """Three editions published to a directory, served on 127.0.0.1."""
    target = minimal_project.parent / "pub"
    assert run_cli("publish", "--to", str(target), cwd=minimal_project).exit_code == 0
    make_draft_2026_2(minimal_project)
    assert run_cli("publish", "--to", str(target), cwd=minimal_project).exit_code == 0
    approve_2026_2(minimal_project)
    assert run_cli("publish", "--to", str(target), cwd=minimal_project).exit_code == 0
    handler = functools.partial(_Quiet, directory=str(target))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _in_own_thread(body: Callable[[], None]) -> None:
    """Run a Playwright session in a thread of its own.

    The browser suite (tests/browser) keeps a session-wide Playwright running in the main thread;
    Playwright's sync API refuses to start a second one in a thread whose event loop is running.
    """
    failure: list[BaseException] = []

    def run() -> None:
        try:
            body()
        except BaseException as exc:  # re-raised in the test's thread below
            failure.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def test_selector_switches_edition_and_stays_on_the_page(served: str) -> None:
    _in_own_thread(lambda: _switch_editions(served))


def _switch_editions(served: str) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            external: list[str] = []
            page.on(
                "request",
                lambda r: external.append(r.url) if not r.url.startswith(served) else None,
            )
            page.goto(f"{served}/")
            page.wait_for_url(f"{served}/2026.2/")
            page.goto(f"{served}/2026.2/systems/oms/")
            selector = page.locator(".md-version")
            selector.wait_for()
            assert "2026.2｜2026 年第一版（已核定）" in page.inner_text(".md-version__current")
            items = page.locator(".md-version__list .md-version__link")
            titles = [t.strip() for t in items.all_inner_texts()]
            assert any("2026.1" in t for t in titles), titles
            assert any("草案" in t for t in titles), titles
            selector.hover()
            page.locator(".md-version__link", has_text="2026.1｜").click()
            page.wait_for_url(f"{served}/2026.1/systems/oms/")
            assert "委託下單系統" in page.inner_text("h1")
            # and over to the draft, where the 草案 banner shows
            page.locator(".md-version").hover()
            page.locator(".md-version__link", has_text="草案").click()
            page.wait_for_url(f"{served}/2026.2-draft/systems/oms/")
            assert "草案" in page.inner_text(".md-banner")
            assert external == []
        finally:
            browser.close()


def test_draft_notice_prints_on_hand_written_pages(served: str, tmp_path: Path) -> None:
    """A hand-written page has no 草案 admonition: the announcement bar must print."""
    pdf = print_to_pdf(
        f"{served}/2026.2-draft/guide/using-this-handbook/",
        tmp_path / "draft.pdf",
        tmp_path / "profile",
    )
    texts = page_texts(pdf)
    assert "草案:本版次(2026.2-draft)尚未核定" in texts[0].replace("：", ":").replace(
        "（", "("
    ).replace("）", ")").replace(" ", "")
    approved = print_to_pdf(
        f"{served}/2026.2/guide/using-this-handbook/", tmp_path / "ok.pdf", tmp_path / "profile"
    )
    assert "草案" not in "".join(page_texts(approved))
