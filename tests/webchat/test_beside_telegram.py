"""`workerbot run --web` as it assembles: Telegram and the web chat in one bot. A worker files
from the web chat with a photo; the officer works the ticket in Telegram (real aiogram
against the fake Bot API server) and the worker reads the reply on the page."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import SecretStr

from bot.launch import assemble
from bot.settings import Settings
from bot.transports import web
from bot.transports.base import RunOptions
from bot.transports.telegram_receiver import AIOGRAM
from bot.transports.web import WebChat
from bot.web.server import beside
from handlers import admin
from tests.fake_telegram import FakeTelegram
from tests.webchat.stage import JPEG, Stage, Worker, file_grievance


async def test_an_officer_on_telegram_works_a_web_chat_ticket(chat_database: str) -> None:
    async with FakeTelegram() as tg:
        settings = Settings(
            _env_file=None,
            database_url=chat_database,
            telegram_token=SecretStr(tg.token),
            telegram_api_base=tg.base_url,
            delivery_poll_interval=0.2,
        )

        runner = await assemble(
            settings, [AIOGRAM, web.REGISTRATION], RunOptions(web="127.0.0.1:0"),
            per_chat_interval=0,
        )  # fmt: skip
        chat = next(t for t in runner.transports if isinstance(t, WebChat))
        server = beside(runner.app, "127.0.0.1:0", chat)
        officer = tg.user("Wang", started=True)
        async with runner.app.sessionmaker() as session, session.begin():
            keys = [q.key for q in runner.app.routing.queues] + ["default"]
            added, _ = await admin.add_officer(
                session,
                name="Officer Wang",
                queue_keys=keys,
                platform="telegram",
                platform_user_id=str(officer.id),
                now=datetime.now(UTC),
            )
        await runner.start()
        await server.start()
        browser = Worker(Stage(runner.app, chat, server, added.id))
        try:
            await browser.open()
            reference = await file_grievance(browser, "仓库的叉车没有倒车警报", photo=JPEG)

            def said(text: str) -> dict[str, object] | None:
                return next((m for m in tg.sent_to(officer.id) if text in m.get("text", "")), None)

            card = await tg.wait_for(lambda: said(reference), 10.0, "the card")
            assert card is not None
            assert "渠道：网页聊天" in str(card["text"])
            # The photo stays in the web chat's store: Telegram is told where to see it
            # instead of being sent an id it does not know, and nothing failed.
            await tg.wait_for(lambda: said("请在工作台查看"), 10.0, "where the photo is")
            assert not any("photo" in m for m in tg.sent_to(officer.id))

            def button(prefix: str) -> tuple[dict[str, object], str] | None:
                for message in reversed(tg.sent_to(officer.id)):
                    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                        for b in row:
                            if b.get("callback_data", "").startswith(prefix):
                                return message, b["callback_data"]
                return None

            claim = await tg.wait_for(lambda: button("o:claim:"), 10.0, "claim")
            assert claim is not None
            tg.user_presses(officer, *claim)
            reply = await tg.wait_for(lambda: button("o:reply:"), 10.0, "reply")
            assert reply is not None
            tg.user_presses(officer, *reply)
            await tg.wait_for(lambda: said("回复"), 10.0, "the reply prompt")
            tg.user_sends_text(officer, "已安排加装倒车警报器")
            assert "已安排加装倒车警报器" in await browser.events("倒车警报器")
        finally:
            await browser.close()
            await chat.stop()
            await server.stop()
            await runner.stop()
