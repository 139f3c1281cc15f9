"""The whole bot on Telegram: real aiogram or python-telegram-bot against the fake Bot API
server, the real core, the real database (SQLite and PostgreSQL) and real delivery.

Each scenario runs with both frameworks, in long-polling and in webhook mode. People act
only through the fake Telegram (typing, pressing buttons, sending photos); the assertions
read what their chats show and what the database kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiohttp
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, text

from bot.settings import Settings
from bot.telegram_bot import TelegramBot
from bot.transports.telegram_receiver import TransportName
from bot.webhook import SECRET_HEADER
from db.engine import create_engine
from db.models import Base, OutboxMessage, OutboxStatus, Ticket, TicketAttachment
from handlers import admin
from handlers.core.buttons import FormButton, MenuButton
from tests.fake_telegram import FakeTelegram, FakeUser, Forbidden, RetryAfter
from tests.telegram.harness import WEBHOOK_SECRET, free_port

JSON = dict[str, Any]
WORKER_FIRST, WORKER_LAST, WORKER_HANDLE = "Sanfeng", "Zhang", "zsf_rider_88"


@pytest.fixture
async def fresh_database_url(database_url: str) -> str:
    """An empty database the bot creates its schema in, as on a first start."""
    if database_url.startswith("postgresql"):
        engine = create_engine(database_url)
        async with engine.begin() as conn:
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            await conn.run_sync(Base.metadata.drop_all)
        await engine.dispose()
    return database_url


class Stage:
    """The fake Telegram, the bot's settings, and helpers to act as people."""

    def __init__(self, tg: FakeTelegram, url: str, transport: TransportName, mode: str) -> None:
        self.tg = tg
        self.transport: TransportName = transport
        self.webhook = f"http://127.0.0.1:{free_port()}/tg" if mode == "webhook" else None
        self.settings = Settings(
            _env_file=None,
            telegram_token=SecretStr(tg.token),
            telegram_api_base=tg.base_url,
            database_url=url,
            webhook_secret=SecretStr(WEBHOOK_SECRET),
            delivery_poll_interval=0.2,
        )

    @asynccontextmanager
    async def running(self) -> AsyncIterator[TelegramBot]:
        bot = await TelegramBot.create(
            self.settings,
            transport_name=self.transport,
            webhook_url=self.webhook,
            listen=None if self.webhook is None else self.webhook.split("/")[2],
            polling_timeout=1,
            per_chat_interval=0,
        )
        await bot.start()
        try:
            yield bot
        finally:
            await bot.stop()

    def button(self, chat_id: int, prefix: str) -> tuple[JSON, str] | None:
        """The newest bot message in the chat with a button whose action starts so."""
        for message in reversed(self.tg.sent_to(chat_id)):
            for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                for button in row:
                    data = button.get("callback_data", "")
                    if data.startswith(prefix):
                        return message, data
        return None

    async def find_button(self, chat_id: int, prefix: str) -> tuple[JSON, str]:
        found = await self.tg.wait_for(
            lambda: self.button(chat_id, prefix), 10.0, f"a {prefix!r} button in {chat_id}"
        )
        assert found is not None  # wait_for returns only a truthy value
        return found

    async def press(self, user: FakeUser, prefix: str, *, chat_id: int | None = None) -> int:
        message, data = await self.find_button(user.id if chat_id is None else chat_id, prefix)
        return self.tg.user_presses(user, message, data)

    async def says(self, user: FakeUser, words: str, **where: Any) -> int:
        return self.tg.user_sends_text(user, words, **where)

    async def sees(self, chat_id: int, wanted: Callable[[JSON], bool], what: str) -> JSON:
        def match() -> JSON | None:
            return next((m for m in reversed(self.tg.sent_to(chat_id)) if wanted(m)), None)

        found = await self.tg.wait_for(match, 10.0, what)
        assert found is not None  # wait_for returns only a truthy value
        return found


def has_photo(message: JSON, file_id: str) -> bool:
    return any(size.get("file_id") == file_id for size in message.get("photo", []))


def shown(message: JSON) -> str:
    """Everything a person can read on a message: text or caption, and button labels."""
    parts = [message.get("text", ""), message.get("caption", "")]
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        parts.extend(button.get("text", "") for button in row)
    return "\n".join(parts)


