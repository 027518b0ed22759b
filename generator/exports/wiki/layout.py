"""The handbook as a git-backed wiki: GitLab, Gitea/Forgejo, Azure DevOps and Wiki.js layouts.

Each flavor is one ``WikiFlavor`` record in ``FLAVORS``: file names, links, where attachments go,
and how the navigation is kept (``_sidebar.md``, ``_Sidebar.md``, ``.order`` files or a contents
page). The handbook owns one folder (or, on Gitea's flat wiki, the pages named with its prefix)
plus a marked block in shared files such as the sidebar; everything else belongs to its users.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from generator.errors import Location, OutputError, UsageError, error
from generator.exports.wiki.handbook import (
    ExportPage,
    Handbook,
    abbreviation_list,
    edition_label,
    header_lines,
    plain_markdown,
    rewrite_links,
    split_abbreviations,
    strip_front_matter,
)

DEFAULT_FOLDER = "BCP手冊"
MARK_BEGIN = "<!-- BCP-HANDBOOK:BEGIN 本區由 BCP 手冊產生器維護，請勿直接編輯 -->"
MARK_END = "<!-- BCP-HANDBOOK:END -->"
GITEA_SEPARATOR = "｜"

_UNSAFE_NAME = str.maketrans('/\\#:<>*?|"[]', "／＼＃：＜＞＊？｜＂［］")


@dataclass(frozen=True)
class WikiFlavor:
    """Everything that differs between wikis: adding a flavor means adding one record."""

    branch: str  # the branch a new, empty wiki repository starts on
    folder: str = DEFAULT_FOLDER  # the folder (or page prefix) the handbook owns by default
    folder_rule: str = r"[^._/\\#%][^/\\#%]*"  # a folder name must match this in full
    folder_hint: str = "不可含 / \\ # %，不可以 . 或 _ 開頭"
    hyphen: str = "-"  # how a "-" of a title is written in a page name (spaces become "-")
    # where a page goes (without .md): {section} is the section's name and "/", or "" at the top;
    # {name} is the page's name, {stem} its file name in the site
    page_path: str = "{folder}/{section}{name}"
    home_path: str = ""  # where the home page (index.md) goes, if not by page_path
    absolute_links: bool = False  # links start at the wiki root: "/folder/page"
    attachments: str = "{folder}/uploads/{rel}"  # where an attached file goes
    # (folder, path in the repository) → a handbook page kept outside the folder?
    owns_page: Callable[[str, str], bool] = lambda _folder, _rel: False
    sidebar: str | None = None  # the shared sidebar holding the handbook's navigation block
    order_files: bool = False  # Azure DevOps: ``.order`` files and a page per section
    front_matter: bool = False  # Wiki.js: YAML front matter on every page
    contents_page: bool = False  # Wiki.js: a contents page, as it has no sidebar file

    def page_name(self, title: str) -> str:
        """A page file name (without ``.md``) from a title, as the wiki itself would name it."""
        name = title.translate(_UNSAFE_NAME).strip().replace("-", self.hyphen)
        return re.sub(r"\s+", "-", name)

    def link(self, path: str) -> str:
        """The link to a page or file at ``path`` in the wiki."""
        link = "/" + path if self.absolute_links else path
        return link.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


FLAVORS: dict[str, WikiFlavor] = {
    "gitlab": WikiFlavor(branch="main", sidebar="_sidebar.md"),
    "gitea": WikiFlavor(
        branch="master",
        page_path="{folder}" + GITEA_SEPARATOR + "{name}",
        attachments="{folder}/{rel}",
        owns_page=lambda folder, rel: (
            "/" not in rel and rel.startswith(folder + GITEA_SEPARATOR) and rel.endswith(".md")
        ),
        sidebar="_Sidebar.md",
    ),
    "azure": WikiFlavor(
        branch="wikiMaster",
        hyphen="%2D",
        home_path="{folder}",
        absolute_links=True,
        attachments=".attachments/{folder}/{rel}",
        owns_page=lambda folder, rel: rel == f"{folder}.md",
        order_files=True,
    ),
    "wikijs": WikiFlavor(
        branch="master",
        folder="bcp-handbook",
        folder_rule=r"[a-z0-9][a-z0-9-]*",
        folder_hint="Wiki.js 請用小寫英數字與 -，例如 bcp-handbook",
        page_path="{folder}/{stem}",
        home_path="{folder}/home",
        absolute_links=True,
        attachments="{folder}/attachments/{rel}",
        front_matter=True,
        contents_page=True,
    ),
    # Confluence pages are laid out by confluence.py; only the folder rules are used here.
    "confluence": WikiFlavor(branch="main"),
}


def default_folder(flavor: str) -> str:
    """The folder (or page prefix) the handbook owns when none is given."""
    return FLAVORS[flavor].folder


def check_folder(flavor: str, folder: str) -> None:
    """Refuse folder names a wiki cannot hold; Wiki.js paths are kept ASCII."""
    wiki = FLAVORS[flavor]
    if not re.fullmatch(wiki.folder_rule, folder):
        issue = error("wiki-folder", f"wiki 資料夾名稱「{folder}」不適用", None, wiki.folder_hint)
        raise UsageError([issue])


def page_name(title: str, flavor: str) -> str:
    """A wiki page file name (without ``.md``) from a title, as the wiki itself would name it."""
    return FLAVORS[flavor].page_name(title)


@dataclass
class WikiTree:
    """An exported wiki: the files, and which paths the handbook owns or shares."""

    flavor: str
    folder: str
    files: dict[str, bytes] = field(default_factory=dict)
    shared: set[str] = field(default_factory=set)

    def owns(self, rel: str) -> bool:
        """True if ``rel`` (a path in the wiki repository) belongs to the handbook."""
        wiki, folder = FLAVORS[self.flavor], self.folder  # the folder, attachments, own pages
        attachments = wiki.attachments.format(folder=folder, rel="")
        return rel.startswith((f"{folder}/", attachments)) or wiki.owns_page(folder, rel)

    def merge(self, rel: str, old: bytes | None) -> bytes:
        """The shared file ``rel`` with the handbook's part replaced and the rest kept."""
        new = self.files[rel].decode("utf-8")
        text = old.decode("utf-8") if old is not None else ""
        if rel == ".order":
            lines = [line for line in text.splitlines() if line.strip()]
            if self.folder not in lines:
                lines.append(self.folder)
            return ("\n".join(lines) + "\n").encode("utf-8")
        if MARK_BEGIN in text and MARK_END in text:
            before, rest = text.split(MARK_BEGIN, 1)
            after = rest.split(MARK_END, 1)[1]
            return (before + new.strip("\n") + after).encode("utf-8")
        if not text.strip():
            return new.encode("utf-8")
        return (text.rstrip("\n") + "\n\n" + new).encode("utf-8")


@dataclass(frozen=True)
class _Layout:
    """Where the pages and attachments of one export go, and how they are linked."""

    wiki: WikiFlavor
    folder: str
    paths: dict[str, str]  # page dest → wiki path without .md

    def page_link(self, dest: str, anchor: str = "") -> str:
        return self.wiki.link(self.paths[dest]) + (f"#{anchor}" if anchor else "")

    def attachment_path(self, rel: str) -> str:
        return self.wiki.attachments.format(folder=self.folder, rel=rel)


def _unique(paths: dict[str, str]) -> dict[str, str]:
    seen: dict[str, int] = {}
    out = {}
    for dest, path in paths.items():
        count = seen[path.casefold()] = seen.get(path.casefold(), 0) + 1
        out[dest] = path if count == 1 else f"{path}-{count}"
    return out


def _paths(handbook: Handbook, wiki: WikiFlavor, folder: str) -> dict[str, str]:
    paths: dict[str, str] = {}
    for section in handbook.sections:
        sub = wiki.page_name(section.title) + "/" if section.title else ""
        for page in section.pages:
            template = (
                wiki.home_path if page.dest == "index.md" and wiki.home_path else wiki.page_path
            )
            name, stem = wiki.page_name(page.title), page.dest.removesuffix(".md")
            paths[page.dest] = template.format(folder=folder, section=sub, name=name, stem=stem)
    return _unique(paths)


def _front_matter(handbook: Handbook, page: ExportPage, wiki: WikiFlavor) -> str:
    if not wiki.front_matter:
        return ""
    edition, firm = handbook.edition, handbook.firm.firm
    day = edition.effective_date or edition.approval_date
    description = f"{firm.short_name}業務持續計畫手冊 版次 {edition.number}"
    lines = [
        "---",
        f"title: {json.dumps(page.title, ensure_ascii=False)}",
        f"description: {json.dumps(description, ensure_ascii=False)}",
        "published: true",
    ]
    if day is not None:
        lines.append(f"date: {day.isoformat()}T00:00:00.000Z")
    lines += [f"tags: bcp-handbook, {edition_label(edition)}", "editor: markdown"]
    if day is not None:
        lines.append(f"dateCreated: {day.isoformat()}T00:00:00.000Z")
    return "\n".join([*lines, "---", ""]) + "\n"


def _header(handbook: Handbook) -> str:
    lines = header_lines(handbook.firm)
    return f"> {lines[0]}  \n> **{lines[1]}**\n\n"


