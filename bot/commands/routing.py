"""`workerbot routing check PATH`: validate a routing file before deploying it."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.commands import Subcommands
from handlers.routing import RoutingError, load_routing


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("routing", help="union structure and ticket routing file")
    actions = parser.add_subparsers(dest="routing_command", metavar="ACTION", required=True)
    check = actions.add_parser("check", help="validate a routing file; exit 1 on any problem")
    check.add_argument("path", type=Path, help="the routing YAML file")
    check.set_defaults(run=_check)


def _check(args: argparse.Namespace) -> int:
    try:
        config = load_routing(args.path)
    except RoutingError as exc:
        print(f"{exc.source}: {len(exc.problems)} problem(s)", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    print(
        f"{config.source}: OK - {len(config.units)} units, {len(config.queues)} queues, "
        f"{len(config.rules)} rules, {len(config.sla)} SLA overrides"
    )
    return 0
