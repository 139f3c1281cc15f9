"""Alembic environment: async engines, one transaction, batch mode on SQLite.

db/schema.py hands in an open connection; the `alembic` command line (developers writing
migrations) gets one from WORKERBOT_DATABASE_URL instead.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy import Connection
from sqlalchemy.pool import NullPool

from db.engine import create_engine
from db.models import Base
from db.schema import migration_transaction
from db.settings import DatabaseSettings

config = context.config


def _run_migrations(connection: Connection) -> None:
    with migration_transaction(connection):
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            compare_server_default=True,
        )
        context.run_migrations()


async def _run_with_own_engine(url: str) -> None:
    engine = create_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_migrations)
    finally:
        await engine.dispose()


def _run() -> None:
    if context.is_offline_mode():
        msg = "offline (--sql) migrations are not supported; run them against a database"
        raise SystemExit(msg)
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_migrations(connection)
        return
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    asyncio.run(_run_with_own_engine(DatabaseSettings().database_url))


_run()
