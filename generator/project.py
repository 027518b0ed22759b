"""Where a handbook project keeps its inputs and outputs."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path

from generator.audience import Audience
from generator.load import ParseCache


@dataclass(frozen=True)
class Project:
    """Where a handbook project keeps its inputs and outputs."""

    root: Path
    data_dir: Path
    audience: Audience = Audience.INTERNAL
    # Parsed data files by their bytes, for a process that regenerates again and again (serve).
    parse_cache: ParseCache | None = field(default=None, compare=False, repr=False)

    @classmethod
    def at(
        cls, root: Path, data_dir: Path | None = None, audience: Audience = Audience.INTERNAL
    ) -> Project:
        """The project rooted at ``root``; data in ``root/firm_data`` unless given."""
        data = data_dir if data_dir is not None else root / "firm_data"
        return cls(root, data, audience)

    def serving(self) -> Project:
        """The project for ``handbook serve``: it keeps parsed files between regenerations."""
        return dataclasses.replace(self, parse_cache=ParseCache())

    @property
    def _suffix(self) -> str:
        # The restricted copy never shares a folder with the intranet copy.
        return "" if self.audience is Audience.INTERNAL else f"-{self.audience.value}"

    @property
    def templates(self) -> Path:
        """The default templates."""
        return self.root / "templates"

    @property
    def overrides(self) -> Path:
        """The firm's template overrides (same paths as ``templates/``)."""
        return self.data_dir / "overrides"

    @property
    def docs(self) -> Path:
        """Hand-written pages and assets."""
        return self.root / "docs"

    @property
    def build(self) -> Path:
        """Staging: generated Markdown, the engine config and the search dictionary."""
        return self.root / f"build{self._suffix}"

    @property
    def site(self) -> Path:
        """The built site."""
        return self.root / f"site{self._suffix}"

    @property
    def offline_site(self) -> Path:
        """The file:// profile of the site, staged for the offline bundle (never ``site/``)."""
        return self.build / "offline-site"

    @property
    def pdf_dir(self) -> Path:
        """PDFs of the handbook, when a print step has made them; the bundle includes them."""
        return self.build / "pdf"

    @property
    def engine_config(self) -> Path:
        """The generated MkDocs config that adds the navigation to ``mkdocs.yml``."""
        return self.build / "mkdocs.yml"

    @property
    def user_dict(self) -> Path:
        """The jieba user dictionary made from the firm's own names."""
        return self.build / "jieba_user_dict.txt"
