"""Create or update the handbook's Confluence pages through ``atlassian-python-api``.

The client is an optional extra (``pip install 'bcp-handbook[confluence]'``). Publishing first
looks up every page and checks that none is owned by someone else (pages the handbook made carry
the ``bcp-handbook`` label); only then does it write, parents before children.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from generator.errors import Location, OutputError, UsageError, error
from generator.exports.wiki.confluence import OWNER_LABEL, ConfluenceExport, ConfluencePage
from generator.exports.wiki.gitpush import shown_url

PROPERTY = "bcp-handbook"


@dataclass(frozen=True)
class PageChange:
    """One line of the plan: ``create``, ``update`` or ``unchanged`` for one page."""

    action: str
    title: str
    page_id: str | None
    parent_title: str | None
    property_version: int | None = None


def digest(page: ConfluencePage, parent_title: str | None) -> str:
    """What was published, as a hash kept in a page property.

    Confluence normalises the storage body it keeps, so comparing bodies would update every page
    on every run; the hash of what we sent (body, place in the tree, attachments) does not drift.
    """
    sha = hashlib.sha256()
    for part in (page.title, parent_title or "", page.body):
        sha.update(part.encode("utf-8") + b"\0")
    for name, content in page.attachments:
        sha.update(name.encode("utf-8") + b"\0" + hashlib.sha256(content).digest())
    return sha.hexdigest()


@dataclass(frozen=True)
class Target:
    """Where to publish."""

    url: str
    space: str
    parent: str | None
    token: str


def _client(target: Target) -> Any:
    try:
        from atlassian import Confluence
    except ImportError as exc:
        raise UsageError(
            [
                error(
                    "confluence-client",
                    "未安裝 Confluence 用戶端 atlassian-python-api",
                    None,
                    "請安裝選用套件：pip install 'bcp-handbook[confluence]'",
                )
            ]
        ) from exc
    factory: Any = Confluence
    return factory(url=target.url, token=target.token, timeout=30)


def _failure(target: Target, exc: Exception, doing: str) -> OutputError:
    import requests  # a dependency of the optional client

    where = Location(shown_url(target.url))
    response = getattr(exc, "response", None)
    reason = getattr(exc, "reason", None)
    if response is None and reason is not None:
        response = getattr(reason, "response", None)
    status = getattr(response, "status_code", None)
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        issue = error("confluence-unreachable", f"無法連線到 Confluence（{doing}）", where)
    elif status in (401, 403):
        issue = error(
            "confluence-auth", f"Confluence 拒絕驗證或權限不足（HTTP {status}，{doing}）", where
        )
    else:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        issue = error("confluence-api", f"Confluence 回應錯誤（{doing}）：{text}", where)
    return OutputError([issue])


def _first(result: Any) -> dict[str, Any] | None:
    if isinstance(result, dict) and "results" in result:
        results = result["results"]
        return results[0] if results else None
    return result if isinstance(result, dict) and result.get("id") else None


def _labels(client: Any, page_id: str) -> set[str]:
    result = client.get_page_labels(page_id)
    return {str(item.get("name")) for item in (result or {}).get("results", [])}


def _parent_id(client: Any, target: Target) -> str | None:
    if target.parent is None:
        return None
    if target.parent.isdigit():
        page = client.get_page_by_id(target.parent, expand="version")
    else:
        page = _first(client.get_page_by_title(target.space, target.parent))
    if not page:
        raise OutputError(
            [
                error(
                    "confluence-parent",
                    f"在空間 {target.space} 找不到上層頁面「{target.parent}」",
                    Location(shown_url(target.url)),
                )
            ]
        )
    return str(page["id"])


def _existing(client: Any, target: Target, page: ConfluencePage) -> str | None:
    """The id of the page with this title; refuse a page owned by someone else."""
    found = _first(client.get_page_by_title(target.space, page.title, expand="version"))
    if not found:
        return None
    page_id = str(found["id"])
    if OWNER_LABEL not in _labels(client, page_id):
        raise OutputError(
            [
                error(
                    "confluence-page-owned",
                    f"頁面「{page.title}」已存在但非本手冊產生（無 {OWNER_LABEL} 標籤），未更動任何頁面",
                    Location(shown_url(target.url)),
                )
            ]
        )
    return page_id


def _published(client: Any, page_id: str) -> tuple[str | None, int | None]:
    """(hash, property version) recorded at the last publication, if any."""
    from atlassian.errors import ApiError

    try:
        found = client.get_page_property(page_id, PROPERTY)
    except ApiError:
        return None, None
    value = (found or {}).get("value") or {}
    version = ((found or {}).get("version") or {}).get("number")
    return value.get("sha256"), version


def changes_for(
    client: Any, target: Target, export: ConfluenceExport
) -> tuple[list[PageChange], str | None]:
    """What publishing would do, page by page, and the id of the parent page."""
    parent_id = _parent_id(client, target)
    titles = {page.key: page.title for page in export.pages}
    steps = []
    for page in export.pages:
        parent_title = titles[page.parent] if page.parent else target.parent
        page_id = _existing(client, target, page)
        if page_id is None:
            steps.append(PageChange("create", page.title, None, parent_title))
            continue
        recorded, version = _published(client, page_id)
        same = recorded == digest(page, parent_title)
        action = "unchanged" if same else "update"
        steps.append(PageChange(action, page.title, page_id, parent_title, version))
    return steps, parent_id


def _write(
    client: Any,
    target: Target,
    page: ConfluencePage,
    step: PageChange,
    parent_id: str | None,
    note: str,
) -> str:
    if step.page_id is None:
        created = client.create_page(
            target.space, page.title, page.body, parent_id, version_comment=note
        )
        return str(created["id"])
    client.update_page(
        step.page_id, page.title, page.body, parent_id, version_comment=note, always_update=True
    )
    return step.page_id


def _record(
    client: Any, page_id: str, page: ConfluencePage, step: PageChange, export: ConfluenceExport
) -> None:
    value = {"sha256": digest(page, step.parent_title), "labels": list(export.labels)}
    data: dict[str, Any] = {"key": PROPERTY, "value": value}
    if step.property_version is None:
        client.set_page_property(page_id, data)
    else:
        client.update_page_property(
            page_id, {**data, "version": {"number": step.property_version + 1}}
        )


def _label(client: Any, page_id: str, labels: tuple[str, ...]) -> None:
    current = _labels(client, page_id)
    for label in labels:
        if label not in current:
            client.set_page_label(page_id, label)
    for old in sorted(current):
        if old.startswith("bcp-edition-") and old not in labels:
            client.remove_page_label(page_id, old)


def publish(target: Target, export: ConfluenceExport, dry_run: bool, note: str) -> list[PageChange]:
    """Create or update every page (parents first); with ``dry_run`` only return the plan."""
    client = _client(target)
    import requests
    from atlassian.errors import ApiError

    doing = "查詢頁面"
    try:
        steps, parent_id = changes_for(client, target, export)
        if dry_run:
            return steps
        ids: dict[str, str] = {}
        for page, step in zip(export.pages, steps, strict=True):
            doing = f"寫入「{page.title}」"
            parent = ids[page.parent] if page.parent else parent_id
            page_id = step.page_id or ""
            if step.action != "unchanged":
                page_id = _write(client, target, page, step, parent, note)
                for name, content in page.attachments:
                    client.attach_content(content, name, page_id=page_id)
                _record(client, page_id, page, step, export)
            ids[page.key] = page_id
            _label(client, page_id, export.labels)
    except (requests.RequestException, ApiError) as exc:
        raise _failure(target, exc, doing) from exc
    return steps
