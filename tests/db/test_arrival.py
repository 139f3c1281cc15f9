"""An update's first statement(s): the update id recorded once, the person created or
refreshed, and their officer account and saved state read with them."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Officer, Person, ProcessedUpdate
from db.repositories import announcements, state
from db.repositories.arrival import Arrival, SavedState, arrive

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def arrival(
    session: AsyncSession, update_id: str, *, name: str | None = "Zhang", now: datetime = NOW
) -> Arrival | None:
    return await arrive(
        session,
        platform="telegram",
        update_id=update_id,
        platform_user_id="501",
        chat_id="501",
        language="zh-CN",
        display_name=name,
        now=now,
    )


async def test_a_new_update_creates_the_person_with_no_state(session: AsyncSession) -> None:
    first = await arrival(session, "1")
    assert first is not None
    person = first.person(session)
    assert (person.platform_user_id, person.display_name) == ("501", "Zhang")
    assert (first.officer_id, first.state) == (None, None)
    assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 1


async def test_a_redelivered_update_changes_nothing(session: AsyncSession) -> None:
    assert await arrival(session, "1") is not None
    later = NOW + timedelta(hours=1)
    assert await arrival(session, "1", name="Someone else", now=later) is None
    person = (await session.scalars(select(Person))).one()
    await session.refresh(person)
    assert (person.display_name, person.last_seen_at) == ("Zhang", NOW)


async def test_the_next_update_refreshes_the_person_and_reads_state_and_officer(
    session: AsyncSession,
) -> None:
    first = await arrival(session, "1")
    assert first is not None
    person_id = first.person(session).id
    await state.save_state(session, person_id, "report", "details", {"category": "pay"}, NOW)
    session.add(Officer(person_id=person_id, name="Officer Wang", active=True))
    await session.flush()
    later = NOW + timedelta(minutes=5)
    second = await arrival(session, "2", name="Zhang San", now=later)
    assert second is not None
    person = second.person(session)
    assert person.id == person_id
    assert (person.display_name, person.last_seen_at) == ("Zhang San", later)
    assert second.state == SavedState("report", "details", {"category": "pay"})
    assert second.officer_id is not None


async def test_an_inactive_officer_account_does_not_count(session: AsyncSession) -> None:
    first = await arrival(session, "1")
    assert first is not None
    session.add(Officer(person_id=first.person(session).id, name="Officer Wang", active=False))
    await session.flush()
    second = await arrival(session, "2")
    assert second is not None
    assert second.officer_id is None


async def test_replicas_arriving_with_one_update_let_exactly_one_go_on(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def replica() -> bool:
        async with sessionmaker() as session:
            arrived = await arrival(session, "7")
            await asyncio.sleep(0.05)  # the rest of the unit of work, while the others wait
            await session.commit()
            return arrived is not None

    outcomes = await asyncio.gather(replica(), replica(), replica())

    assert sorted(outcomes) == [False, False, True]


async def _stored(sessionmaker: async_sessionmaker[AsyncSession], person_id: int) -> Person:
    """The person as committed, read in a session of its own."""
    async with sessionmaker() as session:
        stored = await session.get(Person, person_id)
    assert stored is not None
    return stored


async def test_the_person_built_from_the_arrival_is_saved_when_changed(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        arrived = await arrival(session, "1")
        assert arrived is not None
        person = arrived.person(session)
        assert arrived.person(session) is person
        person.workplace = "Plant 3, gate B"
    stored = await _stored(sessionmaker, arrived.person_id)
    assert (stored.workplace, stored.display_name) == ("Plant 3, gate B", "Zhang")


async def test_a_step_that_loaded_the_person_keeps_its_changes(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session, session.begin():
        arrived = await arrival(session, "1")
        assert arrived is not None
        loaded = await session.get(Person, arrived.person_id)
        assert loaded is not None
        loaded.workplace = "Depot 2"
        assert arrived.person(session) is loaded
        assert loaded.workplace == "Depot 2"
    assert (await _stored(sessionmaker, arrived.person_id)).workplace == "Depot 2"


async def test_a_change_to_people_before_the_person_is_built_reaches_it(
    session: AsyncSession,
) -> None:
    arrived = await arrival(session, "1")
    assert arrived is not None
    await announcements.set_subscribed(session, arrived.person_id, subscribed=False)
    assert arrived.person(session).subscribed is False
