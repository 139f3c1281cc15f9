"""`workerbot db upgrade`: bring the configured database to the newest schema and apply
the routing file's units and queues, so the officer commands work right after it."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.app import command_database
from bot.commands import Subcommands
from bot.settings import Settings
from db.schema import head_revision, redacted
from handlers.routing import RoutingError


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    run_upgrade = actions.add_parser(
        "upgrade",
        help="apply every pending migration and the routing file to WORKERBOT_DATABASE_URL",
        description="Apply every pending migration to the database at "
        "WORKERBOT_DATABASE_URL (an embedded SQLite file is created if missing), then "
        "create or update the units and queues of WORKERBOT_ROUTING_PATH.",
    )
    run_upgrade.set_defaults(run=_upgrade)


def _upgrade(_args: argparse.Namespace) -> int:
    settings = Settings()
    url = settings.database_url
    try:
        asyncio.run(_prepare(settings))
    except RoutingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (OSError, SQLAlchemyError) as exc:
        print(f"error: cannot upgrade {redacted(url)}: {exc}", file=sys.stderr)
        return 1
    print(f"{redacted(url)} is at revision {head_revision()} (newest).")
    print(f"Units and queues of {settings.routing_path} applied.")
    return 0


async def _prepare(settings: Settings) -> None:
    async with command_database(settings):
        pass