def _page_text(handbook: Handbook, page: ExportPage, layout: _Layout, used: set[str]) -> str:
    body, abbreviations = split_abbreviations(strip_front_matter(page.markdown))
    body = plain_markdown(body)

    def page_link(dest: str, anchor: str) -> str:
        if dest not in layout.paths:
            raise _missing(page, dest)
        return layout.page_link(dest, anchor)

    def file_link(rel: str, _anchor: str) -> str:
        if rel not in handbook.files:
            raise _missing(page, rel)
        used.add(rel)
        return layout.wiki.link(layout.attachment_path(rel))

    body = rewrite_links(body, page.dest, page_link, file_link)
    front = _front_matter(handbook, page, layout.wiki)
    return front + _header(handbook) + body.strip("\n") + "\n" + abbreviation_list(abbreviations)


def _missing(page: ExportPage, target: str) -> OutputError:
    message = f"頁面連結的「{target}」不在手冊中，無法匯出為 wiki 連結或附件"
    hint = "請修正模板或 docs/ 中的連結（網站建置時 MkDocs 也會報告此錯誤）。"
    where = Location(f"build/docs/{page.dest}")
    return OutputError([error("wiki-missing-target", message, where, hint)])


def _nav_lines(handbook: Handbook, link: Callable[[str], str]) -> list[str]:
    lines = []
    for section in handbook.sections:
        indent = ""
        if section.title:
            lines.append(f"- {section.title}")
            indent = "  "
        lines += [f"{indent}- [{page.title}]({link(page.dest)})" for page in section.pages]
    return lines


def _title(handbook: Handbook) -> str:
    firm = handbook.firm.firm
    return f"{firm.short_name}業務持續計畫手冊（版次 {firm.edition.number}）"


def _sidebar(handbook: Handbook, layout: _Layout) -> str:
    nav = _nav_lines(handbook, layout.page_link)
    lines = [MARK_BEGIN, "", f"**{_title(handbook)}**", "", *nav, "", MARK_END]
    return "\n".join(lines) + "\n"


def _order_files(handbook: Handbook, layout: _Layout, tree: WikiTree) -> None:
    folder = layout.folder
    top: list[str] = []
    for section in handbook.sections:
        names = [layout.paths[p.dest].rsplit("/", 1)[-1] for p in section.pages]
        if not section.title:
            top += [n for p, n in zip(section.pages, names, strict=True) if p.dest != "index.md"]
            continue
        section_name = layout.wiki.page_name(section.title)
        top.append(section_name)
        tree.files[f"{folder}/{section_name}/.order"] = ("\n".join(names) + "\n").encode()
        links = [f"- [{p.title}]({layout.page_link(p.dest)})" for p in section.pages]
        text = _header(handbook) + f"# {section.title}\n\n" + "\n".join(links) + "\n"
        tree.files[f"{folder}/{section_name}.md"] = text.encode("utf-8")
    tree.files[f"{folder}/.order"] = ("\n".join(top) + "\n").encode("utf-8")
    tree.files[".order"] = (folder + "\n").encode("utf-8")
    tree.shared.add(".order")


def _contents_page(handbook: Handbook, layout: _Layout, tree: WikiTree) -> None:
    page = ExportPage("contents.md", "手冊目錄", "", "")
    nav = _nav_lines(handbook, layout.page_link)
    text = _front_matter(handbook, page, layout.wiki) + _header(handbook)
    text += f"# 手冊目錄\n\n{_title(handbook)}\n\n" + "\n".join(nav) + "\n"
    tree.files[f"{layout.folder}/contents.md"] = text.encode("utf-8")


def export_wiki(handbook: Handbook, flavor: str, folder: str) -> WikiTree:
    """The handbook laid out for a git-backed wiki of ``flavor``, held in memory."""
    check_folder(flavor, folder)
    wiki = FLAVORS[flavor]
    layout = _Layout(wiki, folder, _paths(handbook, wiki, folder))
    tree = WikiTree(flavor, folder)
    used: set[str] = set()
    for page in handbook.pages():
        text = _page_text(handbook, page, layout, used)
        tree.files[layout.paths[page.dest] + ".md"] = text.encode("utf-8")
    for rel in sorted(used):
        tree.files[layout.attachment_path(rel)] = handbook.files[rel]
    if wiki.sidebar is not None:
        tree.files[wiki.sidebar] = _sidebar(handbook, layout).encode("utf-8")
        tree.shared.add(wiki.sidebar)
    if wiki.order_files:
        _order_files(handbook, layout, tree)
    if wiki.contents_page:
        _contents_page(handbook, layout, tree)
    return tree


def commit_message(handbook: Handbook, flavor: str) -> str:
    """The wiki commit message: the edition first, then its date and approval."""
    edition = handbook.edition
    lines = header_lines(handbook.firm)
    return f"BCP 手冊版次 {edition.number}（{flavor} wiki 匯出）\n\n{lines[0]}\n{lines[1]}\n"
