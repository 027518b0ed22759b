"""Editions: names, approval records, normalised data snapshots and the changelog between them."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.errors import Issue, error
from generator.load import SourceMap
from generator.model import EditionRecord, FirmData
from generator.nav import NavSection, PageSpec
from generator.render import format_minutes

DRAFT_SUFFIX = "-draft"
_SAFE_NAME = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.-]*$")
APPROVAL_FIELDS = {
    "approved_by": "核定人",
    "approval_date": "核定日期",
    "approval_ref": "核定依據",
    "effective_date": "生效日期",
}
SNAPSHOT_VERSION = 1

Snapshot = dict[str, Any]


@dataclass(frozen=True)
class PublishedEdition:
    """One edition found in a publish target (an entry of versions.json)."""

    name: str
    title: str
    status: str
    aliases: tuple[str, ...] = ()
    effective_date: str | None = None


@dataclass(frozen=True)
class Publication:
    """What a page needs to know about the publish in progress (absent for a plain build)."""

    name: str
    previous: str | None
    changes: list[str] = field(default_factory=list)
    published: list[PublishedEdition] = field(default_factory=list)


def edition_name(edition: EditionRecord) -> str:
    """The folder an edition is published under: the number, plus ``-draft`` for drafts."""
    number = str(edition.number)
    return number if edition.status == "approved" else f"{number}{DRAFT_SUFFIX}"


def edition_title(edition: EditionRecord) -> str:
    """The title the version selector shows: number, title and status."""
    status = "已核定" if edition.status == "approved" else "草案"
    title = f"｜{edition.title}" if edition.title else ""
    return f"{edition.number}{title}（{status}）"


def edition_issues(firm: FirmData, sources: SourceMap) -> list[Issue]:
    """An edition can be published only with a safe number and, if approved, a full approval."""
    edition = firm.firm.edition
    where = ("firm", "edition")
    issues: list[Issue] = []
    if not _SAFE_NAME.match(str(edition.number)):
        issues.append(
            error(
                "edition-number",
                f"版次「{edition.number}」不能作為發布目錄名稱",
                sources.find((*where, "number")),
                "請只用英數字、點與連字號，例如 2026.2。",
            )
        )
    if edition.status != "approved":
        return issues
    for key, label in APPROVAL_FIELDS.items():
        if getattr(edition, key) in (None, ""):
            issues.append(
                error(
                    "approval-missing",
                    f"已核定版次「{edition.number}」缺少{label}（{key}）",
                    sources.find((*where, "status")),
                    "已核定的版次須記載核定人、核定日期、核定依據及生效日期；"
                    "尚未核定請將 status 設為 draft。",
                )
            )
    return issues


# ---------------------------------------------------------------- snapshots


def snapshot(firm: FirmData) -> Snapshot:
    """The normalised data of an edition: every section, JSON types, keys sorted when dumped."""
    data: Snapshot = firm.model_dump(mode="json")
    return {"snapshot_version": SNAPSHOT_VERSION, "data": data}


def snapshot_bytes(snap: Snapshot) -> bytes:
    """Deterministic serialisation of a snapshot."""
    text = json.dumps(snap, ensure_ascii=False, sort_keys=True, indent=1)
    return (text + "\n").encode("utf-8")


def _by_id(items: list[dict[str, Any]] | None) -> dict[str, dict[str, Any]]:
    return {str(item["id"]): item for item in items or [] if "id" in item}


def _dur(value: Any) -> str:
    return format_minutes(value) if isinstance(value, int) else "未訂"


def _added_removed(
    kind: str, old: dict[str, dict[str, Any]], new: dict[str, dict[str, Any]], name: str = "name"
) -> Iterator[str]:
    for key in sorted(set(new) - set(old)):
        yield f"新增{kind}：{new[key].get(name, key)}（{key}）"
    for key in sorted(set(old) - set(new)):
        yield f"刪除{kind}：{old[key].get(name, key)}（{key}）"


def _field_changes(
    kind: str,
    old: dict[str, dict[str, Any]],
    new: dict[str, dict[str, Any]],
    fields: dict[str, tuple[str, Callable[[Any], str]]],
) -> Iterator[str]:
    for key in sorted(set(old) & set(new)):
        for name, (label, show) in fields.items():
            before, after = old[key].get(name), new[key].get(name)
            if before != after:
                who = new[key].get("name", key)
                yield f"{kind}「{who}」{label}由 {show(before)} 改為 {show(after)}"


def _text(value: Any) -> str:
    if value in (None, "", []):
        return "（無）"
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def _systems(old: Snapshot, new: Snapshot) -> Iterator[str]:
    before, after = _by_id(old.get("systems")), _by_id(new.get("systems"))
    yield from _added_removed("系統", before, after)
    yield from _field_changes(
        "系統",
        before,
        after,
        {
            "rto": ("RTO", _dur),
            "rpo": ("RPO", _dur),
            "core": ("核心系統認定", lambda v: "是" if v else "否"),
        },
    )
    for key in sorted(set(before) & set(after)):
        was = (before[key].get("standby") or {}).get("type")
        now = (after[key].get("standby") or {}).get("type")
        if was != now:
            yield f"系統「{after[key]['name']}」備援架構由 {_text(was)} 改為 {_text(now)}"
        if before[key].get("procedure") != after[key].get("procedure"):
            yield f"系統「{after[key]['name']}」復原程序修訂"


def _businesses(old: Snapshot, new: Snapshot) -> Iterator[str]:
    before, after = _by_id(old.get("businesses")), _by_id(new.get("businesses"))
    yield from _added_removed("核心業務", before, after)
    yield from _field_changes(
        "核心業務",
        before,
        after,
        {"mtpd": ("MTPD", _dur), "rto": ("RTO", _dur), "rpo": ("RPO", _dur)},
    )


def _contract(value: Any) -> str:
    if not value:
        return "（無合約）"
    end = value.get("end") or "不定期"
    return f"{value.get('id')}（{value.get('start')}～{end}）"


def _vendors(old: Snapshot, new: Snapshot) -> Iterator[str]:
    before, after = _by_id(old.get("vendors")), _by_id(new.get("vendors"))
    yield from _added_removed("供應商", before, after)
    yield from _field_changes(
        "供應商",
        before,
        after,
        {
            "contract": ("合約", _contract),
            "services": ("服務項目", _text),
            "systems": ("支援系統", _text),
        },
    )
    for key in sorted(set(before) & set(after)):
        if before[key].get("commitments") != after[key].get("commitments"):
            yield f"供應商「{after[key]['name']}」復原承諾修訂"
        if before[key].get("contacts") != after[key].get("contacts"):
            yield f"供應商「{after[key]['name']}」聯絡窗口更新"


def _roles(snap: Snapshot) -> dict[str, dict[str, Any]]:
    org = snap.get("organisation") or {}
    return {str(r["id"]): r for team in org.get("teams", []) for r in team.get("roles", [])}


def _contacts(old: Snapshot, new: Snapshot) -> Iterator[str]:
    people_old, people_new = _by_id(old.get("people")), _by_id(new.get("people"))

    def who(pid: Any) -> str:
        person = people_new.get(str(pid)) or people_old.get(str(pid)) or {}
        return str(person.get("name", pid))

    roles_old, roles_new = _roles(old), _roles(new)
    for key in sorted(set(roles_old) & set(roles_new)):
        was, now = roles_old[key], roles_new[key]
        if was.get("person") != now.get("person"):
            yield f"任務編組「{now['title']}」由 {who(was['person'])} 改為 {who(now['person'])}"
        if was.get("deputies") != now.get("deputies"):
            deputies = "、".join(who(d) for d in now.get("deputies", [])) or "（無）"
            yield f"任務編組「{now['title']}」代理人改為 {deputies}"
    yield from _added_removed("任務編組角色", roles_old, roles_new, "title")
    yield from _added_removed("人員", people_old, people_new)
    for key in sorted(set(people_old) & set(people_new)):
        if people_old[key].get("phones") != people_new[key].get("phones"):
            yield f"人員「{people_new[key]['name']}」聯絡電話更新"
    parties_old, parties_new = _by_id(old.get("parties")), _by_id(new.get("parties"))
    yield from _added_removed("外部單位", parties_old, parties_new)
    for key in sorted(set(parties_old) & set(parties_new)):
        if parties_old[key].get("phones") != parties_new[key].get("phones"):
            yield f"外部單位「{parties_new[key]['name']}」聯絡電話更新"


def _drills(old: Snapshot, new: Snapshot) -> Iterator[str]:
    before, after = _by_id(old.get("drills")), _by_id(new.get("drills"))
    for key in sorted(set(after) - set(before), key=lambda k: (after[k]["date"], k)):
        yield f"新增演練：{after[key]['date']} {after[key]['title']}（{key}）"
    for key in sorted(set(before) - set(after)):
        yield f"刪除演練：{before[key]['date']} {before[key]['title']}（{key}）"
    for key in sorted(set(before) & set(after)):
        was, now = before[key], after[key]
        if was.get("status") != now.get("status"):
            yield f"演練「{now['title']}」狀態由 {was.get('status')} 改為 {now.get('status')}"
        closed = {f["action"] for f in was.get("findings", []) if f.get("status") == "done"}
        for finding in now.get("findings", []):
            if finding.get("status") == "done" and finding["action"] not in closed:
                yield f"演練「{now['title']}」改善事項已結案：{finding['action']}"


def _scenarios(old: Snapshot, new: Snapshot) -> Iterator[str]:
    before, after = _by_id(old.get("scenarios")), _by_id(new.get("scenarios"))
    yield from _added_removed("風險情境", before, after)
    for key in sorted(set(before) & set(after)):
        if before[key] != after[key]:
            yield f"風險情境「{after[key]['name']}」內容修訂"


_DESCRIBED = ("systems", "businesses", "vendors", "people", "parties", "organisation", "drills")
_DESCRIBERS = (_systems, _businesses, _vendors, _contacts, _drills, _scenarios)
_SECTION_LABELS = {
    "backups": "備份",
    "sites": "機房與場所",
    "contact_trees": "緊急聯絡樹",
    "training": "教育訓練",
    "glossary": "名詞解釋",
    "closures": "休市日",
}


def describe_changes(old: Snapshot | None, new: Snapshot) -> list[str]:
    """What changed between two snapshots, one line per change, in the handbook's words."""
    if old is None:
        return ["首次發布，無前一版可比較。"]
    before, after = old.get("data", {}), new.get("data", {})
    lines = [line for describe in _DESCRIBERS for line in describe(before, after)]
    skip = {*_DESCRIBED, "scenarios", "firm"}
    for section in sorted(set(before) | set(after)):
        if section not in skip and before.get(section) != after.get(section):
            lines.append(f"{_SECTION_LABELS.get(section, section)}資料修訂")
    firm_old = {k: v for k, v in before.get("firm", {}).items() if k not in ("edition", "history")}
    firm_new = {k: v for k, v in after.get("firm", {}).items() if k not in ("edition", "history")}
    if firm_old != firm_new:
        lines.append("公司基本資料或政策門檻修訂")
    return lines or ["資料內容無變更。"]


# ---------------------------------------------------------------- pages


def edition_sections(firm: FirmData, shared: Mapping[str, Any]) -> list[NavSection]:
    """The 修訂紀錄 and 歷次版本 pages."""
    publication: Publication | None = shared.get("publication")
    context = {
        "publication": publication,
        "editions": sorted(
            [firm.firm.edition, *firm.firm.history],
            key=lambda e: (e.effective_date or dt.date.min, str(e.number)),
            reverse=True,
        ),
    }
    history = PageSpec("history.md", "修訂紀錄", ["pages/history.md.j2"], context)
    editions = PageSpec("editions.md", "歷次版本", ["pages/editions.md.j2"], context)
    return [NavSection("版次", [history, editions], order=85)]
