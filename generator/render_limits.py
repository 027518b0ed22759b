"""Limits on what a template may do: time, size, range, integers, format widths, recursion. A firm's override that exceeds one fails its page with a located error instead of hanging or exhausting memory."""

from __future__ import annotations

import ctypes
import functools
import re
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from jinja2.utils import Namespace

from generator.errors import (
    Issue,
    Location,
    error,
)

# Limits of one page's rendering: a firm's override is code, and must not hang or exhaust the
# build. Each is far above what the shipped templates need.
RENDER_SECONDS = 10.0  # per page


MAX_PAGE_CHARS = 5_000_000  # a page, and any one value a template makes (string, list)


MAX_RANGE = 10_000  # items of range() in a template


MAX_INT_BITS = 100_000  # an integer a template computes


class LimitExceeded(Exception):
    """A template went past one of the limits above (its message says which)."""


class _RenderTimeout(LimitExceeded):
    """The page took longer than RENDER_SECONDS (raised in the rendering thread)."""


def check_size(value: Any) -> Any:
    if isinstance(value, str | list | tuple | dict) and len(value) > MAX_PAGE_CHARS:
        raise LimitExceeded(f"產生的內容超過 {MAX_PAGE_CHARS:,} 個字元或項目")
    if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
        raise LimitExceeded("計算出的整數過大")
    return value


_FORMAT_FIELD = re.compile(r"%[#0 +-]*(\*|\d*)(?:\.(\*|\d*))?|\{[^{}]*:[^{}]*?(\d+|\{)")


def check_format(text: str) -> None:
    """Refuse a %-format or str.format string asking for a huge or computed width."""
    for match in _FORMAT_FIELD.finditer(text):
        for part in match.groups():
            if part in ("*", "{") or (part and int(part) > 10_000):
                raise LimitExceeded("格式字串的寬度或精確度過大")


def bounded_range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise LimitExceeded(f"range() 超過 {MAX_RANGE:,} 項")
    return numbers


class BoundedNamespace(Namespace):
    """``namespace()`` whose values stay within the limits (a loop cannot double a string)."""

    def __setitem__(self, name: str, value: Any) -> None:
        super().__setitem__(name, check_size(value))


def limited_filter(name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)  # keeps Jinja's pass_context marks
    def run(*args: Any, **kwargs: Any) -> Any:
        if any(isinstance(a, int) and abs(a) > MAX_PAGE_CHARS for a in (*args, *kwargs.values())):
            raise LimitExceeded(f"篩選器 {name} 的數值參數過大")
        if name == "format" and args and isinstance(args[0], str):
            check_format(args[0])
        return check_size(function(*args, **kwargs))

    return run


SIZING_FILTERS = {"center", "indent", "wordwrap", "format", "replace", "join", "batch", "slice"}


BOUNDED_BINOPS: dict[str, Callable[[Any, Any], Any]] = {
    "*": lambda a, b: a * b,
    "**": lambda a, b: a**b,
    "%": lambda a, b: a % b,
}


def generate_bounded(chunks: Iterator[str]) -> str:
    """The page from Jinja's stream of output pieces, stopping at the size limit."""
    out, size = [], 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_PAGE_CHARS:
            raise LimitExceeded(f"頁面超過 {MAX_PAGE_CHARS:,} 個字元")
        out.append(chunk)
    return "".join(out)


def limit_issue(exc: BaseException, dest: str, where: Location | None) -> Issue:
    if isinstance(exc, _RenderTimeout):
        code, what = "template-timeout", f"頁面的產生超過 {RENDER_SECONDS:g} 秒，已中止"
    elif isinstance(exc, SyntaxError):
        code, what = "template-limit", f"模板的巢狀層次過深，無法編譯（{exc.msg}）"
    elif isinstance(exc, RecursionError):
        code, what = "template-recursion", "模板的巢狀或遞迴呼叫層次過深（可能是無限遞迴）"
    elif isinstance(exc, MemoryError):
        code, what = "template-limit", "記憶體不足"
    else:
        code, what = "template-limit", f"超過模板的限制：{exc}"
    hint = "檢查覆寫模板中的迴圈、range() 與巨集是否會無止盡地執行或產生過多內容。"
    return error(code, f"{what}（產生頁面 {dest} 時）", where, hint)


class Watchdog:
    """The time limit of a page: raises _RenderTimeout in the rendering thread (whichever it is:
    ``serve`` renders in a worker thread, where a signal cannot) unless the page is done within
    ``seconds``. Python delivers it at the template's next step, so no loop can outlast it.
    One watcher thread serves every page of the process."""

    def __init__(self, seconds: float) -> None:
        self.seconds, self.thread = seconds, threading.get_ident()

    def __enter__(self) -> None:
        global _watcher
        with _WATCH:
            _FIRED.discard(self.thread)
            _DEADLINES[self.thread] = deadline = time.monotonic() + self.seconds
            if _watcher is None or not _watcher.is_alive():
                _watcher = threading.Thread(target=_watch, name="render-watchdog", daemon=True)
                _watcher.start()
            if deadline < _wakes_at[0]:  # else the watcher wakes in time anyway: no thread switch
                _WATCH.notify()

    def __exit__(self, *_: object) -> None:
        with _WATCH:
            _DEADLINES.pop(self.thread, None)
            if self.thread in _FIRED:  # not yet raised if the page ended just then: never later
                _FIRED.discard(self.thread)
                _async_raise(self.thread, None)


_watcher: threading.Thread | None = None
_wakes_at = [0.0]  # when the watcher will look next (inf: only when told)
_WATCH = threading.Condition()


_DEADLINES: dict[int, float] = {}  # rendering thread → when its page must be done


_FIRED: set[int] = set()


def _watch() -> None:
    with _WATCH:
        while True:
            now = time.monotonic()
            for thread, deadline in _DEADLINES.items():
                if deadline <= now and thread not in _FIRED:
                    _FIRED.add(thread)
                    _async_raise(thread, _RenderTimeout)
            waiting = [d for t, d in _DEADLINES.items() if t not in _FIRED]
            _wakes_at[0] = min(waiting, default=float("inf"))
            _WATCH.wait(_wakes_at[0] - now if waiting else None)


def _async_raise(thread: int, kind: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(
        ctypes.c_ulong(thread), ctypes.py_object(kind) if kind else None
    )
