"""People: whoever talks to the bot, keyed by messenger and messenger user id."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite
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
    Call it only for what the person wrote or pressed in their own chat with the bot: that
    makes them reachable again, however they were refused before (they unblocked the bot).
    """
    # One upsert whether the person is new or not (a round trip fewer on every update).
    # Two replicas seeing a newcomer's first two updates at once are fine: on PostgreSQL
    # the second insert waits for the first one's commit and then updates its row.
    row = person_row(
        platform=platform,
        platform_user_id=platform_user_id,
        chat_id=chat_id,
        language=language,
        display_name=display_name,
        now=now,
    )
    statement = refresh_on_conflict(
        insert_for(session, Person).values(**row), keep_name=display_name is None
    )
    # RETURNING the entity with populate_existing refreshes a copy already in the session.
    person: Person = (
        await session.scalars(
            statement.returning(Person), execution_options={"populate_existing": True}
        )
    ).one()
    return person


def person_row(
    *,
    platform: str,
    platform_user_id: str,
    chat_id: str,
    language: str,
    display_name: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The columns of a newcomer's row."""
    return {
        "platform": platform,
        "platform_user_id": platform_user_id,
        "chat_id": chat_id,
        "display_name": display_name,
        "language": language,
        "language_chosen": False,
        "reachable": True,
        "subscribed": True,
        "created_at": now,
        "last_seen_at": now,
    }


Upsert = postgresql.Insert | sqlite.Insert


def refresh_on_conflict(statement: Upsert, *, keep_name: bool) -> Upsert:
    """An INSERT of `person_row` that, for a person already known, refreshes their chat,
    last contact, messenger language (unless they chose one) and name (unless `keep_name`:
    the update carried none)."""
    new = statement.excluded
    refreshed: dict[str, Any] = {
        "chat_id": new.chat_id,
        "last_seen_at": new.last_seen_at,
        "reachable": new.reachable,
        "language": case((Person.language_chosen, Person.language), else_=new.language),
    }
    if not keep_name:
        refreshed["display_name"] = new.display_name
    return statement.on_conflict_do_update(
        index_elements=["platform", "platform_user_id"], set_=refreshed
    )


async def mark_unreachable(session: AsyncSession, person_id: int) -> None:
    """The messenger refused to deliver to this person (they blocked the bot), until they
    write again (`get_or_create_person`)."""
    await session.execute(
        update(Person).where(Person.id == person_id).values(reachable=False),
        execution_options={"synchronize_session": "fetch"},
    )
