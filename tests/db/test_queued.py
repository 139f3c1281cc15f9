"""Queued rows (`db.queued`) behave as pending ORM objects did: seen by the transaction's
next query, written at commit in the order queued, dropped with a rolled-back savepoint."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.models import FaqAnswer, OutboxMessage, Person
from db.repositories.faq_misses import record_answer
from db.repositories.outbox import enqueue
from db.repositories.state import load_state, save_state

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


async def _person(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session, session.begin():
        person = Person(platform="telegram", platform_user_id="7", chat_id="7", language="zh")
        session.add(person)
    return person.id


async def test_an_updates_writes_reach_the_database_together_at_commit(
    sessionmaker: async_sessionmaker[AsyncSession], engine: AsyncEngine
) -> None:
    person_id = await _person(sessionmaker)
    statements: list[str] = []

    def seen(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    try:
        async with sessionmaker() as session, session.begin():
            _put(session, "the answer")
            record_answer(
                session,
                person_id=person_id,
                language="zh",
                text="question",
                entry_id="e1",
                via="match",
                now=NOW,
            )
            await save_state(session, person_id, "question", "answered", {"text": "q"}, NOW)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", seen)

    async with sessionmaker() as session:
        assert await _payloads(session) == ["the answer"]
        assert (await session.scalars(select(FaqAnswer.entry_id))).all() == ["e1"]
        saved = await load_state(session, person_id)
        assert saved is not None
        assert (saved.flow, saved.step, saved.data) == ("question", "answered", {"text": "q"})
    # PostgreSQL writes the three rows with one statement; SQLite one statement each.
    assert len(statements) == (1 if engine.dialect.name == "postgresql" else 3)


async def test_a_state_saved_twice_before_it_is_written_keeps_the_last(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    person_id = await _person(sessionmaker)
    async with sessionmaker() as session, session.begin():
        await save_state(session, person_id, "grievance", "category", {}, NOW)
        _put(session, "a message between")
        await save_state(session, person_id, "grievance", "describe", {"category": "pay"}, NOW)

    async with sessionmaker() as session:
        saved = await load_state(session, person_id)
        assert saved is not None
        assert (saved.step, saved.data) == ("describe", {"category": "pay"})
        assert await _payloads(session) == ["a message between"]
