"""Saved replies: an admin adds one in the console; officers use it from the console and
from the chat, with the ticket's reference, their name and the deadline filled in."""

from __future__ import annotations

import re

from sqlalchemy import select

from db.models import OutboxMessage, SavedReply
from handlers.messages import Outgoing
from tests.web.conftest import Browser, Console, file_grievance, officer_id

BODY = "您好，{reference} 已由{officer}受理，我们会在 {deadline} 前答复。{other}"


async def _add(console: Console, language: str = "zh-CN") -> Browser:
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Admin"))
    await browser.get("/admin")
    status, page = await browser.post(
        "/admin/saved",
        {"csrf": browser.csrf, "language": language, "title": "已受理", "body": BODY},
    )
    assert status == 200
    assert "已添加常用回复" in page
    return browser


async def _to_worker(console: Console) -> str:
    async with console.chat.sessionmaker() as session:
        payloads = (
            await session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.chat_id == "w")
            )
        ).all()
    return "\n".join(Outgoing.from_json(p).text for p in payloads)


async def test_a_saved_reply_from_the_console(console: Console) -> None:
    await _add(console)
    ticket = await file_grievance(console.chat, "w", "厂区没有饮水机", anonymous=False)
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Officer One"))
    async with console.chat.sessionmaker() as session:
        reply_id = await session.scalar(select(SavedReply.id))
    status, page = await browser.get(f"/tickets/{ticket.reference}?saved={reply_id}")
    assert status == 200
    box = re.search(r'<textarea id="text-reply"[^>]*>([^<]*)</textarea>', page)
    assert box is not None
    filled = box.group(1)
    assert f"{ticket.reference} 已由Officer One受理" in filled
    assert "{deadline}" not in filled
    assert "{other}" in filled  # an unknown placeholder is left as written
    status, _ = await browser.act(ticket.reference or "", "reply", text=filled)
    assert status == 200
    assert f"{ticket.reference} 已由Officer One受理" in await _to_worker(console)


async def test_a_saved_reply_from_the_chat(console: Console) -> None:
    await _add(console)
    chat = console.chat
    ticket = await file_grievance(chat, "w", "厂区没有饮水机", anonymous=False)
    await chat.send("officer", f"/ticket {ticket.reference}")
    await chat.press("officer", "回复")
    await chat.press("officer", "已受理")
    worker_got = await _to_worker(console)
    assert f"{ticket.reference} 已由Officer One受理" in worker_got


async def test_only_admins_add_saved_replies(console: Console) -> None:
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Officer One"))
    status, _ = await browser.post(
        "/admin/saved", {"csrf": browser.csrf, "language": "zh-CN", "title": "x", "body": "y"}
    )
    assert status == 404
    async with console.chat.sessionmaker() as session:
        assert (await session.scalars(select(SavedReply))).all() == []
