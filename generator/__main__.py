"""Allow ``python -m generator``."""

from generator.cli import console

console()
