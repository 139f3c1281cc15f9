from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import JobLease
from db.repositories.leases import try_acquire

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TTL = timedelta(minutes=2)


async def test_one_holder_at_a_time_until_the_lease_runs_out(session: AsyncSession) -> None:
    assert await try_acquire(session, "jobs", "replica-a", NOW, TTL)
    await session.commit()

    assert not await try_acquire(session, "jobs", "replica-b", NOW + timedelta(minutes=1), TTL)
    assert await try_acquire(session, "other-job", "replica-b", NOW, TTL)
    assert await try_acquire(session, "jobs", "replica-b", NOW + TTL, TTL)
    await session.commit()

    lease = await session.get(JobLease, "jobs")
    assert lease is not None
    assert (lease.holder, lease.expires_at) == ("replica-b", NOW + 2 * TTL)


async def test_the_holder_renews_its_lease(session: AsyncSession) -> None:
    assert await try_acquire(session, "jobs", "replica-a", NOW, TTL)
    later = NOW + timedelta(minutes=1)
    assert await try_acquire(session, "jobs", "replica-a", later, TTL)
    await session.commit()

    # Renewed at `later`, so still held at NOW + TTL, when the first grant would have ended.
    assert not await try_acquire(session, "jobs", "replica-b", NOW + TTL, TTL)
    assert await try_acquire(session, "jobs", "replica-b", later + TTL, TTL)


async def test_replicas_asking_at_once_get_one_lease(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async def replica(name: str) -> bool:
        async with sessionmaker() as session:
            taken = await try_acquire(session, "jobs", name, NOW, TTL)
            await session.commit()
            return taken

    outcomes = await asyncio.gather(*(replica(f"replica-{i}") for i in range(4)))

    assert sorted(outcomes) == [False, False, False, True]
