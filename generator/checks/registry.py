"""Importing this module registers every rule of the rule pack (one module per topic)."""

from __future__ import annotations

from generator.checks import (  # noqa: F401
    backups,
    bia,
    contacts,
    drills,
    freshness,
    outsourcing,
    scenarios,
    sites,
    training,
)
