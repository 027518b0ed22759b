"""Names the data gives to the output: a record id must not name a page, file or folder the
handbook already writes, and the edition number must be a safe folder at a publish target's top.

Nothing here lists names by hand. The pages are what ``pages.plan`` returns (whatever every
feature generates, from this very firm), the other files are what the caller writes beside them,
and the publish target's own names are the constants of ``editions.layout``.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Iterator
from dataclasses import dataclass

from generator.editions.history import edition_name
from generator.editions.layout import (
    EDITION_DIR,
    LATEST,
    LOCK,
    PENDING,
    ROOT_FILES,
    STAGING_PREFIX,
)
from generator.errors import Issue, Location, error
from generator.load import SourceMap
from generator.model import FirmData
from generator.model.base import Record
from generator.nav import NavSection, PageSpec, all_pages

# What a publish target holds at its top besides the edition folders (EDITION_DIR sits inside
# each edition; a top-level folder of that name would pass for an edition's records).
TARGET_TOP = frozenset({*ROOT_FILES, LATEST, PENDING, LOCK, EDITION_DIR})
_SEPARATORS = ("/", "\\")
_ID_HINT = "識別碼會成為頁面的檔名與網址，不可與手冊產生的其他頁面或檔案同名；請改用其他識別碼。"


@dataclass(frozen=True, eq=False)
class _Output:
    """One page or file a run writes; ``record`` is the record whose id names the page."""

    name: str
    spec: PageSpec | None = None
    record: Record | None = None

    @property
    def places(self) -> frozenset[str]:
        """Where it lands: the docs path and, for a page, its file in both site profiles."""
        if self.spec is None:
            return frozenset({self.name})
        stem = self.name.removesuffix(".md")
        pretty = f"{stem}.html" if stem.rpartition("/")[2] == "index" else f"{stem}/index.html"
        return frozenset({self.name, pretty, f"{stem}.html"})  # directory URLs; file:// profile


def reserved_name_issues(
    firm: FirmData,
    sources: SourceMap,
    sections: list[NavSection],
    files: Collection[str] = (),
) -> list[Issue]:
    """Record ids whose pages would replace or clash with other output; unsafe edition folders.

    ``sections`` is ``pages.plan`` of this firm; ``files`` are the paths (under the docs folder)
    of everything else the run writes there (calendar feed, generated style sheet, PDFs).
    """
    outputs = [_page(spec) for spec in all_pages(sections)]
    outputs += [_Output(name) for name in files]
    issues = [issue for group in _clashes(outputs) for issue in _group_issues(group, sources)]
    issues += _edition_issues(firm, sources)
    return list(dict.fromkeys(issues))


# ---------------------------------------------------------------- pages and files


def _page(spec: PageSpec) -> _Output:
    return _Output(spec.dest, spec, _record_of(spec))


def _record_of(spec: PageSpec) -> Record | None:
    """The record whose id names the page: one the page shows (a value of its context) whose id
    is the page's file name or starts it (``contacts/<tree>-cards.md``); the longest id wins."""
    leaf = spec.dest.rpartition("/")[2].removesuffix(".md")
    named = [
        value
        for value in spec.context.values()
        if isinstance(value, Record) and _names(getattr(value, "id", None), leaf)
    ]
    return max(named, key=lambda record: len(getattr(record, "id", "")), default=None)


def _names(record_id: object, leaf: str) -> bool:
    return isinstance(record_id, str) and (leaf == record_id or leaf.startswith(f"{record_id}-"))


def _clashes(outputs: list[_Output]) -> list[list[_Output]]:
    """Outputs that land on one place, or where one is a file and the other needs a folder."""
    at: dict[str, list[_Output]] = defaultdict(list)
    for out in outputs:
        for place in out.places:
            at[place].append(out)
    groups = [group for group in at.values() if len(group) > 1]
    for out in outputs:
        for folder in {f for place in out.places for f in _folders(place)}:
            groups += [[file, out] for file in at.get(folder, []) if file is not out]
    unique = {frozenset(map(id, group)): group for group in groups}
    return list(unique.values())


def _folders(place: str) -> Iterator[str]:
    parts = place.split("/")
    for end in range(1, len(parts)):
        yield "/".join(parts[:end])


def _group_issues(group: list[_Output], sources: SourceMap) -> Iterator[Issue]:
    """One issue per record page of the group, against the output it would displace."""
    named = sorted(
        (out for out in group if out.record is not None),
        key=lambda out: _id_place(out, sources) or Location(""),
    )
    if not named:
        return  # two outputs of the tool itself: not the data's doing
    fixed = [out for out in group if out.record is None]
    keeper = fixed[0] if fixed else named[0]
    for out in named:
        if out is not keeper:
            yield _id_issue(out, keeper, sources)


def _id_place(out: _Output, sources: SourceMap) -> Location | None:
    record = out.record
    return sources.find((*record.path, "id")) if record is not None else None


def _id_issue(out: _Output, keeper: _Output, sources: SourceMap) -> Issue:
    rid = getattr(out.record, "id", "")
    if keeper.spec is None:
        message = f"識別碼「{rid}」產生的頁面 {out.name} 與手冊產生的檔案 {keeper.name} 衝突"
    else:
        message = f"識別碼「{rid}」產生的頁面 {out.name} 會取代「{keeper.spec.title}」頁面"
        message += f"（{keeper.name}）"
    issue = error("reserved-id", message, _id_place(out, sources), _ID_HINT)
    other = _id_place(keeper, sources)  # another record's page: show where that id is too
    return dataclasses.replace(issue, related=(other,)) if other else issue


# ---------------------------------------------------------------- the edition's folder


def _edition_issues(firm: FirmData, sources: SourceMap) -> list[Issue]:
    edition = firm.firm.edition
    name = edition_name(edition)
    problem = _folder_problem(name)
    if problem is None:
        return []
    top = "、".join(sorted(TARGET_TOP))
    return [
        error(
            "reserved-edition",
            f"版次「{edition.number}」的發布目錄名稱「{name}」{problem}",
            sources.find((*edition.path, "number")),
            f"發布目標最上層保留給 {top} 與以「.」開頭的暫存檔；"
            "版次請只用英數字、點與連字號，例如 2026.2。",
        )
    ]


def _folder_problem(name: str) -> str | None:
    """Why ``name`` cannot be a folder at the top of a publish target, or None."""
    if name.startswith(STAGING_PREFIX):
        return f"以「{STAGING_PREFIX}」開頭，會被當成未完成的暫存目錄刪除"
    if name.startswith("."):
        return "以「.」開頭，發布目標以這類名稱存放鎖定與暫存檔"
    if any(sep in name for sep in _SEPARATORS):
        return "含有路徑分隔字元「/」或「\\」"
    taken = {entry.casefold(): entry for entry in TARGET_TOP}
    if name.casefold() in taken:
        return f"與發布目標最上層的「{taken[name.casefold()]}」同名"
    return None
