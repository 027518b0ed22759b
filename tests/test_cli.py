"""The command line as a user runs it: console script, python -m, schema, serve, --debug."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.errors import DataError

BIN = Path(sys.executable).parent


def test_console_script_and_module_agree(minimal_project: Path) -> None:
    for command in ([str(BIN / "handbook"), "check"], [sys.executable, "-m", "generator", "check"]):
        done = subprocess.run(command, cwd=minimal_project, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout == (
            "firm_data：檢查完成，0 個錯誤、0 個警告"
            "（1 項核心業務、1 套核心系統、3 種風險情境、3 次演練）\n"
        )
        assert done.stderr == ""


def test_a_command_ends_with_its_output_whole_and_its_exit_code(
    example_project: Path, run_cli: Callable[..., Any]
) -> None:
    """The process ends without tearing the interpreter down (``cli.console``): whatever the
    command wrote to a pipe still arrives in full, and the exit code is main's."""
    (example_project / "firm_data/systems.yaml").write_text(
        (example_project / "firm_data/systems.yaml").read_text(encoding="utf-8")
        + "  - id: sys-broken\n",
        encoding="utf-8",
    )
    expected = run_cli("check", "--format", "json", cwd=example_project)
    assert expected.exit_code == 1
    for command in ([str(BIN / "handbook")], [sys.executable, "-m", "generator"]):
        done = subprocess.run(
            [*command, "check", "--format", "json"],
            cwd=example_project,
            capture_output=True,
            text=True,
        )
        assert done.returncode == expected.exit_code
        assert len(done.stdout) > 10_000
        assert json.loads(done.stdout) == json.loads(expected.stdout)
        assert done.stderr == expected.stderr


def test_a_command_started_with_its_output_closed_still_succeeds(minimal_project: Path) -> None:
    """Run from cron or a service with standard output closed, a command ends as it would."""
    script = f"exec {sys.executable} -m generator check >&-"
    done = subprocess.run(["sh", "-c", script], cwd=minimal_project, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


def test_no_traceback_without_debug(minimal_project: Path) -> None:
    (minimal_project / "firm_data/systems.yaml").write_text("systems: [\n", encoding="utf-8")
    done = subprocess.run(
        [str(BIN / "handbook"), "check"], cwd=minimal_project, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("firm_data/systems.yaml:2:1: error[yaml-syntax]")


def test_debug_raises_with_traceback(minimal_project: Path, run_cli: Callable[..., Any]) -> None:
    (minimal_project / "firm_data/sites.yaml").unlink()
    with pytest.raises(DataError):
        run_cli("--debug", "check", cwd=minimal_project)


def test_schema_describes_every_section(tmp_path: Path, run_cli: Callable[..., Any]) -> None:
    out = tmp_path / "firm.schema.json"
    result = run_cli("schema", "--out", str(out), cwd=tmp_path)
    assert result.exit_code == 0
    schema = json.loads(out.read_text(encoding="utf-8"))
    assert {"firm", "systems", "drills", "contact_trees"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False
    rto = schema["$defs"]["System"]["properties"]["rto"]
    assert "30m" in json.dumps(rto, ensure_ascii=False)


def test_strict_check_fails_on_warnings_only_when_asked(
    minimal_project: Path, run_cli: Callable[..., Any]
) -> None:
    assert run_cli("check", "--strict", cwd=minimal_project).exit_code == 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if predicate():
                return True
        except OSError:
            pass
        time.sleep(0.3)
    return False


def _search_docs(url: str) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = json.loads(_get(url + "search/search_index.json"))["docs"]
    return docs


def test_serve_rebuilds_only_changed_pages_and_keeps_the_search_index(
    minimal_project: Path, tmp_path: Path
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [str(BIN / "handbook"), "serve", "--addr", f"127.0.0.1:{port}"],
            cwd=minimal_project,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        assert _wait_for(lambda: "測試證券股份有限公司" in _get(url), 60), "server did not start"
        before = _search_docs(url)
        people = minimal_project / "firm_data/people.yaml"
        # A phone number: only the pages that show this person change -> partial (dirty) build.
        people.write_text(
            people.read_text(encoding="utf-8").replace("02-2700-0001", "02-2700-0991"),
            encoding="utf-8",
        )
        assert _wait_for(lambda: "2700-0991" in json.dumps(_search_docs(url)), 60), "no rebuild"
        after = _search_docs(url)
        text = log.read_text(encoding="utf-8")
        assert "handbook: 局部重建" in text
        assert "Cleaning site directory" in text  # once, for the first (full) build
        assert text.count("Cleaning site directory") == 1
        # Every page keeps its entries; only the edited number differs.
        assert [d["location"] for d in after] == [d["location"] for d in before]
        assert "2700-0001" not in json.dumps(after, ensure_ascii=False)
        # The partial build left the pages it did not rebuild as they were: the 404 page, too.
        with pytest.raises(urllib.error.HTTPError) as missing:
            _get(url + "no-such-page/")
        assert missing.value.code == 404
        assert "404" in missing.value.read().decode("utf-8")
        sitemap = _get(url + "sitemap.xml")
        assert "<urlset" in sitemap and "{%" not in sitemap  # the built one, not the template
        # Segmented with the same dictionaries as the full build (serve keeps jieba loaded).
        assert json.dumps(after, ensure_ascii=False).replace("0991", "0001") == json.dumps(
            before, ensure_ascii=False
        )
        # A system's name is in the navigation (and the search dictionary): a full build.
        systems = minimal_project / "firm_data/systems.yaml"
        systems.write_text(
            systems.read_text(encoding="utf-8").replace("委託下單系統", "新委託下單系統"),
            encoding="utf-8",
        )
        assert _wait_for(lambda: "新委託下單系統" in _get(url), 60), "page not regenerated"
        assert _wait_for(
            lambda: log.read_text(encoding="utf-8").count("Cleaning site directory") == 2, 30
        )
        # Broken data keeps the last good site and names the place.
        people.write_text("people: [\n", encoding="utf-8")
        assert _wait_for(lambda: "people.yaml:" in log.read_text(encoding="utf-8"), 30)
        assert "新委託下單系統" in _get(url)
    finally:
        server.terminate()
        server.wait(timeout=10)
