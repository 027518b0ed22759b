"""Whole builds: pages present, no external assets, determinism, no damage on failure."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import generate
from generator.project import Project
from tests.conftest import FIRMS, edit, make_project

RESOURCE_TAGS = {"link", "script", "img", "iframe", "source", "audio", "video", "embed", "object"}


class _Urls(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.resources: list[str] = []
        self.anchors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name not in ("src", "href", "data") or value is None:
                continue
            (self.resources if tag in RESOURCE_TAGS else self.anchors).append(value)


def urls(html: str) -> _Urls:
    parser = _Urls()
    parser.feed(html)
    return parser


def digest(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built_minimal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from generator.pipeline import build

    root = make_project(tmp_path_factory.mktemp("built") / "project", FIRMS / "minimal")
    build(Project.at(root))
    return root


def test_site_has_cover_articles_bia_and_system_pages(built_minimal: Path) -> None:
    site = built_minimal / "site"
    expected = [
        "index.html",
        "bia/index.html",
        "glossary/index.html",
        "systems/oms/index.html",
        *(
            f"articles/{n:02d}-{slug}/index.html"
            for n, slug in [
                (1, "purpose"),
                (2, "definitions"),
                (3, "drills"),
                (4, "organisation"),
                (5, "backup"),
                (6, "data-centres"),
                (7, "emergency-response"),
                (8, "training"),
                (9, "outsourcing"),
                (10, "enactment"),
            ]
        ),
    ]
    missing = [name for name in expected if not (site / name).is_file()]
    assert missing == []
    assert not (site / "systems/mail/index.html").exists(), "non-core systems get no procedure page"


def test_site_loads_nothing_from_other_hosts(built_minimal: Path) -> None:
    pages = sorted((built_minimal / "site").rglob("*.html"))
    assert len(pages) >= 15
    external = []
    for page in pages:
        found = urls(page.read_text(encoding="utf-8"))
        external += [f"{page.name}: {u}" for u in found.resources if re.match(r"(https?:)?//", u)]
        external += [f"{page.name}: {u}" for u in found.anchors if re.match(r"(https?:)?//", u)]
    assert external == []


def test_site_is_in_traditional_chinese_with_chinese_search(built_minimal: Path) -> None:
    index = (built_minimal / "site/index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-TW"' in index
    assert "測試證券股份有限公司" in index
    index_file = built_minimal / "site/search/search_index.json"
    docs = json.loads(index_file.read_text(encoding="utf-8"))["docs"]
    tokens = {t for doc in docs for t in re.split(r"[\s\u200b]+", doc["title"] + " " + doc["text"])}
    # Names from the firm's data are single tokens (the generated jieba user dictionary).
    assert {"委託下單系統", "證券經紀委託", "臺中備援機房"} <= tokens


def test_headings_have_stable_ascii_anchors(built_minimal: Path) -> None:
    html = (built_minimal / "site/systems/oms/index.html").read_text(encoding="utf-8")
    for anchor in ("system-oms", "summary", "procedure", "backups"):
        assert f'id="{anchor}"' in html
    assert 'abbr title="復原時間目標（Recovery Time Objective）"' in html


def test_generation_is_deterministic(tmp_path: Path) -> None:
    first = make_project(tmp_path / "a", FIRMS / "minimal")
    second = make_project(tmp_path / "b", FIRMS / "minimal")
    generate(Project.at(first))
    generate(Project.at(second))
    assert digest(first / "build/docs") == digest(second / "build/docs")


def test_regeneration_rewrites_only_changed_pages(minimal_project: Path) -> None:
    project = Project.at(minimal_project)
    generate(project)
    again = generate(project)
    assert again.report.written == [] and again.report.removed == []
    people = minimal_project / "firm_data/people.yaml"
    people.write_text(
        people.read_text(encoding="utf-8").replace("02-2700-0001", "02-2700-0009"), encoding="utf-8"
    )
    changed = generate(project)
    assert changed.report.written == ["index.md"]
    assert "02-2700-0009" in (minimal_project / "build/docs/index.md").read_text(encoding="utf-8")


def test_a_phone_edit_rewrites_exactly_the_pages_that_display_the_number(
    example_project: Path,
) -> None:
    project = Project.at(example_project)
    generate(project)
    docs = example_project / "build/docs"

    def showing(*spellings: str) -> list[str]:
        return sorted(
            path.relative_to(docs).as_posix()
            for path in docs.rglob("*")
            if path.is_file() and any(s.encode() in path.read_bytes() for s in spellings)
        )

    before = showing("02-2700-0101", "+886227000101")
    assert len(before) >= 3  # the call lists and contact trees show this person
    edit(example_project / "firm_data/people.yaml", '"02-2700-0101"', '"02-2700-0199"')
    changed = generate(project)
    after = showing("02-2700-0199", "+886227000199")
    assert changed.report.written == after
    # Every page that showed the old number shows the new one (the rule hint's example stays).
    assert after == [page for page in before if page != "rules.md"]


def test_removed_records_remove_their_pages(minimal_project: Path) -> None:
    project = Project.at(minimal_project)
    generate(project)
    stale = minimal_project / "build/docs/systems/old.md"
    stale.write_text("stale", encoding="utf-8")
    result = generate(project)
    assert result.report.removed == ["systems/old.md"]
    assert not stale.exists()


def test_failed_build_leaves_site_and_pages_untouched(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    assert run_cli("build", cwd=minimal_project).exit_code == 0
    site_before = digest(minimal_project / "site")
    docs_before = digest(minimal_project / "build/docs")
    override = minimal_project / "firm_data/overrides/pages/bia.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text("{{ nothing_here }}\n", encoding="utf-8")
    assert run_cli("build", cwd=minimal_project).exit_code == 3
    assert digest(minimal_project / "site") == site_before
    assert digest(minimal_project / "build/docs") == docs_before


def test_broken_link_fails_the_strict_build_without_touching_site(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    assert run_cli("build", cwd=minimal_project).exit_code == 0
    before = digest(minimal_project / "site")
    (minimal_project / "docs/guide/broken.md").write_text(
        "# 壞連結\n\n[不存在](../nowhere.md)\n", encoding="utf-8"
    )
    result = run_cli("build", cwd=minimal_project)
    assert result.exit_code == 3
    assert (
        "docs/guide/broken.md: error[site-warning]: MkDocs：Doc file 'guide/broken.md' "
        "contains a link '../nowhere.md', but the target 'nowhere.md' is not found"
    ) in result.stderr
    assert digest(minimal_project / "site") == before
    assert not list(minimal_project.glob(".site.new-*"))


def test_hand_written_page_cannot_replace_a_generated_one(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    (minimal_project / "docs/bia.md").write_text("# 我的 BIA\n", encoding="utf-8")
    result = run_cli("generate", cwd=minimal_project)
    assert result.exit_code == 4
    assert "docs/bia.md: error[page-clash]" in result.stderr


def test_example_firm_builds(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    from tests.conftest import EXAMPLE

    root = make_project(tmp_path / "example", EXAMPLE)
    result = run_cli("build", cwd=root)
    assert result.exit_code == 0, result.stderr
    core = sorted((root / "build/docs/systems").glob("*.md"))
    assert len(core) >= 10
    shutil.rmtree(root)


def test_search_index_of_a_partial_build_replaces_only_the_rebuilt_pages(tmp_path: Path) -> None:
    from generator.site.serve import SearchIndex

    def write(docs: list[dict[str, str]]) -> None:
        folder = tmp_path / "search"
        folder.mkdir(exist_ok=True)
        index = {"config": {"lang": ["zh"]}, "docs": docs}
        (folder / "search_index.json").write_text(json.dumps(index), encoding="utf-8")

    def doc(location: str, text: str) -> dict[str, str]:
        return {"location": location, "title": location, "text": text}

    hand = "guide/%E6%89%8B%E5%86%8A/"  # docs/guide/手冊.md, percent-encoded by MkDocs
    full = [doc("", "首頁"), doc("#a", "首頁 a"), doc(hand, "舊"), doc("x/", "x"), doc("y/", "y")]
    search = SearchIndex()
    write(full)
    search.after_build(tmp_path, None)
    # The home page and the hand page were rebuilt; y/ has no entries any more (e.g. excluded).
    write([doc("", "新首頁"), doc(hand, "新"), doc(hand + "#b", "新 b")])
    search.after_build(tmp_path, ["index.md", "guide/手冊.md", "y.md"])
    merged = json.loads((tmp_path / "search/search_index.json").read_text(encoding="utf-8"))
    assert merged["config"] == {"lang": ["zh"]}
    assert [(d["location"], d["text"]) for d in merged["docs"]] == [
        ("", "新首頁"),
        (hand, "新"),
        (hand + "#b", "新 b"),
        ("x/", "x"),
    ]


def test_serve_rebuilds_pages_changed_on_disk_by_anyone(tmp_path: Path) -> None:
    """Serve compares the files with the last build, so pages another process wrote count too."""
    import os

    from generator.site.serve import changed_pages, file_stamps

    docs = tmp_path / "docs"
    (docs / "systems").mkdir(parents=True)
    for name in ("index.md", "systems/oms.md", "assets/site.css"):
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text("v1", encoding="utf-8")
    settings = tmp_path / "mkdocs.yml"
    settings.write_text("nav: []", encoding="utf-8")

    def touch(path: Path, text: str) -> None:
        path.write_text(text, encoding="utf-8")
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    first = file_stamps(docs, [settings])
    assert changed_pages(None, first) is None  # the first build is full
    assert changed_pages(first, file_stamps(docs, [settings])) == []
    touch(docs / "systems/oms.md", "v2")
    pages = file_stamps(docs, [settings])
    assert changed_pages(first, pages) == ["systems/oms.md"]
    touch(docs / "assets/site.css", "v2")
    assert changed_pages(pages, file_stamps(docs, [settings])) is None  # an asset: full
    touch(settings, "nav: [x]")
    assert changed_pages(pages, file_stamps(docs, [settings])) is None  # settings: full
    (docs / "new.md").write_text("v1", encoding="utf-8")
    assert changed_pages(first, file_stamps(docs, [settings])) is None  # a new page: full


def test_serve_stamps_regular_files_and_links_to_them(tmp_path: Path) -> None:
    """What serve compares between builds: regular files (and symlinks to one) by path; a
    folder reached through a symlink is not entered; dangling links and FIFOs are not files."""
    import os

    from generator.site.serve import file_stamps

    docs = tmp_path / "docs"
    (docs / "a/b").mkdir(parents=True)
    (docs / "a/b/page.md").write_text("v1", encoding="utf-8")
    (docs / "index.md").write_text("v1", encoding="utf-8")
    (docs / "linked.md").symlink_to(docs / "a/b/page.md")
    (docs / "folder-link").symlink_to(docs / "a")
    (docs / "dangling.md").symlink_to(docs / "missing.md")
    os.mkfifo(docs / "fifo.md")
    settings = tmp_path / "mkdocs.yml"
    settings.write_text("nav: []", encoding="utf-8")
    stamps = file_stamps(docs, [settings, tmp_path / "gone.yml"])
    assert sorted(stamps) == sorted(["a/b/page.md", "index.md", "linked.md", str(settings)])
    page = (docs / "a/b/page.md").stat()
    assert stamps["linked.md"] == stamps["a/b/page.md"] == (page.st_mtime_ns, page.st_size)
    assert file_stamps(tmp_path / "no-such-folder", []) == {}


def test_serve_keeps_the_theme_compiled_between_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each build gets a new Jinja environment; the plugin gives every one the same compiled
    templates, and an edited template (a theme override) is compiled again."""
    import jinja2

    from generator.site.serve import _theme_cache_plugin

    plugin = _theme_cache_plugin()
    sources = {"main.html": "{% block x %}頁面 {{ n }}{% endblock %}"}

    def fresh_env() -> jinja2.Environment:
        env = jinja2.Environment(loader=jinja2.DictLoader(sources))
        result: jinja2.Environment = plugin.on_env(env, config=None, files=None)
        return result

    assert fresh_env().get_template("main.html").render(n=1) == "頁面 1"
    second = fresh_env()
    monkeypatch.setattr(second, "compile", lambda *a, **k: pytest.fail("compiled again"))
    assert second.get_template("main.html").render(n=2) == "頁面 2"
    sources["main.html"] = "改過 {{ n }}"
    compiled: list[str] = []
    third = fresh_env()
    real = third.compile
    monkeypatch.setattr(third, "compile", lambda *a, **k: compiled.append("x") or real(*a, **k))
    assert third.get_template("main.html").render(n=3) == "改過 3"
    assert compiled == ["x"]
    # Compiled code depends on settings such as escaping: another setting, another entry.
    sources["main.html"] = "{{ html }}"
    plain = fresh_env()
    assert plain.get_template("main.html").render(html="<b>") == "<b>"
    escaping = jinja2.Environment(loader=jinja2.DictLoader(sources), autoescape=True)
    plugin.on_env(escaping, config=None, files=None)
    assert escaping.get_template("main.html").render(html="<b>") == "&lt;b&gt;"
