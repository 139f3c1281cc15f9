"""Telegram's side of a send, as delivery sees it, and a clock the test drives."""

from __future__ import annotations

import asyncio
import random
from collections import deque
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.transports.base import DeliveryError, MarkupRejected
from bot.transports.telegram import TELEGRAM
from handlers.messages import Outgoing
from tests.fake_telegram import HtmlParseError, parse_html, utf16_len

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class FakeClock:
    """Virtual time: `sleep` returns at once with the clock moved to the sleeper's wake-up time.

    Concurrent sleepers never move time backwards, and each wakes no earlier than it asked,
    which is all a rate limiter may rely on.
    """

    def __init__(self, start: datetime = START) -> None:
        self._start = start
        self.elapsed = 0.0

    def now(self) -> datetime:
        return self._start + timedelta(seconds=self.elapsed)

    def monotonic(self) -> float:
        return self.elapsed

    async def sleep(self, seconds: float) -> None:
        target = self.elapsed + max(seconds, 0.0)
        await asyncio.sleep(0)
        self.elapsed = max(self.elapsed, target)

    def advance(self, seconds: float) -> None:
        self.elapsed += seconds


@dataclass(frozen=True)
class Sent:
    at: float
    message: Outgoing
    message_id: str


class RecordingSender:
    """Accepts what Telegram would accept, records it, and fails on cue.

    Text is checked as Telegram's HTML parse mode checks it (via the fake Bot API server's
    parser): malformed markup is refused and the visible text must fit `max_text_length`
    (Telegram's unless a test narrows it).
    """

    def __init__(
        self,
        clock: FakeClock,
        *,
        max_text_length: int = TELEGRAM.max_text_length,
        journal: list[Outgoing] | None = None,
        jitter: random.Random | None = None,
    ) -> None:
        self.clock = clock
        # Shared by several senders, it shows the order in which Telegram got the messages.
        self.journal = journal if journal is not None else []
        # Random network latency (up to 20 real milliseconds), to shuffle concurrent sends.
        self.jitter = jitter
        self.messenger = replace(TELEGRAM, max_text_length=max_text_length)
        self.calls: list[Outgoing] = []
        self.sent: list[Sent] = []
        # Errors to raise on the next calls, in order; None lets that call through.
        self.script: deque[DeliveryError | None] = deque()
        # Chats whose every send fails with this error.
        self.always: dict[str, DeliveryError] = {}
        self.gate: asyncio.Event | None = None
        self.entered = asyncio.Event()

    async def send(self, message: Outgoing) -> str | None:
        self.calls.append(message)
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        await asyncio.sleep(self.jitter.uniform(0, 0.02) if self.jitter else 0)
        if message.chat_id in self.always:
            raise self.always[message.chat_id]
        if self.script and (error := self.script.popleft()) is not None:
            raise error
        try:
            visible, _ = parse_html(message.text)
        except HtmlParseError as exc:
            raise MarkupRejected(str(exc)) from exc
        if utf16_len(visible) > self.messenger.max_text_length:
            raise AssertionError(f"message too long: {utf16_len(visible)}")
        message_id = message.edit_message_id or str(1000 + len(self.sent))
        self.sent.append(Sent(self.clock.monotonic(), message, message_id))
        self.journal.append(message)
        return message_id

    def texts(self, chat_id: str | None = None) -> list[str]:
        return [s.message.text for s in self.sent if chat_id in (None, s.message.chat_id)]
