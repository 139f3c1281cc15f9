"""Runs the periodic jobs (escalation, auto-close, retention; with a lease of its own,
feeding announcements) every interval, on one replica at a time.

Each run takes or renews a lease in the same transaction as the jobs, so with several
replicas only the lease holder runs them; when the holder stops renewing, another replica
takes over once the lease expires.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SYSTEM_CLOCK, Clock
from db.repositories.leases import try_acquire
from handlers.core.config import CoreConfig
from handlers.core.jobs import run_due_jobs
from handlers.routing import RoutingConfig

logger = logging.getLogger(__name__)

LEASE_NAME = "scheduled-jobs"

Jobs = Callable[[AsyncSession, datetime, CoreConfig, RoutingConfig], Awaitable[object]]


def default_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Scheduler:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        config: CoreConfig,
        routing: RoutingConfig,
        *,
        interval: float = 60.0,
        lease_ttl: float | None = None,
        holder: str | None = None,
        clock: Clock = SYSTEM_CLOCK,
        on_commit: Callable[[], None] | None = None,
        jobs: Jobs = run_due_jobs,
        lease_name: str = LEASE_NAME,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._config = config
        self._routing = routing
        self._interval = interval
        # Longer than one interval, so the holder renews before it lapses; short enough
        # that a dead holder is replaced within a few intervals.
        self._lease_ttl = timedelta(seconds=lease_ttl if lease_ttl is not None else 3 * interval)
        self.holder = holder or default_holder()
        self._clock = clock
        self._on_commit = on_commit
        self._jobs = jobs
        self._lease_name = lease_name
        self._stop = asyncio.Event()

    async def run_once(self) -> bool:
        """Run the jobs if this replica holds the lease; True if they ran and committed."""
        now = self._clock.now()
        async with self._sessionmaker() as session, session.begin():
            if not await try_acquire(session, self._lease_name, self.holder, now, self._lease_ttl):
                return False
            await self._jobs(session, now, self._config, self._routing)
        if self._on_commit is not None:
            self._on_commit()
        return True

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.run_once()
            except Exception:
                logger.exception("scheduled jobs failed; trying again at the next interval")
            await self._pause()

    def stop(self) -> None:
        """End `run()` after the current run, if any, has committed."""
        self._stop.set()

    async def _pause(self) -> None:
        stopped = asyncio.ensure_future(self._stop.wait())
        slept = asyncio.ensure_future(self._clock.sleep(self._interval))
        try:
            await asyncio.wait({stopped, slept}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in (stopped, slept):
                waiter.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter
