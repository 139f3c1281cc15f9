"""Feeding announcements to delivery at the pace delivery can send them.

`feeding(rate)` is a job for a `Scheduler` of its own (a lease of its own, a short
interval): each run starts the announcements whose time has come and tops the outbox up
with bulk rows so that about `backlog` seconds' worth (at `rate` messages a second) wait
there: enough that delivery never runs dry between runs, little enough that a pause or
cancel takes effect within seconds and that a conversation message, which delivery takes
before any bulk row, never queues behind a long bulk line.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.scheduler import Jobs
from db.repositories.announcements import bulk_backlog
from handlers import announcements
from handlers.core.config import CoreConfig
from handlers.routing import RoutingConfig

LEASE_NAME = "announcements"
# Seconds between two top-ups.
INTERVAL = 1.0


def feeding(rate: float, backlog: float = 2.0) -> Jobs:
    target = max(1, round(rate * backlog))

    async def feed(
        session: AsyncSession, now: datetime, _config: CoreConfig, _routing: RoutingConfig
    ) -> int:
        """One top-up; returns how many recipients were handed to delivery."""
        await announcements.start_due(session, now)
        room = target - await bulk_backlog(session, announcements.BULK_PRIORITY)
        return await announcements.feed(session, now, max(room, 0))

    return feed
