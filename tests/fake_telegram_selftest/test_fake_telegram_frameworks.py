"""The frameworks' own polling loops run against the fake: an echo bot in each."""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramRetryAfter
from aiogram.types import Message
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from tests.fake_telegram import FakeTelegram, RateLimits


async def test_aiogram_dispatcher_polls_and_answers(tg: FakeTelegram) -> None:
    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.reply(f"echo: {message.text}")

    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, polling_timeout=1)
    )
    try:
        worker = tg.user()
        tg.user_sends_text(worker, "一")
        last = tg.user_sends_text(worker, "二")
        sent = await tg.wait_sent(worker.id, 2, timeout=5)
        assert sorted((m["text"], m["reply_to_message"]["text"]) for m in sent) == [
            ("echo: 一", "一"),
            ("echo: 二", "二"),
        ]
        await tg.wait_delivered(last, timeout=5)
    finally:
        await dispatcher.stop_polling()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(polling, 5)


async def test_ptb_application_polls_and_answers(
    tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(f"echo: {update.effective_message.text}")

    application = (
        Application.builder()
        .token(tg.token)
        .base_url(f"{tg.base_url}/bot")
        .base_file_url(f"{tg.base_url}/file/bot")
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=1)
        try:
            worker = tg.user()
            tg.user_sends_text(worker, "hello")
            (sent,) = await tg.wait_sent(worker.id, 1, timeout=5)
            assert sent["text"] == "echo: hello"
        finally:
            await application.updater.stop()
            await application.stop()


async def test_flood_control_when_enabled(tg: FakeTelegram) -> None:
    tg.rate_limits = RateLimits(per_chat_per_second=1, per_group_per_minute=20)
    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    try:
        worker = tg.user(started=True)
        await bot.send_message(worker.id, "first")
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(worker.id, "second, too soon")
        assert info.value.retry_after == 1
        group = tg.supergroup()
        for number in range(20):
            await bot.send_message(group.id, f"{number}")
        with pytest.raises(TelegramRetryAfter) as info:
            await bot.send_message(group.id, "21st in a minute")
        assert 55 <= info.value.retry_after <= 60
    finally:
        await bot.session.close()
