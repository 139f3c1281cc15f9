"""Outbox delivery: sends what the core committed, within the messenger's limits.

Rows are claimed and settled through db.repositories.outbox: a claim names this loop as
its owner and pushes a row's `not_before` past a short lease, so a second loop (in this
process or another replica) skips it while it is in flight, and no database lock is held
while we talk to the messenger. A heartbeat renews the lease of every row this loop holds,
however long it waits for its turn or for the messenger. Only the oldest pending row of each
chat can be claimed, which keeps every chat in order even across loops and while a row
waits out a 429. If the process dies, its leases run out within `CLAIM_LEASE` and whoever
claims next sends the rows again: a message that was in flight (its request made, its
answer not yet recorded) may then arrive twice; nothing is lost and nothing else is sent
twice. A long text split into parts records each part sent, so only the part in flight can
come twice. Settles are made as this loop's owner: a loop that stalled past its lease finds
its rows taken over and leaves them to the new owner instead of settling them.

A message for a ticket's topic in an officers' group (`Outgoing.topic`) goes into the topic
the ticket has in that group; the first one opens it and keeps its thread id on the ticket.
Per-chat order means the next message for the group is claimed only after that, so it
finds the topic. When the topic turns out to be gone (officers deleted it: `TopicGone`),
the message that found out opens the ticket a new one, records it, posts the ticket's card
and history there (`TopicRecap`), and goes in after them; the group's later messages wait
behind it as usual. That happens once per attempt: a new topic refused as well fails the
message like any refusal, so nothing loops. A crash while the card and history are being
posted leaves them short; the message itself is sent into the new topic at the next try.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import logging
import os
import secrets
import socket
from collections import Counter, deque
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from html import escape
from typing import Any, Literal, TypeVar, overload

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import killpoints
from bot.clock import SYSTEM_CLOCK, Clock
from bot.markup import Length, as_plain_html, split_html
from bot.transports.base import (
    MarkupRejected,
    PermanentError,
    RetryAfter,
    Sender,
    TopicGone,
    TopicSender,
    TransientError,
    Unreachable,
)
from db.engine import one_statement
from db.models import OutboxMessage, Person
from db.repositories import outbox
from db.repositories.outbox import CONVERSATION
from handlers.core.reachability import person_unreachable
from handlers.messages import Outgoing, Topic
from handlers.tickets import topics

logger = logging.getLogger(__name__)

UnreachableHook = Callable[[AsyncSession, int, datetime], Awaitable[None]]
# (session, ticket id, group chat id) -> what a ticket's reopened topic starts with.
TopicRecap = Callable[[AsyncSession, int, str], Awaitable[Sequence[Outgoing]]]
T = TypeVar("T")


def new_owner() -> str:
    """A name for one delivery loop, unique across processes and restarts, and telling an
    operator reading the outbox which host and process holds a row."""
    return f"{socket.gethostname()[:40]}/{os.getpid()}/{secrets.token_hex(4)}"


def split_message(message: Outgoing, limit: int, length: Length) -> list[Outgoing]:
    """The messages that carry `message` within `limit` (counted by `length`): an edit
    edits with the first part and sends the rest; attachments go with the first part and
    buttons with the last."""
    texts = split_html(message.text, limit, length)
    if len(texts) == 1:
        return [message]
    last = len(texts) - 1
    return [
        replace(
            message,
            text=text,
            buttons=message.buttons if number == last else (),
            edit_message_id=message.edit_message_id if number == 0 else None,
            attachments=message.attachments if number == 0 else (),
            upload=message.upload if number == 0 else None,
        )
        for number, text in enumerate(texts)
    ]


# How often a send waits to see a slot freed when every slot of the global window is held
# by sends still waiting for their answer.
_IN_FLIGHT_POLL = 0.01


class _RateLimiter:
    """Per-chat spacing, a global sliding window of one second, and a per-group minute.

    A send holds its place in the global window from the moment it starts until one
    window after its answer came: the messenger counts it when it arrives, which is
    somewhere in between, so requests that travel at different speeds and arrive bunched
    still never exceed the limit where it is counted.
    """

    def __init__(
        self,
        clock: Clock,
        *,
        per_chat_interval: float,
        global_rate: float,
        group_rate_per_minute: int,
    ) -> None:
        self._clock = clock
        self._per_chat_interval = per_chat_interval
        self.global_limit = max(1, int(global_rate))
        self.global_window = 1.0 / global_rate * self.global_limit
        self._group_limit = group_rate_per_minute
        self._last_send: dict[str, float] = {}
        # When recent sends got their answer; sends still waiting are counted apart.
        self._recent: deque[float] = deque()
        self._in_flight = 0
        self._group_recent: dict[str, deque[float]] = {}
        self._paused: dict[str, float] = {}

    def pause(self, chat_id: str, seconds: float) -> None:
        self._paused[chat_id] = self._clock.monotonic() + seconds

    def paused_for(self, chat_id: str) -> float:
        until = self._paused.get(chat_id)
        if until is None:
            return 0.0
        left = until - self._clock.monotonic()
        if left <= 0:
            del self._paused[chat_id]
            return 0.0
        return left

    def chat_wait(self, chat_id: str) -> float:
        """Seconds until the chat's own limits (spacing, a group's minute) allow a send."""
        now = self._clock.monotonic()
        waits = [0.0]
        last = self._last_send.get(chat_id)
        if last is not None:
            waits.append(last + self._per_chat_interval - now)
        group = self._group_recent.get(chat_id)
        if group is not None:
            while group and group[0] <= now - 60.0:
                group.popleft()
            if len(group) >= self._group_limit:
                waits.append(group[0] + 60.0 - now)
        return max(waits)

    def global_wait(self) -> float:
        """Seconds until the global window has room for a send."""
        now = self._clock.monotonic()
        while self._recent and self._recent[0] <= now - self.global_window:
            self._recent.popleft()
        if len(self._recent) + self._in_flight < self.global_limit:
            return 0.0
        freed = self._recent[0] + self.global_window - now if self._recent else 0.0
        return max(freed, _IN_FLIGHT_POLL)

    def record(self, chat_id: str, *, group: bool) -> None:
        """A send to the chat starts; `answered` must follow when it is over."""
        now = self._clock.monotonic()
        self._last_send[chat_id] = now
        self._in_flight += 1
        if group:
            self._group_recent.setdefault(chat_id, deque()).append(now)
        if len(self._last_send) > 10_000:
            # Forget chats whose spacing has long passed, so memory follows active chats.
            horizon = now - max(self._per_chat_interval, 60.0)
            for chat, at in list(self._last_send.items()):
                if at < horizon:
                    del self._last_send[chat]
                    self._group_recent.pop(chat, None)

    def sent_earlier(self, ages: Sequence[float]) -> None:
        """Sends made before this limiter existed, `ages` seconds ago, count in the window."""
        now = self._clock.monotonic()
        self._recent = deque(sorted([*self._recent, *(now - age for age in ages)]))

    def answered(self) -> None:
        """A send started with `record` is over (sent or not)."""
        self._in_flight -= 1
        self._recent.append(self._clock.monotonic())


class _StoppedError(Exception):
    """Raised inside a row's delivery when stop() came before its next send."""


