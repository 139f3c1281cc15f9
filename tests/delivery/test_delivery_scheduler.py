from __future__ import annotations

import asyncio
import itertools
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.scheduler import LEASE_NAME, Scheduler
from bot.settings import Settings
from db.engine import create_engine, create_sessionmaker
from db.models import JobLease
from handlers import SAMPLE_ROUTING_PATH
from handlers.core.config import CoreConfig
from handlers.routing import RoutingConfig, load_routing
from tests.delivery.fakes import FakeClock


class JobLog:
    """Stands in for the jobs: records which replica ran them, and when."""

    def __init__(self) -> None:
        self.runs: list[tuple[str, datetime]] = []
        self.three_runs = asyncio.Event()

    def for_replica(self, name: str) -> JobsForReplica:
        return JobsForReplica(self, name)


class JobsForReplica:
    def __init__(self, log: JobLog, name: str) -> None:
        self.log = log
        self.name = name

    async def __call__(
        self, session: AsyncSession, now: datetime, config: CoreConfig, routing: RoutingConfig
    ) -> None:
        # Yield while holding the lease, so the other replica really asks meanwhile.
        await asyncio.sleep(0.01)
        self.log.runs.append((self.name, now))
        if len(self.log.runs) >= 3:
            self.log.three_runs.set()


def _scheduler(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    log: JobLog,
    name: str,
    woken: list[str] | None = None,
) -> Scheduler:
    return Scheduler(
        sessionmaker,
        Settings(),
        load_routing(SAMPLE_ROUTING_PATH),
        interval=60.0,
        holder=name,
        clock=clock,
        jobs=log.for_replica(name),
        on_commit=(lambda: woken.append(name)) if woken is not None else None,
    )


async def test_with_two_schedulers_only_the_lease_holder_runs_the_jobs(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    clock = FakeClock()
    log = JobLog()
    woken: list[str] = []
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        first, second = (
            _scheduler(create_sessionmaker(engine), clock, log, name, woken)
            for engine, name in zip(engines, ("a", "b"), strict=True)
        )
        ran = await asyncio.gather(first.run_once(), second.run_once())
        assert sorted(ran) == [False, True]
        winner, loser = (first, second) if ran[0] else (second, first)
        assert [name for name, _ in log.runs] == [winner.holder]
        assert woken == [winner.holder]  # delivery is woken after the commit

        # A minute later the holder renews; the other still may not run.
        clock.advance(60)
        assert await loser.run_once() is False
        assert await winner.run_once() is True

        # The holder goes away: once its lease runs out, the other replica takes over.
        clock.advance(180)
        assert await loser.run_once() is True
        assert [name for name, _ in log.runs] == [winner.holder, winner.holder, loser.holder]
    finally:
        for engine in engines:
            await engine.dispose()

    async with sessionmaker() as session:
        lease = await session.scalar(select(JobLease).where(JobLease.name == LEASE_NAME))
        assert lease is not None
        assert lease.holder == loser.holder


async def test_run_repeats_every_interval_and_stops_cleanly(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    log = JobLog()
    scheduler = _scheduler(sessionmaker, clock, log, "only")
    running = asyncio.create_task(scheduler.run())
    await log.three_runs.wait()
    scheduler.stop()
    await running
    times = [now for _, now in log.runs]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(times)]
    assert gaps == [60.0] * (len(times) - 1)
