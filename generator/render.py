"""The one Jinja environment: sandboxed, strict, escaping every data value it prints."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import posixpath
import re
import sys
import types
from collections.abc import Callable, Iterable, Mapping
from enum import Enum
from pathlib import Path
from typing import Any

import markupsafe
from jinja2 import (
    ChoiceLoader,
    FileSystemBytecodeCache,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplatesNotFound,
    TemplateSyntaxError,
    pass_context,
)
from jinja2 import (
    TemplateError as JinjaError,
)
from jinja2.loaders import split_template_path
from jinja2.runtime import Context
from jinja2.sandbox import ImmutableSandboxedEnvironment, SandboxedEnvironment

from generator import phones
from generator.errors import (
    Location,
    TemplateError,
    UnsafeFile,
    display_path,
    error,
    read_regular_file,
)
from generator.labels import label
from generator.render_limits import (
    BOUNDED_BINOPS,
    MAX_INT_BITS,
    MAX_PAGE_CHARS,
    RENDER_SECONDS,
    SIZING_FILTERS,
    BoundedNamespace,
    LimitExceeded,
    Watchdog,
    bounded_range,
    check_format,
    check_size,
    generate_bounded,
    limit_issue,
    limited_filter,
)

_MD_ESCAPE = re.compile(r"([\\`*_\[\]{}|])")
_LINE_START = re.compile(r"^(\s*)([#>]|[+-](?=\s)|\d+(?=\.\s))")


class Md(str):
    """Markdown (or HTML) that is already safe: printed as is, never escaped again."""

    __slots__ = ()


@functools.lru_cache(maxsize=1 << 16)  # the same names and labels recur on hundreds of pages
def escape_md(value: str) -> str:
    """Escape text so Markdown and HTML show it literally, on one line."""
    text = " ".join(value.split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_ESCAPE.sub(r"\\\1", text)
    return _LINE_START.sub(_escape_line_start, text)


def _escape_line_start(match: re.Match[str]) -> str:
    lead, mark = match.group(1), match.group(2)
    if mark[0].isdigit():
        return f"{lead}{mark}\\"
    return f"{lead}\\{mark}"


def format_minutes(minutes: int | None) -> str:
    """Minutes in zh-TW: 「4 小時」、「1 天」、「1 小時 30 分鐘」."""
    if minutes is None:
        return "未訂定"
    if minutes == 0:
        return "0 分鐘"
    parts = []
    for size, unit in ((525600, "年"), (1440, "天"), (60, "小時"), (1, "分鐘")):
        count, minutes = divmod(minutes, size)
        if count:
            parts.append(f"{count} {unit}")
    return " ".join(parts)


def format_date(value: dt.date | None, style: str) -> str:
    """A date as ISO (2026-12-01) or ROC (民國115年12月1日)."""
    if value is None:
        return "—"
    if style == "roc":
        return f"民國{value.year - 1911}年{value.month}月{value.day}日"
    return value.isoformat()


def _finalize(style: str) -> Any:
    def finalize(value: Any) -> str:
        kind = type(value)
        if kind is str:
            return escape_md(value)
        if kind is int:
            return str(value)
        if isinstance(value, Md):
            return value
        if value is None:
            return ""
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, dt.datetime):
            return escape_md(value.isoformat(sep=" ", timespec="minutes"))
        if isinstance(value, dt.date):
            return format_date(value, style)
        if isinstance(value, dt.time):
            return value.strftime("%H:%M")
        if isinstance(value, Enum):
            return escape_md(str(value.value))
        return escape_md(str(value))

    return finalize


def _paragraphs(value: str | None) -> Md:
    """Multi-line text as escaped Markdown paragraphs."""
    if not value:
        return Md("")
    blocks = [b for b in re.split(r"\n\s*\n", value.strip()) if b.strip()]
    return Md("\n\n".join(escape_md(b) for b in blocks))


def _html(value: Any) -> Md:
    return Md(str(markupsafe.escape(value)))


def _join(values: Iterable[Any], sep: str = "、") -> Md:
    """Join values, escaping each (Md values stay as they are)."""
    out = [v if isinstance(v, Md) else escape_md(str(v)) for v in values]
    return Md(sep.join(out))


@pass_context
def _href(context: Any, target: str, folder: str | None = None) -> Md:
    """Relative link from the page being rendered to ``target`` (or ``folder/target.md``)."""
    dest = f"{folder}/{target}.md" if folder else target
    return Md(_relative(dest, posixpath.dirname(str(context["page_dest"])) or "."))


@functools.lru_cache(maxsize=1 << 16)
def _relative(dest: str, here: str) -> str:
    return posixpath.relpath(dest, here)


def css_string(value: Any) -> Md:
    """A CSS string literal (for ``content:`` in print styles), safe inside ``<style>``."""
    text = " ".join(str(value).split()).replace("\\", "\\\\").replace('"', '\\"')
    return Md('"' + text.replace("<", "\\3C ") + '"')


def _number(phone: Any) -> str:
    return str(getattr(phone, "number", phone))


_METHODS = (types.MethodType, types.BuiltinMethodType)


class HandbookEnv(ImmutableSandboxedEnvironment):
    """The sandbox: templates cannot reach Python internals, nor change the values they are
    given, so what one page renders never depends on another page rendered before it. Calls,
    filters, ``range``, ``*``, ``**`` and ``%`` are bounded (see the limits above)."""

    intercepted_binops = frozenset(BOUNDED_BINOPS)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.globals["range"] = bounded_range
        self.globals["namespace"] = BoundedNamespace
        self.globals.pop("lipsum", None)
        self._verdicts: dict[tuple[type, str], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Jinja's verdict, once per type and attribute name: its checks (``_`` names,
        function and frame internals, methods that change a list or mapping) look only at
        those two, and it is asked on every attribute a template reads."""
        key = (type(obj), attr)
        verdict = self._verdicts.get(key)
        if verdict is None:
            verdict = self._verdicts[key] = super().is_safe_attribute(obj, attr, value)
        return verdict

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        """``*``, ``**`` and ``%``, refusing results beyond the limits before computing them."""
        ints = isinstance(left, int) and isinstance(right, int)
        if operator == "**" and ints and right * (abs(left).bit_length() - 1) > MAX_INT_BITS:
            raise LimitExceeded("計算出的整數過大")  # its bits are at least right × (bits − 1)
        if operator == "*":
            for seq, times in ((left, right), (right, left)):
                if isinstance(seq, str | list | tuple) and isinstance(times, int):
                    check_size(range(min(len(seq) * times, MAX_PAGE_CHARS + 1)))
        if operator == "%" and isinstance(left, str):
            check_format(left)
        return check_size(BOUNDED_BINOPS[operator](left, right))

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        """A call from a template (function, method, macro, ``loop()``), within the limits."""
        if isinstance(getattr(__obj, "__self__", None), str) and any(
            isinstance(a, int) and abs(a) > MAX_PAGE_CHARS for a in (*args, *kwargs.values())
        ):
            raise LimitExceeded("字串方法的數值參數過大")
        return check_size(super().call(__context, __obj, *args, **kwargs))

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        """``"...".format``: the format string is checked for huge widths first."""
        if not isinstance(value, _METHODS):  # nearly every value a template reads
            return None
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            check_format(str(value.__self__))
        return wrapped


