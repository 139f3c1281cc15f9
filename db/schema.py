"""Bringing a database to the current schema with Alembic, for the CLI and at app start.

The embedded SQLite file is created and upgraded on first use, so nobody runs a migration
by hand; PostgreSQL is upgraded the same way, under an advisory lock so replicas starting
together migrate once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from db.engine import create_engine

MIGRATIONS_PATH = Path(__file__).parent / "migrations"

# Any fixed number works; it only has to be the same in every replica.
_MIGRATION_LOCK_KEY = 0x776F726B6572  # "worker"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_PATH))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


@contextmanager
def migration_transaction(connection: Connection) -> Iterator[None]:
    """One transaction around all migrations, on either backend; used by migrations/env.py.

    SQLite: the driver would commit each DDL statement on its own, so BEGIN is explicit,
    and foreign keys are switched off because batch migrations rebuild tables (the
    pragma is ignored inside a transaction, hence before BEGIN). PostgreSQL: an advisory
    lock held to commit makes concurrent upgrades wait and then find nothing to do.
    """
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK_KEY})")
    try:
        yield
        if sqlite:
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
            if broken is not None:
                msg = f"migration left a dangling foreign key in table {broken[0]!r}"
                raise RuntimeError(msg)
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


def _upgrade_to_head(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def ensure_schema(engine: AsyncEngine) -> None:
    """Create or upgrade the database behind `engine` to the newest revision.

    Replicas may call this at the same moment (each is its own process); within one
    process, call it once at a time: Alembic keeps its running context in module globals.
    """
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    async with engine.connect() as connection:
        await connection.run_sync(_upgrade_to_head)


async def upgrade(url: str) -> None:
    """Run every migration the database at `url` has not had yet."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        await ensure_schema(engine)
    finally:
        await engine.dispose()


def redacted(url: str) -> str:
    """The URL with any password masked, for messages."""
    return make_url(url).render_as_string(hide_password=True)
