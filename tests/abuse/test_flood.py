"""Flood control: one person's burst is cut before the database, and nobody else notices."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.app import App, build_app
from bot.settings import Settings
from db.models import OutboxMessage, ProcessedUpdate, UnansweredQuestion
from handlers.messages import Incoming, Outgoing
from tests.delivery.fakes import FakeClock

LIMIT = 20


@pytest.fixture
async def app(database_url: str, engine: AsyncEngine) -> AsyncIterator[tuple[App, FakeClock]]:
    # `engine` empties the run's PostgreSQL database first; the app makes its own.
    del engine
    clock = FakeClock()
    settings = Settings(_env_file=None, database_url=database_url, flood_messages=LIMIT)
    built = await build_app(settings, {}, clock=clock)
    yield built, clock
    await built.close()


def _update(number: int, user: str, text: str) -> Incoming:
    return Incoming(
        platform="telegram",
        update_id=str(number),
        chat_id=user,
        user_id=user,
        language="zh-CN",
        text=text,
    )


async def _rows(app: App) -> tuple[int, int, int]:
    async with app.sessionmaker() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(table))
            for table in (ProcessedUpdate, OutboxMessage, UnansweredQuestion)
        ]
    return (counts[0] or 0, counts[1] or 0, counts[2] or 0)


async def _sent_to(app: App, chat_id: str) -> Sequence[Outgoing]:
    async with app.sessionmaker() as session:
        payloads = await session.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.chat_id == chat_id)
            .order_by(OutboxMessage.id)
        )
        return [Outgoing.from_json(p) for p in payloads]


async def test_a_flood_is_cut_before_the_database_and_others_are_answered(
    app: tuple[App, FakeClock],
) -> None:
    bot, clock = app
    rows_when_answered: tuple[int, int, int] | None = None
    for number in range(1, 501):
        await bot.handle(_update(number, "flooder", f"垃圾消息 {number}"))
        if number == 250:
            # Another worker asks in the middle of the flood.
            await bot.handle(_update(10_000, "asker", "医疗互助怎么报销"))
            rows_when_answered = await _rows(bot)

    # The asker was answered after at most the flooder's allowance of transactions.
    assert rows_when_answered is not None
    assert rows_when_answered[0] <= LIMIT + 2
    answer = await _sent_to(bot, "asker")
    assert len(answer) == 1
    assert "互助" in answer[0].text

    # 500 messages wrote a bounded number of rows: the allowance, one warning, one answer.
    processed, outbox_rows, unanswered = await _rows(bot)
    assert processed == LIMIT + 2
    assert outbox_rows == LIMIT + 2
    assert unanswered <= LIMIT
    to_flooder = await _sent_to(bot, "flooder")
    warnings = [m for m in to_flooder if "太快" in m.text]
    assert len(warnings) == 1

    # Once the window has passed, the flooder is heard again (and may be warned again).
    clock.advance(60)
    await bot.handle(_update(20_000, "flooder", "/start"))
    assert len(await _sent_to(bot, "flooder")) == len(to_flooder) + 1
