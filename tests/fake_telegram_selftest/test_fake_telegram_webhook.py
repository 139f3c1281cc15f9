"""Webhook mode: the fake POSTs updates to the bot, in order, and redelivers on failure."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiohttp import web

from tests.fake_telegram import FakeTelegram


@dataclass
class Receiver:
    """A bot's webhook endpoint that fails while ``failures`` lasts."""

    url: str = ""
    failures: int = 0
    received: list[tuple[dict[str, Any], str | None, int]] = field(default_factory=list)
    reply: dict[str, Any] | None = None


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    state = Receiver()

    async def hook(request: web.Request) -> web.Response:
        status = 500 if state.failures > 0 else 200
        state.failures -= 1
        secret = request.headers.get("X-Telegram-Bot-Api-Secret-Token")
        state.received.append((await request.json(), secret, status))
        if status == 200 and state.reply is not None:
            return web.json_response(state.reply)
        return web.Response(status=status)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server = site._server
    assert server is not None
    port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
    state.url = f"http://127.0.0.1:{port}/hook"
    yield state
    await runner.cleanup()


async def test_updates_are_posted_in_order_with_the_secret(
    tg: FakeTelegram, aio: Bot, receiver: Receiver
) -> None:
    worker = tg.user()
    assert await aio.set_webhook(receiver.url, secret_token="Webhook_Secret-1")
    first = tg.user_sends_text(worker, "one")
    second = tg.user_sends_text(worker, "two")
    await tg.wait_delivered(second, timeout=3)
    assert [(u["update_id"], secret) for u, secret, _ in receiver.received] == [
        (first, "Webhook_Secret-1"),
        (second, "Webhook_Secret-1"),
    ]
    info = await aio.get_webhook_info()
    assert info.url == receiver.url
    assert info.pending_update_count == 0
    with pytest.raises(TelegramConflictError):
        await aio.get_updates(timeout=0)


async def test_failed_deliveries_are_retried_before_later_updates(
    tg: FakeTelegram, aio: Bot, receiver: Receiver
) -> None:
    worker = tg.user()
    receiver.failures = 2
    await aio.set_webhook(receiver.url)
    first = tg.user_sends_text(worker, "one")
    second = tg.user_sends_text(worker, "two")
    await tg.wait_delivered(second, timeout=3)
    assert [(u["update_id"], status) for u, _, status in receiver.received] == [
        (first, 500),
        (first, 500),
        (first, 200),
        (second, 200),
    ]
    assert receiver.received[0][1] is None  # no secret was set, none is sent
    info = await aio.get_webhook_info()
    assert info.last_error_message is not None
    assert "500" in info.last_error_message


async def test_a_webhook_reply_runs_as_a_method_call(
    tg: FakeTelegram, aio: Bot, receiver: Receiver
) -> None:
    worker = tg.user()
    await aio.set_webhook(receiver.url)
    receiver.reply = {"method": "sendMessage", "chat_id": worker.id, "text": "pong"}
    tg.user_sends_text(worker, "ping")
    (reply,) = await tg.wait_sent(worker.id, 1, timeout=3)
    assert reply["text"] == "pong"


async def test_unreachable_webhook_gives_up_after_bounded_attempts(aio: Bot) -> None:
    async with FakeTelegram(webhook_retry_delay=0.01, webhook_max_attempts=3) as tg:
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        bot = Bot(tg.token, session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))
        try:
            await bot.set_webhook("http://127.0.0.1:9/hook")  # nothing listens on port 9
            update_id = tg.user_sends_text(tg.user(), "lost?")
            await tg.wait_delivered(update_id, timeout=3)
            assert [u["update_id"] for u in tg.dropped_updates] == [update_id]
            assert len(tg.webhook_attempts) == 3
            assert all(a.status is None for a in tg.webhook_attempts)
        finally:
            await bot.session.close()


@pytest.mark.parametrize("secret", ["has space", "ü", "x" * 257])
async def test_bad_secret_tokens_are_refused(aio: Bot, secret: str) -> None:
    with pytest.raises(TelegramBadRequest, match="secret token"):
        await aio.set_webhook("http://127.0.0.1:9/hook", secret_token=secret)


async def test_delete_webhook_can_drop_pending_updates(tg: FakeTelegram, aio: Bot) -> None:
    tg.user_sends_text(tg.user(), "old")
    await aio.set_webhook("http://127.0.0.1:9/hook")
    assert await aio.delete_webhook(drop_pending_updates=True)
    assert tg.pending_update_count == 0
    assert await aio.get_updates(timeout=0) == []
    assert json.dumps(await aio.get_webhook_info() is not None)
