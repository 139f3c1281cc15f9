from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Person, ProcessedUpdate


async def test_times_come_back_as_aware_utc(session: AsyncSession) -> None:
    shanghai = timezone(timedelta(hours=8))
    seen = datetime(2026, 3, 1, 9, 30, tzinfo=shanghai)
    session.add(
        Person(
            platform="telegram",
            platform_user_id="1",
            chat_id="1",
            language="zh-CN",
            last_seen_at=seen,
        )
    )
    await session.commit()
    session.expunge_all()

    person = await session.scalar(select(Person))
    assert person is not None
    assert person.last_seen_at == seen
    assert person.last_seen_at.tzinfo is not None
    assert person.last_seen_at.utcoffset() == timedelta(0)
    assert person.created_at.tzinfo == UTC


async def test_a_naive_time_is_refused_rather_than_guessed(session: AsyncSession) -> None:
    session.add(
        Person(
            platform="telegram",
            platform_user_id="1",
            chat_id="1",
            language="zh-CN",
            last_seen_at=datetime(2026, 3, 1, 9, 30),  # noqa: DTZ001 - the point of the test
        )
    )
    with pytest.raises(Exception, match="naive datetime"):
        await session.flush()


async def test_foreign_keys_are_enforced(session: AsyncSession) -> None:
    session.add(
        Person(
            platform="telegram", platform_user_id="1", chat_id="1", language="zh-CN", unit_id=999
        )
    )
    with pytest.raises(IntegrityError):
        await session.flush()


async def test_an_update_id_is_recorded_once(session: AsyncSession) -> None:
    session.add(ProcessedUpdate(platform="telegram", update_id="42"))
    await session.commit()
    session.add(ProcessedUpdate(platform="telegram", update_id="42"))
    with pytest.raises(IntegrityError):
        await session.commit()
