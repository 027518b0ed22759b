"""Publish an edition to a git branch with mike, as publish_to_dir does to a directory."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from generator.editions.history import (
    PublishedEdition,
)
from generator.editions.layout import LATEST, entry_of, version_entry
from generator.editions.publish import (
    PublishOptions,
    PublishResult,
    build_plan,
    check_options,
    check_publishable,
    checkpoint,
    default_edition,
    plan_edition,
    target_lock,
)
from generator.errors import (
    display_path,
)
from generator.pipeline import load_and_validate
from generator.project import Project
from generator.site.versions import (
    git_deploy,
    git_dir,
    git_fetch,
    git_push,
    git_read,
    parse_versions,
)


def read_published_git(repo: Path, branch: str) -> list[PublishedEdition]:
    """The editions listed in ``versions.json`` on ``branch``."""
    data = git_read(repo, branch, "versions.json")
    return [entry_of(e) for e in parse_versions(data)] if data else []


def publish_to_git(
    project: Project,
    repo: Path,
    branch: str,
    remote: str | None,
    push: bool,
    options: PublishOptions,
) -> PublishResult:
    """Publish the current data as an edition on ``branch`` of ``repo`` with mike."""
    check_options(options)
    loaded = load_and_validate(project.data_dir)  # an edition is always parsed from source
    check_publishable(loaded)
    with target_lock(git_dir(repo) / "handbook-publish.lock"):
        checkpoint("locked")
        if remote:
            git_fetch(repo, remote, branch)
        plan = plan_edition(
            loaded,
            read_published_git(repo, branch),
            options,
            lambda folder: git_read(repo, branch, folder),
        )
        name, new = plan.name, plan.new
        with tempfile.TemporaryDirectory(prefix="handbook-edition-") as tmp:
            out = Path(tmp) / "site"
            build_plan(project, loaded, plan, out, options)
            aliases = (LATEST,) if plan.moves_latest else ()
            entry = version_entry(dataclasses.replace(new, aliases=aliases))
            message = f"Publish edition {name} ({new.status})"
            if plan.replaced:
                message += f"; replaces the published edition: {options.reason}"
            default = name if plan.moves_latest else None
            git_deploy(repo, branch, out, entry, default, message, checkpoint)
        if push and remote:
            git_push(repo, remote, branch)
    return PublishResult(
        name,
        f"{display_path(repo)}:{branch}",
        plan.previous,
        plan.changes,
        default_edition(plan.entries),
        plan.replaced,
        plan.entries,
    )
