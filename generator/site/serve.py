"""``handbook serve``: live preview with partial MkDocs rebuilds of the changed pages only.

Between builds the process keeps the full search index (a partial build indexes only what it
rebuilt), the theme's compiled templates and jieba's loaded dictionaries.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from generator.errors import Issue
from generator.site.build import engine_env, fix_query_segmentation

# Modification time and size of files, by name: what ``handbook serve`` compares between builds.
Stamps = dict[str, tuple[int, int]]


def file_stamps(folder: Path, others: list[Path]) -> Stamps:
    """Stamps of every file under ``folder`` (by relative path) and of ``others`` (by full path).

    A file is a regular file or a symlink to one; a folder reached through a symlink is not
    entered (as with ``Path.rglob``). One ``stat`` per entry: this runs after every save."""
    found: Stamps = {}
    _stamp_folder(found, str(folder), "")
    for path in others:
        try:
            info = path.stat()
        except OSError:
            continue
        if stat.S_ISREG(info.st_mode):
            name = path.relative_to(folder).as_posix() if path.is_relative_to(folder) else str(path)
            found[name] = (info.st_mtime_ns, info.st_size)
    return found


def _stamp_folder(found: Stamps, folder: str, prefix: str) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:  # gone or unreadable: nothing in it to stamp (as with Path.rglob)
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _stamp_folder(found, entry.path, f"{prefix}{entry.name}/")
            continue
        try:
            info = entry.stat()  # through a symlink
        except OSError:  # a dangling symlink, or gone meanwhile: not a file
            continue
        if stat.S_ISREG(info.st_mode):
            found[prefix + entry.name] = (info.st_mtime_ns, info.st_size)


def changed_pages(before: Stamps | None, after: Stamps) -> list[str] | None:
    """The pages a partial build must rebuild (``[]``: nothing changed), or None when only a full
    build is right: the first build, files added or removed, or a changed file that is not a
    Markdown page (the engine settings, the search dictionary, an asset)."""
    if before is None or before.keys() != after.keys():
        return None
    changed = sorted(name for name, stamp in after.items() if before[name] != stamp)
    if any(not name.endswith(".md") for name in changed):
        return None
    return changed


log = logging.getLogger("mkdocs.handbook")


def page_location(dest: str) -> str:
    """The URL MkDocs (directory URLs) gives the page ``dest``, as the search index writes it:
    ``a/b.md`` → ``a/b/``, ``index.md`` → ``""``, non-ASCII names percent-encoded."""
    from mkdocs.structure.files import File

    url = File(dest, None, "", use_directory_urls=True).url
    return "" if url in (".", "./") else url


class SearchIndex:
    """The served site's full search index, kept across partial (dirty) builds.

    A dirty MkDocs build indexes only the pages it rebuilt; their entries replace the old ones
    of the same pages, in place, and the other pages keep theirs.
    """

    def __init__(self) -> None:
        self.docs: list[dict[str, object]] = []

    def after_build(self, site_dir: Path, rebuilt: list[str] | None) -> None:
        """Record a full build (``rebuilt`` None) or merge a partial one into its index file."""
        path = site_dir / "search" / "search_index.json"
        index = json.loads(path.read_text(encoding="utf-8"))
        if rebuilt is not None:
            fresh = index["docs"]
            pages = {page_location(p) for p in rebuilt} | {_page_of(doc) for doc in fresh}
            index["docs"] = self._merged(fresh, pages)
            path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")
        self.docs = index["docs"]

    def _merged(self, fresh: list[dict[str, object]], pages: set[str]) -> list[dict[str, object]]:
        by_page: dict[str, list[dict[str, object]]] = {}
        for doc in fresh:
            by_page.setdefault(_page_of(doc), []).append(doc)
        merged: list[dict[str, object]] = []
        for doc in self.docs:
            page = _page_of(doc)
            if page not in pages:
                merged.append(doc)
            elif page in by_page:
                merged.extend(by_page.pop(page))
        for docs in by_page.values():  # pages that had no entries before
            merged.extend(docs)
        return merged


def _page_of(doc: dict[str, object]) -> str:
    return str(doc["location"]).split("#")[0]


class _DropDirtyWarning(logging.Filter):
    """MkDocs warns that a dirty build may leave stale navigation; ``serve_site`` only builds
    dirty when the navigation did not change, so the warning would only be noise."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "'dirty' build" not in record.getMessage()


