"""Queued rows (`db.queued`) behave as pending ORM objects did: seen by the transaction's
next query, written at commit in the order queued, dropped with a rolled-back savepoint."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import FaqAnswer, OutboxMessage, Person
from db.repositories.faq_misses import record_answer
from db.repositories.outbox import enqueue

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _put(session: AsyncSession, text: str) -> None:
    enqueue(session, "telegram", "7", text, now=NOW)


async def _payloads(session: AsyncSession) -> list[str]:
    return list(await session.scalars(select(OutboxMessage.payload).order_by(OutboxMessage.id)))


async def test_rows_are_written_at_commit_in_the_order_queued(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        person = Person(platform="telegram", platform_user_id="7", chat_id="7", language="zh")
        session.add(person)
        await session.flush()
        _put(session, "first")
        record_answer(
            session,
            person_id=person.id,
            language="zh",
            text="question",
            entry_id="e1",
            via="match",
            now=NOW,
        )
        _put(session, "second")

    async with sessionmaker() as session:
        assert await _payloads(session) == ["first", "second"]
        answer = (await session.scalars(select(FaqAnswer))).one()
        assert (answer.person_id, answer.entry_id, answer.via) == (person.id, "e1", "match")


async def test_a_query_in_the_same_transaction_sees_the_queued_rows(
    session: AsyncSession,
) -> None:
    _put(session, "mine")
    assert await _payloads(session) == ["mine"]
    await session.rollback()
    assert await _payloads(session) == []


async def test_a_rolled_back_savepoint_drops_only_what_was_queued_in_it(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        _put(session, "before")
        savepoint = await session.begin_nested()
        _put(session, "inside")
        await savepoint.rollback()
        async with session.begin_nested():
            _put(session, "kept")
        _put(session, "after")

    async with sessionmaker() as session:
        assert await _payloads(session) == ["before", "kept", "after"]


async def test_a_rolled_back_transaction_writes_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        async with session.begin():
            assert await _payloads(session) == []
            _put(session, "never")
            await session.rollback()
        await session.commit()

    async with sessionmaker() as session:
        assert await _payloads(session) == []
