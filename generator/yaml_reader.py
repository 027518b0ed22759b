"""Read one YAML file into ruamel's nodes, refusing what a data file must not hold: tags outside the core schema, merge keys, deep nesting, alias blow-ups; syntax errors in zh-TW with their place."""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    StreamEndEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from generator.errors import (
    Issue,
    Location,
    error,
    offset_location,
)

STR_TAG = "tag:yaml.org,2002:str"


MERGE_TAG = "tag:yaml.org,2002:merge"


# Explicit tags allowed: the core schema, timestamp (resolved anyway) and the non-specific "!".
_CORE = ("str", "int", "float", "bool", "null", "seq", "map", "timestamp")


_STANDARD_TAGS = frozenset({"!", *(f"tag:yaml.org,2002:{name}" for name in _CORE)})


MAX_DEPTH = 64  # nesting of lists and mappings (a call tree 30 levels deep fits)


MAX_ALIAS_NODES = 10_000  # nodes the aliases (*name) of one file may repeat: no billion laughs


_REFUSALS = {  # code → message, hint
    "yaml-tag": (
        "不支援的 YAML 標記「{}」",
        "資料檔只用一般的文字、數字、日期、清單與對應；請刪除「!」開頭的標記。",
    ),
    "yaml-too-deep": (
        f"巢狀層次過深（超過 {MAX_DEPTH} 層）{{}}",
        "資料的清單與對應不會巢狀這麼多層；請檢查縮排或括號。",
    ),
    "yaml-alias-cycle": (
        "別名「*{}」引用了包含它自己的錨點，形成無限循環",
        "別名只能引用已經寫完的內容；請改為直接寫出內容。",
    ),
    "yaml-alias-expansion": (
        f"別名「*{{}}」展開後的內容過多（全檔超過 {MAX_ALIAS_NODES:,} 個項目）",
        "請減少別名的使用，或直接寫出內容。",
    ),
    "yaml-merge-key": (
        "不支援 YAML 合併鍵「{}」",
        "請直接寫出每個欄位；合併鍵讓資料來源難以追查。",
    ),
    "yaml-complex-key": ("欄位名稱必須是文字，不能是清單或對應{}", "檢查是否多寫了「? 」或括號。"),
}


def refusal(code: str, detail: str, where: Location) -> Issue:
    message, hint = _REFUSALS[code]
    return error(code, message.format(detail), where, hint)


class Refused(Exception):
    """A construct refused while composing: its code, a detail for the message, where."""

    def __init__(self, code: str, detail: str, mark: Any) -> None:
        super().__init__(code)
        self.code, self.detail, self.mark = code, detail, mark

    def issue(self, shown: str) -> Issue:
        where = Location(shown, self.mark.line + 1, self.mark.column + 1)
        return refusal(self.code, self.detail, where)


