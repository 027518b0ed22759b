"""The generated Markdown of the example firm, compared file by file with tests/golden/site/.

Refresh after an intended change with ``make update-goldens`` and review the git diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.pipeline import generate
from generator.project import Project
from generator.write import read_tree
from tests.golden_tree import check_tree

GOLDEN = Path(__file__).resolve().parent / "golden" / "site"


def generated_tree(project: Path) -> dict[str, bytes]:
    """Generated pages, the engine config and the search dictionary (not docs/ copies)."""
    hand = read_tree(project / "docs")
    tree = {
        f"docs/{name}": content
        for name, content in read_tree(project / "build" / "docs").items()
        if name not in hand
    }
    tree["mkdocs.yml"] = (project / "build" / "mkdocs.yml").read_bytes()
    tree["jieba_user_dict.txt"] = (project / "build" / "jieba_user_dict.txt").read_bytes()
    return tree


def test_example_firm_pages_match_golden(
    example_project: Path, request: pytest.FixtureRequest
) -> None:
    generate(Project.at(example_project))
    actual = generated_tree(example_project)
    check_tree(GOLDEN, actual, bool(request.config.getoption("update_goldens")))
