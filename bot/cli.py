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

COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "bot.commands.faq": ("faq",),
    "bot.commands.chat": ("chat",),
    "bot.commands.routing": ("routing",),
    "bot.commands.db": ("db",),
    "bot.commands.admin": ("unit", "queue", "officer", "block", "retention"),
    "bot.commands.report": ("report",),
    "bot.commands.announce": ("announce",),
    "bot.commands.survey": ("survey",),
    "bot.commands.run": ("run",),
    "bot.commands.web": ("web",),
}
"""Each command module with the commands it registers."""
_ALL_COMMANDS = frozenset(c for commands in COMMAND_MODULES.values() for c in commands)


def build_parser(argv: Sequence[str] = ()) -> argparse.ArgumentParser:
    """The parser for `argv`: when it names a command, only that command's module is
    imported (a module imports what its commands need: the database, the messenger
    frameworks, the matcher), so `workerbot faq match` does not pay for the bot's start-up;
    otherwise every module, so that help lists every command."""
    parser = argparse.ArgumentParser(
        prog="workerbot",
        description="Trade-union worker-services chatbot.",
    )
    subcommands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    named = argv[0] if argv else None
    for name, commands in COMMAND_MODULES.items():
        if named is None or named not in _ALL_COMMANDS or named in commands:
            import_module(name).register(subcommands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(arguments).parse_args(arguments)
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `workerbot faq match - | head` closes our stdout early; that is not an error.
        sys.stderr.close()
        return 0
    return code
