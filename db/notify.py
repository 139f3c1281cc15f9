"""Waking every process's delivery when a transaction adds outbox rows (PostgreSQL).

The outbox table carries a statement trigger (migration 0017) that sends
`NOTIFY workerbot_outbox` for each statement adding rows to it; PostgreSQL delivers a
notification only when, and if, the transaction commits, so nobody is woken for rows that
were rolled back, and whatever adds rows (a flow, an announcement batch, a command) wakes
delivery without a round trip of its own. `OutboxListener` holds one connection that
LISTENs and calls `wake` for each notification, reconnecting when the connection is lost.
Notifications only shorten a wait: delivery also polls, so a notification lost with a
connection delays a message by one poll at most. SQLite has one process, which wakes its
own delivery after commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

CHANNEL = "workerbot_outbox"  # the trigger's, see the module's docstring
_RECONNECT_PAUSE = 1.0


class OutboxListener:
    """LISTENs on its own connection and calls `wake` for every committed outbox row batch."""

    def __init__(self, engine: AsyncEngine, wake: Callable[[], None]) -> None:
        self._engine = engine
        self._wake = wake
        self._stop = asyncio.Event()
        self.listening = asyncio.Event()  # set while a connection listens

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        while not self._stop.is_set():
            try:
                await self._listen_until_lost()
            except Exception:
                log.warning("outbox LISTEN connection failed; retrying", exc_info=True)
            self.listening.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), _RECONNECT_PAUSE)

    async def _listen_until_lost(self) -> None:
        lost = asyncio.Event()
        async with self._engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            if raw is None:
                return
            raw.add_termination_listener(lambda _conn: lost.set())

            def on_notify(*_args: object) -> None:
                self._wake()

            await raw.add_listener(CHANNEL, on_notify)
            self.listening.set()
            # Whatever was committed while we were not listening is found now.
            self._wake()
            stopped = asyncio.ensure_future(self._stop.wait())
            gone = asyncio.ensure_future(lost.wait())
            try:
                await asyncio.wait({stopped, gone}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopped.cancel()
                gone.cancel()
            if not raw.is_closed():
                # UNLISTEN: the connection goes back to the pool.
                await raw.remove_listener(CHANNEL, on_notify)
