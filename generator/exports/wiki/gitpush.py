"""Write an exported wiki to a folder, or commit it to a git-backed wiki and push.

A push clones the wiki into a temporary folder, replaces only what the handbook owns, commits
with the edition in the message and pushes one ref, so a failure leaves the remote untouched.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from generator.errors import Location, OutputError, error
from generator.exports.wiki.layout import FLAVORS, WikiTree
from generator.outputs import mark_output
from generator.write import staged_dir, write_if_changed

TOOL_NAME = "BCP 手冊產生器"
TOOL_EMAIL = "bcp-handbook@localhost"

_REJECTED = re.compile(r"non-fast-forward|\[rejected\]|fetch first|\[remote rejected\]")
_AUTH = re.compile(
    r"Authentication failed|could not read (Username|Password)|terminal prompts disabled|"
    r"Permission denied|HTTP Basic: Access denied|returned error: 40[13]|access denied",
    re.IGNORECASE,
)
_UNREACHABLE = re.compile(
    r"Could not resolve host|Connection refused|Failed to connect|does not appear to be a git "
    r"repository|not found|unable to access|Could not read from remote repository|"
    r"No such file or directory|does not exist|timed out",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class PushResult:
    """What a push did: the commit made (None if nothing changed) and the files it changed."""

    url: str
    branch: str
    commit: str | None
    changed: tuple[str, ...]


EXPORT_COMMAND = "export wiki"


def write_tree(out: Path, tree: WikiTree) -> None:
    """Write the export into ``out``: built beside it, swapped in only when complete, and marked
    as this command's output (``check_output`` has vetted ``out`` before: see ``outputs``)."""
    with staged_dir(out) as staging:
        for rel, content in sorted(tree.files.items()):
            write_if_changed(staging / rel, content)
        mark_output(staging, EXPORT_COMMAND)


def shown_url(url: str) -> str:
    """The remote without any user name or token, for messages."""
    parts = urlsplit(url)
    if parts.netloc and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit(parts._replace(netloc=host))
    return url


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "LANG": "C", "GIT_TERMINAL_PROMPT": "0"})
    env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")
    return env


def _failure(url: str, stderr: str) -> OutputError:
    where = Location(shown_url(url))
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    detail = lines[-1] if lines else "git 失敗"
    if _REJECTED.search(stderr):
        issue = error(
            "wiki-push-rejected",
            "wiki 已有他人推送的新提交（non-fast-forward），本次未推送任何內容；請重新執行匯出",
            where,
        )
    elif _AUTH.search(stderr):
        issue = error("wiki-auth", f"wiki 儲存庫拒絕驗證，未推送任何內容（{detail}）", where)
    elif _UNREACHABLE.search(stderr):
        issue = error("wiki-unreachable", f"無法連線到 wiki 儲存庫（{detail}）", where)
    else:
        issue = error("wiki-git", f"git 執行失敗，未推送任何內容（{detail}）", where)
    return OutputError([issue])


def _git(args: list[str], cwd: Path, url: str, check: bool = True) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, env=_env(), capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise OutputError([error("wiki-git", f"無法執行 git：{exc}")]) from exc
    if check and done.returncode != 0:
        raise _failure(url, done.stderr)
    return done.stdout if done.returncode == 0 else ""


def _checkout(work: Path, tree: WikiTree, branch: str | None, url: str) -> str:
    has_head = bool(_git(["rev-parse", "--verify", "-q", "HEAD"], work, url, check=False))
    current = _git(["symbolic-ref", "--short", "HEAD"], work, url).strip()
    remote = _git(
        ["for-each-ref", "--format=%(refname:lstrip=3)", "refs/remotes/origin"], work, url
    )
    remote_branches = {name for name in remote.split() if name != "HEAD"}
    if branch is None:
        branch = current if has_head else FLAVORS[tree.flavor].branch
        if not has_head and branch not in remote_branches and len(remote_branches) == 1:
            branch = next(iter(remote_branches))
    if has_head and branch == current:
        return branch
    if branch in remote_branches:
        _git(["checkout", "-q", "-B", branch, f"origin/{branch}"], work, url)
    elif has_head:
        _git(["checkout", "-q", "-b", branch], work, url)
    else:
        _git(["symbolic-ref", "HEAD", f"refs/heads/{branch}"], work, url)
    return branch


def _apply(work: Path, tree: WikiTree, url: str) -> None:
    tracked = [p for p in _git(["ls-files", "-z"], work, url).split("\0") if p]
    for rel in tracked:
        if tree.owns(rel) and rel not in tree.shared:
            (work / rel).unlink()
    for rel, content in sorted(tree.files.items()):
        target = work / rel
        if rel in tree.shared:
            content = tree.merge(rel, target.read_bytes() if target.is_file() else None)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


def _identity(work: Path, url: str) -> list[str]:
    if _git(["config", "user.email"], work, url, check=False).strip():
        return []
    return ["-c", f"user.name={TOOL_NAME}", "-c", f"user.email={TOOL_EMAIL}"]


def push_wiki(tree: WikiTree, url: str, branch: str | None, message: str) -> PushResult:
    """Clone ``url``, replace the handbook's part, commit and push; no commit if nothing changed."""
    with tempfile.TemporaryDirectory(prefix="handbook-wiki-") as tmp:
        work = Path(tmp) / "wiki"
        _git(["clone", "-q", "--", url, str(work)], Path(tmp), url)
        branch = _checkout(work, tree, branch, url)
        _apply(work, tree, url)
        _git(["add", "-A"], work, url)
        names = _git(["diff", "--cached", "--name-only", "-z"], work, url)
        changed = tuple(name for name in names.split("\0") if name)
        if not changed:
            return PushResult(shown_url(url), branch, None, ())
        _git([*_identity(work, url), "commit", "-q", "-m", message], work, url)
        _git(["push", "-q", "origin", f"HEAD:refs/heads/{branch}"], work, url)
        commit = _git(["rev-parse", "HEAD"], work, url).strip()
        return PushResult(shown_url(url), branch, commit, changed)
