"""The one orchestrator: load → model → references → checks → pages → render → write."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from generator.bundle import bundle_files, bundle_name, write_zip
from generator.checks import CheckContext, Finding, run_checks
from generator.checks.core import today
from generator.errors import (
    DataError,
    Issue,
    Location,
    OutputError,
    Severity,
    TemplateError,
    error,
    sorted_issues,
)
from generator.guards import SiteScan, scan_site
from generator.load import SourceMap, display_path, load_firm
from generator.model import FirmData
from generator.pages import NavSection, all_pages, plan
from generator.refs import IdIndex, check_refs, index_ids
from generator.render import make_env, render
from generator.search import user_dictionary
from generator.site import HandPage, build_site, engine_config, serve_site
from generator.validate import build_model
from generator.write import WriteReport, read_tree, staged_dir, sync_tree, write_if_changed


@dataclass
class Loaded:
    """A validated firm with its source map and the non-fatal issues found."""

    firm: FirmData
    index: IdIndex
    sources: SourceMap
    data_dir: Path
    issues: list[Issue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def all_issues(self) -> list[Issue]:
        """Data issues and rule findings together, in reading order."""
        return sorted_issues([*self.issues, *(f.to_issue() for f in self.findings)])


def load_and_validate(data_dir: Path) -> Loaded:
    """Load and validate ``data_dir``; raise DataError listing every error found."""
    shown = display_path(data_dir)
    raw, load_issues = load_firm(data_dir)
    firm, issues = build_model(raw, shown)
    if load_issues:
        # A file that did not parse leaves sections missing: do not report those twice.
        issues = [i for i in issues if i.code != "missing-section"]
        raise DataError(sorted_issues(load_issues + issues))
    if firm is None:
        raise DataError(sorted_issues(issues))
    index, issues = index_ids(firm, raw.sources)
    issues += check_refs(firm, index, raw.sources, raw.section_files)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        raise DataError(sorted_issues(issues))
    findings = run_checks(CheckContext(firm, raw.sources, today()))
    return Loaded(firm, index, raw.sources, data_dir, sorted_issues(issues), findings)


@dataclass(frozen=True)
class Project:
    """Where a handbook project keeps its inputs and outputs."""

    root: Path
    data_dir: Path

    @classmethod
    def at(cls, root: Path, data_dir: Path | None = None) -> Project:
        """The project rooted at ``root``; data in ``root/firm_data`` unless given."""
        return cls(root, data_dir if data_dir is not None else root / "firm_data")

    @property
    def templates(self) -> Path:
        """The default templates."""
        return self.root / "templates"

    @property
    def overrides(self) -> Path:
        """The firm's template overrides (same paths as ``templates/``)."""
        return self.data_dir / "overrides"

    @property
    def docs(self) -> Path:
        """Hand-written pages and assets."""
        return self.root / "docs"

    @property
    def build(self) -> Path:
        """Staging: generated Markdown, the engine config and the search dictionary."""
        return self.root / "build"

    @property
    def site(self) -> Path:
        """The built site."""
        return self.root / "site"

    @property
    def offline_site(self) -> Path:
        """The file:// profile of the site, staged for the offline bundle (never ``site/``)."""
        return self.build / "offline-site"

    @property
    def pdf_dir(self) -> Path:
        """PDFs of the handbook, when a print step has made them; the bundle includes them."""
        return self.build / "pdf"

    @property
    def engine_config(self) -> Path:
        """The generated MkDocs config that adds the navigation to ``mkdocs.yml``."""
        return self.build / "mkdocs.yml"

    @property
    def user_dict(self) -> Path:
        """The jieba user dictionary made from the firm's own names."""
        return self.build / "jieba_user_dict.txt"


@dataclass
class Generated:
    """The result of a generation run."""

    loaded: Loaded
    pages: int
    report: WriteReport
    sources: dict[str, str] = field(default_factory=dict)  # page .md → path shown in messages


def render_pages(project: Project, loaded: Loaded) -> tuple[list[NavSection], dict[str, str]]:
    """Render every page in memory; report every template error, not just the first."""
    sections = plan(loaded.firm)
    env = make_env(project.templates, project.overrides, loaded.firm.firm.date_style)
    rendered: dict[str, str] = {}
    problems: list[Issue] = []
    for spec in all_pages(sections):
        try:
            context = {**spec.context, "title": spec.title}
            rendered[spec.dest] = render(env, spec.candidates, context, spec.dest)
        except TemplateError as exc:
            problems.extend(exc.issues)
    if problems:
        raise TemplateError(problems)
    return sections, rendered


