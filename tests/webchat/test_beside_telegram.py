"""`workerbot run --web` as it assembles: Telegram and the web chat in one bot. A worker files
from the web chat with a photo; the officer works the ticket in Telegram (real aiogram and
python-telegram-bot against the fake Bot API server), sees the photo there, and the worker
reads the reply on the page."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from bot.launch import assemble
from bot.runner import Runner
from bot.settings import Settings
from bot.transports import web
from bot.transports.base import Registration, RunOptions
from bot.transports.telegram_receiver import AIOGRAM, PTB
from bot.transports.web import WebChat
from bot.web.server import beside
from db.models import WebChatFile
from handlers import admin
from tests.fake_telegram import BadRequest, FakeTelegram, FakeUser
from tests.webchat.stage import JPEG, Stage, Worker, file_grievance


@dataclass
class Bot:
    """The bot as `workerbot run --web` runs it, an officer on Telegram and a worker's
    browser on the web chat."""

    tg: FakeTelegram
    runner: Runner
    officer: FakeUser
    browser: Worker

    def said(self, text: str) -> dict[str, object] | None:
        return next(
            (m for m in self.tg.sent_to(self.officer.id) if text in m.get("text", "")), None
        )


@asynccontextmanager
async def telegram_beside_web(chat_database: str, telegram: Registration) -> AsyncIterator[Bot]:
    async with FakeTelegram() as tg:
        settings = Settings(
            _env_file=None,
            database_url=chat_database,
            telegram_token=SecretStr(tg.token),
            telegram_api_base=tg.base_url,
            delivery_poll_interval=0.2,
        )

        runner = await assemble(
            settings, [telegram, web.REGISTRATION], RunOptions(web="127.0.0.1:0"),
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
            yield Bot(tg, runner, officer, browser)
        finally:
            await browser.close()
            await chat.stop()
            await server.stop()
            await runner.stop()


TELEGRAMS = pytest.mark.parametrize("telegram", [AIOGRAM, PTB], ids=["aiogram", "ptb"])


@TELEGRAMS
async def test_an_officer_on_telegram_works_a_web_chat_ticket(
    chat_database: str, telegram: Registration
) -> None:
    async with telegram_beside_web(chat_database, telegram) as bot:
        tg, officer, browser, said = bot.tg, bot.officer, bot.browser, bot.said
        reference = await file_grievance(browser, "仓库的叉车没有倒车警报", photo=JPEG)

        card = await tg.wait_for(lambda: said(reference), 10.0, "the card")
        assert card is not None
        assert "渠道：网页聊天" in str(card["text"])
        # Telegram does not know the web chat's id for the photo: it gets the bytes the
        # web chat kept (without the phone's EXIF), and the text says where else it is.
        await tg.wait_for(lambda: said("也可在工作台查看"), 10.0, "where the photo is")

        def photo() -> dict[str, object] | None:
            return next((m for m in tg.sent_to(officer.id) if "photo" in m), None)

        sent = await tg.wait_for(photo, 10.0, "the photo")
        assert sent is not None
        async with bot.runner.app.sessionmaker() as session:
            kept = (await session.scalars(select(WebChatFile.content))).one()
        assert b"GPS" not in kept
        photos = sent["photo"]
        assert isinstance(photos, list)
        assert tg.file_content(photos[-1]["file_id"]) == kept
        (upload,) = next(c for c in tg.calls_to("sendPhoto") if c.ok).uploads.values()
        assert upload.filename == "photo.jpg"  # nothing of the worker in its name

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


@TELEGRAMS
async def test_a_photo_telegram_refuses_leaves_the_card_and_where_to_see_it(
    chat_database: str, telegram: Registration
) -> None:
    async with telegram_beside_web(chat_database, telegram) as bot:
        bot.tg.fail_next("sendPhoto", error=BadRequest("Bad Request: IMAGE_PROCESS_FAILED"))
        reference = await file_grievance(bot.browser, "仓库的叉车没有倒车警报", photo=JPEG)
        assert await bot.tg.wait_for(lambda: bot.said(reference), 10.0, "the card")
        # The text went before the photo: it arrived, and says where the photo is.
        assert await bot.tg.wait_for(lambda: bot.said("也可在工作台查看"), 10.0, "the note")
        await bot.tg.wait_for(lambda: bot.tg.calls_to("sendPhoto"), 10.0, "the upload")
        assert not bot.tg.calls_to("sendPhoto")[0].ok
        assert not any("photo" in m for m in bot.tg.sent_to(bot.officer.id))


@TELEGRAMS
async def test_a_photo_is_uploaded_once_and_sent_again_by_telegrams_id(
    chat_database: str, telegram: Registration
) -> None:
    async with telegram_beside_web(chat_database, telegram) as bot:
        reference = await file_grievance(bot.browser, "仓库的叉车没有倒车警报", photo=JPEG)

        def photos(count: int) -> list[dict[str, object]] | None:
            sent = [m for m in bot.tg.sent_to(bot.officer.id) if "photo" in m]
            return sent if len(sent) >= count else None

        await bot.tg.wait_for(lambda: photos(1), 10.0, "the photo with the card")
        # The officer asks for the ticket again: its card and files come again.
        bot.tg.user_sends_text(bot.officer, f"/ticket {reference}")
        received = await bot.tg.wait_for(lambda: photos(2), 10.0, "the photo again")
        assert received is not None
        async with bot.runner.app.sessionmaker() as session:
            kept = (await session.scalars(select(WebChatFile.content))).one()
        for message in received:
            sizes = message["photo"]
            assert isinstance(sizes, list)
            assert bot.tg.file_content(sizes[-1]["file_id"]) == kept
        calls = [c for c in bot.tg.calls_to("sendPhoto") if c.ok]
        assert [bool(c.uploads) for c in calls] == [True, False]
