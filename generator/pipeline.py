"""The one orchestrator: load → model → references → checks → pages → render → write."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.audience import (
    Audience,
    Secret,
    mark_restricted,
    personal_data_issues,
    secrets,
    visible,
)
from generator.compliance.registry import run_checks
from generator.compliance.rule import CheckContext, Finding
from generator.compliance.views import compliance_view
from generator.compliance.waivers import apply_waivers
from generator.dates import today
from generator.editions.history import edition_issues
from generator.errors import (
    DataError,
    GeneratorError,
    Issue,
    Location,
    OutputError,
    Severity,
    TemplateError,
    display_path,
    error,
    sorted_issues,
)
from generator.exports.files import searchable_text, static_files, static_names
from generator.load import ParseCache, SourceMap, load_firm
from generator.model import FirmData
from generator.nav import NavSection, all_pages
from generator.pages import plan
from generator.printing.book import (
    Progress,
    assemble,
    check_engine,
    page_css,
    print_pages,
    render_pdf,
)
from generator.printing.jobs import download_list, named, print_css, print_jobs, render_downloads
from generator.project import Project
from generator.refs import IdIndex, check_refs, index_ids
from generator.render import HandbookEnv, make_env, render
from generator.reserved import reserved_name_issues
from generator.search import user_dictionary
from generator.site.build import HandPage, build_site, engine_config
from generator.site.scan import SiteScan, scan_site
from generator.site.serve import serve_site
from generator.validate import build_model
from generator.vendors.contracts import check_vendor_data
from generator.write import WriteReport, read_tree, staged_dir, sync_tree, write_if_changed


@dataclass
class Loaded:
    """A validated firm with its source map and the non-fatal issues found.

    ``firm`` and ``index`` are what ``audience`` may see (personal data removed for the internal
    audience); checks ran on the full data before. Render and export from ``firm`` only.
    """

    firm: FirmData
    index: IdIndex
    sources: SourceMap
    data_dir: Path
    issues: list[Issue] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    audience: Audience = Audience.INTERNAL
    secrets: list[Secret] = field(default_factory=list, repr=False)
    today: dt.date = field(default_factory=today)

    def all_issues(self) -> list[Issue]:
        """Data issues and rule findings together, in reading order."""
        return sorted_issues([*self.issues, *(f.to_issue() for f in self.findings)])


def load_and_validate(
    data_dir: Path, audience: Audience = Audience.INTERNAL, cache: ParseCache | None = None
) -> Loaded:
    """Load and validate ``data_dir``; raise DataError listing every error found.

    Checks judge the full data; the returned model is what ``audience`` may see. ``cache`` keeps
    parsed files by their bytes (``handbook serve``).
    """
    shown = display_path(data_dir)
    raw, load_issues = load_firm(data_dir, cache)
    firm, issues = build_model(raw, shown)
    if load_issues:
        # A file that did not parse leaves sections missing: do not report those twice.
        issues = [i for i in issues if i.code != "missing-section"]
        raise DataError(sorted_issues(load_issues + issues))
    if firm is None:
        raise DataError(sorted_issues(issues))
    index, issues = index_ids(firm, raw.sources)
    issues += check_refs(firm, index, raw.sources, raw.section_files)
    issues += check_vendor_data(firm, raw.sources)
    issues += edition_issues(firm, raw.sources)
    errors = [i for i in issues if i.severity is Severity.ERROR]
    if errors:
        raise DataError(sorted_issues(issues))
    # Names the data gives to the output: plan() follows references, so only on sound data.
    sections = plan(firm, Audience.INTERNAL.value, {"compliance": None})
    issues += reserved_name_issues(firm, raw.sources, sections, written_beside_pages(firm))
    if any(i.severity is Severity.ERROR for i in issues):
        raise DataError(sorted_issues(issues))
    ctx = CheckContext(firm, raw.sources, today())
    findings, waiver_issues = apply_waivers(ctx, run_checks(ctx))
    issues += waiver_issues
    seen = visible(firm, audience)
    if seen is not firm:
        index, _ = index_ids(seen, raw.sources)
    hidden = secrets(firm) if audience is Audience.INTERNAL else []
    return Loaded(
        seen,
        index,
        raw.sources,
        data_dir,
        sorted_issues(issues),
        findings,
        audience=audience,
        secrets=hidden,
        today=ctx.today,
    )


# Running footer of printed site pages (edition, classification, page N of M), made from the data.
EDITION_CSS = "assets/stylesheets/edition.css"


def written_beside_pages(firm: FirmData) -> list[str]:
    """What ``generate`` writes into the docs folder besides the pages (PDFs included)."""
    downloads = [item["dest"] for item in download_list(firm)]
    return [*static_names(firm), EDITION_CSS, *downloads]


@dataclass
class Generated:
    """The result of a generation run."""

    loaded: Loaded
    pages: int
    report: WriteReport
    sources: dict[str, str] = field(default_factory=dict)  # page .md → path shown in messages


def render_pages(
    project: Project, loaded: Loaded, extra: dict[str, Any] | None = None
) -> tuple[list[NavSection], dict[str, str]]:
    """Render every page in memory; report every template error, not just the first."""
    view = compliance_view(loaded.firm, loaded.findings, loaded.today, loaded.data_dir)
    context = {"compliance": view, **(extra or {})}
    sections = plan(loaded.firm, loaded.audience.value, context)
    env = _template_env(project, loaded)
    rendered: dict[str, str] = {}
    problems: list[Issue] = []
    for spec in all_pages(sections):
        try:
            page_context = {**spec.context, "title": spec.title}
            rendered[spec.dest] = render(env, spec.candidates, page_context, spec.dest)
        except TemplateError as exc:
            problems.extend(exc.issues)
    if problems:
        raise TemplateError(problems)
    return sections, rendered


def _load_project(project: Project) -> Loaded:
    return load_and_validate(project.data_dir, project.audience, project.parse_cache)


def _template_env(project: Project, loaded: Loaded) -> HandbookEnv:
    cache = project.root / ".cache" / "jinja"  # Jinja's bytecode cache; see render.make_env
    cache.mkdir(parents=True, exist_ok=True)
    return make_env(project.templates, project.overrides, loaded.firm.firm.date_style, cache)


@dataclass
class RenderedHandbook:
    """Everything an export needs: the model, the navigation and the pages as Markdown."""

    loaded: Loaded
    sections: list[NavSection]
    pages: dict[str, str]
    hand: dict[str, bytes]


def render_handbook(project: Project) -> RenderedHandbook:
    """Validate and render in memory, as ``generate`` does, without writing anything.

    Exports (wiki, Confluence) start here so they get exactly the site's pages, as the project's
    audience sees them (internal by default: no personal numbers, checked by the same guard).
    """
    loaded = _load_project(project)
    sections, rendered = render_pages(project, loaded)
    hand = read_tree(project.docs)
    # Files the pages link to that are made from data (e.g. drills.ics) travel as attachments.
    made = static_files(loaded.firm, os.environ.get("SITE_URL") or None)
    if loaded.audience is Audience.RESTRICTED:
        hand = {name: mark_restricted(name, content) for name, content in hand.items()}
    _guard_personal_data(project, loaded, rendered, hand, made)
    hand.update(made)
    return RenderedHandbook(loaded, sections, rendered, hand)


def generate(
    project: Project,
    loaded: Loaded | None = None,
    extra: dict[str, Any] | None = None,
    *,
    with_pdf: bool = False,
    progress: Progress | None = None,
) -> Generated:
    """Validate the data, render all pages (and PDFs), then write only what changed.

    ``loaded`` skips validation when the caller already has it; ``extra`` joins the page context
    (e.g. ``publication`` while publishing an edition).
    """
    if loaded is None:
        loaded = _load_project(project)
    downloads = download_list(loaded.firm) if with_pdf else []
    if with_pdf:
        check_engine()
    context = {"downloads": downloads, **(extra or {})}
    sections, rendered = render_pages(project, loaded, context)
    hand = read_tree(project.docs)
    exported = static_files(loaded.firm, os.environ.get("SITE_URL") or None)
    clash = sorted(set(hand) & (set(rendered) | set(exported) | {EDITION_CSS}))
    if clash:
        raise OutputError([_clash_issue(project, name) for name in clash])
    if loaded.audience is Audience.RESTRICTED:
        hand = {name: mark_restricted(name, content) for name, content in hand.items()}
    _guard_personal_data(project, loaded, rendered, hand, exported)
    files = {**hand, **{dest: text.encode("utf-8") for dest, text in rendered.items()}, **exported}
    files[EDITION_CSS] = f"@media print {{\n{page_css(loaded.firm)}}}\n".encode()
    if with_pdf:
        css = print_css(project.overrides, project.templates)
        pages = print_pages(sections, rendered)
        files.update(render_downloads(loaded.firm, pages, css, project.build, progress))
    report = sync_tree(project.build / "docs", files)
    config = engine_config(sections, hand_pages(hand))
    write_if_changed(project.engine_config, config)
    write_if_changed(project.user_dict, user_dictionary(loaded.firm).encode("utf-8"))
    shown_docs, shown_build = display_path(project.docs), display_path(project.build / "docs")
    sources = {
        name: f"{shown_docs if name in hand else shown_build}/{name}"
        for name in files
        if name.endswith(".md")
    }
    return Generated(loaded, len(rendered), report, sources)


def build(
    project: Project,
    *,
    with_pdf: bool = False,
    progress: Progress | None = None,
    strict: bool = False,
) -> Generated:
    """Generate, then build the site into a staging folder that replaces ``site/`` at the end.

    Rule findings never stop a build (they are shown on the 合規總覽 page) unless ``strict``:
    then any error or warning fails the build before ``site/`` is touched.
    """
    result = generate(project, with_pdf=with_pdf, progress=progress)
    if strict:
        blocking = [
            i
            for i in result.loaded.all_issues()
            if i.severity in (Severity.ERROR, Severity.WARNING)
        ]
        if blocking:
            raise DataError(blocking)
    with staged_dir(project.site) as staging:
        build_checked(project, result, staging, offline=False)
    return result


def _guard_personal_data(
    project: Project,
    loaded: Loaded,
    rendered: dict[str, str],
    hand: dict[str, bytes],
    made: dict[str, bytes],
) -> None:
    """Refuse to write an internal copy that still holds personal data (e.g. typed in free text)."""
    texts: dict[str, tuple[str, str | None]] = {name: (t, None) for name, t in rendered.items()}
    for name, content in made.items():  # files made from the data (drills.ics)
        texts[name] = (searchable_text(name, content), None)
    for name, content in hand.items():  # docs/: located in the hand-written file
        texts[name] = (searchable_text(name, content), display_path(project.docs / name))
    problems = personal_data_issues(loaded.secrets, texts)
    if problems:
        raise DataError(problems)


def build_checked(project: Project, result: Generated, staging: Path, *, offline: bool) -> None:
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


def regenerate(project: Project) -> list[Issue]:
    """One regeneration for ``handbook serve``: nothing, or why the data cannot be used."""
    try:
        generate(project)
    except GeneratorError as exc:
        return exc.issues
    return []


def serve(project: Project, addr: str) -> None:
    """Serve with live reload; edits to data, templates or docs regenerate the changed pages.

    One process keeps parsed files and rebuilds only the changed pages (see ``site.serve``).
    """
    project = project.serving()
    generate(project)  # bad data stops here, with the usual messages
    watch = [project.data_dir, project.templates, project.docs]
    serve_site(project.engine_config, watch, lambda: regenerate(project), project.user_dict, addr)


def json_schema() -> dict[str, object]:
    """The JSON Schema of the firm data (all sections merged)."""
    return FirmData.model_json_schema()


def pdf(
    project: Project,
    *,
    drill: str | None = None,
    year: int | None = None,
    progress: Progress | None = None,
) -> list[tuple[Path, int]]:
    """Render the handbook PDF (and a drill binder) into ``build/pdf/``; returns files and pages."""
    check_engine()
    loaded = _load_project(project)
    sections, rendered = render_pages(project, loaded)
    css = print_css(project.overrides, project.templates)
    outputs: list[tuple[Path, int]] = []
    for job in print_jobs(loaded.firm, print_pages(sections, rendered), drill, year):
        data, pages = render_pdf(
            assemble(loaded.firm, job, css), project.build, named(progress, job.name)
        )
        target = project.pdf_dir / f"{job.name}.pdf"
        write_if_changed(target, data)
        outputs.append((target, pages))
    return outputs