class Composer:
    """Nodes from the parser's events as ruamel composes them, refusing tags outside the core
    schema, nesting deeper than MAX_DEPTH and aliases that loop or blow up. (ruamel's C composer
    recurses in C: a file nested 100,000 deep would crash the process.)"""

    def __init__(self, yaml: YAML, text: str) -> None:
        _, self.events = yaml.get_constructor_parser(text)
        self.resolver = self.events if hasattr(self.events, "resolve") else yaml.resolver
        self.anchors: dict[str, Node] = {}
        self.measured: dict[int, tuple[int, int]] = {}  # collection → (nodes, height) expanded
        self.depth = self.expanded = 0
        self.tags: dict[tuple[str, Any], str] = {}  # the resolver's answer per plain scalar

    def document(self) -> Node | None:
        """The one document of the file (None when empty)."""
        events, node = self.events, None
        try:
            events.get_event()  # stream start
            if not events.check_event(StreamEndEvent):
                events.get_event()  # document start
                node = self.node()
                events.get_event()  # document end
            if not events.check_event(StreamEndEvent):
                mark = events.get_event().start_mark
                raise ComposerError(None, None, "but found another document", mark)
            return node
        finally:
            events.dispose()

    def node(self) -> Node:
        event = self.events.get_event()
        if isinstance(event, AliasEvent):
            return self.alias(event)
        tag = None if event.tag is None else str(event.tag)
        if tag is not None and tag not in _STANDARD_TAGS:
            raise Refused("yaml-tag", tag.replace("tag:yaml.org,2002:", "!!"), event.start_mark)
        if not isinstance(event, ScalarEvent):
            return self.collection(event, tag)
        if tag in (None, "!"):
            key = (event.value, event.implicit)  # ``id:`` recurs thousands of times in a file
            found = self.tags.get(key)
            if found is None:
                found = self.tags[key] = self.resolver.resolve(ScalarNode, *key)
            tag = found
        node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
        if event.anchor is not None:
            self.anchors[event.anchor] = node
        return node

    def collection(self, start: Any, tag: str | None) -> Node:
        kind = MappingNode if isinstance(start, MappingStartEvent) else SequenceNode
        if tag in (None, "!"):
            tag = self.resolver.resolve(kind, None, start.implicit)
        node = kind(tag, [], start.start_mark, None, flow_style=start.flow_style)
        if start.anchor is not None:
            self.anchors[start.anchor] = node
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise Refused("yaml-too-deep", "", start.start_mark)
        items, size, height = [], 1, 0
        while not self.events.check_event(MappingEndEvent, SequenceEndEvent):
            items.append(self.node())
            inner, below = self.measured.get(id(items[-1]), (1, 0))
            size, height = size + inner, max(height, below + 1)
        node.value = (
            list(zip(items[::2], items[1::2], strict=True)) if kind is MappingNode else items
        )
        node.end_mark = self.events.get_event().end_mark
        self.measured[id(node)] = (size, height)
        self.depth -= 1
        return node

    def alias(self, event: Any) -> Node:
        node = self.anchors.get(event.anchor)
        if node is None:
            raise ComposerError(
                None, None, f"found undefined alias {event.anchor!r}", event.start_mark
            )
        if node.end_mark is None:  # a list or mapping that holds this alias: it would never end
            raise Refused("yaml-alias-cycle", event.anchor, event.start_mark)
        size, height = self.measured.get(id(node), (1, 0))
        self.expanded += size
        if self.depth + height >= MAX_DEPTH:
            raise Refused("yaml-too-deep", f"（展開別名「*{event.anchor}」後）", event.start_mark)
        if self.expanded > MAX_ALIAS_NODES:
            raise Refused("yaml-alias-expansion", event.anchor, event.start_mark)
        return node


_SYNTAX_PROBLEMS = {
    "found unexpected end of stream": "檔案意外結束（可能是引號或括號未成對）",
    "found character '\\t' that cannot start any token": "出現 Tab 字元；YAML 縮排只能用空白",
    "found a tab character": "出現 Tab 字元；YAML 縮排只能用空白",
    "mapping values are not allowed": "此處不能出現「: 」（可能是縮排錯誤，或文字含冒號需加引號）",
    "did not find expected node content": "找不到預期的內容（可能是多餘的符號或縮排錯誤）",
    "did not find expected ',' or ']'": "方括號清單 [...] 沒有正確結束",
    "did not find expected ',' or '}'": "大括號對應 {...} 沒有正確結束",
    "could not find expected ':'": "找不到預期的「:」",
    "did not find expected key": "縮排不一致，找不到預期的欄位",
    "did not find expected '-' indicator": "縮排不一致，找不到預期的清單項目「- 」",
    "found undefined alias": "引用了未定義的錨點（*alias）",
    "but found another document": "一個檔案只能有一份 YAML 文件（多了「---」或「...」）",
}


def _syntax_text(problem: str) -> str:
    for english, chinese in _SYNTAX_PROBLEMS.items():
        if problem.startswith(english):
            return f"{chinese}（{problem}）"
    return problem


def _mark_location(shown: str, exc: MarkedYAMLError) -> Location:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark and "end of stream" in str(exc.problem):
        mark = exc.context_mark
    if mark is None:
        return Location(shown)
    return Location(shown, mark.line + 1, mark.column + 1)


def syntax_issue(shown: str, exc: YAMLError, text: str) -> Issue:
    if isinstance(exc, ReaderError) and isinstance(exc.position, int):
        where = offset_location(shown, text, min(exc.position, len(text)))
        return error("yaml-syntax", f"YAML 語法錯誤：{exc.reason}", where)
    if isinstance(exc, MarkedYAMLError):
        problem = (exc.problem or exc.context or "無法解析").strip()
        return error(
            "yaml-syntax",
            f"YAML 語法錯誤：{_syntax_text(problem)}",
            _mark_location(shown, exc),
            "檢查縮排（只能用空白，不能用 Tab）、冒號後的空白與引號是否成對。",
        )
    return error("yaml-syntax", f"YAML 語法錯誤：{exc}", Location(shown))
