"""The handbook as a git-backed wiki: GitLab, Gitea/Forgejo, Azure DevOps and Wiki.js layouts.

Each flavor decides file names, links, where attachments go, and how the navigation is kept
(``_sidebar.md``, ``_Sidebar.md``, ``.order`` files or a contents page). The handbook owns one
folder (or, on Gitea's flat wiki, the pages named with its prefix) plus a marked block in shared
files such as the sidebar; everything else in the wiki belongs to its users.
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

GIT_FLAVORS = ("gitlab", "gitea", "azure", "wikijs")
FLAVORS = (*GIT_FLAVORS, "confluence")
DEFAULT_FOLDER = "BCP手冊"
DEFAULT_WIKIJS_FOLDER = "bcp-handbook"
DEFAULT_BRANCH = {"gitlab": "main", "gitea": "master", "azure": "wikiMaster", "wikijs": "master"}
MARK_BEGIN = "<!-- BCP-HANDBOOK:BEGIN 本區由 BCP 手冊產生器維護，請勿直接編輯 -->"
MARK_END = "<!-- BCP-HANDBOOK:END -->"
GITEA_SEPARATOR = "｜"
SIDEBAR = {"gitlab": "_sidebar.md", "gitea": "_Sidebar.md"}

_UNSAFE_NAME = str.maketrans(
    {
        "/": "／",
        "\\": "＼",
        "#": "＃",
        ":": "：",
        "<": "＜",
        ">": "＞",
        "*": "＊",
        "?": "？",
        "|": "｜",
        '"': "＂",
        "[": "［",
        "]": "］",
    }
)


def default_folder(flavor: str) -> str:
    """The folder (or page prefix) the handbook owns when none is given."""
    return DEFAULT_WIKIJS_FOLDER if flavor == "wikijs" else DEFAULT_FOLDER


def check_folder(flavor: str, folder: str) -> None:
    """Refuse folder names a wiki cannot hold; Wiki.js paths are kept ASCII."""
    bad = not folder or folder[0] in "._" or any(c in folder for c in "/\\#%")
    if flavor == "wikijs" and not re.fullmatch(r"[a-z0-9][a-z0-9-]*", folder):
        bad = True
    if bad:
        hint = (
            "Wiki.js 請用小寫英數字與 -，例如 bcp-handbook"
            if flavor == "wikijs"
            else "不可含 / \\ # %，不可以 . 或 _ 開頭"
        )
        raise UsageError([error("wiki-folder", f"wiki 資料夾名稱「{folder}」不適用", None, hint)])


def page_name(title: str, flavor: str) -> str:
    """A wiki page file name (without ``.md``) from a title, as the wiki itself would name it."""
    name = title.translate(_UNSAFE_NAME).strip()
    if flavor == "azure":
        name = name.replace("-", "%2D")
    return re.sub(r"\s+", "-", name)


def _quote(path: str) -> str:
    return path.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


@dataclass
class WikiTree:
    """An exported wiki: the files, and which paths the handbook owns or shares."""

    flavor: str
    folder: str
    files: dict[str, bytes] = field(default_factory=dict)
    shared: set[str] = field(default_factory=set)

    def owns(self, rel: str) -> bool:
        """True if ``rel`` (a path in the wiki repository) belongs to the handbook."""
        folder = self.folder
        if self.flavor == "gitea":
            top = (
                "/" not in rel and rel.startswith(folder + GITEA_SEPARATOR) and rel.endswith(".md")
            )
            return top or rel.startswith(folder + "/")
        if self.flavor == "azure":
            return rel == f"{folder}.md" or rel.startswith(
                (f"{folder}/", f".attachments/{folder}/")
            )
        return rel.startswith(folder + "/")

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
    """Where pages and attachments of one flavor go, and how they are linked."""

    flavor: str
    folder: str
    paths: dict[str, str]  # page dest → wiki path without .md

    def page_link(self, dest: str, anchor: str) -> str:
        path = self.paths[dest]
        link = "/" + path if self.flavor in ("azure", "wikijs") else path
        return _quote(link) + (f"#{anchor}" if anchor else "")

    def attachment_path(self, rel: str) -> str:
        where = {
            "gitlab": f"{self.folder}/uploads/{rel}",
            "gitea": f"{self.folder}/{rel}",
            "azure": f".attachments/{self.folder}/{rel}",
            "wikijs": f"{self.folder}/attachments/{rel}",
        }
        return where[self.flavor]

    def attachment_link(self, rel: str) -> str:
        path = self.attachment_path(rel)
        return _quote("/" + path if self.flavor in ("azure", "wikijs") else path)


def _unique(paths: dict[str, str]) -> dict[str, str]:
    seen: dict[str, int] = {}
    out = {}
    for dest, path in paths.items():
        count = seen.get(path.casefold(), 0) + 1
        seen[path.casefold()] = count
        out[dest] = path if count == 1 else f"{path}-{count}"
    return out


def _paths(handbook: Handbook, flavor: str, folder: str) -> dict[str, str]:
    paths: dict[str, str] = {}
    for section in handbook.sections:
        for page in section.pages:
            name = page_name(page.title, flavor)
            if flavor == "wikijs":
                stem = page.dest.removesuffix(".md")
                paths[page.dest] = f"{folder}/{'home' if stem == 'index' else stem}"
            elif flavor == "gitea":
                paths[page.dest] = f"{folder}{GITEA_SEPARATOR}{name}"
            elif flavor == "azure" and page.dest == "index.md":
                paths[page.dest] = folder
            elif section.title:
                paths[page.dest] = f"{folder}/{page_name(section.title, flavor)}/{name}"
            else:
                paths[page.dest] = f"{folder}/{name}"
    return _unique(paths)


def _front_matter(handbook: Handbook, page: ExportPage) -> str:
    edition = handbook.edition
    day = edition.effective_date or edition.approval_date
    lines = [
        "---",
        f"title: {json.dumps(page.title, ensure_ascii=False)}",
        f"description: {json.dumps(_description(handbook), ensure_ascii=False)}",
        "published: true",
    ]
    if day is not None:
        lines.append(f"date: {day.isoformat()}T00:00:00.000Z")
    lines += [f"tags: bcp-handbook, {edition_label(edition)}", "editor: markdown"]
    if day is not None:
        lines.append(f"dateCreated: {day.isoformat()}T00:00:00.000Z")
    return "\n".join([*lines, "---", ""]) + "\n"


def _description(handbook: Handbook) -> str:
    firm = handbook.firm.firm
    return f"{firm.short_name}業務持續計畫手冊 版次 {firm.edition.number}"


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
        return layout.attachment_link(rel)

    body = rewrite_links(body, page.dest, page_link, file_link)
    front = _front_matter(handbook, page) if layout.flavor == "wikijs" else ""
    return front + _header(handbook) + body.strip("\n") + "\n" + abbreviation_list(abbreviations)


def _missing(page: ExportPage, target: str) -> OutputError:
    return OutputError(
        [
            error(
                "wiki-missing-target",
                f"頁面連結的「{target}」不在手冊中，無法匯出為 wiki 連結或附件",
                Location(f"build/docs/{page.dest}"),
                "請修正模板或 docs/ 中的連結（網站建置時 MkDocs 也會報告此錯誤）。",
            )
        ]
    )


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
    nav = _nav_lines(handbook, lambda dest: layout.page_link(dest, ""))
    lines = [MARK_BEGIN, "", f"**{_title(handbook)}**", "", *nav, "", MARK_END]
    return "\n".join(lines) + "\n"


def _azure_extras(handbook: Handbook, layout: _Layout, tree: WikiTree) -> None:
    folder = layout.folder
    top: list[str] = []
    for section in handbook.sections:
        names = [layout.paths[p.dest].rsplit("/", 1)[-1] for p in section.pages]
        if not section.title:
            top += [n for p, n in zip(section.pages, names, strict=True) if p.dest != "index.md"]
            continue
        section_name = page_name(section.title, "azure")
        top.append(section_name)
        tree.files[f"{folder}/{section_name}/.order"] = ("\n".join(names) + "\n").encode()
        links = [f"- [{p.title}]({layout.page_link(p.dest, '')})" for p in section.pages]
        text = _header(handbook) + f"# {section.title}\n\n" + "\n".join(links) + "\n"
        tree.files[f"{folder}/{section_name}.md"] = text.encode("utf-8")
    tree.files[f"{folder}/.order"] = ("\n".join(top) + "\n").encode("utf-8")
    tree.files[".order"] = (folder + "\n").encode("utf-8")
    tree.shared.add(".order")


def _wikijs_contents(handbook: Handbook, layout: _Layout, tree: WikiTree) -> None:
    page = ExportPage("contents.md", "手冊目錄", "", "")
    nav = _nav_lines(handbook, lambda dest: layout.page_link(dest, ""))
    text = _front_matter(handbook, page) + _header(handbook)
    text += f"# 手冊目錄\n\n{_title(handbook)}\n\n" + "\n".join(nav) + "\n"
    tree.files[f"{layout.folder}/contents.md"] = text.encode("utf-8")


def export_wiki(handbook: Handbook, flavor: str, folder: str) -> WikiTree:
    """The handbook laid out for a git-backed wiki of ``flavor``, held in memory."""
    check_folder(flavor, folder)
    layout = _Layout(flavor, folder, _paths(handbook, flavor, folder))
    tree = WikiTree(flavor, folder)
    used: set[str] = set()
    for page in handbook.pages():
        text = _page_text(handbook, page, layout, used)
        tree.files[layout.paths[page.dest] + ".md"] = text.encode("utf-8")
    for rel in sorted(used):
        tree.files[layout.attachment_path(rel)] = handbook.files[rel]
    if flavor in SIDEBAR:
        tree.files[SIDEBAR[flavor]] = _sidebar(handbook, layout).encode("utf-8")
        tree.shared.add(SIDEBAR[flavor])
    elif flavor == "azure":
        _azure_extras(handbook, layout, tree)
    else:
        _wikijs_contents(handbook, layout, tree)
    return tree


def commit_message(handbook: Handbook, flavor: str) -> str:
    """The wiki commit message: the edition first, then its date and approval."""
    edition = handbook.edition
    lines = header_lines(handbook.firm)
    return f"BCP 手冊版次 {edition.number}（{flavor} wiki 匯出）\n\n{lines[0]}\n{lines[1]}\n"
