"""One runner for every messenger: its transports receive, the core handles, delivery,
the scheduler, the knowledge-base sync and the announcer (feeding announcements to
delivery) run beside them (on PostgreSQL also a LISTEN, so other replicas' outbox commits
wake this one's delivery), and everything stops in the order a clean shutdown needs.

Stop: every transport stops taking updates and finishes those in flight, then the
scheduler, the knowledge-base sync, the announcer and delivery stop (what was not sent
stays in the outbox), then the transports close their connections and the database is
closed. A messenger takes part by providing a `Transport`; nothing here knows which
messengers run.

In turns (the terminal): each update is handed to the core only after a look for a newer
knowledge base, and returns once delivery sent its answers, so the conversation prints in
order; nothing runs in the background and no flood control applies (one person at this
machine). Otherwise updates pass flood control, and delivery and the rest run as tasks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from bot import announcer, killpoints
from bot.app import App
from bot.scheduler import Scheduler
from bot.transports.base import Transport
from db.notify import OutboxListener
from handlers.messages import Incoming


class Runner:
    def __init__(
        self,
        app: App,
        transports: Sequence[Transport],
        *,
        in_turns: bool = False,
        ended: asyncio.Event | None = None,
    ) -> None:
        """`ended`: set when a transport will receive nothing more, or to ask for a stop."""
        self.app = app
        self.transports = tuple(transports)
        self.in_turns = in_turns
        self.ended = ended or asyncio.Event()
        self.scheduler = Scheduler(
            app.sessionmaker,
            app.settings,
            app.routing,
            interval=app.settings.scheduler_interval,
            on_commit=app.delivery.wake,
        )
        # Other replicas' commits wake this one's delivery (SQLite has one process).
        self.outbox_listener = (
            OutboxListener(app.engine, app.delivery.wake)
            if not in_turns and app.engine.dialect.name == "postgresql"
            else None
        )
        self.announcer = Scheduler(
            app.sessionmaker,
            app.settings,
            app.routing,
            interval=announcer.INTERVAL,
            on_commit=app.delivery.wake,
            jobs=announcer.feeding(app.settings.delivery_global_rate),
            lease_name=announcer.LEASE_NAME,
        )
        self._tasks: list[asyncio.Task[None]] = []

    async def handle(self, incoming: Incoming) -> bool:
        """The core's entry for one update of any transport (see the module docstring)."""
        if self.in_turns:
            await self.app.knowledge.check()
            handled = await self.app.dispatcher.handle(incoming)
            await self.app.delivery.drain()
            return handled
        handled = await self.app.handle(incoming)
        killpoints.reached("committed")
        return handled

    async def start(self) -> None:
        try:
            if self.in_turns:
                # What an earlier session left in the outbox is printed before the first
                # prompt.
                await self.app.delivery.drain()
            for transport in self.transports:
                await transport.start()
        except BaseException:
            await self.close()
            raise
        if not self.in_turns:
            # Whatever an earlier run left in the outbox goes out now.
            self._tasks = [
                asyncio.create_task(self.app.delivery.run()),
                asyncio.create_task(self.scheduler.run()),
                asyncio.create_task(self.app.knowledge.run()),
                asyncio.create_task(self.announcer.run()),
            ]
            if self.outbox_listener is not None:
                self._tasks.append(asyncio.create_task(self.outbox_listener.run()))

    async def stop(self) -> None:
        """Stop receiving, finish the updates in flight, stop delivery, close everything."""
        try:
            for transport in self.transports:
                await transport.stop()
        finally:
            self.scheduler.stop()
            self.app.knowledge.stop()
            self.announcer.stop()
            self.app.delivery.stop()
            if self.outbox_listener is not None:
                self.outbox_listener.stop()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self.close()

    async def close(self) -> None:
        try:
            for transport in self.transports:
                await transport.close()
        finally:
            await self.app.close()