class _FolderLoader(FileSystemLoader):
    """Templates of one folder: only regular files, and only inside it (a symlink that leads out
    of the folder, a FIFO or a device is refused with its location, never read)."""

    def get_source(self, environment: Any, template: str) -> tuple[str, str, Callable[[], bool]]:
        root = Path(self.searchpath[0])
        path = root.joinpath(*split_template_path(template))
        if not os.path.lexists(path):
            raise TemplateNotFound(template)
        try:
            source = read_regular_file(path, root).decode("utf-8")
            mtime = path.stat().st_mtime
        except UnsafeFile as exc:
            raise TemplateError([exc.issue(f"{display_path(path.parent)}/{path.name}")]) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise TemplateNotFound(template) from exc

        def uptodate() -> bool:
            try:
                return path.stat().st_mtime == mtime
            except OSError:
                return False

        return source, str(path), uptodate


def _overrides_folder(overrides: Path | None) -> Path | None:
    """The firm's override folder when there is one; a symlink out of the data folder is refused."""
    if overrides is None or not overrides.is_dir():
        return None
    if not overrides.resolve().is_relative_to(overrides.parent.resolve()):
        shown = display_path(overrides.parent) + f"/{overrides.name}"
        problem = error(
            "symlink-outside",
            f"模板覆寫資料夾「{overrides.name}」是指向資料夾之外的符號連結，不予讀取",
            Location(shown),
            "請把覆寫的模板本身放進資料夾，而不是放連結。",
        )
        raise TemplateError([problem])
    return overrides


