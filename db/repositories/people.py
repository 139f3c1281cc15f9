"""People: whoever talks to the bot, keyed by messenger and messenger user id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Person
from db.repositories._upsert import insert_for


async def find_person(
    session: AsyncSession, platform: str, platform_user_id: str
) -> Person | None:
    return await session.scalar(
        select(Person).where(
            Person.platform == platform, Person.platform_user_id == platform_user_id
        )
    )


async def get_person(session: AsyncSession, person_id: int) -> Person | None:
    return await session.get(Person, person_id)


async def get_or_create_person(
    session: AsyncSession,
    *,
    platform: str,
    platform_user_id: str,
    chat_id: str,
    language: str,
    display_name: str | None = None,
    now: datetime,
) -> Person:
    """The person behind an update, created on first contact and refreshed on every other.

    `language` is the messenger's setting; it replaces the stored one only while the
    person has not picked a language themselves. A `display_name` of None keeps the old one.
    """
    person = await find_person(session, platform, platform_user_id)
    if person is None:
        # Two replicas may see a newcomer's first two updates at once: the loser's insert
        # does nothing (on PostgreSQL it waits for the winner's commit) and reads the row.
        result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
            insert_for(session, Person)
            .values(
                platform=platform,
                platform_user_id=platform_user_id,
                chat_id=chat_id,
                display_name=display_name,
                language=language,
                language_chosen=False,
                reachable=True,
                created_at=now,
                last_seen_at=now,
            )
            .on_conflict_do_nothing(index_elements=["platform", "platform_user_id"])
        )
        person = (
            await session.scalars(
                select(Person).where(
                    Person.platform == platform, Person.platform_user_id == platform_user_id
                )
            )
        ).one()
        if result.rowcount == 1:
            return person
    person.chat_id = chat_id
    person.last_seen_at = now
    if display_name is not None:
        person.display_name = display_name
    if not person.language_chosen:
        person.language = language
    await session.flush()
    return person


async def _set_reachable(session: AsyncSession, person_id: int, reachable: bool) -> None:
    await session.execute(
        update(Person).where(Person.id == person_id).values(reachable=reachable),
        execution_options={"synchronize_session": "fetch"},
    )


async def mark_unreachable(session: AsyncSession, person_id: int) -> None:
    """The messenger refused to deliver to this person (they blocked the bot)."""
    await _set_reachable(session, person_id, False)


async def mark_reachable(session: AsyncSession, person_id: int) -> None:
    """The person wrote again, so messages reach them again."""
    await _set_reachable(session, person_id, True)