def generate(project: Project) -> Generated:
    """Validate the data, render all pages, then write only what changed under ``build/``."""
    loaded = load_and_validate(project.data_dir)
    sections, rendered = render_pages(project, loaded)
    hand = read_tree(project.docs)
    clash = sorted(set(hand) & set(rendered))
    if clash:
        raise OutputError([_clash_issue(project, name) for name in clash])
    files = {**hand, **{dest: text.encode("utf-8") for dest, text in rendered.items()}}
    report = sync_tree(project.build / "docs", files)
    config = engine_config(sections, hand_pages(hand))
    write_if_changed(project.engine_config, config)
    write_if_changed(project.user_dict, user_dictionary(loaded.firm).encode("utf-8"))
    sources = {
        name: display_path((project.docs if name in hand else project.build / "docs") / name)
        for name in files
        if name.endswith(".md")
    }
    return Generated(loaded, len(rendered), report, sources)


def build(project: Project) -> Generated:
    """Generate, then build the site into a staging folder that replaces ``site/`` at the end."""
    result = generate(project)
    with staged_dir(project.site) as staging:
        _build_checked(project, result, staging, offline=False)
    return result


def _build_checked(project: Project, result: Generated, staging: Path, *, offline: bool) -> None:
    """A strict MkDocs build, then the post-build scan of what it wrote."""
    built = build_site(
        project.engine_config, staging, project.user_dict, project.docs, offline=offline
    )
    final = project.offline_site if offline else project.site
    scan = SiteScan(staging, display_path(final), built.directory_urls, result.sources)
    problems = scan_site(scan)
    if offline and not (staging / "search" / "search_index.js").is_file():
        shown = display_path(project.engine_config)
        problems.append(
            error("site-build", "離線版缺少內嵌的搜尋索引 search/search_index.js", Location(shown))
        )
    if problems:
        raise TemplateError(sorted_issues(problems))


@dataclass
class Bundled:
    """The result of ``handbook bundle``."""

    generated: Generated
    path: Path
    files: int
    pdfs: list[str]


def bundle(project: Project, out: Path | None = None) -> Bundled:
    """Build the file:// profile into ``build/offline-site`` and pack it into one zip."""
    result = generate(project)
    with staged_dir(project.offline_site) as staging:
        _build_checked(project, result, staging, offline=True)
    pdfs = sorted(project.pdf_dir.glob("*.pdf")) if project.pdf_dir.is_dir() else []
    firm = result.loaded.firm
    files = bundle_files(project.offline_site, firm, pdfs)
    top = bundle_name(firm)
    path = out if out is not None else project.build / f"{top}-offline.zip"
    write_zip(path, top, files)
    return Bundled(result, path, len(files), [p.name for p in pdfs])


def _clash_issue(project: Project, name: str) -> Issue:
    shown = display_path(project.docs / name)
    return error(
        "page-clash",
        f"手寫頁面「{shown}」與產生的頁面同名",
        Location(shown),
        "請改名：產生的頁面（首頁、條文、系統程序等）不可由 docs/ 中的檔案取代；要改內容請覆寫模板。",
    )


def hand_pages(hand: dict[str, bytes]) -> list[HandPage]:
    """Hand-written Markdown pages, titled by their first heading."""
    pages = []
    for rel, content in sorted(hand.items()):
        if not rel.endswith(".md"):
            continue
        title = rel
        for line in content.decode("utf-8", errors="replace").splitlines():
            if line.startswith("# "):
                title = line[2:].split("{")[0].strip()
                break
        pages.append(HandPage(rel, title))
    return pages


def serve(project: Project, addr: str) -> None:
    """Generate once, then serve with live reload; edits to data, templates or docs regenerate."""
    generate(project)
    os.environ["BCP_PROJECT"] = str(project.root.resolve())
    os.environ["BCP_DATA"] = str(project.data_dir.resolve())
    hook = Path(__file__).with_name("serve_hook.py")
    watch = [project.data_dir, project.templates, project.docs]
    serve_site(project.engine_config, watch, hook, project.user_dict, addr)


def json_schema() -> dict[str, object]:
    """The JSON Schema of the firm data (all sections merged)."""
    return FirmData.model_json_schema()
