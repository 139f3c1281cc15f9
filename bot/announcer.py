"""Feeds announcements to delivery at the pace delivery can send them, on one replica.

Every `tick` seconds it starts the announcements whose time has come and tops the outbox
up with bulk rows so that about `backlog` seconds' worth (at `rate` messages a second)
wait there: enough that delivery never runs dry between ticks, little enough that a
pause or cancel takes effect within seconds and that a conversation message, which
delivery takes before any bulk row, never queues behind a long bulk line. Each top-up is
one transaction with a lease, like the scheduler's, so with several replicas one feeds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SYSTEM_CLOCK, Clock
from bot.scheduler import default_holder
from db.repositories.announcements import bulk_backlog
from db.repositories.leases import try_acquire
from handlers import announcements

logger = logging.getLogger(__name__)

LEASE_NAME = "announcements"


class Announcer:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        rate: float,
        tick: float = 1.0,
        backlog: float = 2.0,
        clock: Clock = SYSTEM_CLOCK,
        on_commit: Callable[[], None] | None = None,
        holder: str | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._target = max(1, round(rate * backlog))
        self._tick = tick
        self._clock = clock
        self._on_commit = on_commit
        self._holder = holder or default_holder()
        self._lease = timedelta(seconds=max(3 * tick, 10.0))
        self._stop = asyncio.Event()

    async def run_once(self) -> int:
        """One top-up; returns how many recipients were handed to delivery."""
        now = self._clock.now()
        async with self._sessionmaker() as session, session.begin():
            if not await try_acquire(session, LEASE_NAME, self._holder, now, self._lease):
                return 0
            await announcements.start_due(session, now)
            room = self._target - await bulk_backlog(session, announcements.BULK_PRIORITY)
            handed = await announcements.feed(session, now, max(room, 0))
        if handed and self._on_commit is not None:
            self._on_commit()
        return handed

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.run_once()
            except Exception:
                logger.exception("feeding announcements failed; trying again")
            await self._pause()

    def stop(self) -> None:
        self._stop.set()

    async def _pause(self) -> None:
        stopped = asyncio.ensure_future(self._stop.wait())
        slept = asyncio.ensure_future(self._clock.sleep(self._tick))
        try:
            await asyncio.wait({stopped, slept}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (stopped, slept):
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
