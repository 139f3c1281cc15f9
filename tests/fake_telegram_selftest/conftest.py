"""Fixtures: a fake Telegram server and the real aiogram and python-telegram-bot clients."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import telegram
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from tests.fake_telegram import FakeTelegram


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake
    assert fake.internal_errors == []


@pytest.fixture
async def aio(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
    yield bot
    await bot.session.close()


@pytest.fixture
async def ptb(tg: FakeTelegram, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[telegram.Bot]:
    # Opt in to PTB's future timedelta durations, so reading retry_after warns nothing.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    bot = telegram.Bot(
        tg.token, base_url=f"{tg.base_url}/bot", base_file_url=f"{tg.base_url}/file/bot"
    )
    async with bot:
        yield bot