async def add_officer(
    stage: Stage, bot: TelegramBot, officer: FakeUser, *, is_admin: bool = False
) -> None:
    async with bot.app.sessionmaker() as session, session.begin():
        queues = [q.key for q in await admin.list_queues(session)]
        await admin.add_officer(
            session,
            name="Officer Wang",
            queue_keys=queues,
            is_admin=is_admin,
            platform="telegram",
            platform_user_id=str(officer.id),
            now=datetime.now(UTC),
        )


async def count_tickets(bot: TelegramBot) -> int:
    async with bot.app.sessionmaker() as session:
        return int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)


async def file_grievance_up_to_photos(stage: Stage, worker: FakeUser) -> None:
    await stage.press(worker, MenuButton("report").pack())
    shown_before = len(stage.tg.sent_to(worker.id))
    await stage.press(worker, FormButton("cat", "facilities").pack())
    await stage.tg.wait_sent(worker.id, shown_before + 1, timeout=10.0)  # "what happened?"
    await stage.says(worker, "3号门的路灯坏了一个月，晚上下班很危险")


async def test_worker_and_officer_work_a_ticket_to_the_end(
    tg: FakeTelegram, fresh_database_url: str, transport_name: TransportName, mode: str
) -> None:
    stage = Stage(tg, fresh_database_url, transport_name, mode)
    worker = tg.user(WORKER_FIRST, last_name=WORKER_LAST, username=WORKER_HANDLE)
    officer = tg.user("Wang", language_code="zh-hans", started=True)
    async with stage.running() as bot:
        await add_officer(stage, bot, officer)

        # A question the knowledge base answers.
        await stage.says(worker, "/start")
        await stage.press(worker, MenuButton("ask").pack())
        await stage.says(worker, "职工医疗互助保障是什么？")
        await stage.sees(worker.id, lambda m: "不是商业保险" in m.get("text", ""), "the answer")

        # A grievance with a photo, filed anonymously; the officer's card is throttled once.
        await file_grievance_up_to_photos(stage, worker)
        await stage.press(worker, FormButton("skip").pack())  # the optional location field
        await stage.press(worker, FormButton("skip").pack())  # where
        await stage.tg.wait_for(
            lambda: stage.button(worker.id, FormButton("done").pack()), 10.0, "photos"
        )
        photo_update = tg.user_sends_photo(worker, caption="路灯")
        photo_id = tg.updates[-1]["message"]["photo"][-1]["file_id"]
        await tg.wait_delivered(photo_update)
        await stage.press(worker, FormButton("done").pack())
        await stage.press(worker, FormButton("anon", "1").pack())
        tg.fail_next("sendMessage", chat_id=officer.id, error=RetryAfter(1))
        await stage.press(worker, FormButton("ok").pack())
        card = await stage.sees(officer.id, lambda m: "GR-" in shown(m), "the officer's card")
        reference = next(w for w in shown(card).split() if w.startswith("GR-"))
        # The worker's photo follows the card, sent by its Telegram file id.
        await stage.sees(officer.id, lambda m: has_photo(m, photo_id), "the worker's photo")

        # The officer claims, asks; the worker answers.
        await stage.press(officer, "o:claim:")
        await stage.press(officer, "o:ask:")
        await stage.says(officer, "是哪一盏灯？靠近保安亭吗？")
        await stage.sees(worker.id, lambda m: "保安亭" in m.get("text", ""), "the question")
        await stage.press(worker, "w:add:")
        await stage.says(worker, "对，就是保安亭旁边那盏")
        await stage.sees(officer.id, lambda m: "旁边那盏" in m.get("text", ""), "the answer")

        # The officer resolves; the worker rates, and a 403 on the way loses nothing else.
        await stage.press(officer, "o:resolve:")
        await stage.says(officer, "已报修，路灯今天修好了")
        await stage.sees(worker.id, lambda m: "修好了" in m.get("text", ""), "the resolution")
        message, stars = await stage.find_button(worker.id, "w:rate:")
        tg.user_presses(worker, message, stars.rsplit(":", 1)[0] + ":5")
        await stage.sees(officer.id, lambda m: "打分：5 星" in shown(m), "told of the rating")

        async with bot.app.sessionmaker() as session:
            ticket = (await session.scalars(select(Ticket))).one()
            files = (await session.scalars(select(TicketAttachment))).all()
        assert ticket.reference == reference
        assert ticket.anonymous
        assert ticket.satisfaction == 5
        assert [f.file_id for f in files] == [photo_id]

    # The officer never learns who the worker is, from anything their chat shows.
    officer_saw = "\n".join(shown(m) for m in tg.sent_to(officer.id))
    for secret in (WORKER_FIRST, WORKER_LAST, WORKER_HANDLE, str(worker.id)):
        assert secret not in officer_saw
    assert reference in officer_saw
    # The 429 was honoured: the card came after a refusal, not instead of one.
    refused = [c for c in tg.calls_to("sendMessage", chat_id=officer.id) if c.status == 429]
    assert len(refused) == 1


async def test_the_same_update_twice_makes_one_ticket(
    tg: FakeTelegram, fresh_database_url: str, transport_name: TransportName, mode: str
) -> None:
    stage = Stage(tg, fresh_database_url, transport_name, mode)
    worker = tg.user()
    async with stage.running() as bot:
        await stage.says(worker, "/start")
        await file_grievance_up_to_photos(stage, worker)
        await stage.press(worker, FormButton("skip").pack())
        await stage.press(worker, FormButton("skip").pack())
        await stage.press(worker, FormButton("done").pack())
        await stage.press(worker, FormButton("anon", "0").pack())
        await stage.press(worker, FormButton("ok").pack())
        # Telegram redelivers: the very same update arrives a second time.
        tg.pending.append(dict(tg.pending[-1]))
        tg.changed()
        await stage.sees(worker.id, lambda m: "GR-" in m.get("text", ""), "the receipt")
        await tg.wait_for(lambda: not tg.pending, 10.0, "both copies delivered")
        assert await count_tickets(bot) == 1
    receipts = [m for m in tg.sent_to(worker.id) if "GR-" in m.get("text", "")]
    assert len(receipts) == 1


async def test_an_update_id_given_out_again_is_answered_and_its_redelivery_is_not(
    tg: FakeTelegram, fresh_database_url: str, transport_name: TransportName, mode: str
) -> None:
    stage = Stage(tg, fresh_database_url, transport_name, mode)
    worker = tg.user()

    def menus() -> int:
        return sum("reply_markup" in m for m in tg.sent_to(worker.id))

    async with stage.running():
        first = await stage.says(worker, "/start")
        await tg.wait_for(lambda: menus() == 1, 10.0, "the menu")
        await tg.wait_delivered(first)
        polls = len(tg.calls_to("getUpdates"))
        if stage.webhook is None:
            await tg.wait_for(
                lambda: len(tg.calls_to("getUpdates")) > polls + 1, 5.0, "an empty long poll"
            )
        # A new token, or a week without updates: Telegram hands out the same id again.
        tg.renumber_updates(first)
        again = await stage.says(worker, "/start")
        assert again == first
        await tg.wait_for(lambda: menus() == 2, 10.0, "the menu for the new update")
        # Telegram redelivers that one: it is recognised.
        tg.pending.append(dict(tg.updates[-1]))
        tg.changed()
        await tg.wait_for(lambda: not tg.pending, 10.0, "the copy delivered")
        await asyncio.sleep(0.5)
    assert menus() == 2


async def test_the_same_update_posted_at_once_is_answered_200_with_one_effect(
    tg: FakeTelegram, fresh_database_url: str, transport_name: TransportName
) -> None:
    stage = Stage(tg, fresh_database_url, transport_name, "webhook")
    worker = tg.user()
    async with stage.running() as bot, aiohttp.ClientSession() as http:
        await stage.says(worker, "/start")
        await stage.sees(worker.id, lambda m: "reply_markup" in m, "the menu")
        # Telegram's retry overtakes the first request: three copies of one update at once.
        update_id = await stage.says(worker, "/help")
        update = next(u for u in tg.pending if u["update_id"] == update_id)
        tg.pending.remove(update)
        url = stage.webhook
        assert url is not None

        async def post() -> int:
            headers = {SECRET_HEADER: WEBHOOK_SECRET}
            async with http.post(url, json=update, headers=headers) as answer:
                return answer.status

        statuses = await asyncio.gather(post(), post(), post())
        async with bot.app.sessionmaker() as session:
            rows = await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.chat_id == str(worker.id))
            )
    assert list(statuses) == [200, 200, 200]
    assert rows == 2  # the menu, and one answer to /help


async def test_a_restart_in_the_middle_of_a_form_carries_on(
    tg: FakeTelegram, fresh_database_url: str, transport_name: TransportName, mode: str
) -> None:
    stage = Stage(tg, fresh_database_url, transport_name, mode)
    worker = tg.user()
    async with stage.running():
        await stage.says(worker, "/start")
        await file_grievance_up_to_photos(stage, worker)
        await stage.tg.wait_for(
            lambda: stage.button(worker.id, FormButton("skip").pack()), 10.0, "location"
        )
    # Stopped; the worker goes on answering while the bot is down.
    await stage.press(worker, FormButton("skip").pack())
    async with stage.running() as bot:
        await stage.press(worker, FormButton("skip").pack())
        await stage.press(worker, FormButton("done").pack())
        await stage.press(worker, FormButton("anon", "0").pack())
        await stage.press(worker, FormButton("ok").pack())
        await stage.sees(worker.id, lambda m: "GR-" in m.get("text", ""), "the receipt")
        async with bot.app.sessionmaker() as session:
            ticket = (await session.scalars(select(Ticket))).one()
        assert "路灯" in ticket.summary


async def test_a_blocked_worker_is_told_to_the_officer_and_nothing_else_is_lost(
    tg: FakeTelegram, fresh_database_url: str, transport_name: TransportName, mode: str
) -> None:
    stage = Stage(tg, fresh_database_url, transport_name, mode)
    worker = tg.user()
    officer = tg.user("Wang", started=True)
    async with stage.running() as bot:
        await add_officer(stage, bot, officer)
        await stage.says(worker, "/start")
        await file_grievance_up_to_photos(stage, worker)
        await stage.press(worker, FormButton("skip").pack())
        await stage.press(worker, FormButton("skip").pack())
        await stage.press(worker, FormButton("done").pack())
        await stage.press(worker, FormButton("anon", "1").pack())
        await stage.press(worker, FormButton("ok").pack())
        await stage.sees(officer.id, lambda m: "GR-" in shown(m), "the card")
        tg.fail_next("sendMessage", chat_id=worker.id, error=Forbidden())
        await stage.press(officer, "o:claim:")

        def refused() -> list[object]:
            return [c for c in tg.calls_to("sendMessage", chat_id=worker.id) if c.status == 403]

        await tg.wait_for(refused, 10.0, "the 403")
        # The officer hears that the worker cannot be reached.
        await stage.sees(officer.id, lambda m: "无法接收消息" in m.get("text", ""), "the notice")
        assert len(refused()) == 1
        # The worker writes again and answers: nothing they send is lost.
        await stage.says(worker, "/start")
        await stage.sees(worker.id, lambda m: "reply_markup" in m, "the menu again")


async def test_officers_work_a_ticket_from_its_topic_in_the_officers_group(
    tg: FakeTelegram, fresh_database_url: str, transport_name: TransportName, mode: str
) -> None:
    stage = Stage(tg, fresh_database_url, transport_name, mode)
    worker = tg.user(WORKER_FIRST, last_name=WORKER_LAST, username=WORKER_HANDLE)
    officer = tg.user("Wang", started=True)
    stranger = tg.user("Passer-by")
    group = tg.supergroup("工会干部群", forum=True)
    async with stage.running() as bot:
        await add_officer(stage, bot, officer, is_admin=True)
        await stage.says(officer, "/linkgroup city-grievances", chat=group)
        await stage.sees(group.id, lambda m: "本群已接管队列" in shown(m), "the link")

        # An anonymous grievance with a photo: the group gets a topic with card and photo.
        await stage.says(worker, "/start")
        await file_grievance_up_to_photos(stage, worker)
        await stage.press(worker, FormButton("skip").pack())
        await stage.press(worker, FormButton("skip").pack())
        await tg.wait_for(
            lambda: stage.button(worker.id, FormButton("done").pack()), 10.0, "photos"
        )
        photo_update = tg.user_sends_photo(worker)
        photo_id = tg.updates[-1]["message"]["photo"][-1]["file_id"]
        await tg.wait_delivered(photo_update)
        await stage.press(worker, FormButton("done").pack())
        await stage.press(worker, FormButton("anon", "1").pack())
        await stage.press(worker, FormButton("ok").pack())
        await tg.wait_for(lambda: tg.topics(group.id), 10.0, "the ticket's topic")
        ((thread, title),) = tg.topics(group.id).items()
        assert title.startswith("GR-")

        def in_topic(wanted: Callable[[JSON], bool]) -> Callable[[], JSON | None]:
            return lambda: next(
                (m for m in tg.sent_to(group.id, thread_id=thread) if wanted(m)), None
            )

        await tg.wait_for(in_topic(lambda m: "GR-" in shown(m)), 10.0, "the card in the topic")
        await tg.wait_for(in_topic(lambda m: has_photo(m, photo_id)), 10.0, "the photo")

        # The officer answers in the topic; the worker gets it. A stranger is refused.
        await stage.says(stranger, "我也来说两句", chat=group, thread_id=thread)
        await tg.wait_for(in_topic(lambda m: "您的消息没有转达" in shown(m)), 10.0, "a refusal")
        await stage.says(officer, "明天派电工来修", chat=group, thread_id=thread)
        await stage.sees(worker.id, lambda m: "明天派电工来修" in shown(m), "the reply")
        await tg.wait_for(in_topic(lambda m: "回复已转达给职工" in shown(m)), 10.0, "the receipt")
        # The worker's answer comes back into the topic.
        await stage.press(worker, "w:add:")
        await stage.says(worker, "谢谢，是B区那盏")
        await tg.wait_for(in_topic(lambda m: "B区那盏" in shown(m)), 10.0, "the worker's answer")
        assert "我也来说两句" not in "\n".join(shown(m) for m in tg.sent_to(worker.id))

    group_saw = "\n".join([title, *(shown(m) for m in tg.sent_to(group.id))])
    for secret in (WORKER_FIRST, WORKER_LAST, WORKER_HANDLE, str(worker.id)):
        assert secret not in group_saw
    assert len(tg.topics(group.id)) == 1


