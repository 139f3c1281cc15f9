"""Unreachable (the messenger refused a send: they blocked the bot) lasts until the person
writes again: then they get tickets and notices as before, and a second refusal is told to
the officers again. Real delivery settles the refusals, from the conversations' outbox."""

from __future__ import annotations

from bot.delivery import Delivery
from bot.transports.base import Unreachable
from db.models import Ticket
from tests.delivery.fakes import FakeClock, RecordingSender
from tests.flows.conftest import PLATFORM, Chat, file_anonymously, to

NOT_REACHED = "的职工已无法接收消息"


async def _deliver(chat: Chat, sender: RecordingSender) -> None:
    """Send everything the outbox holds, as the running bot would."""
    delivery = Delivery(
        chat.sessionmaker, {PLATFORM: sender}, clock=sender.clock, per_chat_interval=0
    )
    await delivery.drain()
    await chat.new_messages()


async def test_an_officer_who_comes_back_gets_new_tickets_again(chat: Chat) -> None:
    sender = RecordingSender(FakeClock(chat.now))
    await file_anonymously(chat)
    sender.always["officer"] = Unreachable("Forbidden: bot was blocked by the user")
    await _deliver(chat, sender)  # the card is refused: the officer blocked the bot
    assert "officer" in [m.chat_id for m in sender.calls]
    assert sender.texts("officer") == []

    # The officer unblocks the bot and writes to it.
    del sender.always["officer"]
    await chat.send("officer", "/start")
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "其他问题")
    await chat.send("w", "食堂的饭菜变质了")
    await chat.press("w", "不方便透露")
    await chat.press("w", "完成")
    await chat.press("w", "匿名提交")
    cards = await chat.press("w", "确认提交")

    assert "GR-2026-000002" in to(cards, "officer")
    assert "GR-2026-000002" not in to(cards, "admin")


async def test_a_worker_who_comes_back_and_blocks_again_is_told_again(chat: Chat) -> None:
    sender = RecordingSender(FakeClock(chat.now))
    ticket: Ticket = await file_anonymously(chat)
    await _deliver(chat, sender)
    sender.always["w"] = Unreachable("Forbidden: bot was blocked by the user")
    await chat.send("officer", f"/ticket {ticket.reference}")
    await chat.press("officer", "受理")
    await _deliver(chat, sender)  # the worker's "claimed" notice is refused
    await _deliver(chat, sender)  # the officer's notice about it goes out
    assert sum(NOT_REACHED in text for text in sender.texts("officer")) == 1

    # The worker unblocks, writes, and blocks the bot again.
    del sender.always["w"]
    await chat.send("w", "/start")
    await _deliver(chat, sender)
    sender.always["w"] = Unreachable("Forbidden: bot was blocked by the user")
    await chat.send("officer", f"/ticket {ticket.reference}")
    await chat.press("officer", "回复")
    await chat.send("officer", "电工明天来")
    await _deliver(chat, sender)
    await _deliver(chat, sender)

    assert sum(NOT_REACHED in text for text in sender.texts("officer")) == 2
