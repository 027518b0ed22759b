"""Exports of the rendered handbook to other targets (git-backed wikis, Confluence)."""
