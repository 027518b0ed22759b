"""Contact-tree pages, wallet cards, printing, phone formats and the two audiences."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from generator import phones
from generator.audience import Audience, visible
from generator.exports.files import searchable_text
from generator.model import Phone
from generator.pipeline import build, generate, load_and_validate
from generator.project import Project
from tests.conftest import EXAMPLE, make_project
from tests.printing import A4_POINTS, page_texts, print_to_pdf

FULL = load_and_validate(EXAMPLE, Audience.RESTRICTED).firm
PERSONAL = [(person, phone) for person in FULL.people for phone in person.phones if phone.personal]
HOME_ADDRESSES = [p.home_address for p in FULL.people if p.home_address]


def spellings(number: str) -> set[str]:
    """Every way a number could appear in a page, an index or an export."""
    e164 = phones.e164(number)
    return {
        number,
        phones.local(number),
        phones.digits(number),
        e164,
        e164.lstrip("+"),
        "0" + phones.digits(number),
    }


def all_text(*roots: Path) -> dict[str, str]:
    """Every file under ``roots`` (pages, search index, assets, config), as text."""
    return {
        str(path): path.read_bytes().decode("utf-8", errors="replace")
        for root in roots
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def example_builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example firm built for both audiences into one project."""
    root = make_project(tmp_path_factory.mktemp("contacts") / "project", EXAMPLE)
    build(Project.at(root))
    build(Project.at(root, audience=Audience.RESTRICTED))
    return root


def test_example_has_personal_numbers_to_protect() -> None:
    assert len(PERSONAL) >= 37
    assert {phone.kind for _, phone in PERSONAL} == {"mobile"}
    assert len(HOME_ADDRESSES) == 3


def test_internal_build_holds_no_personal_number_or_address(example_builds: Path) -> None:
    files = all_text(example_builds / "build", example_builds / "site")
    assert any(name.endswith("search_index.json") for name in files)
    leaks = [
        f"{name}: {person.name} {spelling}"
        for person, phone in PERSONAL
        for spelling in spellings(phone.number)
        for name, text in files.items()
        if spelling in text
    ]
    leaks += [f"{name}: {a}" for a in HOME_ADDRESSES for name, t in files.items() if a in t]
    assert leaks == []


def test_restricted_build_has_every_personal_number(example_builds: Path) -> None:
    site = example_builds / "site-restricted"
    index = (site / "search/search_index.json").read_text(encoding="utf-8")
    directory = (site / "contacts/index.html").read_text(encoding="utf-8")
    for person, phone in PERSONAL:
        local = phones.local(phone.number)
        assert local in directory, person.name
        assert local in index, person.name
    for address in HOME_ADDRESSES:
        assert address in directory


def test_restricted_pages_all_carry_the_banner(example_builds: Path) -> None:
    restricted = sorted((example_builds / "site-restricted").rglob("*.html"))
    internal = sorted((example_builds / "site").rglob("*.html"))
    pages = [p for p in restricted if p.name == "index.html" and "search" not in p.parts]
    assert len(pages) >= 25
    banner = '<p class="admonition-title">限閱</p>'
    missing = [str(p) for p in pages if banner not in p.read_text(encoding="utf-8")]
    assert missing == []
    assert not [p for p in internal if banner in p.read_text(encoding="utf-8")]


