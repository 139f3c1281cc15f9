"""The floor of the bot's stack, for `e2e.py`: the least any bot built as this one is can
cost per question, measured beside the echo bot and the whole bot.

A floor bot is written directly on the framework, like the echo bot, and does what the
design asks of every update and nothing else: one transaction (SQLAlchemy's AsyncSession,
the bot's own engine settings) that records the update id and queues the answer in an
outbox table; after the commit a delivery loop claims queued rows (one statement, in
autocommit on PostgreSQL as the bot's delivery does), sends them at most eight at a time
and marks them sent (one statement). The answer is the message the whole bot sends for the
benchmark's question: the bundled knowledge base's answer with its two feedback buttons.
No person, no conversation state, no flow; no matching either, unless asked for
(`Answers(matching=True)`: each question matched as the bot matches it).

What the whole bot costs above this row is the bot's own work; what this row costs above
the echo bot is the price of the transaction and the outbox on this machine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.app import matcher_builder
from bot.settings import Settings
from db.engine import create_engine, create_sessionmaker, one_statement
from faq.loader import load_knowledge_base
from faq.schema import Entry
from handlers.core.buttons import FeedbackButton
from handlers.core.texts import t

if TYPE_CHECKING:
    from benchmarks.e2e import Send

Count = Callable[[AsyncEngine], Callable[[], int]]  # starts counting an engine's statements

_IN_FLIGHT = 8  # as the bot's delivery: `Delivery(max_in_flight=...)`
_BATCH = 50

_metadata = MetaData()
_updates = Table("floor_updates", _metadata, Column("update_id", String(64), primary_key=True))
_outbox = Table(
    "floor_outbox",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("chat_id", BigInteger, nullable=False),
    Column("text", Text, nullable=False),
    Column("claimed", Boolean, nullable=False, default=False),
    Column("sent", Boolean, nullable=False, default=False),
)
# Built once, as the bot builds its hot statements: one built per update would spend more
# on working out its cache key than on running it, and flatter nothing but the bot.
_RECORD = insert(_updates)
_QUEUE = insert(_outbox)
_SETTLE = update(_outbox).where(_outbox.c.id.in_(bindparam("ids", expanding=True)))
_CLAIM = (
    update(_outbox)
    .where(
        _outbox.c.id.in_(
            select(_outbox.c.id)
            .where(_outbox.c.claimed.is_(False))
            .order_by(_outbox.c.id)
            .limit(_BATCH)
            .scalar_subquery()
        )
    )
    .values(claimed=True)
    .returning(_outbox.c.id, _outbox.c.chat_id, _outbox.c.text)
)


class Answers:
    """The whole bot's answer to the benchmark's question: the bundled knowledge base's
    entry for it, as the bot renders it, with its two feedback buttons.

    With `matching`, each message is first matched as the bot matches it (`Matcher.match`,
    the bot's settings) and the answer rendered from the entry found.
    """

    def __init__(self, question: str, *, matching: bool) -> None:
        settings = Settings(_env_file=None)
        kb = load_knowledge_base(settings.faq_path, settings.cache_dir)
        self._entry = next(entry for entry in kb.entries if entry.question == question)
        self._matcher = matcher_builder(settings)(kb) if matching else None
        self.buttons = [
            (str(t(self._entry.language, "question.helped")), self._feedback("y")),
            (str(t(self._entry.language, "question.not_helped")), self._feedback("n")),
        ]
        self._fixed = self._render(self._entry)

    def _feedback(self, answer: str) -> str:
        return FeedbackButton(answer, self._entry.id).pack()

    @staticmethod
    def _render(entry: Entry) -> str:
        return str(
            t(entry.language, "question.answer", question=entry.question, answer=entry.answer)
        )

    def to(self, message: str) -> str:
        if self._matcher is None:
            return self._fixed
        found = self._matcher.match(message, language=self._entry.language).entry
        return self._fixed if found is None else self._render(found)


class Floor:
    """The floor bot, on a framework through `e2e.DirectBot`: a transaction per update and
    the outbox."""

    def __init__(self, url: str, answers: Answers, count: Count) -> None:
        self._answers = answers
        self._engine = create_engine(url)
        self._sessionmaker: async_sessionmaker[AsyncSession] = create_sessionmaker(self._engine)
        self.statements: Callable[[], int] | None = count(self._engine)
        self._wake = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    async def start(self, send: Send) -> None:
        async with self._engine.begin() as conn:
            await conn.run_sync(_metadata.create_all)
        self._loop = asyncio.create_task(self._deliver(send))

    async def on_text(self, key: str, chat_id: int, text: str) -> None:
        answer = self._answers.to(text)
        async with self._sessionmaker() as session, session.begin():
            await session.execute(_RECORD, {"update_id": key})
            await session.execute(_QUEUE, {"chat_id": chat_id, "text": answer})
        self._wake.set()

    async def _deliver(self, send: Send) -> None:
        slots = asyncio.Semaphore(_IN_FLIGHT)

        async def one(chat_id: int, text: str) -> None:
            async with slots:
                await send(chat_id, text, self._answers.buttons)

        while True:
            await self._wake.wait()
            self._wake.clear()
            while True:
                async with one_statement(self._sessionmaker) as session:
                    rows = (await session.execute(_CLAIM)).all()
                if not rows:
                    break
                await asyncio.gather(*(one(row.chat_id, row.text) for row in rows))
                async with one_statement(self._sessionmaker) as session:
                    await session.execute(_SETTLE, {"ids": [row.id for row in rows], "sent": True})

    async def stop(self) -> None:
        if self._loop is not None:
            self._loop.cancel()
            await asyncio.gather(self._loop, return_exceptions=True)
        await self._engine.dispose()