class _Slots:
    """At most `size` rows in delivery at once; a freed slot goes to the waiting row of the
    most urgent priority (lowest number), in arrival order within one.

    A plain semaphore serves in arrival order, and an announcement claims rows by the
    batch: a worker's answer claimed a moment later would queue behind the whole batch.
    """

    def __init__(self, size: int) -> None:
        self._free = size
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    @contextlib.asynccontextmanager
    async def held(self, priority: int) -> AsyncIterator[None]:
        if self._free > 0 and not self._waiting:
            self._free -= 1
        else:
            turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            heapq.heappush(self._waiting, (priority, next(self._arrivals), turn))
            try:
                await turn
            except asyncio.CancelledError:
                if turn.done() and not turn.cancelled():
                    # Handed the slot and cancelled before using it: pass it on.
                    self._hand_on()
                raise
        try:
            yield
        finally:
            self._hand_on()

    def _hand_on(self) -> None:
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)
                return
        self._free += 1


class Delivery:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        senders: Mapping[str, Sender],
        *,
        per_chat_interval: float = 1.0,
        global_rate: float = 30.0,
        group_rate_per_minute: int = 20,
        clock: Clock = SYSTEM_CLOCK,
        max_attempts: int = 5,
        backoff_base: float = 2.0,
        backoff_cap: float = 300.0,
        poll_interval: float = 1.0,
        wake_gather: float = 0.02,
        batch_size: int = 50,
        max_in_flight: int = 8,
        claim_ttl: float = outbox.CLAIM_LEASE.total_seconds(),
        send_timeout: float = 60.0,
        on_unreachable: UnreachableHook = person_unreachable,
        topic_recap: TopicRecap | None = None,
        owner: str | None = None,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._senders = dict(senders)
        self._clock = clock
        self._limiter = _RateLimiter(
            clock,
            per_chat_interval=per_chat_interval,
            global_rate=global_rate,
            group_rate_per_minute=group_rate_per_minute,
        )
        self._max_attempts = max_attempts
        self._backoff_base = backoff_base
        self._backoff_cap = backoff_cap
        self._poll_interval = poll_interval
        # How long a claim asked for by a commit waits while rows are in delivery,
        # gathering the commits that follow (see `drain`).
        self._wake_gather = wake_gather
        self._batch_size = batch_size
        self._slots = _Slots(max_in_flight)
        # A claim made because something new was committed takes at least this many rows,
        # even with the batch in hand full: enough for what one update commits.
        self._wake_claim = max_in_flight
        # Sends whose chat is ready, waiting for the global window, by priority.
        self._window_queue: Counter[int] = Counter()
        self._claim_ttl = timedelta(seconds=claim_ttl)
        # Renewed three times a lease, so one late or failed renewal loses nothing.
        self._heartbeat_interval = claim_ttl / 3
        self.owner = owner or new_owner()
        # Rows this loop has claimed and not yet handed back: the heartbeat renews them.
        self._held: set[int] = set()
        self._send_timeout = send_timeout
        self._on_unreachable = on_unreachable
        # None: a reopened topic gets the message alone.
        self._topic_recap = topic_recap
        self._wake = asyncio.Event()
        self._stop = asyncio.Event()
        self._drain_lock = asyncio.Lock()
        # Sent rows waiting to be settled, and the task writing them (None when idle).
        self._sent: list[tuple[outbox.Sent, asyncio.Future[None]]] = []
        self._settling: asyncio.Task[None] | None = None

    def wake(self) -> None:
        """Something was committed to the outbox: look now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        """Finish the sends in flight, leave everything else pending, and end `run()`."""
        self._stop.set()
        self._wake.set()

    async def run(self) -> None:
        heartbeat = asyncio.create_task(self._heartbeat())
        try:
            await self._count_earlier_sends()
            while not self._stop.is_set():
                self._wake.clear()
                try:
                    await self.drain()
                except Exception:
                    logger.exception("delivery pass failed; retrying at the next poll")
                await self._wait(self._poll_interval, wake=True)
        finally:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat

    async def _count_earlier_sends(self) -> None:
        """Start with the global window as the messenger sees it: what was sent within it
        before this loop began (by this process before a restart, or by another replica)."""
        now = self._clock.now()
        window = self._limiter.global_window
        try:
            async with self._sessionmaker() as session:
                sent = await outbox.sent_since(
                    session, now - timedelta(seconds=window), self._limiter.global_limit
                )
        except Exception:
            logger.exception("could not read the sends of the last %gs; starting afresh", window)
            return
        self._limiter.sent_earlier([(now - at).total_seconds() for at in sent])

    async def _heartbeat(self) -> None:
        """Renew the lease of the rows in hand until cancelled; a failure is retried at the
        next beat, and only a process too stalled to beat for a whole lease loses its rows."""
        while True:
            # Not the clock's sleep: a test's virtual clock would jump ahead on every beat.
            await asyncio.sleep(self._heartbeat_interval)
            await self.renew()

    async def renew(self) -> None:
        """Extend the lease of every row this loop holds."""
        held = set(self._held)
        if not held:
            return
        try:
            async with self._sessionmaker() as session, session.begin():
                await outbox.renew(session, self.owner, held, self._clock.now() + self._claim_ttl)
        except Exception:
            logger.exception("could not renew the claims on %d outbox rows", len(held))

    async def drain(self) -> int:
        """Send everything due now; return how many rows were settled (sent or failed).

        Claiming goes on while rows are being delivered: again once half the rows in hand
        are done while there may be more due, so the global window does not idle between
        batches; and when something new was committed (`wake`): at once with nothing in
        hand, else after `wake_gather` seconds, so the commits of that moment share one claim.
        Either way a worker's answer is claimed within moments even while an
        announcement's rows fill the batch. Rows in hand go most urgent first (see
        `_Slots`).
        """
        settled = 0
        async with self._drain_lock:
            delivering: set[asyncio.Task[bool]] = set()
            woken = asyncio.ensure_future(self._wake.wait())
            try:
                while not self._stop.is_set():
                    limit = self._batch_size - len(delivering)
                    if woken.done():
                        if delivering:
                            # Under load every commit wakes delivery: a moment's wait lets
                            # one claim take the answers of several updates instead of
                            # one round trip each. Not the clock's sleep: a test's
                            # virtual clock would jump ahead.
                            await asyncio.sleep(self._wake_gather)
                            if self._stop.is_set():
                                break
                        self._wake.clear()
                        woken = asyncio.ensure_future(self._wake.wait())
                        limit = max(limit, self._wake_claim)
                    try:
                        rows = await self._claim(limit) if limit > 0 else []
                    except Exception:
                        if not delivering:
                            raise
                        # The rows in hand are being sent: finish them, claim at the next pass.
                        logger.exception("claiming outbox rows failed; finishing those in hand")
                        break
                    for row in sorted(rows, key=lambda row: (row.priority, row.id)):
                        delivering.add(asyncio.create_task(self._guarded(row)))
                    if not delivering:
                        break
                    # A full claim may have left more due rows: top up at half. A short one
                    # took all there were: the next are those queued behind the rows in
                    # hand in their chats, claimable once those are done.
                    keep = self._batch_size // 2 if len(rows) >= limit else 0
                    settled += await self._settle_until(delivering, keep, woken)
                settled += await self._settle_until(delivering, 0, None)
            finally:
                woken.cancel()
                for task in delivering:
                    task.cancel()
                await asyncio.gather(*delivering, return_exceptions=True)
        return settled

    async def _settle_until(
        self,
        delivering: set[asyncio.Task[bool]],
        keep: int,
        woken: asyncio.Future[Literal[True]] | None,
    ) -> int:
        """Wait until at most `keep` rows are in delivery, or `woken` is done; return how
        many of the rows that finished were settled."""
        settled = 0
        while len(delivering) > keep and not (woken is not None and woken.done()):
            waiting: set[asyncio.Future[Any]] = set(delivering)
            if woken is not None:
                waiting.add(woken)
            done, _ = await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            for task in delivering & done:
                delivering.discard(task)
                settled += task.result()
        return settled

    async def _wait(self, seconds: float, *, wake: bool = False) -> None:
        waiters: list[asyncio.Future[object]] = [asyncio.ensure_future(self._stop.wait())]
        if wake:
            waiters.append(asyncio.ensure_future(self._wake.wait()))
        waiters.append(asyncio.ensure_future(self._clock.sleep(seconds)))
        try:
            await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()
            for waiter in waiters:
                with contextlib.suppress(asyncio.CancelledError):
                    await waiter

    async def _claim(self, limit: int) -> list[OutboxMessage]:
        # The rows outlive the session: its sessionmaker keeps loaded objects after commit.
        async with one_statement(self._sessionmaker) as session:
            rows = await outbox.claim_due(
                session,
                self._clock.now(),
                limit,
                platforms=list(self._senders),
                lease=self._claim_ttl,
                owner=self.owner,
            )
        self._held.update(row.id for row in rows)
        return rows

    async def _guarded(self, row: OutboxMessage) -> bool:
        try:
            async with self._slots.held(row.priority):
                try:
                    return await self._deliver(row)
                except _StoppedError:
                    await self._release(row, 0.0)
                    return False
                except Exception:
                    # The row stays claimed; no longer renewed, its lease runs out and it is
                    # tried again (the claim counted this attempt).
                    logger.exception("delivering outbox row %s failed", row.id)
                    return False
        finally:
            self._held.discard(row.id)

    @contextlib.asynccontextmanager
    async def _turn(
        self, sender: Sender, chat_id: str, priority: int = CONVERSATION
    ) -> AsyncIterator[None]:
        """Wait until this chat may get its next message, then hold the slot while sending.

        A send whose chat is ready waits for the global window; while a more urgent one
        waits there too, it lets that one go first: an announcement keeps the window full,
        and a worker's answer would otherwise race every announcement send for each place.
        """
        if not sender.messenger.paced:
            if self._stop.is_set():
                raise _StoppedError
            yield
            return
        queued = False
        try:
            while True:
                if self._stop.is_set():
                    raise _StoppedError
                wait = self._limiter.chat_wait(chat_id)
                if wait <= 0:
                    if not queued:
                        self._window_queue[priority] += 1
                        queued = True
                    wait = self._limiter.global_wait()
                    if wait <= 0 and self._more_urgent_queued(priority):
                        wait = _IN_FLIGHT_POLL
                if wait <= 0:
                    break
                await self._wait(wait)
        finally:
            if queued:
                self._window_queue[priority] -= 1
        self._limiter.record(chat_id, group=sender.messenger.is_group_chat(chat_id))
        try:
            yield
        finally:
            self._limiter.answered()

    def _more_urgent_queued(self, priority: int) -> bool:
        return any(waiting and queued < priority for queued, waiting in self._window_queue.items())

    async def _send(self, sender: Sender, message: Outgoing) -> str | None:
        killpoints.reached("sending")
        sent = await self._with_timeout(sender.send(message))
        killpoints.reached("sent")
        return sent

    async def _with_timeout(self, call: Awaitable[T]) -> T:
        try:
            async with asyncio.timeout(self._send_timeout):
                return await call
        except TimeoutError as exc:
            msg = f"no answer within {self._send_timeout:g}s"
            raise TransientError(msg) from exc

    async def _send_part(
        self, sender: Sender, part: Outgoing, priority: int = CONVERSATION
    ) -> str | None:
        try:
            async with self._turn(sender, part.chat_id, priority):
                return await self._send(sender, part)
        except MarkupRejected as exc:
            logger.warning(
                "markup rejected by %s (%s); resending as plain text",
                sender.messenger.platform,
                exc,
            )
        async with self._turn(sender, part.chat_id, priority):
            return await self._send(sender, replace(part, text=as_plain_html(part.text)))

    async def _deliver(self, row: OutboxMessage) -> bool:
        """Send one row; return True when it is settled (sent or failed for good)."""
        sender = self._senders[row.platform]
        paused = self._limiter.paused_for(row.chat_id)
        if paused > 0:
            await self._release(row, paused)
            return False
        try:
            message = await self._into_topic(sender, Outgoing.from_json(row.payload))
        except Exception as exc:  # noqa: BLE001 - settled like a failed send
            return await self._settle_error(row, exc, None)
        parts = self._parts(sender, message)
        message_id: str | None = None
        reopened = False
        number = 0
        while number < len(parts):
            part = parts[number]
            unsent = parts[number:] if number else None
            if self._stop.is_set() and unsent is not None:
                await self._release(row, 0.0, unsent=unsent)
                return False
            try:
                message_id = await self._send_part(sender, part, row.priority)
            except _StoppedError:
                if unsent is None:
                    raise
                await self._release(row, 0.0, unsent=unsent)
                return False
            except TopicGone as exc:
                if reopened or part.topic is None or part.thread_id is None:
                    return await self._settle_error(row, exc, unsent)
                reopened = True
                try:
                    thread_id = await self._reopen_topic(sender, part, part.topic, part.thread_id)
                except Exception as failure:  # noqa: BLE001 - every failure is settled
                    return await self._settle_error(row, failure, unsent)
                parts = [replace(rest, thread_id=thread_id) for rest in parts]
                continue
            except Exception as exc:  # noqa: BLE001 - every failure is settled
                return await self._settle_error(row, exc, unsent)
            if number < len(parts) - 1:
                killpoints.reached("part-sent")
                async with self._sessionmaker() as session, session.begin():
                    held = await outbox.record_progress(
                        session, row.id, _rejoin(parts[number + 1 :]), owner=self.owner
                    )
                if not held:
                    logger.warning("outbox row %s was taken over mid-send; left to it", row.id)
                    return False
            number += 1
        await self._mark_sent(row, message_id)
        return True

    def _parts(self, sender: Sender, message: Outgoing) -> list[Outgoing]:
        messenger = sender.messenger
        return split_message(message, messenger.max_text_length, messenger.text_length)

    async def _mark_sent(self, row: OutboxMessage, message_id: str | None) -> None:
        """Settle a sent row; returns once it is committed as sent.

        Rows sent while an earlier settle is being written go together in the next one:
        one transaction for many sends instead of one each, which under load is most of
        delivery's database work (and, on SQLite, of its waits for the write lock).
        """
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sent.append((outbox.Sent(row.id, message_id, self._clock.now()), done))
        if self._settling is None:
            self._settling = asyncio.create_task(self._settle_sent())
        await done

    async def _settle_sent(self) -> None:
        batch: list[tuple[outbox.Sent, asyncio.Future[None]]] = []
        try:
            while self._sent:
                batch, self._sent = self._sent, []
                try:
                    async with one_statement(self._sessionmaker) as session:
                        await outbox.mark_sent_many(
                            session, [sent for sent, _ in batch], owner=self.owner
                        )
                except Exception as exc:  # noqa: BLE001 - each waiting send gets the failure
                    for _, done in batch:
                        if not done.done():
                            done.set_exception(exc)
                else:
                    for _, done in batch:
                        if not done.done():
                            done.set_result(None)
        except BaseException:
            # Cancelled (the loop is closing): nobody may wait forever for a settle.
            for _, done in (*batch, *self._sent):
                done.cancel()
            self._sent = []
            raise
        finally:
            self._settling = None

    async def _into_topic(self, sender: Sender, message: Outgoing) -> Outgoing:
        """The message placed in its ticket's topic, the topic opened first if need be."""
        topic = message.topic
        if topic is None or message.thread_id is not None:
            return message
        if not isinstance(sender, TopicSender):
            # No topics on this messenger: the group gets the message, headed by the title.
            text = f"<b>{escape(topic.title, quote=False)}</b>\n{message.text}"
            return replace(message, text=text, topic=None)
        async with self._sessionmaker() as session:
            thread_id = await topics.topic_thread(session, topic.ticket_id, message.chat_id)
        if thread_id is None:
            thread_id = await self._open_topic(sender, message.chat_id, topic)
        # Kept in the payload from here on, so a retry does not look the topic up again.
        return replace(message, thread_id=thread_id)

    async def _open_topic(self, sender: TopicSender, chat_id: str, topic: Topic) -> str:
        """Open the ticket's topic in the group and record it; its thread id."""
        async with self._turn(sender, chat_id):
            thread_id = await self._with_timeout(sender.create_topic(chat_id, topic.title))
        async with self._sessionmaker() as session, session.begin():
            kept = await topics.remember_topic(session, topic.ticket_id, chat_id, thread_id)
        if not kept:
            logger.info("ticket %s left group %s meanwhile", topic.ticket_id, chat_id)
        return thread_id

    async def _reopen_topic(
        self, sender: Sender, message: Outgoing, topic: Topic, gone: str
    ) -> str:
        """The ticket's topic `gone` was deleted: the thread id to send `message` to now.

        Opens a new topic and starts it with the ticket's card and history, unless another
        message got there first and the ticket has its new topic already.
        """
        if not isinstance(sender, TopicSender):
            msg = f"{sender.messenger.platform} has no topics to open again"
            raise PermanentError(msg)
        async with self._sessionmaker() as session, session.begin():
            current = await topics.forget_topic(session, topic.ticket_id, message.chat_id, gone)
        if current is not None:
            return current
        logger.info(
            "the topic of ticket %s in %s is gone; opening a new one",
            topic.ticket_id,
            message.chat_id,
        )
        thread_id = await self._open_topic(sender, message.chat_id, topic)
        if self._topic_recap is not None:
            async with self._sessionmaker() as session:
                recap = await self._topic_recap(session, topic.ticket_id, message.chat_id)
            for opening in recap:
                for part in self._parts(sender, replace(opening, thread_id=thread_id)):
                    await self._send_part(sender, part)
        return thread_id

    async def _settle_error(
        self, row: OutboxMessage, exc: Exception, unsent: Sequence[Outgoing] | None
    ) -> bool:
        """Settle a row whose send failed with `exc`; True when it is settled for good."""
        if isinstance(exc, _StoppedError):
            await self._release(row, 0.0, unsent=unsent)
            return False
        if isinstance(exc, RetryAfter):
            self._limiter.pause(row.chat_id, exc.seconds)
            await self._release(row, exc.seconds, error=str(exc), unsent=unsent)
            return False
        if isinstance(exc, Unreachable):
            await self._fail(row, str(exc), unreachable=True)
            return True
        if isinstance(exc, PermanentError | MarkupRejected):
            await self._fail(row, f"{type(exc).__name__}: {exc}")
            return True
        # TransientError, and anything unforeseen from a transport: retry, bounded.
        error = f"{type(exc).__name__}: {exc}"
        if not isinstance(exc, TransientError):
            logger.error("unexpected error sending outbox row %s", row.id, exc_info=exc)
        # The claim counted this attempt already.
        if row.attempts >= self._max_attempts:
            await self._fail(row, error)
            return True
        delay = min(self._backoff_cap, self._backoff_base * 2 ** (row.attempts - 1))
        async with self._sessionmaker() as session, session.begin():
            await outbox.reschedule(
                session,
                row.id,
                self._after(delay),
                error,
                payload=_rejoin(unsent),
                owner=self.owner,
            )
        return False

    def _after(self, seconds: float) -> datetime:
        return self._clock.now() + timedelta(seconds=seconds)

    async def _release(
        self,
        row: OutboxMessage,
        delay: float,
        *,
        error: str | None = None,
        unsent: Sequence[Outgoing] | None = None,
    ) -> None:
        async with self._sessionmaker() as session, session.begin():
            await outbox.release(
                session,
                row.id,
                self._after(delay),
                error=error,
                payload=_rejoin(unsent),
                owner=self.owner,
            )

    async def _fail(self, row: OutboxMessage, error: str, *, unreachable: bool = False) -> None:
        now = self._clock.now()
        async with self._sessionmaker() as session, session.begin():
            held = await outbox.mark_failed(session, row.id, error, owner=self.owner)
            if held and unreachable and row.person_id is not None:
                person = await session.get(Person, row.person_id)
                # Only the first refusal tells the officers; later rows to the same person
                # fail quietly.
                if person is not None and person.reachable:
                    await self._on_unreachable(session, row.person_id, now)
        logger.info("outbox row %s failed: %s", row.id, error)


@overload
def _rejoin(parts: Sequence[Outgoing]) -> str: ...


@overload
def _rejoin(parts: None) -> None: ...


@overload
def _rejoin(parts: Sequence[Outgoing] | None) -> str | None: ...


def _rejoin(parts: Sequence[Outgoing] | None) -> str | None:
    """The payload of one message holding the parts still to send (None: the row's payload
    is still whole); each part is well-formed on its own."""
    if parts is None:
        return None
    first, last = parts[0], parts[-1]
    return replace(
        first,
        text="\n\n".join(part.text for part in parts),
        buttons=last.buttons,
    ).to_json()
