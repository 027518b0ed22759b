"""Test helpers: print a page to PDF with Debian's headless Chromium, read the PDF back."""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

from pypdf import PdfReader

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-pdf-header-footer",
    "--run-all-compositor-stages-before-draw",
    "--virtual-time-budget=10000",
]
A4_POINTS = (595, 842)


def chromium() -> str:
    """Path of the system Chromium (installed by ``make test``)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    assert found, "Debian's chromium is not installed: run `make test`, which installs it"
    return found


def print_to_pdf(url: str, out: Path, profile: Path) -> Path:
    """Print ``url`` (file:// or http://127.0.0.1) to ``out`` as Chromium does for a user."""
    subprocess.run(
        [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={out}", url],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


def page_texts(pdf: Path) -> list[str]:
    """The extracted text of each page, NFKC-normalised.

    Chromium's subset of Noto CJK maps some glyphs to Kangxi radicals in the PDF's ToUnicode table
    (「行」 is extracted as U+2F8F 「⾏」); NFKC folds them back to the ideographs people type.
    """
    return [
        unicodedata.normalize("NFKC", page.extract_text() or "") for page in PdfReader(pdf).pages
    ]


def is_a4(pdf: Path) -> bool:
    """True when every page is A4 (within a point)."""
    sizes = {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(pdf).pages
    }
    return sizes == {A4_POINTS}
