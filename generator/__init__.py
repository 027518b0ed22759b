"""BCP handbook generator: firm YAML → validated model → Jinja pages → static site."""

__version__ = "0.1.0"
