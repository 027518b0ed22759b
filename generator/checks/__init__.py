"""Compliance checks: a registry of rules, each judging the whole model against one requirement.

A rule is a function decorated with ``@rule(...)`` that yields ``Hit``s; the framework turns them
into ``Finding``s with the rule's id, article, severity for the firm's category and hint.
Feature modules register their rules by being imported in ``generator.checks.registry``.
"""

from __future__ import annotations

from generator.checks.core import (
    CheckContext,
    Finding,
    Hit,
    Rule,
    all_rules,
    rule,
    run_checks,
)

__all__ = ["CheckContext", "Finding", "Hit", "Rule", "all_rules", "rule", "run_checks"]
