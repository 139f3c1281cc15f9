"""Engine and session factory: one place that knows how to connect to each backend.

Where the database is comes from `db.settings`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # busy_timeout first: it turns lock contention into a wait, not an error, and switching
    # to WAL needs a lock that another process starting at the same moment may hold.
    # Foreign keys are off by default in SQLite; WAL lets the delivery loop read while a
    # flow writes.
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


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
