from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Person
from db.repositories.state import clear_state, load_state, save_state

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def _person(session: AsyncSession) -> int:
    person = Person(platform="telegram", platform_user_id="1", chat_id="1", language="zh-CN")
    session.add(person)
    await session.commit()
    return person.id


async def test_state_survives_a_restart(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    data = {"category": "wages", "fields": {"amount": "1500.00", "note": "拖欠工资\n三个月"}}
    async with sessionmaker() as session:
        person_id = await _person(session)
        assert await load_state(session, person_id) is None
        await save_state(session, person_id, "grievance", "describe", data, NOW)
        await session.commit()

    async with sessionmaker() as session:
        state = await load_state(session, person_id)
        assert state is not None
        assert (state.flow, state.step, state.data, state.updated_at) == (
            "grievance",
            "describe",
            data,
            NOW,
        )


async def test_saving_replaces_the_state_even_when_it_was_loaded(session: AsyncSession) -> None:
    person_id = await _person(session)
    await save_state(session, person_id, "grievance", "category", {}, NOW)
    loaded = await load_state(session, person_id)
    assert loaded is not None

    later = NOW + timedelta(minutes=1)
    await save_state(session, person_id, "grievance", "confirm", {"summary": "x"}, later)

    assert (loaded.step, loaded.data, loaded.updated_at) == ("confirm", {"summary": "x"}, later)
    again = await load_state(session, person_id)
    assert again is not None
    assert again.step == "confirm"


async def test_clearing_forgets_the_state(session: AsyncSession) -> None:
    person_id = await _person(session)
    await save_state(session, person_id, "help", "hospital", {}, NOW)
    await load_state(session, person_id)
    await clear_state(session, person_id)
    assert await load_state(session, person_id) is None
    await session.commit()
    assert await load_state(session, person_id) is None
    await clear_state(session, person_id)  # nothing to clear is fine


async def test_two_saves_at_once_do_not_collide(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        person_id = await _person(session)

    async def save(step: str) -> None:
        async with sessionmaker() as session:
            await save_state(session, person_id, "grievance", step, {"step": step}, NOW)
            await session.commit()

    await asyncio.gather(save("a"), save("b"))

    async with sessionmaker() as session:
        state = await load_state(session, person_id)
        assert state is not None
        assert state.step in {"a", "b"}
        assert state.data == {"step": state.step}
