"""Engine and session factory: one place that knows how to connect to each backend.

Where the database is comes from `db.settings`.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

_BUSY_TIMEOUT_SECONDS = 10


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # busy_timeout first: it turns lock contention into a wait, not an error. Foreign keys
    # are off by default in SQLite; WAL lets the delivery loop read while a flow writes.
    cursor.execute(f"PRAGMA busy_timeout={_BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode")
    if cursor.fetchone()[0] != "wal":
        _switch_to_wal(cursor)
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _switch_to_wal(cursor: Any) -> None:
    # The switch needs an exclusive lock, and SQLite refuses at once, without waiting out
    # busy_timeout, when another connection holding a shared lock wants the same lock
    # (waiting could deadlock both). That happens when replicas create a new file at the
    # same moment, so wait here instead, as long as busy_timeout would have. WAL is kept
    # in the file, so this runs once per database, never on a busy service.
    deadline = time.monotonic() + _BUSY_TIMEOUT_SECONDS
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
        else:
            return


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    engine = create_async_engine(url, **kwargs)
    if make_url(url).get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _tune_sqlite)
    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects loaded in a unit of work stay readable after commit,
    # e.g. to deliver the messages that the commit made durable. (On PostgreSQL a commit
    # that adds outbox rows wakes the delivery of every replica by itself: db.notify.)
    return async_sessionmaker(engine, expire_on_commit=False)


@contextlib.asynccontextmanager
async def one_statement(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session for work that is a single statement, committed when the block ends.

    One statement is atomic by itself, so on PostgreSQL it runs in autocommit: without the
    BEGIN and COMMIT round trips around it, which cost more CPU than the statement (delivery
    claims and settles after nearly every update). Only for one statement: in autocommit a
    second one would commit apart from the first. SQLite keeps its transaction: switching a
    connection there to autocommit and back costs more than the BEGIN it saves.
    """
    async with sessionmaker() as session:
        if session.get_bind().dialect.name == "postgresql":
            await session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
            yield session
        else:
            async with session.begin():
                yield session