def make_env(
    templates: Path, overrides: Path | None, date_style: str, cache: Path | None = None
) -> HandbookEnv:
    """The Jinja environment: firm overrides first, then the defaults, plus ``default:`` names.

    ``cache`` (an existing folder) keeps compiled templates between runs (Jinja's bytecode cache,
    keyed by the template's name and a checksum of its source).
    """
    loaders: list[Any] = []
    overrides = _overrides_folder(overrides)
    if overrides is not None:
        loaders.append(_FolderLoader(overrides))
    loaders.append(_FolderLoader(templates))
    loaders.append(PrefixLoader({"default": _FolderLoader(templates)}, delimiter=":"))
    env = HandbookEnv(
        loader=ChoiceLoader(loaders),
        bytecode_cache=FileSystemBytecodeCache(str(cache)) if cache is not None else None,
        undefined=StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize(date_style),
    )
    env.filters.update(
        {
            name: limited_filter(name, function)
            for name, function in env.filters.items()
            if name in SIZING_FILTERS
        }
    )
    env.filters.update(
        {
            "duration": lambda m: format_minutes(m),
            "date": lambda d: format_date(d, date_style),
            "label": lambda v, kind: label(kind, v),
            "paragraphs": _paragraphs,
            "html": _html,
            "join_md": _join,
            "md": lambda v: Md(str(v)),
            "href": _href,
            "yaml_str": lambda v: Md(json.dumps(str(v), ensure_ascii=False)),
            "esc": lambda v: Md(escape_md(str(v))),
            "css_str": css_string,
            "phone": lambda p: phones.local(_number(p)),
            "tel": lambda p: phones.e164(_number(p)),
        }
    )
    return env


def render(
    env: SandboxedEnvironment, candidates: list[str], context: Mapping[str, Any], dest: str
) -> str:
    """Render the first template of ``candidates`` that exists; errors name template and page.

    The page must render within RENDER_SECONDS and MAX_PAGE_CHARS (see ``HandbookEnv``).
    """
    template = None
    try:
        template = env.select_template(candidates)
        with Watchdog(RENDER_SECONDS):
            return generate_bounded(template.generate(**context, page_dest=dest))
    except (TemplateNotFound, TemplatesNotFound) as exc:
        names = "、".join(candidates)
        issue = error("template-missing", f"找不到模板 {names}（產生頁面 {dest} 時）", None)
        raise TemplateError([issue]) from exc
    except TemplateSyntaxError as exc:
        where = Location(_shown(exc.filename or exc.name or "?"), exc.lineno, 1)
        issue = error(
            "template-syntax", f"模板語法錯誤：{exc.message}（產生頁面 {dest} 時）", where
        )
        raise TemplateError([issue]) from exc
    except (LimitExceeded, RecursionError, MemoryError, SyntaxError) as exc:
        found = _template_frame(exc) or _page_template(env, template, candidates, exc)
        raise TemplateError([limit_issue(exc, dest, found)]) from None
    except (JinjaError, TypeError, ValueError, AttributeError, LookupError, ArithmeticError) as exc:
        issue = error(
            "template-render",
            f"套用模板時發生錯誤：{exc}（產生頁面 {dest} 時）",
            _template_frame(exc),
        )
        raise TemplateError([issue]) from exc


def _page_template(
    env: SandboxedEnvironment, template: Any, candidates: list[str], exc: BaseException
) -> Location | None:
    """The file that failed: the one Python could not compile, else the page's template."""
    filename = exc.filename if isinstance(exc, SyntaxError) else None
    if filename is None and template is not None:
        filename = template.filename
    loader = env.loader if filename is None else None
    if loader is not None:
        for name in candidates:
            with contextlib.suppress(TemplateNotFound):
                filename = loader.get_source(env, name)[1]
                break
    return Location(_shown(filename), 1, 1) if filename else None


def _shown(filename: str) -> str:
    return display_path(Path(filename)) if filename != "?" else filename


def _template_frame(exc: BaseException) -> Location | None:
    """The deepest template line in the traceback, which Jinja maps to template source."""
    found = None
    tb = exc.__traceback__ if exc.__traceback__ else sys.exc_info()[2]
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith(".j2"):
            found = Location(_shown(filename), tb.tb_lineno, 1)
        tb = tb.tb_next
    return found
