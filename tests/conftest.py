"""Database fixtures: every database test runs on SQLite and on PostgreSQL.

PostgreSQL comes from WORKERBOT_TEST_POSTGRES_URL (default: the local trust-auth server,
database `test`). Each pytest run creates its own scratch database there and drops it at
the end, so parallel runs never see each other's rows. WORKERBOT_TEST_BACKENDS=sqlite runs
without PostgreSQL (CI never sets it).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from db.models import Base
from db.schema import upgrade

POSTGRES_URL = os.environ.get(
    "WORKERBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
BACKENDS = [
    b.strip() for b in os.environ.get("WORKERBOT_TEST_BACKENDS", "sqlite,postgresql").split(",")
]


async def _outside_a_transaction(admin_url: str, statement: str) -> None:
    # CREATE and DROP DATABASE refuse to run inside a transaction block.
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _create_scratch_database(admin_url: str, name: str) -> None:
    await _outside_a_transaction(admin_url, f'CREATE DATABASE "{name}"')
    await upgrade(make_url(admin_url).set(database=name).render_as_string(False))


async def _drop_scratch_database(admin_url: str, name: str) -> None:
    await _outside_a_transaction(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A scratch PostgreSQL database with the schema, for this pytest run only."""
    name = f"workerbot_test_{uuid.uuid4().hex[:12]}"
    try:
        asyncio.run(_create_scratch_database(POSTGRES_URL, name))
    except OSError as exc:
        pytest.exit(
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({exc}). The suite runs on "
            "PostgreSQL as well as SQLite: start the server, or point "
            "WORKERBOT_TEST_POSTGRES_URL at one.",
            returncode=3,
        )
    yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    asyncio.run(_drop_scratch_database(POSTGRES_URL, name))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision once per run; tests get copies."""
    path = tmp_path_factory.mktemp("template") / "workerbot.db"
    asyncio.run(upgrade(f"sqlite+aiosqlite:///{path}"))
    return path


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of an empty database with the schema; the test is run once per backend.

    The schema comes from the migrations (a copy of a migrated SQLite file, or the run's
    migrated PostgreSQL database), so code that checks or upgrades it finds it current.
    """
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("db") / "workerbot.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    if request.param == "postgresql":
        url: str = request.getfixturevalue("postgres_url")
        return url
    raise pytest.UsageError(f"unknown backend in WORKERBOT_TEST_BACKENDS: {request.param}")


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    if engine.dialect.name == "postgresql":
        async with engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(engine)


@pytest.fixture
async def session(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with sessionmaker() as session:
        yield session
