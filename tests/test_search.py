"""Search quality without a browser: the user dictionary, the index, and the query set itself.

The query set is run through the real search box in tests/browser/test_search.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from generator.pipeline import build, load_and_validate
from generator.project import Project
from generator.search import dictionary_words, shipped_terms, user_dictionary
from generator.site.build import fix_query_segmentation
from tests.conftest import EXAMPLE, REPO, make_project

ZWSP = "\u200b"


@dataclass(frozen=True)
class Query:
    """One line of tests/search_queries.yaml."""

    query: str
    page: str
    kind: str


def _load_queries() -> list[Query]:
    entries: list[dict[str, Any]] = YAML(typ="safe").load(REPO / "tests/search_queries.yaml")
    return [Query(str(e["query"]), str(e["page"]), str(e["kind"])) for e in entries]


QUERIES = _load_queries()


@pytest.fixture(scope="module")
def example_index(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = make_project(tmp_path_factory.mktemp("search") / "example", EXAMPLE)
    build(Project.at(root))
    index: dict[str, Any] = json.loads(
        (root / "site/search/search_index.json").read_text(encoding="utf-8")
    )
    return index


def location_of(markdown: str) -> str:
    """The search index location of a page built with directory URLs (``systems/oms/``)."""
    stem = markdown.removesuffix(".md").removesuffix("index")
    return stem if not stem or stem.endswith("/") else stem + "/"


def text_of(index: dict[str, Any], page: str) -> str:
    """The plain text of one page (all its sections), lower case, without jieba's marks."""
    docs = [d for d in index["docs"] if d["location"].split("#")[0] == location_of(page)]
    assert docs, f"{page} is not in the search index"
    text = " ".join(d["title"] + " " + d["text"] for d in docs)
    return re.sub(r"<[^>]+>", " ", text).replace(ZWSP, "").lower()


def tokens_of(index: dict[str, Any], page: str | None = None) -> set[str]:
    """Index tokens of one page (all its sections), or of the whole site."""
    separator = re.compile(index["config"]["separator"])
    found: set[str] = set()
    for doc in index["docs"]:
        if page is None or doc["location"].split("#")[0] == location_of(page):
            text = re.sub(r"<[^>]+>", " ", doc["title"] + " " + doc["text"])
            found |= {t.lower() for t in separator.split(text) if t}
    return found


def test_query_set_is_large_varied_and_points_at_real_pages() -> None:
    assert len(QUERIES) >= 30
    assert len({q.query for q in QUERIES}) == len(QUERIES)
    assert {"term", "name", "partial", "vendor", "person", "scenario", "mixed", "abbr"} <= {
        q.kind for q in QUERIES
    }
    golden = REPO / "tests/golden/site/docs"
    hand = REPO / "docs"
    missing = [
        q.page for q in QUERIES if not ((golden / q.page).is_file() or (hand / q.page).is_file())
    ]
    assert missing == []


def pieces(word: str) -> list[str]:
    """A word, or for a Han word missing as a whole, its two-character pieces (電力中斷 → 電力, 中斷):
    the search segments a Han query into index tokens, so 電力中斷 finds 「電力或通訊中斷」."""
    if not re.fullmatch(r"[\u4e00-\u9fff]{4,}", word):
        return [word]
    cuts = list(range(0, len(word) - 1, 2))
    return [word[i : i + 2] if i != cuts[-1] else word[i:] for i in cuts]


def test_each_expected_page_holds_every_word_of_its_query(example_index: dict[str, Any]) -> None:
    """A query can only be answered by a page that contains it: the query set must be honest."""
    separator = re.compile(example_index["config"]["separator"])
    unmet = []
    for case in QUERIES:
        text = text_of(example_index, case.page)
        unmet += [
            f"{case.query} → {case.page}: no 「{word}」"
            for word in separator.split(case.query.lower())
            if word and not all(piece in text for piece in pieces(word))
        ]
    assert unmet == []


def test_firm_names_and_shipped_terms_are_single_tokens(example_index: dict[str, Any]) -> None:
    tokens = tokens_of(example_index)
    for name in (
        "委託下單系統",
        "交割結算系統",
        "鼎岳資訊股份有限公司",
        "臺中異地備援機房",
        "勒索軟體",
    ):
        assert name in tokens
    # Names with a Latin part keep their Han run as one token, and the Latin part is its own.
    assert {"分散式阻斷服務攻擊", "ddos"} <= tokens
    assert {"第一類證券商", "復原時間目標", "最小可接受服務水準"} <= tokens
    assert "（rto）" not in tokens and "rto" in tokens  # full-width brackets separate words


def test_chinese_text_is_segmented_with_zero_width_spaces(example_index: dict[str, Any]) -> None:
    settle = next(d for d in example_index["docs"] if d["location"] == "systems/settle/")
    assert ZWSP in settle["title"] + settle["text"]
    assert "\\u200b" in example_index["config"]["separator"]


def test_user_dictionary_holds_han_runs_of_names_and_shipped_terms() -> None:
    loaded = load_and_validate(EXAMPLE)
    lines = user_dictionary(loaded.firm).splitlines()
    words = [line.split()[0] for line in lines]
    assert all(line.endswith(" 2000 n") for line in lines)
    assert words == sorted(set(words))
    assert {"委託下單系統", "證券經紀委託下單", "颱風", "陳建宏", "鼎岳資訊股份有限公司"} <= set(
        words
    )
    assert {"交割", "款券劃撥", "第一類證券商"} <= set(words)
    assert (
        "全公司緊急聯絡樹" not in words
    )  # contact-tree names start with a qualifier: left to jieba
    assert not [w for w in words if re.search(r"[\sA-Za-z（）]", w)]


def test_dictionary_words_cut_names_at_anything_but_han() -> None:
    assert dictionary_words(
        ["分散式阻斷服務攻擊（DDoS）", "召集人（指揮官）", "中台數據機房 NOC"]
    ) == [
        "中台數據機房",
        "分散式阻斷服務攻擊",
        "召集人",
        "指揮官",
    ]
    assert dictionary_words(["A", "險", "ab 3-2-1"]) == []


def test_shipped_terms_are_han_and_unique() -> None:
    terms = shipped_terms()
    assert len(terms) >= 50
    assert len(terms) == len(set(terms))
    assert dictionary_words(terms) == sorted(terms)


def test_search_worker_tries_the_whole_query_as_one_token(tmp_path: Path) -> None:
    """Without the fix, Material cuts 第一類證券商 into 第* 一* (see generator/site/build.py)."""
    from material import templates

    theme = Path(templates.__file__).parent
    (original,) = theme.glob("assets/javascripts/workers/search.*.min.js")
    copy = tmp_path / "assets/javascripts/workers" / original.name
    copy.parent.mkdir(parents=True)
    copy.write_bytes(original.read_bytes())
    fix_query_segmentation(tmp_path)
    patched = copy.read_text(encoding="utf-8")
    assert "o<=t.length;o++)t.slice(s,o)in e" in patched
    assert patched.replace("o<=t.length;o++", "o<t.length;o++") == original.read_text("utf-8")
    fix_query_segmentation(tmp_path)  # idempotent
    assert copy.read_text(encoding="utf-8") == patched
    assert "o<t.length;o++)t.slice(s,o)in e" in original.read_text("utf-8"), "theme untouched"
