"""``export wiki --push``: real git, a local bare repository as the wiki, and bad targets."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from generator.exports.wiki import gitpush
from tests.conftest import CliResult
from tests.golden_tree import tree_of

Run = Callable[..., CliResult]
ENV = {"GIT_AUTHOR_NAME": "測試者", "GIT_AUTHOR_EMAIL": "t@example.invalid"}


def git(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [
            "git",
            "-c",
            "core.quotepath=false",
            "-c",
            "user.name=Wiki Owner",
            "-c",
            "user.email=owner@example.invalid",
            *args,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.fixture
def bare(tmp_path: Path) -> Path:
    repo = tmp_path / "wiki.git"
    git("init", "-q", "--bare", "--initial-branch=main", str(repo), cwd=tmp_path)
    return repo


def commits(repo: Path, branch: str = "main") -> list[str]:
    return git("rev-list", branch, cwd=repo).split()


def push(run_cli: Run, project: Path, repo: Path | str, flavor: str = "gitlab") -> CliResult:
    return run_cli("export", "wiki", "--flavor", flavor, "--push", str(repo), cwd=project)


def add_by_hand(repo: Path, tmp: Path, files: dict[str, str], branch: str = "main") -> None:
    """A wiki user clones, adds or edits pages, and pushes."""
    work = tmp / "hand"
    git("clone", "-q", str(repo), str(work), cwd=tmp)
    for name, text in files.items():
        (work / name).write_text(text, encoding="utf-8")
    git("add", "-A", cwd=work)
    git("commit", "-q", "-m", "hand edit", cwd=work)
    git("push", "-q", "origin", f"HEAD:{branch}", cwd=work)


def bump_edition(project: Path) -> None:
    firm = project / "firm_data" / "firm.yaml"
    text = firm.read_text(encoding="utf-8")
    text = text.replace('number: "2026.2"', 'number: "2027.1"')
    firm.write_text(text.replace("effective_date: 2026-12-01", "effective_date: 2027-06-01"))


def exported(run_cli: Run, project: Path, name: str) -> dict[str, bytes]:
    out = project / name
    result = run_cli("export", "wiki", "--flavor", "gitlab", "--out", str(out), cwd=project)
    assert result.exit_code == 0, result.stderr
    return tree_of(out)


def changed_in_last_commit(repo: Path) -> set[str]:
    names = git("diff-tree", "--no-commit-id", "--name-only", "-r", "-z", "main", cwd=repo)
    return {n for n in names.split("\0") if n}


def test_push_twice_then_a_new_edition(
    example_project: Path, run_cli: Run, bare: Path, tmp_path: Path
) -> None:
    first = push(run_cli, example_project, bare)
    assert first.exit_code == 0, first.stderr
    assert "已推送版次 2026.2" in first.stdout
    assert len(commits(bare)) == 1
    message = git("log", "-1", "--format=%B", "main", cwd=bare)
    assert message.startswith("BCP 手冊版次 2026.2（gitlab wiki 匯出）")
    assert "核定：董事長 林志遠" in message

    again = push(run_cli, example_project, bare)
    assert again.exit_code == 0, again.stderr
    assert "未提交" in again.stdout
    assert len(commits(bare)) == 1

    # A wiki user adds a page and a line above the handbook's block in the sidebar.
    sidebar = git("show", "main:_sidebar.md", cwd=bare)
    add_by_hand(
        bare,
        tmp_path,
        {
            "運維筆記.md": "# 運維筆記\n\n手寫頁面。\n",
            "_sidebar.md": "- [運維筆記](運維筆記)\n\n" + sidebar,
        },
    )
    old_tree = exported(run_cli, example_project, "old")
    bump_edition(example_project)
    new_tree = exported(run_cli, example_project, "new")
    expected = {n for n in new_tree if old_tree.get(n) != new_tree[n]}

    third = push(run_cli, example_project, bare)
    assert third.exit_code == 0, third.stderr
    assert "已推送版次 2027.1" in third.stdout
    assert len(commits(bare)) == 3  # two of ours, one by hand
    assert git("log", "-1", "--format=%s", "main", cwd=bare).startswith("BCP 手冊版次 2027.1")
    assert changed_in_last_commit(bare) == expected
    assert "運維筆記.md" not in expected
    assert git("show", "main:運維筆記.md", cwd=bare) == "# 運維筆記\n\n手寫頁面。\n"
    merged = git("show", "main:_sidebar.md", cwd=bare)
    assert merged.startswith("- [運維筆記](運維筆記)\n\n<!-- BCP-HANDBOOK:BEGIN")
    assert "版次 2027.1" in merged and "版次 2026.2" not in merged


def test_a_content_change_commits_only_the_pages_it_touches(
    example_project: Path, run_cli: Run, bare: Path
) -> None:
    assert push(run_cli, example_project, bare).exit_code == 0
    systems = example_project / "firm_data" / "systems.yaml"
    text = systems.read_text(encoding="utf-8")
    old = "受理臨櫃、電話、語音及電子交易委託"
    assert old in text
    systems.write_text(
        text.replace(old, "受理臨櫃、電話、語音、網路及電子交易委託"), encoding="utf-8"
    )
    result = push(run_cli, example_project, bare)
    assert result.exit_code == 0, result.stderr
    assert len(commits(bare)) == 2
    assert changed_in_last_commit(bare) == {"BCP手冊/核心系統復原程序/委託下單系統.md"}


def test_removed_pages_are_removed_from_the_wiki(
    example_project: Path, run_cli: Run, bare: Path, tmp_path: Path
) -> None:
    guide = example_project / "docs" / "guide" / "extra.md"
    guide.write_text("# 附加說明\n\n暫時的頁面。\n", encoding="utf-8")
    assert push(run_cli, example_project, bare).exit_code == 0
    assert "BCP手冊/手冊說明/附加說明.md" in git("ls-tree", "-r", "--name-only", "main", cwd=bare)
    guide.unlink()
    assert push(run_cli, example_project, bare).exit_code == 0
    assert changed_in_last_commit(bare) == {"BCP手冊/手冊說明/附加說明.md", "_sidebar.md"}


def test_azure_root_order_keeps_hand_pages(
    example_project: Path, run_cli: Run, bare: Path, tmp_path: Path
) -> None:
    git("symbolic-ref", "HEAD", "refs/heads/wikiMaster", cwd=bare)
    assert push(run_cli, example_project, bare, "azure").exit_code == 0
    add_by_hand(bare, tmp_path, {"FAQ.md": "# FAQ\n", ".order": "FAQ\nBCP手冊\n"}, "wikiMaster")
    bump_edition(example_project)
    result = push(run_cli, example_project, bare, "azure")
    assert result.exit_code == 0, result.stderr
    assert "（wikiMaster）" in result.stdout
    assert git("show", "wikiMaster:.order", cwd=bare) == "FAQ\nBCP手冊\n"
    assert git("show", "wikiMaster:FAQ.md", cwd=bare) == "# FAQ\n"


def _one_error(result: CliResult, code: str) -> None:
    assert result.exit_code == 4
    errors = [line for line in result.stderr.splitlines() if "error[" in line]
    assert len(errors) == 1 and f"error[{code}]" in errors[0], result.stderr


def test_unreachable_remote(example_project: Path, run_cli: Run, tmp_path: Path) -> None:
    _one_error(push(run_cli, example_project, tmp_path / "missing.git"), "wiki-unreachable")
    closed = push(run_cli, example_project, "http://127.0.0.1:9/wiki.git")
    _one_error(closed, "wiki-unreachable")


class _Refuse(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="wiki"')
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def refusing_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Refuse)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/group/project.wiki.git"
    finally:
        server.shutdown()
        server.server_close()


def test_authentication_refused(example_project: Path, run_cli: Run, refusing_server: str) -> None:
    result = push(run_cli, example_project, refusing_server.replace("//", "//bot:secret@"))
    _one_error(result, "wiki-auth")
    assert "secret" not in result.stderr


def test_non_fast_forward_pushes_nothing(
    example_project: Path,
    run_cli: Run,
    bare: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert push(run_cli, example_project, bare).exit_code == 0
    original = gitpush._apply

    def someone_pushes_first(work: Path, tree: Any, url: str) -> None:
        add_by_hand(bare, tmp_path, {"搶先.md": "# 搶先\n"})
        original(work, tree, url)

    monkeypatch.setattr(gitpush, "_apply", someone_pushes_first)
    bump_edition(example_project)
    result = push(run_cli, example_project, bare)
    _one_error(result, "wiki-push-rejected")
    theirs = git("log", "-1", "--format=%s", "main", cwd=bare)
    assert theirs.strip() == "hand edit"
    assert "2027.1" not in git("show", "main:_sidebar.md", cwd=bare)