async def test_a_deleted_ticket_topic_is_opened_again_with_card_and_history(
    tg: FakeTelegram, fresh_database_url: str, transport_name: TransportName
) -> None:
    stage = Stage(tg, fresh_database_url, transport_name, "polling")
    worker = tg.user(WORKER_FIRST, last_name=WORKER_LAST)
    officer = tg.user("Wang", started=True)
    group = tg.supergroup("工会干部群", forum=True)
    async with stage.running() as bot:
        await add_officer(stage, bot, officer, is_admin=True)
        await stage.says(officer, "/linkgroup city-grievances", chat=group)
        await stage.sees(group.id, lambda m: "本群已接管队列" in shown(m), "the link")
        await stage.says(worker, "/start")
        await file_grievance_up_to_photos(stage, worker)
        await stage.press(worker, FormButton("skip").pack())
        await stage.press(worker, FormButton("skip").pack())
        await stage.press(worker, FormButton("done").pack())
        await stage.press(worker, FormButton("anon", "1").pack())
        await stage.press(worker, FormButton("ok").pack())
        await tg.wait_for(lambda: tg.topics(group.id), 10.0, "the ticket's topic")
        ((old_thread, title),) = tg.topics(group.id).items()
        await tg.wait_for(lambda: tg.sent_to(group.id, thread_id=old_thread), 10.0, "the card")
        await stage.says(officer, "明天派电工来修", chat=group, thread_id=old_thread)
        await stage.sees(worker.id, lambda m: "明天派电工来修" in shown(m), "the reply")
        await tg.wait_for(
            lambda: any(
                "回复已转达" in shown(m) for m in tg.sent_to(group.id, thread_id=old_thread)
            ),
            10.0,
            "the officers told the reply went",
        )

        # The officers delete the topic; the worker writes about the ticket again.
        tg.delete_topic(group.id, old_thread)
        await stage.press(worker, "w:add:")
        await stage.says(worker, "谢谢，是B区那盏")
        await tg.wait_for(lambda: tg.topics(group.id), 10.0, "a new topic")
        ((thread, new_title),) = tg.topics(group.id).items()
        await tg.wait_for(
            lambda: any("B区那盏" in shown(m) for m in tg.sent_to(group.id, thread_id=thread)),
            10.0,
            "the worker's words in the new topic",
        )
        async with bot.app.sessionmaker() as session:
            ticket = (await session.scalars(select(Ticket))).one()
        outbox_failures = await _failed_rows(bot)

    new_topic = [shown(m) for m in tg.sent_to(group.id, thread_id=thread)]
    assert thread != old_thread
    assert new_title == title
    assert "原话题已被删除" in new_topic[0]
    assert "路灯" in new_topic[0]  # the card
    assert "明天派电工来修" in new_topic[0]  # the history: the officer's reply
    assert "B区那盏" in new_topic[-1]
    assert ticket.topic_thread_id == str(thread)
    assert outbox_failures == 0
    for secret in (WORKER_FIRST, WORKER_LAST, str(worker.id)):
        assert secret not in "\n".join(new_topic)


async def _failed_rows(bot: TelegramBot) -> int:
    async with bot.app.sessionmaker() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.FAILED)
            )
            or 0
        )