def _forget_pages(config: Any, pages: list[str]) -> None:
    """Delete the built HTML of ``pages`` so a dirty build must rebuild them (MkDocs decides by
    comparing file times, which a coarse or skewed clock could get wrong)."""
    from mkdocs.structure.files import File

    for dest in pages:
        built = File(dest, config["docs_dir"], config["site_dir"], use_directory_urls=True)
        Path(built.abs_dest_path).unlink(missing_ok=True)


def _error_page(site_dir: Path, code: int) -> bytes | None:
    """The built 404 page for unknown URLs, as ``mkdocs serve`` does."""
    page = site_dir / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None


@dataclass
class _Rebuilder:
    """The live-reload server's builder: regenerate, then a partial or a full MkDocs build.

    What to rebuild is read from the files themselves (``changed_pages``), compared with the last
    good build, so pages written by another process (``handbook generate`` in a second terminal)
    are rebuilt too.
    """

    config_file: Path
    site_dir: Path
    addr: str
    serve_url: str
    regenerate: Callable[[], list[Issue]]
    search: SearchIndex
    docs_dir: Path
    settings: list[Path]  # engine settings and search dictionary: a change needs a full build
    last: Stamps | None = None  # at the last good build; None: the next build is full

    # The theme's compiled templates, kept between builds (see ``_theme_cache_plugin``).
    theme_cache: Any = field(default_factory=lambda: _theme_cache_plugin())

    def __call__(self, _config: object = None) -> None:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        for issue in self.regenerate():  # bad data: logged, and the last good pages stay
            log.error(issue.format())
        now = file_stamps(self.docs_dir, self.settings)
        pages = changed_pages(self.last, now)
        if pages == []:
            return
        config = load_config(
            str(self.config_file), site_dir=str(self.site_dir), dev_addr=self.addr, strict=False
        )
        config.site_url = self.serve_url
        self.theme_cache.partial = pages is not None
        config.plugins["handbook/theme-cache"] = self.theme_cache
        if pages:
            _forget_pages(config, pages)
        # Until this build succeeds the next one is full: a failed build may have left the site
        # half written.
        self.last = None
        with _jieba_kept() if pages is not None else contextlib.nullcontext():
            build(config, serve_url=self.serve_url, dirty=pages is not None)
        fix_query_segmentation(self.site_dir)
        self.search.after_build(self.site_dir, pages)
        self.last = now
        if pages:
            log.info("handbook: 局部重建 %d 個頁面", len(pages))


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates in memory, by template, source checksum (an edited theme override is
    compiled again) and the environment settings that compiling depends on."""

    def __init__(self) -> None:
        self._code: dict[str, bytes] = {}
        # The environment of the current build, with its ``_compile_settings``.
        self._settings: tuple[jinja2.Environment, str] | None = None

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        known = self._settings
        if known is None or known[0] is not environment:  # a new build: a new environment
            known = self._settings = (environment, _compile_settings(environment))
        return super().get_bucket(environment, f"{name}\x00{known[1]}", filename, source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self._code.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


def _compile_settings(env: jinja2.Environment) -> str:
    """What Jinja decides when it compiles a template: syntax, escaping, extensions, and which
    filters and tests are handed the context."""
    autoescape = env.autoescape
    parts: list[object] = [
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        getattr(autoescape, "__qualname__", autoescape),
        sorted(env.extensions),
    ]
    for kind, functions in (("filter", env.filters), ("test", env.tests)):
        parts.append(
            sorted(
                f"{kind}:{name}:{getattr(function, 'jinja_pass_arg', '')}"
                for name, function in functions.items()
            )
        )
    return repr(parts)


def _theme_cache_plugin() -> Any:
    """A plugin for the builds of one serve process: gives the theme's Jinja environment one
    ``_CompiledTemplates`` for every build (MkDocs makes a new environment, and so compiles
    Material's templates again, on every build: about 0.15 s of each save), and in a partial
    build leaves the 404 page and the sitemap alone (set ``partial`` before each build).

    The two are dropped from the theme's static templates in ``on_env``, after MkDocs has used
    that list to decide which theme files are not copied as they are (else the raw template
    ``sitemap.xml`` would be copied over the built one).
    """
    from mkdocs.plugins import BasePlugin

    class ThemeCache(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
        cache = _CompiledTemplates()
        partial = False

        def on_env(
            self, env: jinja2.Environment, /, *, config: Any, **_: Any
        ) -> jinja2.Environment:
            env.bytecode_cache = self.cache
            if self.partial:  # the navigation and the page list are as last time: so are these
                config.theme.static_templates.difference_update({"404.html", "sitemap.xml"})
            return env

    return ThemeCache()


@contextmanager
def _jieba_kept() -> Iterator[None]:
    """Keep jieba's dictionaries as the last build left them, for a partial build.

    Material's search plugin sets the dictionary and loads the user dictionary on every build,
    which makes jieba load its whole dictionary again (about 0.4 s per save). A partial build only
    happens when neither dictionary changed since the last good build in this process, so what
    it would load is what jieba already holds.
    """
    try:
        import jieba
    except ImportError:
        yield
        return
    saved = jieba.set_dictionary, jieba.load_userdict
    jieba.set_dictionary = jieba.load_userdict = _unchanged
    try:
        yield
    finally:
        jieba.set_dictionary, jieba.load_userdict = saved


def _unchanged(*_args: object) -> None:
    """Stands for a jieba call whose result is already in place."""


# How often serve looks for changed files. MkDocs polls (it works on network shares and in
# containers, where change notifications do not arrive) every 0.5 s; the watched folders here
# are small (data, templates, hand-written pages), so looking five times as often costs little
# and takes about 0.2 s off the average save → reload.
POLL_SECONDS = 0.1


def serve_site(
    config_file: Path,
    watch: list[Path],
    regenerate: Callable[[], list[Issue]],
    user_dict: Path | None,
    addr: str,
) -> None:
    """Live preview: on every change under ``watch``, regenerate, then rebuild and reload.

    When only existing pages changed, MkDocs rebuilds just those (its dirty mode) and the search
    index is merged (``SearchIndex``); anything structural, or an edit of the MkDocs settings,
    gets a full build.
    """
    import tempfile
    from urllib.parse import urlsplit

    from mkdocs.config import load_config
    from mkdocs.livereload import LiveReloadServer

    site_dir = Path(tempfile.mkdtemp(prefix="handbook-serve-"))
    project_config = config_file.parent.parent / "mkdocs.yml"
    settings = [config_file, project_config, *([user_dict] if user_dict else [])]
    with engine_env(user_dict):
        config = load_config(str(config_file), site_dir=str(site_dir), dev_addr=addr, strict=False)
        config.plugins.on_startup(command="serve", dirty=False)
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        serve_url = f"http://{host}:{port}{mount_path}"
        docs_dir = Path(config["docs_dir"])
        builder = _Rebuilder(
            config_file, site_dir, addr, serve_url, regenerate, SearchIndex(), docs_dir, settings
        )
        quiet = _DropDirtyWarning()
        logging.getLogger("mkdocs.commands.build").addFilter(quiet)
        server = LiveReloadServer(
            builder=builder,
            host=host,
            port=port,
            root=str(site_dir),
            mount_path=mount_path,
            polling_interval=POLL_SECONDS,
        )
        server.error_handler = lambda code: _error_page(site_dir, code)
        try:
            builder()
            for path in [*watch, project_config, *config.watch]:
                server.watch(str(path))
            server = config.plugins.on_serve(server, config=config, builder=builder)
            try:
                server.serve()  # type: ignore[no-untyped-call]
            except KeyboardInterrupt:
                log.info("Shutting down...")
            finally:
                server.shutdown()
        finally:
            logging.getLogger("mkdocs.commands.build").removeFilter(quiet)
            config.plugins.on_shutdown()
            shutil.rmtree(site_dir, ignore_errors=True)
