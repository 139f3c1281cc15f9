"""Queue and /mine lines show the deadline a ticket meets next, and say when it has passed."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from handlers.core.buttons import LanguageButton, OfficerButton
from tests.flows.conftest import Chat, file_anonymously, to

ZONE = ZoneInfo("Asia/Shanghai")


async def test_queue_line_shows_the_nearest_unmet_deadline(chat: Chat) -> None:
    ticket = await file_anonymously(chat)
    assert ticket.first_response_due is not None
    assert ticket.resolution_due is not None
    first = ticket.first_response_due.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")
    resolution = ticket.resolution_due.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")

    queue = to(await chat.send("officer", "/queue"), "officer")
    assert f"首次回复期限 {first}" in queue
    assert resolution not in queue

    chat.now = ticket.first_response_due + timedelta(minutes=1)
    late = to(await chat.send("officer", "/mine"), "officer")
    assert f"⏰首次回复已超期（{first}）" in late

    await chat.send("officer", action=OfficerButton("reply", ticket.id).pack())
    await chat.send("officer", "我们在处理")
    answered = to(await chat.send("officer", "/queue"), "officer")
    assert f"办结期限 {resolution}" in answered
    assert "超期" not in answered


async def test_queue_line_in_english(chat: Chat) -> None:
    ticket = await file_anonymously(chat)
    assert ticket.resolution_due is not None
    await chat.send("officer", action=LanguageButton("en").pack())
    chat.now = ticket.resolution_due + timedelta(hours=1)
    await chat.send("officer", action=OfficerButton("claim", ticket.id).pack())
    await chat.send("officer", action=OfficerButton("reply", ticket.id).pack())
    await chat.send("officer", "on it")
    resolution = ticket.resolution_due.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")
    queue = to(await chat.send("officer", "/queue"), "officer")
    assert f"⏰ resolution overdue since {resolution}" in queue