def test_audiences_build_into_separate_folders(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    assert run_cli("build", cwd=example_project).exit_code == 0
    before = {
        p: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (example_project / "site").rglob("*")
        if p.is_file()
    }
    result = run_cli("build", "--audience", "restricted", cwd=example_project)
    assert result.exit_code == 0, result.stderr
    assert "網站已建置於 site-restricted/" in result.stdout
    after = {
        p: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in (example_project / "site").rglob("*")
        if p.is_file()
    }
    assert after == before, "a restricted build never touches the intranet copy"
    assert (example_project / "build-restricted/docs/contacts/tree-main.md").is_file()


def test_unknown_audience_is_a_usage_error(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    result = run_cli("build", "--audience", "public", cwd=example_project)
    assert result.exit_code == 2
    assert "invalid choice: 'public'" in result.stderr


def test_redaction_is_declared_by_the_model() -> None:
    internal = visible(FULL, Audience.INTERNAL)
    assert visible(FULL, Audience.RESTRICTED) is FULL
    chen = next(p for p in internal.people if p.id == "p-001")
    assert [ph.kind for ph in chen.phones] == ["office"]
    assert chen.home_address is None
    assert chen.path == ("people", 0), "records keep their data path"
    assert next(p for p in FULL.people if p.id == "p-001").home_address, "input is not changed"
    assert Phone(kind="mobile", number="0912-345-678", private=False).personal is False
    assert Phone(kind="home", number="02-2700-0101").personal is True
    assert Phone(kind="office", number="02-2700-0101", private=True).personal is True


def test_personal_number_typed_in_free_text_stops_the_internal_build(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    scenarios = example_project / "firm_data/scenarios.yaml"
    text = scenarios.read_text(encoding="utf-8")
    scenarios.write_text(
        text.replace("決定營業狀態。", "決定營業狀態；先打總經理手機 0912 000 101。", 1),
        encoding="utf-8",
    )
    result = run_cli("generate", cwd=example_project)
    assert result.exit_code == 1
    assert (
        "error[personal-data]: 內部版頁面「articles/07-emergency-response.md」含有陳建宏的個人資料"
        "（行動電話）"
    ) in result.stderr
    assert "0912" not in result.stderr
    assert not (example_project / "build/docs").exists(), "nothing written"
    assert run_cli("generate", "--audience", "restricted", cwd=example_project).exit_code == 0


def test_tree_page_draws_every_person_with_deputy_and_number(example_project: Path) -> None:
    generate(Project.at(example_project, audience=Audience.RESTRICTED))
    page = (example_project / "build-restricted/docs/contacts/tree-main.md").read_text("utf-8")
    tree = next(t for t in FULL.contact_trees if t.id == "tree-main")
    assert 'class="bcp-tree bcp-tree--wide"' in page
    assert page.count('class="bcp-node"') == 17
    assert (
        '<span class="bcp-node__no">3.2</span><strong class="bcp-node__name">邱建志</strong>'
        in page
    )
    assert '代理 曾淑惠 <a class="bcp-tel" href="tel:+886227000115">02-2700-0115</a>' in page
    assert "| 3.2 | 王美玲（3） | 邱建志（經理） |" in page
    assert tree.target == 60 and "**1 小時內**" in page
    rows = re.findall(
        r"^\| (臺灣證券交易所|臺灣集中保管結算所|消防救護（火災、救護專線）) \|", page, re.M
    )
    assert rows == ["消防救護（火災、救護專線）", "臺灣證券交易所", "臺灣集中保管結算所"]


@pytest.mark.parametrize(
    ("written", "local", "e164"),
    [
        ("02-2700-0101", "02-2700-0101", "+886227000101"),
        ("0227000101", "02-2700-0101", "+886227000101"),
        ("(02)2700-0101", "02-2700-0101", "+886227000101"),
        ("+886 912 000 101", "0912-000-101", "+886912000101"),
        ("0800-000-201", "0800-000-201", "+886800000201"),
        ("+1 212 555 0100", "+1 212-555-0100", "+12125550100"),
        ("110", "110", "110"),
    ],
)
def test_phone_formats(written: str, local: str, e164: str) -> None:
    assert phones.local(written) == local
    assert phones.e164(written) == e164


def test_tree_and_cards_print_on_a4_with_extractable_names(
    example_builds: Path, tmp_path: Path
) -> None:
    site = example_builds / "site-restricted"
    tree = print_to_pdf(
        (site / "contacts/tree-main/index.html").as_uri(), tmp_path / "tree.pdf", tmp_path / "p1"
    )
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(tree).pages
    ]
    landscape = A4_POINTS[::-1]
    assert set(sizes) <= {A4_POINTS, landscape}
    assert landscape in sizes, "the wide tree gets a landscape page"
    text = "".join(page_texts(tree))
    names = [p.name for p in FULL.people if any(p.id == n for n in _tree_people("tree-main"))]
    assert len(names) >= 17
    assert [n for n in names if n not in text] == []
    assert "0912-000-134" in re.sub(r"\s", "", text)

    cards = print_to_pdf(
        (site / "contacts/tree-it-cards/index.html").as_uri(),
        tmp_path / "cards.pdf",
        tmp_path / "p2",
    )
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(cards).pages
    ]
    assert set(sizes) == {A4_POINTS}
    card_text = "".join(page_texts(cards))
    assert "我要依序聯絡" in card_text and "重要電話" in card_text
    assert all(name in card_text for name in ("李俊傑", "謝文彬", "鄭雅婷"))


def _tree_people(tree_id: str) -> set[str]:
    tree = next(t for t in FULL.contact_trees if t.id == tree_id)
    found: set[str] = set()
    stack = [tree.root]
    while stack:
        node = stack.pop()
        found.add(node.person)
        if node.deputy:
            found.add(node.deputy)
        stack.extend(node.calls)
    return found


def test_home_address_in_a_hand_written_page_is_located(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    page = example_project / "docs/guide/visits.md"
    page.write_text("# 拜訪\n\n總經理住在 臺北市大安區虛構路 101號 8 樓。\n", encoding="utf-8")
    result = run_cli("build", cwd=example_project)
    assert result.exit_code == 1
    assert (
        "docs/guide/visits.md: error[personal-data]: 內部版頁面「guide/visits.md」"
        "含有陳建宏的個人資料（住家地址）"
    ) in result.stderr
    assert not (example_project / "site").exists()


def test_personal_number_in_the_drill_calendar_stops_the_internal_build(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    """drills.ics is made from the data and searched as well, its folded lines joined first."""
    drills = example_project / "firm_data/drills-2026.yaml"
    text = drills.read_text(encoding="utf-8")
    title = re.search(r"title: (.+)", text)
    assert title is not None
    long = title.group(1) + "（" + "聯絡窗口請於演練前一日確認" * 3 + "0912 000 101）"
    drills.write_text(text.replace(title.group(0), f"title: {long}", 1), encoding="utf-8")
    result = run_cli("generate", cwd=example_project)
    assert result.exit_code == 1
    assert "error[personal-data]: 內部版頁面「drills.ics」含有陳建宏的個人資料" in result.stderr


def test_calendar_text_is_searched_unfolded() -> None:
    assert searchable_text("drills.ics", b"SUMMARY:A 0912\r\n 000\r\n\t101\r\n") == (
        "SUMMARY:A 0912000101\r\n"
    )
    assert searchable_text("page.md", b"0912\r\n 000") == "0912\r\n 000"
