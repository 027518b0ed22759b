"""`handbook bundle`: one zip with the file:// site, contact lists, PDFs and a SHA-256 manifest.

That the unpacked site opens from file:// with working search is asserted in tests/browser/.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.bundle import bundle
from generator.project import Project
from tests.conftest import FIRMS, make_project
from tests.test_site import digest

TOP = "bcp-handbook-2026.1"  # the minimal firm's edition


@pytest.fixture(scope="module")
def bundled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The minimal firm bundled once, with a PDF present; (project root, zip)."""
    root = make_project(tmp_path_factory.mktemp("bundle") / "project", FIRMS / "minimal")
    (root / "build/pdf").mkdir(parents=True)
    (root / "build/pdf/handbook.pdf").write_bytes(b"%PDF-1.7\n% made by the print step\n")
    result = bundle(Project.at(root))
    return root, result.path


def names(archive: Path) -> list[str]:
    with zipfile.ZipFile(archive) as zf:
        return zf.namelist()


def read(archive: Path, name: str) -> bytes:
    with zipfile.ZipFile(archive) as zf:
        return zf.read(f"{TOP}/{name}")


def test_bundle_layout(bundled: tuple[Path, Path]) -> None:
    root, archive = bundled
    assert archive == root / f"build/{TOP}-offline.zip"
    inside = names(archive)
    assert all(name.startswith(f"{TOP}/") for name in inside)
    files = {name.removeprefix(f"{TOP}/") for name in inside}
    assert {
        "index.html",
        "README.txt",
        "SHA256SUMS",
        "contacts/people.csv",
        "contacts/parties.csv",
        "pdf/handbook.pdf",
        "site/index.html",
        "site/systems/oms.html",  # the offline profile: page.html, not directory URLs
        "site/search/search_index.js",  # the index inlined for file://
        "site/assets/vendor/iframe-worker/shim.js",
    } <= files
    # pages are page.html; a folder's own index.md (e.g. drills/index.md) is its index.html
    assert "site/systems/oms/index.html" not in files
    assert not any(name.endswith("/index/index.html") for name in files)


def test_offline_pages_use_html_urls_and_no_site_url(bundled: tuple[Path, Path]) -> None:
    _, archive = bundled
    home = read(archive, "site/index.html").decode("utf-8")
    assert 'href="systems/oms.html"' in home
    assert "assets/vendor/iframe-worker/shim.js" in home
    assert "unpkg.com" not in home and 'rel="canonical"' not in home
    index = read(archive, "site/search/search_index.js").decode("utf-8")
    assert index.startswith("var __index = {")
    start = read(archive, "index.html").decode("utf-8")
    assert 'url=site/index.html"' in start and 'lang="zh-TW"' in start


def test_manifest_covers_every_file_and_sha256sum_agrees(
    bundled: tuple[Path, Path], tmp_path: Path
) -> None:
    _, archive = bundled
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path)
    top = tmp_path / TOP
    lines = (top / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    listed = {line.split("  ", 1)[1] for line in lines}
    on_disk = {p.relative_to(top).as_posix() for p in top.rglob("*") if p.is_file()}
    assert listed == on_disk - {"SHA256SUMS"}
    for line in lines:
        digest_hex, name = line.split("  ", 1)
        assert hashlib.sha256((top / name).read_bytes()).hexdigest() == digest_hex
    if shutil.which("sha256sum"):
        check = subprocess.run(
            ["sha256sum", "--check", "--quiet", "SHA256SUMS"], cwd=top, capture_output=True
        )
        assert check.returncode == 0, check.stdout + check.stderr
        (top / "contacts/people.csv").write_text("tampered", encoding="utf-8")
        check = subprocess.run(["sha256sum", "--check", "SHA256SUMS"], cwd=top, capture_output=True)
        assert check.returncode == 1 and b"contacts/people.csv: FAILED" in check.stdout


def test_contact_lists_leave_private_numbers_out(bundled: tuple[Path, Path]) -> None:
    _, archive = bundled
    raw = read(archive, "contacts/people.csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for spreadsheet programs
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["姓名", "職稱", "部門", "任務編組角色", "電話", "電子郵件", "最後確認日"]
    people = {row[0]: row for row in rows[1:]}
    leader = people["測試甲"]
    assert "02-2700-0001" in leader[4]
    assert "0912-000-001" not in raw.decode("utf-8-sig")  # marked private in people.yaml
    assert "召集人" in leader[3]
    parties = list(
        csv.reader(io.StringIO(read(archive, "contacts/parties.csv").decode("utf-8-sig")))
    )
    assert parties[0][:3] == ["名稱", "類別", "用途"] and len(parties) >= 2


def test_readme_names_edition_and_contents(bundled: tuple[Path, Path]) -> None:
    _, archive = bundled
    text = read(archive, "README.txt").decode("utf-8-sig")
    assert "第 2026.1 版（離線版）" in text
    assert "handbook.pdf" in text and "sha256sum -c SHA256SUMS" in text


def test_bundle_is_reproducible(tmp_path: Path) -> None:
    """Same data and SOURCE_DATE_EPOCH (set by the test suite): the same zip, byte for byte."""
    first = make_project(tmp_path / "a", FIRMS / "minimal")
    second = make_project(tmp_path / "b", FIRMS / "minimal")
    one = bundle(Project.at(first)).path.read_bytes()
    two = bundle(Project.at(second)).path.read_bytes()
    assert hashlib.sha256(one).hexdigest() == hashlib.sha256(two).hexdigest()


def test_bundle_never_touches_the_intranet_site(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    assert run_cli("build", cwd=minimal_project).exit_code == 0
    before = digest(minimal_project / "site")
    result = run_cli("bundle", "--out", "out/handbook.zip", cwd=minimal_project)
    assert result.exit_code == 0, result.stderr
    assert "離線包：out/handbook.zip" in result.stdout
    assert (minimal_project / "out/handbook.zip").is_file()
    assert (minimal_project / "build/offline-site/index.html").is_file()
    assert digest(minimal_project / "site") == before


def test_failed_bundle_keeps_the_previous_zip(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    assert run_cli("bundle", cwd=minimal_project).exit_code == 0
    archive = minimal_project / f"build/{TOP}-offline.zip"
    before = archive.read_bytes()
    offline_before = digest(minimal_project / "build/offline-site")
    override = minimal_project / "firm_data/overrides/pages/bia.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("{{ nothing_here }}\n", encoding="utf-8")
    assert run_cli("bundle", cwd=minimal_project).exit_code == 3
    assert archive.read_bytes() == before
    assert digest(minimal_project / "build/offline-site") == offline_before
    assert not list((minimal_project / "build").glob(".*.tmp"))


def test_offline_profile_drops_what_needs_a_server(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    """A version selector (issue 7's editions) and instant loading cannot work from file://."""
    config = minimal_project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = text.replace(
        "    - navigation.prune\n", "    - navigation.prune\n    - navigation.instant\n"
    )
    text = text.replace("extra:\n", "extra:\n  version:\n    provider: mike\n")
    config.write_text(text, encoding="utf-8")
    assert run_cli("build", cwd=minimal_project).exit_code == 0
    assert run_cli("bundle", cwd=minimal_project).exit_code == 0
    intranet = (minimal_project / "site/index.html").read_text(encoding="utf-8")
    offline = (minimal_project / "build/offline-site/index.html").read_text(encoding="utf-8")
    assert '"navigation.instant"' in intranet and '"provider": "mike"' in intranet
    assert '"navigation.instant"' not in offline and '"provider": "mike"' not in offline
    assert '"navigation.prune"' in offline
