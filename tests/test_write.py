"""Writing: only changed files, orphans removed, whole trees swapped in one step."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.write import staged_dir, sync_tree, write_if_changed


def test_write_if_changed_keeps_mtime_of_unchanged_files(tmp_path: Path) -> None:
    target = tmp_path / "a" / "page.md"
    assert write_if_changed(target, b"one") is True
    stamp = target.stat().st_mtime_ns
    assert write_if_changed(target, b"one") is False
    assert target.stat().st_mtime_ns == stamp
    assert write_if_changed(target, b"two") is True
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["page.md"], "no temp files left"
    assert target.stat().st_mode & 0o044 == 0o044, "readable by group and others (umask 022)"


def test_sync_tree_reports_and_removes_orphans(tmp_path: Path) -> None:
    report = sync_tree(tmp_path, {"x.md": b"1", "sub/y.md": b"2"})
    assert report.written == ["sub/y.md", "x.md"]
    report = sync_tree(tmp_path, {"x.md": b"1"})
    assert (report.written, report.unchanged, report.removed) == ([], 1, ["sub/y.md"])
    assert not (tmp_path / "sub").exists(), "empty folders go too"
    sync_tree(tmp_path, {"x.md": b"1", "a/b/c.md": b"3", "a/d.md": b"4", "a/e/f.md": b"5"})
    report = sync_tree(tmp_path, {"x.md": b"1", "a/d.md": b"4"})
    assert report.removed == ["a/e/f.md", "a/b/c.md"]
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "a",
        "a/d.md",
        "x.md",
    ]


def test_staged_dir_replaces_only_on_success(tmp_path: Path) -> None:
    final = tmp_path / "site"
    with staged_dir(final) as stage:
        (stage / "index.html").write_text("v1")
    assert (final / "index.html").read_text() == "v1"
    assert final.stat().st_mode & 0o055 == 0o055, "a web server can enter the site folder"
    with pytest.raises(RuntimeError), staged_dir(final) as stage:
        (stage / "index.html").write_text("half")
        raise RuntimeError("engine failed")
    assert (final / "index.html").read_text() == "v1"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
