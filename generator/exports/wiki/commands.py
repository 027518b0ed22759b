"""The export commands as library calls: render once, lay out, then write, push or publish."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.errors import Location, OutputError, error
from generator.exports.wiki.confluence import ConfluenceExport, export_confluence, export_files
from generator.exports.wiki.confluence_publish import PageChange, Target, publish
from generator.exports.wiki.gitpush import EXPORT_COMMAND, PushResult, push_wiki, write_tree
from generator.exports.wiki.handbook import Handbook, from_rendered, header_lines
from generator.exports.wiki.layout import WikiTree, check_folder, commit_message, export_wiki
from generator.outputs import OutputKind, check_output
from generator.pipeline import render_handbook
from generator.project import Project


@dataclass(frozen=True)
class WikiOutcome:
    """What ``handbook export wiki`` did."""

    handbook: Handbook
    files: int
    out: Path | None
    push: PushResult | None


def load_handbook(project: Project) -> Handbook:
    """The rendered handbook for export (the site's pages, internal audience)."""
    return from_rendered(render_handbook(project))


def confluence_export(handbook: Handbook, folder: str) -> ConfluenceExport:
    """The Confluence page tree; a link to something outside the handbook is an error."""
    export = export_confluence(handbook, folder)
    if export.missing:
        raise OutputError(
            [
                error(
                    "wiki-missing-target",
                    f"頁面連結的「{target}」不在手冊中，無法匯出為 Confluence 連結或附件",
                    Location(f"build/docs/{dest}"),
                )
                for dest, target in export.missing
            ]
        )
    return export


def export_wiki_command(
    project: Project, flavor: str, folder: str, out: Path | None, push: str | None,
    branch: str | None,
) -> WikiOutcome:  # fmt: skip
    """Export for ``flavor`` into ``out`` and/or push to the git wiki at ``push``; ``out`` is
    checked before anything is rendered or written (it must not hold or be an input)."""
    check_folder(flavor, folder)
    if out is not None:
        check_output(project, out, OutputKind.FOLDER, EXPORT_COMMAND)
    handbook = load_handbook(project)
    if flavor == "confluence":
        files = export_files(confluence_export(handbook, folder))
        tree = WikiTree(flavor, folder, files)
    else:
        tree = export_wiki(handbook, flavor, folder)
    if out is not None:
        write_tree(out, tree)
    result = None
    if push is not None:
        result = push_wiki(tree, push, branch, commit_message(handbook, flavor))
    return WikiOutcome(handbook, len(tree.files), out, result)


def publish_confluence_command(
    project: Project, target: Target, folder: str, dry_run: bool
) -> list[PageChange]:
    """Publish the handbook's page tree to Confluence (or only plan it)."""
    check_folder("confluence", folder)
    handbook = load_handbook(project)
    export = confluence_export(handbook, folder)
    note = " ".join(header_lines(handbook.firm)[:1])
    return publish(target, export, dry_run, note)
