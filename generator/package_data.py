"""The one loader of the generator's package data (``generator/data/``): the rules' text, the
glossary, the clause catalogue and the search terms, as shipped."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from ruamel.yaml import YAML


def package_text(name: str) -> str:
    """The text of ``generator/data/<name>``."""
    return resources.files("generator").joinpath("data", name).read_text(encoding="utf-8")


@functools.cache
def package_yaml(name: str) -> Any:
    """``generator/data/<name>`` parsed as YAML (never change what it returns)."""
    return YAML(typ="safe").load(package_text(name))


def rules() -> list[dict[str, Any]]:
    """The articles of the rules, as shipped in ``generator/data/rules.yaml``."""
    articles: list[dict[str, Any]] = package_yaml("rules.yaml")["articles"]
    return articles


def glossary_terms() -> list[dict[str, Any]]:
    """The glossary shipped with the generator (Art. 2 definitions and abbreviations)."""
    keys = ("term", "abbr", "english", "definition", "source")
    return [{k: t.get(k) for k in keys} for t in package_yaml("glossary.yaml")["terms"]]
