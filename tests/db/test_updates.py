from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.repositories.updates import record_update

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_an_update_is_new_once(session: AsyncSession) -> None:
    assert await record_update(session, "telegram", "42", NOW)
    assert not await record_update(session, "telegram", "42", NOW)
    await session.commit()
    assert not await record_update(session, "telegram", "42", NOW)
    assert await record_update(session, "telegram", "43", NOW)
    assert await record_update(session, "wecom", "42", NOW)


async def test_a_rolled_back_update_can_be_processed_again(session: AsyncSession) -> None:
    assert await record_update(session, "telegram", "42", NOW)
    await session.rollback()
    assert await record_update(session, "telegram", "42", NOW)


async def test_two_replicas_recording_one_update_let_exactly_one_go_on(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def replica() -> bool:
        async with sessionmaker() as session:
            new = await record_update(session, "telegram", "42", NOW)
            await asyncio.sleep(0.05)  # the rest of the unit of work, while the other waits
            await session.commit()
            return new

    outcomes = await asyncio.gather(replica(), replica(), replica())

    assert sorted(outcomes) == [False, False, True]


@pytest.mark.parametrize("first_commits", [True, False])
async def test_the_second_replica_waits_for_the_first_to_finish(
    sessionmaker: async_sessionmaker[AsyncSession], first_commits: bool
) -> None:
    async with sessionmaker() as first, sessionmaker() as second:
        assert await record_update(first, "telegram", "42", NOW)
        waiting = asyncio.create_task(record_update(second, "telegram", "42", NOW))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        if first_commits:
            await first.commit()
        else:
            await first.rollback()
        # If the first replica crashed (rolled back), the update is not lost.
        assert await waiting is not first_commits
        await second.commit()
