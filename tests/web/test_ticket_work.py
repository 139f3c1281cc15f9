"""Working tickets in the console: the same use cases and outbox as the chat, the same
authorisation, escaping and anonymity, and two officers at once."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.web.files import TelegramFiles
from db.models import OutboxMessage, Ticket, TicketEvent, TicketMessage
from handlers import admin
from handlers.messages import Attachment, Outgoing
from tests.fake_telegram import FakeTelegram
from tests.fake_telegram.world import tiny_png
from tests.flows.conftest import PLATFORM, Chat, file_anonymously
from tests.web.conftest import Console, file_grievance, officer_id, serve_console, web_settings


async def _outbox_to(console: Console, chat_id: str) -> list[str]:
    async with console.chat.sessionmaker() as session:
        payloads = (
            await session.scalars(
                select(OutboxMessage.payload)
                .where(OutboxMessage.chat_id == chat_id)
                .order_by(OutboxMessage.id)
            )
        ).all()
    return [Outgoing.from_json(p).text for p in payloads]


async def test_a_reply_typed_in_the_console_reaches_the_worker(console: Console) -> None:
    ticket = await file_grievance(console.chat, "w", "食堂的饭菜太贵了", anonymous=False)
    reference = ticket.reference or ""
    browser = await console.browser()
    inbox = await browser.sign_in(await officer_id(console.chat.sessionmaker, "Officer One"))
    assert reference in inbox
    assert "食堂的饭菜太贵了" in inbox

    status, page = await browser.act(reference, "reply", text="我们下周和食堂谈价格")
    assert status == 200
    assert f"回复已转达给职工（{reference}）" in page
    assert any("我们下周和食堂谈价格" in text for text in await _outbox_to(console, "w"))
    async with console.chat.sessionmaker() as session:
        event = await session.scalar(select(TicketEvent).where(TicketEvent.event == "reply"))
    assert event is not None
    assert event.data["via"] == "console"
    status, page = await browser.get(f"/tickets/{reference}")
    assert "（工作台）" in page  # the audit trail says where it came from

    # The worker answers in the chat; the officer sees it on the ticket page.
    await console.chat.new_messages()
    await console.chat.press("w", "回复")
    await console.chat.send("w", "谢谢，等你们消息")
    status, page = await browser.get(f"/tickets/{reference}")
    assert "谢谢，等你们消息" in page


async def test_every_action_of_the_bot_works_from_the_console(console: Console) -> None:
    ticket = await file_grievance(console.chat, "w", "宿舍热水器坏了", anonymous=False)
    reference = ticket.reference or ""
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Officer One"))
    assert (await browser.act(reference, "claim"))[0] == 200
    assert (await browser.act(reference, "ask", text="哪一栋宿舍？"))[0] == 200
    assert (await browser.act(reference, "note", text="先联系后勤"))[0] == 200
    assert (await browser.act(reference, "resolve", text="已更换热水器"))[0] == 200
    to_worker = "\n".join(await _outbox_to(console, "w"))
    assert "哪一栋宿舍？" in to_worker
    assert "已更换热水器" in to_worker
    assert "先联系后勤" not in to_worker  # a note stays among officers
    async with console.chat.sessionmaker() as session:
        found = await session.get(Ticket, ticket.id)
        events = (await session.scalars(select(TicketEvent.event))).all()
    assert found is not None
    assert found.status == "resolved"
    assert {"claim", "ask_worker", "note", "resolve"} <= set(events)


async def test_reassigning_moves_the_ticket_and_tells_its_new_officers(console: Console) -> None:
    ticket = await file_grievance(console.chat, "w", "工资拖欠两个月", anonymous=False)
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Officer One"))
    status, _ = await browser.act(
        ticket.reference or "", "rq", queue="city-legal-aid", text="需要法律援助"
    )
    assert status == 200
    async with console.chat.sessionmaker() as session:
        moved = await session.get(Ticket, ticket.id)
        reason = await session.scalar(
            select(TicketEvent.reason).where(TicketEvent.event == "reassign")
        )
    assert moved is not None
    assert reason == "需要法律援助"


async def test_an_officer_of_another_queue_gets_404(console: Console) -> None:
    chat = console.chat
    ticket = await file_grievance(chat, "w", "车间噪音太大", anonymous=False)
    async with chat.sessionmaker() as session, session.begin():
        other, _ = await admin.add_officer(
            session, name="Legal Only", queue_keys=["city-legal-aid"], now=chat.now
        )
    browser = await console.browser()
    inbox = await browser.sign_in(other.id)
    assert str(ticket.reference) not in inbox
    status, page = await browser.get(f"/tickets/{ticket.reference}")
    assert status == 404
    assert "车间噪音太大" not in page
    assert (await browser.get("/tickets/GR-2099-999999"))[0] == 404
    assert (await browser.get(f"/tickets/{ticket.reference}/files/0"))[0] == 404
    # A forged POST with the officer's own valid token changes nothing either.
    status, _ = await browser.post(
        f"/tickets/{ticket.reference}/reply", {"csrf": browser.csrf, "seen": "0", "text": "x"}
    )
    assert status == 404
    async with chat.sessionmaker() as session:
        assert (await session.scalars(select(TicketMessage))).all() == []


async def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(
    console: Console,
) -> None:
    ticket = await file_grievance(console.chat, "w", "厂区路灯坏了", anonymous=False)
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Officer One"))
    before = await _outbox_to(console, "w")
    for token in ("", "forged"):
        status, page = await browser.post(
            f"/tickets/{ticket.reference}/reply", {"csrf": token, "seen": "0", "text": "hi"}
        )
        assert status == 403
        assert "刷新页面" in page
    assert (await browser.post("/logout", {}))[0] == 403
    assert await _outbox_to(console, "w") == before
    async with console.chat.sessionmaker() as session:
        assert (await session.scalars(select(TicketMessage))).all() == []


async def test_worker_text_is_shown_literally(console: Console) -> None:
    script = '<script>alert("x")</script><b>粗体</b>'
    ticket = await file_grievance(console.chat, "w", script, anonymous=False)
    browser = await console.browser()
    inbox = await browser.sign_in(await officer_id(console.chat.sessionmaker, "Officer One"))
    _, page = await browser.get(f"/tickets/{ticket.reference}")
    for html in (inbox, page):
        assert "<script>alert" not in html
        assert "<b>粗体</b>" not in html
        assert "&lt;script&gt;alert(" in html
        assert "&lt;b&gt;粗体&lt;/b&gt;" in html


async def test_an_anonymous_ticket_shows_no_identity_anywhere(console: Console) -> None:
    chat = console.chat
    ticket = await file_grievance(chat, "secret-worker-42", "班长辱骂工人", anonymous=True)
    browser = await console.browser()
    admin_id = await officer_id(chat.sessionmaker, "Admin")
    pages = [await browser.sign_in(admin_id)]
    await browser.act(ticket.reference or "", "reply", text="请问是哪个车间？")
    await chat.new_messages()
    await chat.press("secret-worker-42", "回复")
    await chat.send("secret-worker-42", "三号车间")
    pages.append((await browser.get(f"/tickets/{ticket.reference}"))[1])
    pages.append((await browser.get("/?anonymous=1&status=all"))[1])
    pages.append((await browser.get("/?q=secret"))[1])
    assert "班长辱骂工人" in pages[1]
    assert "三号车间" in pages[1]
    assert str(ticket.reference) in pages[2]
    assert str(ticket.reference) not in pages[3]  # the search does not look at who filed
    for html in pages:
        assert "secret-worker-42" not in html
        assert "Name of secret-worker-42" not in html


async def test_two_officers_at_once_one_wins_the_other_is_told(console: Console) -> None:
    chat = console.chat
    ticket = await file_grievance(chat, "w", "加班费没有发", anonymous=False)
    reference = ticket.reference or ""
    first, second = await console.browser(), await console.browser()
    await first.sign_in(await officer_id(chat.sessionmaker, "Officer One"))
    await second.sign_in(await officer_id(chat.sessionmaker, "Admin"))
    _, page = await second.get(f"/tickets/{reference}")
    seen = re.search(r'id="seen-reply" value="([^"]+)"', page)
    assert seen is not None

    assert (await first.act(reference, "claim"))[0] == 200
    status, page = await second.post(
        f"/tickets/{reference}/reply",
        {"csrf": second.csrf, "seen": seen.group(1), "text": "我来处理这个"},
    )
    assert status == 409
    assert "其他人刚刚改动了此工单" in page
    assert "Officer One" in page  # who holds it now
    assert "我来处理这个" in page  # nothing typed is lost
    assert not any("我来处理这个" in text for text in await _outbox_to(console, "w"))


async def test_photos_are_fetched_by_the_server_and_reveal_nothing(chat: Chat) -> None:
    async with FakeTelegram() as telegram:
        photo = telegram.store_file("photo", tiny_png())
        files = {PLATFORM: TelegramFiles(telegram.token, telegram.base_url)}
        async with serve_console(chat, files) as console:
            ticket = await file_anonymously(
                chat,
                [Attachment("photo", photo.file_id)],
            )
            browser = await console.browser()
            await browser.sign_in(await officer_id(chat.sessionmaker, "Officer One"))
            _, page = await browser.get(f"/tickets/{ticket.reference}")
            response = await browser.client.get(f"/tickets/{ticket.reference}/files/0")
            assert response.status == 200
            assert response.content_type.startswith("image/")
            assert await response.read() == photo.content
            assert (await browser.get(f"/tickets/{ticket.reference}/files/1"))[0] == 404
    for secret in (telegram.token, photo.file_id, photo.file_path, "file/bot"):
        assert secret not in page


async def test_no_secret_reaches_the_browser(chat: Chat, database_url: str) -> None:
    secrets = {
        "telegram_token": "123456:SECRET-token-never-shown",
        "webhook_secret": "webhook-secret-never-shown",
        "database_url": database_url,
    }
    async with serve_console(chat, settings=web_settings(**secrets)) as console:
        ticket = await file_grievance(chat, "w", "宿舍漏水", anonymous=True)
        browser = await console.browser()
        pages = [await browser.sign_in(await officer_id(chat.sessionmaker, "Admin"))]
        paths = (f"/tickets/{ticket.reference}", "/admin", "/?status=all", "/nowhere")
        pages.extend([(await browser.get(path))[1] for path in paths])
        pages.append((await browser.post("/logout", {"csrf": "forged"}))[1])
    for page in pages:
        for secret in (*secrets.values(), "SECRET", "postgres", "sqlite"):
            assert secret not in page
