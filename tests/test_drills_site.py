"""Built site: drills.ics (RFC 5545, stable bytes, linked) and the printed drill checklist."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from generator.drills.ical import drills_calendar
from generator.pipeline import load_and_validate
from tests.conftest import EXAMPLE
from tests.printing import is_a4, page_texts, print_to_pdf

SITE_URL = "https://bcp.intranet.example/"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example firm built once (with SITE_URL so the feed carries absolute links)."""
    from generator.cli import main
    from tests.conftest import make_project

    root = make_project(tmp_path_factory.mktemp("drills") / "project", EXAMPLE)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SITE_URL", SITE_URL)
        mp.chdir(root)
        assert main(["build"]) == 0
    return root


def unfold(text: str) -> list[str]:
    """RFC 5545 §3.1: a CRLF followed by one space or tab continues the previous line."""
    return re.sub(r"\r\n[ \t]", "", text).split("\r\n")


def test_ics_parses_with_icalendar(built: Path) -> None:
    raw = (built / "site" / "drills.ics").read_bytes()
    cal = Calendar.from_ical(raw)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    firm = load_and_validate(EXAMPLE).firm
    assert len(events) == len(firm.drills)
    event = events["d-2025-04@9z88.bcp-handbook"]
    start = event.decoded("DTSTART")
    assert start == dt.datetime(2025, 8, 23, 14, 0, tzinfo=ZoneInfo("Asia/Taipei"))
    assert start.utcoffset() == dt.timedelta(hours=8)
    assert event.decoded("DTEND").hour == 21
    assert str(event["URL"]) == f"{SITE_URL}drills/d-2025-04/"
    assert "機房火災" in str(event["SUMMARY"])
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Asia/Taipei"]


def test_ics_reads_as_plain_rfc5545_text(built: Path) -> None:
    raw = (built / "site" / "drills.ics").read_bytes()
    assert raw.endswith(b"\r\n")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))  # folded in octets
    lines = unfold(raw.decode("utf-8"))
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-2] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines
    uids = [line.split(":", 1)[1] for line in lines if line.startswith("UID:")]
    assert len(uids) == len(set(uids)) == lines.count("BEGIN:VEVENT") == 15
    assert "DTSTART;TZID=Asia/Taipei:20261212T140000" in lines
    assert any(line.startswith("DESCRIPTION:") and "drills/d-2026-08/" in line for line in lines)
    props = {line.split(":", 1)[0].split(";", 1)[0] for line in lines if ":" in line}
    assert {"DTSTAMP", "UID", "DTSTART", "DTEND", "SUMMARY", "URL"} <= props


def test_ics_is_byte_identical_on_rebuild(
    built: Path, run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = (built / "site" / "drills.ics").read_bytes()
    monkeypatch.setenv("SITE_URL", SITE_URL)
    shutil.rmtree(built / "build")
    result = run_cli("build", cwd=built)
    assert result.exit_code == 0, result.stderr
    assert (built / "site" / "drills.ics").read_bytes() == first
    firm = load_and_validate(built / "firm_data").firm
    assert drills_calendar(firm, SITE_URL) == first


def test_site_links_to_the_feed(built: Path) -> None:
    for page in ("drills/index.html", "drills/2026/index.html"):
        html = (built / "site" / page).read_text(encoding="utf-8")
        assert re.search(r'href="(\.\./)+drills\.ics"', html), page


def test_drill_page_prints_as_a4_checklist(built: Path, tmp_path: Path) -> None:
    pdf = print_to_pdf(
        (built / "site" / "drills" / "d-2025-04" / "index.html").as_uri(),
        tmp_path / "drill.pdf",
        tmp_path / "profile",
    )
    assert is_a4(pdf)
    pages = page_texts(pdf)
    assert len(pages) >= 3
    firm = load_and_validate(EXAMPLE).firm
    classification = unicodedata.normalize("NFKC", firm.firm.classification)
    edition = f"版次 {firm.firm.edition.number}"
    for number, text in enumerate(pages, start=1):
        assert classification in text, number
        assert edition in text, number
        assert f"第 {number} 頁,共 {len(pages)} 頁" in text, number
    # The running footer (generated edition.css): classification｜handbook｜edition｜effective date.
    footer = re.compile(
        r"第 \d+ 頁,共 \d+ 頁|" + re.escape(classification) + r"\|[^\n]*?生效日期 \S+"
    )
    starts = []
    for phase in ("一、事前準備", "二、演練實施", "三、演練後檢討"):
        found = [i for i, text in enumerate(pages) if phase in text]
        assert len(found) == 1, phase
        starts.append(found[0])
        if phase != "一、事前準備":
            # nothing but the running footer precedes the phase heading on its page
            before = pages[found[0]].split(phase)[0]
            assert footer.sub("", before).strip() == "", before
    assert starts == sorted(set(starts))
    review = re.sub(r"\s", "", "".join(pages[starts[2] :]))
    assert "未通過" in review
    assert "將外部連線憑證納入備援端組態同步清單" in review
