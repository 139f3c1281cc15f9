"""The `workerbot` command line (also `python -m bot`).

Each command group lives in its own module under `bot.commands` and registers itself
through a `register(subcommands)` function; the chosen command's `run(args)` returns the
process exit code.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module

COMMAND_MODULES: tuple[str, ...] = (
    "bot.commands.faq",
    "bot.commands.chat",
    "bot.commands.routing",
    "bot.commands.db",
    "bot.commands.admin",
    "bot.commands.report",
    "bot.commands.run",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="workerbot",
        description="Trade-union worker-services chatbot.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name in COMMAND_MODULES:
        import_module(name).register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `workerbot faq match - | head` closes our stdout early; that is not an error.
        sys.stderr.close()
        return 0
    return code
