"""`workerbot db upgrade`: bring the configured database to the newest schema."""

from __future__ import annotations

import argparse
import asyncio
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.commands import Subcommands
from bot.settings import Settings
from db.schema import head_revision, redacted, upgrade


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("db", help="database maintenance")
    actions = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    run_upgrade = actions.add_parser(
        "upgrade",
        help="apply every pending migration to WORKERBOT_DATABASE_URL",
        description="Apply every pending migration to the database at "
        "WORKERBOT_DATABASE_URL (an embedded SQLite file is created if missing).",
    )
    run_upgrade.set_defaults(run=_upgrade)


def _upgrade(_args: argparse.Namespace) -> int:
    url = Settings().database_url
    try:
        asyncio.run(upgrade(url))
    except (OSError, SQLAlchemyError) as exc:
        print(f"error: cannot upgrade {redacted(url)}: {exc}", file=sys.stderr)
        return 1
    print(f"{redacted(url)} is at revision {head_revision()} (newest).")
    return 0
