"""Long polling that tells Telegram an update was received only once the core is done with it.

Telegram forgets an update when a getUpdates call asks for an offset past it. The
frameworks' own loops (aiogram's Dispatcher, PTB's Updater) hand a batch off and ask for
the next one at once, so a crash while the batch is being handled loses it. Here a
transport only makes the getUpdates call through its own client (`Fetch`), and this loop
asks for the next batch, with the offset past an update, only after the core committed
that update or recorded it as failed (`Take` returned).

An update whose handling raised (say the database was unreachable) is not acknowledged:
after a backoff it is fetched again with everything after it, and those already committed
are recognised by their update id and skipped. Later updates of its chat in the same
batch wait for it, so a chat's updates still take effect in the order they were sent.
Updates of different chats run side by side, as far as the transport's gate allows.

Update ids do not only grow: after a week without updates Telegram picks the next one at
random. So once a getUpdates comes back empty (everything before its offset is confirmed by
then), the next asks without an offset, for the earliest update not yet confirmed.

A failing getUpdates (network, 5xx, 409 while a webhook or another poller holds the bot)
is logged and retried with an exponential backoff; a 429 waits what Telegram asks.
`stop()` ends a waiting getUpdates at once (the server keeps whatever it was not told was
received), lets the batch in hand finish, and acknowledges it with a last short call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from bot import killpoints
from bot.transports.base import RetryAfter
from bot.transports.telegram import Json

log = logging.getLogger(__name__)

# (offset, seconds the server may hold the call) -> the updates, as the Bot API's JSON.
Fetch = Callable[[int | None, int], Awaitable[Sequence[Json]]]
# Hands one update to the core; returns once it is committed or recorded as failed.
Take = Callable[[Json], Awaitable[None]]
T = TypeVar("T")


class _StoppedError(Exception):
    """stop() came while waiting."""


def chat_key(update: Json) -> str:
    """The chat an update belongs to, for ordering; an update without one stands alone."""
    message = update.get("message")
    if message is None and (query := update.get("callback_query")) is not None:
        message = query.get("message")
    if message is not None and "chat" in message:
        return str(message["chat"]["id"])
    return f"update {update['update_id']}"


class Poller:
    def __init__(
        self,
        fetch: Fetch,
        take: Take,
        *,
        timeout: int,
        backoff_start: float = 0.5,
        backoff_cap: float = 30.0,
    ) -> None:
        self._fetch = fetch
        self._take = take
        self._timeout = timeout
        self._backoff_start = backoff_start
        self._backoff_cap = backoff_cap
        self._stop = asyncio.Event()

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        """Fetch, handle, acknowledge, until stopped."""
        offset: int | None = None
        # Whether `offset` moved past updates Telegram has not been told about yet.
        unacknowledged = False
        failures = 0
        while not self._stop.is_set():
            try:
                batch = await self._until_stopped(self._fetch(offset, self._timeout))
            except _StoppedError:
                break
            except Exception as exc:  # noqa: BLE001 - every failure is retried
                failures += 1
                log.warning("getUpdates failed (%s: %s); retrying", type(exc).__name__, exc)
                await self._pause(self._delay(exc, failures))
                continue
            unacknowledged = False
            if not batch:
                failures = 0
                # Everything before `offset` is confirmed now, and without an offset
                # Telegram answers with the earliest update not confirmed, whatever its id.
                # Kept, the offset would confirm unseen every update whose id is lower:
                # after a week without updates Telegram picks the next id at random.
                offset = None
                continue
            killpoints.reached("received")
            next_offset, failed = await self._handle(batch)
            unacknowledged = next_offset != offset
            offset = next_offset
            if failed:
                failures += 1
                await self._pause(self._delay(None, failures))
            else:
                failures = 0
        if unacknowledged:
            await self._acknowledge(offset)

    async def _handle(self, batch: Sequence[Json]) -> tuple[int, bool]:
        """Hand a batch to the core; the offset to ask for next, and whether any failed."""
        chats: dict[str, list[Json]] = {}
        for update in sorted(batch, key=lambda u: int(u["update_id"])):
            chats.setdefault(chat_key(update), []).append(update)
        outcomes = await asyncio.gather(*(self._take_in_order(u) for u in chats.values()))
        failed = [update_id for update_id in outcomes if update_id is not None]
        if failed:
            return min(failed), True
        return max(int(u["update_id"]) for u in batch) + 1, False

    async def _take_in_order(self, updates: Sequence[Json]) -> int | None:
        """One chat's updates one after the other; the id of the first that failed, if any
        (the rest of the chat then waits for its redelivery)."""
        for update in updates:
            try:
                await self._take(update)
            except Exception:
                log.exception("update %s failed; it will be fetched again", update["update_id"])
                return int(update["update_id"])
        return None

    async def _acknowledge(self, offset: int | None) -> None:
        # Without this, the last batch would come again at the next start and be skipped
        # there as duplicates; a failure here costs nothing more than that.
        try:
            async with asyncio.timeout(5.0):
                await self._fetch(offset, 0)
        except Exception as exc:  # noqa: BLE001 - best effort, see above
            log.info("could not acknowledge the last updates (%s)", exc)

    def _delay(self, exc: BaseException | None, failures: int) -> float:
        if isinstance(exc, RetryAfter):
            return exc.seconds
        return float(min(self._backoff_cap, self._backoff_start * 2 ** (failures - 1)))

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stop.wait()

    async def _until_stopped(self, call: Awaitable[T]) -> T:
        task = asyncio.ensure_future(call)
        stopped = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait((task, stopped), return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            if not task.done():
                task.cancel()
        if not task.done() or task.cancelled():
            with contextlib.suppress(asyncio.CancelledError):
                await task
            raise _StoppedError
        return task.result()
