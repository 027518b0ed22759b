"""A small Confluence REST stand-in on 127.0.0.1 that keeps pages in memory and records calls."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Call:
    """One REST call the client made."""

    method: str
    path: str
    query: dict[str, str]
    body: Any = None


@dataclass
class Store:
    """The pages of the fake Confluence and every call made to it."""

    token: str
    pages: dict[str, dict[str, Any]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)
    attachments: dict[str, list[str]] = field(default_factory=dict)
    properties: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    next_id: int = 1000

    def add_page(self, title: str, space: str, labels: list[str], parent: str | None = None) -> str:
        """A page created by someone (not the handbook), for ownership tests."""
        self.next_id += 1
        page_id = str(self.next_id)
        ancestors = [{"id": parent}] if parent else []
        self.pages[page_id] = {
            "id": page_id,
            "type": "page",
            "title": title,
            "space": {"key": space},
            "version": {"number": 1},
            "body": {"storage": {"value": "<p>hand made</p>", "representation": "storage"}},
            "ancestors": ancestors,
        }
        self.labels[page_id] = list(labels)
        return page_id

    def writes(self) -> list[Call]:
        """Calls that changed something."""
        return [c for c in self.calls if c.method in ("POST", "PUT", "DELETE")]


_CONTENT = re.compile(r"^/rest/api/content/?$")
_ONE = re.compile(
    r"^/rest/api/content/(\d+)(/history|/label|/child/attachment|/property)?(?:/([\w-]+))?"
    r"(?:/data)?/?$"  # .../child/attachment/<id>/data replaces an attachment's content
)


_ATTACHMENT = re.compile(r"^/rest/api/content/(?:\d+/child/attachment/)?(att\w+)(?:/data)?/?$")


class _Handler(BaseHTTPRequestHandler):
    store: Store

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _reply(self, status: int, payload: Any) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if self.headers.get("Content-Type", "").startswith("application/json") and raw:
            return json.loads(raw)
        return raw.decode("utf-8", errors="replace")

    def _handle(self, method: str) -> None:
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        body = self._body() if method in ("POST", "PUT") else None
        self.store.calls.append(Call(method, parts.path, query, body))
        if self.headers.get("Authorization") != f"Bearer {self.store.token}":
            self._reply(401, {"message": "Unauthorized"})
            return
        if _CONTENT.match(parts.path):
            self._collection(method, query, body)
            return
        attachment = _ATTACHMENT.match(parts.path)
        if attachment:  # updating an existing attachment (new content or its properties)
            self._reply(
                200, {"id": attachment.group(1), "type": "attachment", "version": {"number": 2}}
            )
            return
        match = _ONE.match(parts.path)
        if not match or match.group(1) not in self.store.pages:
            self._reply(404, {"message": "not found"})
            return
        page_id, sub = match.group(1), match.group(2) or ""
        if sub == "/property":
            self._property(method, page_id, match.group(3), body)
            return
        getattr(self, f"_page{sub.replace('/', '_')}")(method, page_id, query, body)

    def _property(self, method: str, page_id: str, key: str | None, body: Any) -> None:
        props = self.store.properties
        if method == "GET":
            if key is None or (page_id, key) not in props:
                self._reply(404, {"message": "no such property"})
                return
            self._reply(200, props[(page_id, key)])
            return
        name = key or body["key"]
        current = props.get((page_id, name))
        expected = (current["version"]["number"] + 1) if current else 1
        if method == "POST" and current is not None:
            self._reply(400, {"message": "property exists"})
            return
        if method == "PUT" and body.get("version", {}).get("number") != expected:
            self._reply(409, {"message": "version conflict"})
            return
        props[(page_id, name)] = {
            "key": name,
            "value": body["value"],
            "version": {"number": expected},
        }
        self._reply(200, props[(page_id, name)])

    def _collection(self, method: str, query: dict[str, str], body: Any) -> None:
        store = self.store
        if method == "GET":
            found = [
                p
                for p in store.pages.values()
                if p["title"] == query.get("title") and p["space"]["key"] == query.get("spaceKey")
            ]
            self._reply(200, {"results": found, "size": len(found)})
            return
        store.next_id += 1
        page_id = str(store.next_id)
        store.pages[page_id] = {
            "id": page_id,
            "type": "page",
            "title": body["title"],
            "space": body["space"],
            "version": {"number": 1},
            "body": {"storage": body["body"]["storage"]},
            "ancestors": body.get("ancestors", []),
        }
        store.labels[page_id] = []
        self._reply(200, store.pages[page_id])

    def _page(self, method: str, page_id: str, query: dict[str, str], body: Any) -> None:
        page = self.store.pages[page_id]
        if method == "PUT":
            page["title"] = body["title"]
            page["body"] = {"storage": body["body"]["storage"]}
            page["version"] = {"number": body["version"]["number"]}
            if body.get("ancestors"):
                page["ancestors"] = body["ancestors"]
        self._reply(200, page)

    def _page_history(self, method: str, page_id: str, query: dict[str, str], body: Any) -> None:
        number = self.store.pages[page_id]["version"]["number"]
        self._reply(200, {"lastUpdated": {"number": number}, "latest": True})

    def _page_label(self, method: str, page_id: str, query: dict[str, str], body: Any) -> None:
        labels = self.store.labels[page_id]
        if method == "POST":
            for item in body if isinstance(body, list) else [body]:
                if item["name"] not in labels:
                    labels.append(item["name"])
        elif method == "DELETE" and query.get("name") in labels:
            labels.remove(query["name"])
        results = [{"prefix": "global", "name": name} for name in labels]
        self._reply(200, {"results": results, "size": len(results)})

    def _page_child_attachment(
        self, method: str, page_id: str, query: dict[str, str], body: Any
    ) -> None:
        names = self.store.attachments.setdefault(page_id, [])
        if method == "POST":
            found = re.search(r'filename="([^"]+)"', body)
            names.append(found.group(1) if found else "?")
        results = [{"id": f"att{page_id}{i}", "title": n} for i, n in enumerate(names)]
        self._reply(200, {"results": results, "size": len(results)})

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def do_DELETE(self) -> None:
        self._handle("DELETE")


@contextmanager
def confluence_stub(token: str) -> Iterator[tuple[str, Store]]:
    """Serve a fake Confluence on 127.0.0.1; yields its base URL and its store."""
    store = Store(token)
    handler = type("Handler", (_Handler,), {"store": store})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", store
    finally:
        server.shutdown()
        server.server_close()
