"""The migrations build exactly the models' schema, on both backends, and re-running them
changes nothing."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, make_url, select, text
from sqlalchemy.exc import IntegrityError

from db.engine import create_engine, create_sessionmaker
from db.models import (
    ActorKind,
    Base,
    MessageVisibility,
    Person,
    Queue,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketSearchGram,
    Unit,
    UnitKind,
)
from db.repositories import search
from db.schema import alembic_config, current_revision, ensure_schema, head_revision, upgrade

_UPGRADE_SCRIPT = (
    "import asyncio, sys\nfrom db.schema import upgrade\nasyncio.run(upgrade(sys.argv[1]))"
)


@pytest.fixture
async def blank_url(database_url: str) -> AsyncIterator[str]:
    """A database with nothing in it (SQLite: not even the file or its folder)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        yield f"sqlite+aiosqlite:///{Path(url.database).parent / 'new' / 'workerbot.db'}"
        return
    name = f"{url.database}_blank"
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield url.set(database=name).render_as_string(hide_password=False)
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


# Indexes on an expression: SQLite's reflection skips them and PostgreSQL's hands back the
# expression as it rewrote it, so neither can be compared with the models' spelling; that
# the migrations build them is checked by name in `_expression_indexes`.
_EXPRESSION_INDEXES = {"ix_tickets_urgency"}
pytestmark = [
    pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based"),
    pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression"),
]


def _compared(_: object, name: str | None, type_: str, *__: object) -> bool:
    return not (type_ == "index" and name in _EXPRESSION_INDEXES)


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "include_object": _compared,
        },
    )
    return list(compare_metadata(context, Base.metadata))


def _expression_indexes(connection: Connection) -> set[str]:
    if connection.dialect.name == "sqlite":
        query = "SELECT name FROM sqlite_master WHERE type = 'index'"
    else:
        query = "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
    return {row[0] for row in connection.execute(text(query))} & _EXPRESSION_INDEXES


def _snapshot(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    return {
        table: (
            [(c["name"], str(c["type"]), c["nullable"]) for c in inspector.get_columns(table)],
            sorted(i["name"] or "" for i in inspector.get_indexes(table)),
            sorted(str(fk["name"]) for fk in inspector.get_foreign_keys(table)),
        )
        for table in sorted(inspector.get_table_names())
    }


async def test_migrations_build_exactly_the_models(blank_url: str) -> None:
    await upgrade(blank_url)

    engine = create_engine(blank_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
            assert await conn.run_sync(_expression_indexes) == _EXPRESSION_INDEXES
            assert await conn.run_sync(current_revision) == head_revision()
    finally:
        await engine.dispose()


async def test_upgrading_again_changes_nothing_and_keeps_the_rows(blank_url: str) -> None:
    await upgrade(blank_url)
    engine = create_engine(blank_url)
    try:
        async with engine.connect() as conn:
            before = await conn.run_sync(_snapshot)
        async with create_sessionmaker(engine)() as session:
            session.add(
                Person(platform="telegram", platform_user_id="7", chat_id="7", language="en")
            )
            await session.commit()

        await upgrade(blank_url)
        await ensure_schema(engine)

        async with engine.connect() as conn:
            assert await conn.run_sync(_snapshot) == before
        async with create_sessionmaker(engine)() as session:
            assert await session.scalar(select(Person.platform_user_id)) == "7"
    finally:
        await engine.dispose()


async def test_first_use_creates_the_database_and_keeps_foreign_keys_enforced(
    blank_url: str,
) -> None:
    engine = create_engine(blank_url)
    try:
        await ensure_schema(engine)
        async with create_sessionmaker(engine)() as session:
            session.add(
                Person(
                    platform="telegram",
                    platform_user_id="1",
                    chat_id="1",
                    language="en",
                    unit_id=9,
                )
            )
            with pytest.raises(IntegrityError):
                await session.commit()
    finally:
        await engine.dispose()


async def test_replicas_starting_together_migrate_once(blank_url: str) -> None:
    async def upgrade_in_own_process() -> tuple[int | None, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-c", _UPGRADE_SCRIPT, blank_url, stderr=asyncio.subprocess.PIPE
        )
        _, err = await process.communicate()
        return process.returncode, err.decode()

    # All finish before anything is asserted, so a failure leaves no process behind.
    outcomes = await asyncio.gather(*(upgrade_in_own_process() for _ in range(3)))
    assert [returncode for returncode, _ in outcomes] == [0, 0, 0], outcomes

    engine = create_engine(blank_url)
    try:
        async with engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
            versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).all()
        assert versions == [(head_revision(),)]
    finally:
        await engine.dispose()


def _downgrade_to_base(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "base")


async def test_migrations_can_be_undone_and_redone(blank_url: str) -> None:
    await upgrade(blank_url)
    engine = create_engine(blank_url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_downgrade_to_base)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
            assert set(tables) <= {"alembic_version"}
            assert await conn.run_sync(current_revision) is None
        await ensure_schema(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(_differences) == []
    finally:
        await engine.dispose()


def _upgrade_to(connection: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def test_the_search_index_is_filled_from_the_tickets_already_held(
    blank_url: str,
) -> None:
    folder = make_url(blank_url).database
    if blank_url.startswith("sqlite") and folder:
        Path(folder).parent.mkdir(parents=True)
    engine = create_engine(blank_url)
    try:
        async with engine.connect() as conn:
            await conn.run_sync(_upgrade_to, "0017")
        async with create_sessionmaker(engine)() as session:
            worker = Person(platform="telegram", platform_user_id="7", chat_id="7", language="en")
            unit = Unit(key="u", name="u", kind=UnitKind.ENTERPRISE)
            ticket = Ticket(
                reference="GR-2026-000001",
                kind=TicketKind.GRIEVANCE,
                category="facilities",
                worker=worker,
                queue=Queue(key="q", name="q", unit=unit),
                summary="叉车刹车失灵",
                language="zh-CN",
            )
            session.add(ticket)
            await session.flush()
            session.add(
                TicketMessage(
                    ticket_id=ticket.id,
                    author_kind=ActorKind.WORKER,
                    visibility=MessageVisibility.THREAD,
                    body="Monday",
                )
            )
            await session.commit()
        await upgrade(blank_url)
        async with create_sessionmaker(engine)() as session:
            held = set(await session.scalars(select(TicketSearchGram.gram)))
        assert held == search.grams("GR-2026-000001") | search.grams(
            "叉车刹车失灵"
        ) | search.grams("Monday")
        assert {"叉车", "车", "mo", "gr"} <= held
    finally:
        await engine.dispose()
