"""MkDocs ``hooks:`` entry used only by ``handbook serve``: regenerate pages before each build.

It imports the generator, not MkDocs; the generator writes only changed files, so the rebuild
that its own writes trigger finds nothing new and stops.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from generator.audience import Audience
from generator.errors import GeneratorError
from generator.pipeline import Project, generate

log = logging.getLogger("mkdocs.hooks.handbook")


def on_pre_build(config: Any) -> None:
    """Regenerate the handbook pages; on bad data keep the last good pages and log why."""
    del config
    audience = Audience(os.environ.get("BCP_AUDIENCE", Audience.INTERNAL.value))
    project = Project.at(Path(os.environ["BCP_PROJECT"]), Path(os.environ["BCP_DATA"]), audience)
    try:
        result = generate(project)
    except GeneratorError as exc:
        for issue in exc.issues:
            log.error(issue.format())
        return
    if result.report.written or result.report.removed:
        log.info(
            "handbook: 已更新 %d 個檔案", len(result.report.written) + len(result.report.removed)
        )
