"""A message committed by one replica is sent at once by another, on PostgreSQL: the commit
NOTIFYs and every replica's delivery LISTENs, so nobody waits for a poll. (SQLite serves one
process, which wakes its own delivery after commit: test_delivery_outbox.)"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import SYSTEM_CLOCK
from bot.delivery import Delivery
from db.engine import create_engine, create_sessionmaker
from db.notify import OutboxListener
from db.repositories.outbox import enqueue
from handlers.messages import Outgoing
from tests.delivery.fakes import FakeClock, RecordingSender


@pytest.fixture
async def other_replica(engine: AsyncEngine) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite serves one process; its delivery is woken in-process")
    other = create_engine(engine.url.render_as_string(hide_password=False))
    yield create_sessionmaker(other)
    await other.dispose()


async def commit_message(sessionmaker: async_sessionmaker[AsyncSession], text_: str) -> None:
    async with sessionmaker() as session, session.begin():
        enqueue(session, "telegram", "7", Outgoing("7", text_).to_json(), now=SYSTEM_CLOCK.now())


async def eventually(check: Callable[[], bool]) -> None:
    for _ in range(200):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(check)


async def test_a_row_committed_by_another_replica_is_sent_without_waiting_for_a_poll(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    other_replica: async_sessionmaker[AsyncSession],
) -> None:
    sender = RecordingSender(FakeClock())
    # A poll so long that only a notification explains a prompt send.
    delivery = Delivery(
        sessionmaker,
        {"telegram": sender},
        per_chat_interval=0,
        clock=SYSTEM_CLOCK,
        poll_interval=3600.0,
    )
    listener = OutboxListener(engine, delivery.wake)
    tasks = [asyncio.create_task(delivery.run()), asyncio.create_task(listener.run())]
    try:
        async with asyncio.timeout(10):
            await listener.listening.wait()
        async with other_replica() as session, session.begin():
            message = Outgoing("7", "rolled back").to_json()
            enqueue(session, "telegram", "7", message, now=SYSTEM_CLOCK.now())
            await session.flush()
            await session.rollback()
        await commit_message(other_replica, "first")
        async with asyncio.timeout(10):
            await sender.entered.wait()

        # The listening connection dies (say, PostgreSQL restarted): it comes back by itself.
        async with other_replica() as session, session.begin():
            await session.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE query LIKE 'LISTEN%' AND datname = current_database()"
                )
            )
        await eventually(lambda: not listener.listening.is_set())
        await eventually(listener.listening.is_set)
        await commit_message(other_replica, "second")
        await eventually(lambda: len(sender.texts()) == 2)
    finally:
        listener.stop()
        delivery.stop()
        await asyncio.gather(*tasks)
    assert sender.texts() == ["first", "second"]
