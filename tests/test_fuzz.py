"""Property tests: whatever the data files, the values in them or the command line hold, the
tool answers with its own errors (exit codes 0–4), never a Python exception or a traceback.

Bounded and derandomized so that they take a few seconds and fail the same way every run."""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import io
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import yaml_reader
from generator.cli import main
from generator.cli.commands import COMMANDS
from generator.errors import GeneratorError, Issue
from generator.fields import FORBIDDEN_CHARS
from generator.load import RawFirm, load_firm
from generator.model import FirmData
from generator.pipeline import load_and_validate, render_pages
from generator.project import Project
from generator.validate import build_model
from tests.conftest import FIRMS, make_project

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("fuzz") / "project", FIRMS / "minimal")


def _located(issue: Issue) -> bool:
    loc = issue.location
    return loc is not None and loc.path.endswith("x.yaml") and loc.line >= 1 and loc.column >= 1


# ---------------------------------------------------------------- (a) the loader

YAML_PIECES = [
    *":-[]{}&*!<>|#'\"?,%@`\\ \t\n\r",
    "a",
    "b",
    "1",
    "0x1",
    "~",
    "甲",
    "<<",
    "!!",
    "*a",
    "&a",
]
YAMLISH = st.lists(st.sampled_from(YAML_PIECES), max_size=60).map("".join)


@FUZZ
@given(text=st.one_of(st.text(max_size=200), YAMLISH, st.binary(max_size=100)))
def test_loader_answers_any_file_with_located_issues(text: str | bytes) -> None:
    content = text if isinstance(text, bytes) else text.encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, "x.yaml").write_bytes(content)
        raw, issues = load_firm(Path(folder))
        build_model(raw, folder)  # the model takes whatever the loader let through
    assert all(_located(issue) for issue in issues), [i.format() for i in issues]


# ---------------------------------------------------------------- (b) the model

_MINIMAL, _ = load_firm(FIRMS / "minimal")
_SCHEMA = FirmData.model_json_schema()


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = _SCHEMA["$defs"][schema["$ref"].rsplit("/", 1)[1]]
    options = [o for o in schema.get("anyOf", []) if o.get("type") != "null"]
    return _resolve(options[0]) if len(options) == 1 and "properties" not in schema else schema


def _schema_at(path: tuple[str | int, ...]) -> dict[str, Any]:
    schema = _resolve(_SCHEMA)
    for part in path:
        if isinstance(part, int):
            schema = _resolve(schema.get("items", {}))
        else:
            schema = _resolve(schema.get("properties", {}).get(part) or {})
    return schema


def _leaves(node: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Paths of the text, number and date values of the minimal firm."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _leaves(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, (*path, index))
    elif isinstance(node, str | int | float | dt.date) and not isinstance(node, bool):
        yield path


LEAVES = sorted(_leaves(_MINIMAL.data), key=str)
CLEAN_TEXT = st.text(max_size=60).map(lambda s: FORBIDDEN_CHARS.sub("", s))  # as the loader lets in
ANY_SCALAR = st.one_of(
    CLEAN_TEXT,
    st.integers(),
    st.floats(),
    st.dates(),
    st.datetimes(),
    st.booleans(),
    st.none(),
)


def _values(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values shaped by the JSON Schema, with the edges and the wrong types around them."""
    kind = schema.get("type")
    if kind == "string" and schema.get("format") == "date":
        return st.one_of(st.dates(), st.dates().map(str), ANY_SCALAR)
    if kind == "string" and "pattern" in schema:
        return st.one_of(st.from_regex(schema["pattern"], fullmatch=True), ANY_SCALAR)
    if kind == "string" and "enum" in schema:
        return st.one_of(st.sampled_from(schema["enum"]), ANY_SCALAR)
    if kind in ("integer", "number"):
        edges = [schema.get(k) for k in ("minimum", "maximum", "exclusiveMinimum")]
        near = [e + d for e in edges if e is not None for d in (-1, 0, 1)]
        return st.one_of(
            st.sampled_from(near or [0]),
            st.integers(),
            st.floats(),
            st.integers(-(10**400), 10**400),
        )
    if "anyOf" in schema:  # durations: "4h" or 0
        options = [_values(o) for o in schema["anyOf"] if "pattern" in o or "type" in o]
        return st.one_of(*options, st.just(0), ANY_SCALAR)
    return ANY_SCALAR


def _with(data: dict[str, Any], path: tuple[str | int, ...], value: Any) -> None:
    node: Any = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value


@FUZZ
@given(st.data())
def test_model_and_pages_answer_any_value_with_issues(project: Path, data: st.DataObject) -> None:
    raw = RawFirm(copy.deepcopy(_MINIMAL.data), _MINIMAL.sources, _MINIMAL.files, {})
    raw.section_files = _MINIMAL.section_files
    for path in data.draw(st.lists(st.sampled_from(LEAVES), min_size=1, max_size=3, unique=True)):
        _with(raw.data, path, data.draw(_values(_schema_at(path)), label=str(path)))
    with mock.patch("generator.pipeline.load_firm", return_value=(raw, [])):
        try:
            loaded = load_and_validate(project / "firm_data")
            render_pages(Project.at(project), loaded)
        except GeneratorError as exc:
            assert exc.issues


# ---------------------------------------------------------------- (c) the command line

WORDS = [
    *COMMANDS,
    "plan", "wiki", "--strict", "--format", "json", "sarif", "text", "--audience", "internal",
    "restricted", "--years", "--start", "--year", "--drill", "--addr", "--out", "--data",
    "--project", "--debug", "--version", "-h", "--flavor", "gitlab", "confluence", "--to",
    "--branch", "--push", "--remote", "--replace", "--reason", "--url", "--space", "--dry-run",
    "2026", "9999", "0", "-1", "20", "21", "1e9", "127.0.0.1:8000", "127.0.0.1:99999", "[::1]:1",
    "firm_data", ".", "", "d2026-01", "latest", "x.json",
]  # fmt: skip
ARGS = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=12)), max_size=7)


def _stub(project: Project, args: Any) -> int:
    return 0  # the commands that build, serve, publish or push: only their arguments are fuzzed


@contextlib.contextmanager
def _inside(folder: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


@FUZZ
@given(argv=ARGS)
def test_command_line_answers_any_arguments_with_an_exit_code(
    project: Path, argv: list[str]
) -> None:
    kept = {"check", "schema", "drills"}
    stubs = {name: _stub for name in COMMANDS if name not in kept}
    out, err = io.StringIO(), io.StringIO()
    debug = any(a.startswith("--de") for a in argv)  # argparse takes a prefix of --debug
    with (
        _inside(project),
        mock.patch.dict(COMMANDS, stubs),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(err),
    ):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --help, --version and usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        except (GeneratorError, OSError):
            assert debug  # --debug shows the error itself; otherwise main reports it
            return
    assert code in {0, 1, 2, 3, 4}
    assert "Traceback" not in err.getvalue()


def test_every_leaf_has_a_schema() -> None:
    """The model fuzzing reaches the schema of every value it changes."""
    assert len(LEAVES) > 50
    assert all(_schema_at(path) for path in LEAVES), [p for p in LEAVES if not _schema_at(p)]


def test_loader_keeps_its_guards() -> None:
    """The fuzzed loader is the guarded one (not ruamel's compose)."""
    assert yaml_reader.MAX_DEPTH == 64 and yaml_reader.MAX_ALIAS_NODES == 10_000
