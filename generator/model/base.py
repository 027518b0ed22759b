"""Base record and the phone number record that people, parties and vendor contacts share."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from generator.fields import (
    Text,
)


class Record(BaseModel):
    """Base of every record: unknown keys are errors; the record remembers its data path."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
    _path: tuple[str | int, ...] = PrivateAttr(default=())

    @property
    def path(self) -> tuple[str | int, ...]:
        """Where this record sits in the merged data, e.g. ``("systems", 3)``."""
        return self._path

    @property
    def personal(self) -> bool:
        """True when the whole record is personal data (only the restricted audience sees it)."""
        return False


class Phone(Record):
    """A phone number with its kind; mobile and home numbers are personal unless ``private: false``."""

    PERSONAL_KINDS: ClassVar[frozenset[str]] = frozenset({"mobile", "home"})

    kind: Literal["office", "mobile", "home", "hotline", "fax", "satellite"] = "office"
    number: Text
    ext: str | None = None
    private: bool | None = Field(
        None,
        description="個人號碼，只在限閱版顯示；未填時行動及住家電話視為個人號碼，"
        "公務手機請寫 private: false",
    )

    @property
    def personal(self) -> bool:
        """Personal numbers appear only in the restricted audience's handbook."""
        if self.private is not None:
            return self.private
        return self.kind in self.PERSONAL_KINDS
