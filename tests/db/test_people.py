from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Person
from db.repositories.people import (
    find_person,
    get_or_create_person,
    get_person,
    mark_unreachable,
)

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def _contact(
    session: AsyncSession,
    *,
    chat_id: str = "100",
    language: str = "zh-CN",
    display_name: str | None = "小李",
    now: datetime = NOW,
) -> Person:
    return await get_or_create_person(
        session,
        platform="telegram",
        platform_user_id="100",
        chat_id=chat_id,
        language=language,
        display_name=display_name,
        now=now,
    )


async def test_first_contact_creates_the_person(session: AsyncSession) -> None:
    person = await _contact(session)
    await session.commit()

    found = await find_person(session, "telegram", "100")
    assert found is not None
    assert found.id == person.id
    assert (found.chat_id, found.language, found.display_name) == ("100", "zh-CN", "小李")
    assert found.reachable
    assert not found.language_chosen
    assert found.created_at == found.last_seen_at == NOW
    assert await get_person(session, person.id) is found


async def test_unknown_people_are_not_found(session: AsyncSession) -> None:
    await _contact(session)
    assert await find_person(session, "telegram", "999") is None
    assert await find_person(session, "other", "100") is None
    assert await get_person(session, 999) is None


async def test_later_contact_refreshes_chat_name_and_messenger_language(
    session: AsyncSession,
) -> None:
    first = await _contact(session)
    later = NOW + timedelta(days=1)
    again = await _contact(session, chat_id="200", language="en", display_name=None, now=later)
    await session.commit()

    assert again.id == first.id
    assert (again.chat_id, again.language, again.display_name) == ("200", "en", "小李")
    assert again.last_seen_at == later
    assert again.created_at == NOW
    assert await session.scalar(select(func.count()).select_from(Person)) == 1


async def test_a_chosen_language_survives_the_messenger_setting(session: AsyncSession) -> None:
    person = await _contact(session, language="en")
    person.language_chosen = True
    await session.commit()

    again = await _contact(session, language="zh-CN", now=NOW + timedelta(hours=1))
    assert again.language == "en"


async def test_unreachable_until_the_person_writes_again(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        person_id = (await _contact(session)).id
        await mark_unreachable(session, person_id)
        await session.commit()
    async with sessionmaker() as session:
        person = await get_person(session, person_id)
        assert person is not None
        assert not person.reachable
        again = await _contact(session, now=NOW + timedelta(days=3))
        assert again is person  # the copy already loaded follows the change
        assert again.reachable
        await session.commit()
    async with sessionmaker() as session:
        person = await get_person(session, person_id)
        assert person is not None
        assert person.reachable


async def test_a_newcomers_two_first_updates_at_once_make_one_person(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def first_contact() -> int:
        async with sessionmaker() as session:
            person = await _contact(session)
            await session.commit()
            return person.id

    ids = await asyncio.gather(first_contact(), first_contact())

    assert ids[0] == ids[1]
    async with sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 1
