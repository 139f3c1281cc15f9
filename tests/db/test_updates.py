from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import ProcessedUpdate
from db.repositories.updates import REDELIVERY_WINDOW, forget_before, record_update

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


async def test_an_update_id_given_out_again_for_another_event_is_a_new_update(
    session: AsyncSession,
) -> None:
    assert await record_update(session, "telegram", "42", NOW, event="7:1:1764000000")
    await session.commit()
    # Redelivered: the same id carrying the same message.
    assert not await record_update(session, "telegram", "42", NOW, event="7:1:1764000000")
    # After a quiet week (or with a new token) Telegram gives 42 to another message.
    later = NOW + timedelta(days=8)
    assert await record_update(session, "telegram", "42", later, event="7:9:1764700000")
    await session.commit()
    assert not await record_update(session, "telegram", "42", later, event="7:9:1764700000")
    assert await record_update(session, "telegram", "42", later, event="q:5550001")


async def test_a_row_without_an_event_still_stops_a_redelivery(session: AsyncSession) -> None:
    # As left by the migration for updates processed before events were kept.
    assert await record_update(session, "telegram", "42", NOW)
    await session.commit()
    assert not await record_update(session, "telegram", "42", NOW, event="7:1:1764000000")


async def test_updates_are_forgotten_after_the_window_oldest_first_in_batches(
    session: AsyncSession,
) -> None:
    for hours, update_id in ((50, "1"), (49, "2"), (48.5, "3"), (1, "4")):
        assert await record_update(
            session, "telegram", update_id, NOW - timedelta(hours=hours), event=update_id
        )
    await session.commit()
    cutoff = NOW - REDELIVERY_WINDOW

    assert await forget_before(session, cutoff, limit=2) == 2
    await session.commit()
    kept = set(await session.scalars(select(ProcessedUpdate.update_id)))
    assert kept == {"3", "4"}
    assert await forget_before(session, cutoff, limit=2) == 1
    assert await forget_before(session, cutoff, limit=2) == 0
    await session.commit()
    # Within the window a redelivery is still recognised.
    assert not await record_update(session, "telegram", "4", NOW, event="4")
