"""What a page is, before it is rendered: where it goes, its templates, its view, its place in
the navigation. Every feature's section builder returns these; only ``pages.plan`` collects them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from generator.model import FirmData

ARTICLE_SLUGS = {
    1: "purpose",
    2: "definitions",
    3: "drills",
    4: "organisation",
    5: "backup",
    6: "data-centres",
    7: "emergency-response",
    8: "training",
    9: "outsourcing",
    10: "enactment",
}
CHINESE_NUMBERS = "一二三四五六七八九十"


@dataclass(frozen=True)
class PageSpec:
    """One page: where it goes, which templates may render it, and its data."""

    dest: str
    title: str
    candidates: list[str]
    context: dict[str, Any] = field(default_factory=dict)
    section: str = ""


@dataclass(frozen=True)
class NavLink:
    """A link to another page (its title and where it goes), for pages that list pages."""

    dest: str
    title: str


@dataclass(frozen=True)
class NavSection:
    """A section of the site navigation; sections are shown by ascending ``order``."""

    title: str
    pages: list[PageSpec]
    order: int = 100


SectionBuilder = Callable[["FirmData", Mapping[str, Any]], list[NavSection]]


def article_title(number: int) -> str:
    """「第四條」 for 4."""
    if number == 10:
        return "第十條"
    return f"第{CHINESE_NUMBERS[number - 1]}條"


def all_pages(sections: list[NavSection]) -> list[PageSpec]:
    """The pages of every section, in navigation order."""
    return [page for section in sections for page in section.pages]
