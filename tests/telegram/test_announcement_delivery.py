"""An announcement to 5,000 workers through the real bot and the fake Bot API server with
Telegram's flood control on: no 429, nobody twice across a restart in the middle, and a
worker talking to the bot meanwhile is answered in order."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.settings import Settings
from bot.telegram_bot import TelegramBot
from handlers import announcements
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.faults import RateLimits
from tests.telegram.workers import insert_workers

RECIPIENTS = 5000
# Telegram's 30 a second, scaled up so the test takes seconds; the per-chat second is real.
RATE = 300.0


@pytest.fixture
async def limited() -> AsyncIterator[FakeTelegram]:
    limits = RateLimits(per_chat_per_second=1.0, per_group_per_minute=20, global_per_second=RATE)
    async with FakeTelegram(rate_limits=limits) as fake:
        yield fake


def _sends(tg: FakeTelegram) -> int:
    return sum(1 for call in tg.calls if call.method == "sendMessage" and call.ok)


async def test_announcement_within_limits_once_each_across_a_restart(
    limited: FakeTelegram, database_url: str, engine: AsyncEngine
) -> None:
    del engine  # it empties the run's PostgreSQL database first; the bot makes its own
    tg = limited
    users = [tg.user(started=True) for _ in range(RECIPIENTS)]
    settings = Settings(
        _env_file=None,
        telegram_token=SecretStr(tg.token),
        telegram_api_base=tg.base_url,
        database_url=database_url,
        delivery_poll_interval=0.2,
        delivery_global_rate=RATE,
    )

    first = await TelegramBot.create(settings, transport_name="aiogram", polling_timeout=1)
    now = datetime.now(UTC)
    await insert_workers(first.app.sessionmaker, users)
    async with first.app.sessionmaker() as session, session.begin():
        made = await announcements.create(session, text="互助保障报名开始了", send_at=now, now=now)
    await first.start()
    await tg.wait_for(lambda: _sends(tg) >= RECIPIENTS // 3, 60.0, "a third sent")
    await first.stop()  # as on SIGTERM: what is in flight finishes, the rest waits

    second = await TelegramBot.create(settings, transport_name="aiogram", polling_timeout=1)
    await second.start()
    try:
        talker = tg.user(first_name="Asker")
        asked = [
            tg.user_sends_text(talker, "/help"),
            tg.user_sends_text(talker, "医疗互助怎么报销"),
            tg.user_sends_text(talker, "/start"),
        ]
        answers = await tg.wait_sent(talker.id, 3, timeout=30.0)
        await tg.wait_for(lambda: _sends(tg) >= RECIPIENTS + 3, 120.0, "all sent")
        for _ in range(100):  # the last sends are settled in the database just after
            async with second.app.sessionmaker() as session:
                shown = await announcements.progress(session, made.id)
            if not shown.left:
                break
            await asyncio.sleep(0.1)
    finally:
        await second.stop()

    assert len(asked) == 3
    assert "/start" in answers[0].get("text", "")  # the help names the commands
    assert "互助" in answers[1].get("text", "")
    assert "请选择" in answers[2].get("text", "") or "您好" in answers[2].get("text", "")
    assert [c for c in tg.calls if c.status == 429] == []
    assert all(len(tg.sent_to(u.id)) == 1 for u in users), "somebody got it twice, or never"
    assert (shown.total, shown.sent, shown.failed, shown.left) == (RECIPIENTS, RECIPIENTS, 0, 0)
    message = tg.sent_to(users[0].id)[0]
    (row,) = message["reply_markup"]["inline_keyboard"]
    assert row[0]["callback_data"] == "sub:off"
