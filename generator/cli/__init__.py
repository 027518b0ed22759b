"""The ``handbook`` command: parses arguments, calls the pipeline, prints, and sets exit codes.

Only this package prints or exits. ``parser`` declares the commands, ``commands`` runs them,
``report`` says what happened. Each command imports what only it needs when it runs (exports,
publishing, the planner, the machine-readable reports), so ``generate`` and ``check`` start
quickly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from generator.audience import Audience
from generator.cli.commands import COMMANDS
from generator.cli.parser import build_parser
from generator.cli.report import print_issues, summary
from generator.errors import ExitCode, GeneratorError
from generator.project import Project


def run(args: argparse.Namespace) -> int:
    """Dispatch one parsed command; GeneratorError propagates to ``main``."""
    audience = Audience(getattr(args, "audience", Audience.INTERNAL.value))
    project = Project.at(args.project, args.data if args.data else None, audience)
    return COMMANDS[args.command](project, args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command (``argv``, else the process's arguments) and report its errors; the exit
    code is returned."""
    return _reported(build_parser().parse_args(argv))


def _reported(args: argparse.Namespace) -> int:
    try:
        return run(args)
    except GeneratorError as exc:
        if args.debug:
            raise
        print_issues(exc.issues)
        print(f"handbook: 失敗，{summary(exc.issues)}", file=sys.stderr)
        return int(exc.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.USAGE)
    except OSError as exc:
        if args.debug:
            raise
        print(f"handbook: error[io]: {exc}", file=sys.stderr)
        return int(ExitCode.IO)


def console() -> NoReturn:
    """``handbook`` and ``python -m generator``."""
    sys.exit(main())
