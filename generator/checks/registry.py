"""Importing this module registers every rule of the rule pack (one module per topic)."""

from __future__ import annotations

from generator.checks import (
    bia,  # noqa: F401
    contacts,  # noqa: F401
    outsourcing,  # noqa: F401
)
