"""The web chat over HTTP: the whole bot, a worker's browser speaking to /chat.

The page, its forms and its event stream run against the real core, database (SQLite and
PostgreSQL) and delivery; the assertions read what the page and the stream show.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select

from db.models import (
    OutboxMessage,
    Person,
    TicketAttachment,
    WebChatEntry,
    WebChatFile,
    WebChatRecovery,
)
from tests.webchat.stage import JPEG, PIXELS, Stage, file_grievance, web_chat_stage, worker


async def test_a_worker_asks_files_with_a_photo_and_sees_the_reply_live(
    chat_database: str,
) -> None:
    async with web_chat_stage(chat_database) as stage, worker(stage) as browser:
        assert "开始" in browser.page
        status, _ = await browser.say("医疗互助保障每年交多少钱？")
        assert status == 204
        answer = await browser.events("50 元")
        assert "医疗互助保障每年交多少钱" in answer  # the worker's own line comes back too

        # The recovery code comes once, after the first ticket, on the stream that shows it.
        reference = await file_grievance(
            browser, "宿舍楼道的灯坏了一个月", photo=JPEG, until=("恢复码",)
        )
        tickets = await stage.tickets()
        assert [t.reference for t in tickets] == [reference]
        page = await browser.open()
        assert "恢复码" not in page.split('id="code"')[1].split("</div>")[0]

        await stage.officer_acts(reference, "claim")
        await stage.officer_acts(reference, "reply", "已报修，明天<b>更换</b>灯管")
        await browser.events("明天")
        page = await browser.open()
        assert "已报修，明天&lt;b&gt;更换&lt;/b&gt;灯管" in page

        async with stage.app.sessionmaker() as session:
            person = await session.scalar(select(Person).where(Person.platform == "web"))
            files = (await session.scalars(select(TicketAttachment))).all()
            failed = await session.scalar(
                select(OutboxMessage.id)
                .where(OutboxMessage.status != "sent")
                .where(OutboxMessage.platform == "web")
            )
        assert person is not None
        assert person.reachable  # never "unreachable", page open or not
        assert [f.platform for f in files] == ["web"]
        assert failed is None


async def test_html_a_worker_types_is_shown_literally(chat_database: str) -> None:
    async with web_chat_stage(chat_database) as stage, worker(stage) as browser:
        await browser.say("<script>alert(1)</script><b>hi</b>")
        await browser.events("alert(1)")
        page = await browser.open()
        assert "<script>alert(1)" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;hi&lt;/b&gt;" in page


async def test_another_sessions_conversation_and_photos_are_not_found(
    chat_database: str,
) -> None:
    async with (
        web_chat_stage(chat_database) as stage,
        worker(stage) as first,
        worker(stage) as second,
    ):
        await first.say("我的工资被拖欠了三个月")
        assert (await first.photo(JPEG))[0] == 204
        await first.events("img")
        page = await first.open()
        token = re.search(r'src="/chat/files/([^"]+)"', page)
        assert token is not None
        async with first.http.get(f"/chat/files/{token.group(1)}") as mine:
            assert mine.status == 200
            # Kept and served without where it was taken: only the pixels.
            assert await mine.read() == PIXELS
        async with second.http.get(f"/chat/files/{token.group(1)}") as theirs:
            assert theirs.status == 404
        other = await second.open()
        assert "工资被拖欠" not in other
        # A button of the first worker's messages, pressed by the second, does nothing.
        entry = re.search(r'name="entry" value="(\d+)"', page)
        if entry is not None:
            before = await _entries(stage)
            status, _ = await second.post("/chat/press", entry=entry.group(1), button="0")
            assert status == 204
            assert await _entries(stage) == before


async def _entries(stage: Stage) -> int:
    async with stage.app.sessionmaker() as session:
        return int(await session.scalar(select(func.count(WebChatEntry.id))) or 0)


async def test_forms_without_the_session_token_or_over_the_limit_do_nothing(
    chat_database: str,
) -> None:
    async with (
        web_chat_stage(chat_database, web_chat_session_requests=3) as stage,
        worker(stage) as browser,
    ):
        real = browser.csrf
        browser.csrf = "forged"
        status, text = await browser.say("这条不该进去")
        assert (status, text) == (403, "页面已过期，请刷新后重试。")
        browser.csrf = real
        status, text = await browser.photo(b"%PDF-1.4 not a photo", name="x.jpg")
        assert status == 400
        assert "JPEG" in text
        assert await _entries(stage) == 0
        assert (await browser.say("你好"))[0] == 204
        status, text = await browser.say("还有")
        assert (status, text) == (429, "操作太频繁，请稍后再试。")
        async with stage.app.sessionmaker() as session:
            typed = (
                await session.scalars(
                    select(WebChatEntry.payload).where(WebChatEntry.kind == "in")
                )
            ).all()
        assert typed == ['{"text": "你好"}']


async def test_forget_erases_the_web_conversation_and_photos(chat_database: str) -> None:
    async with web_chat_stage(chat_database) as stage, worker(stage) as browser:
        await file_grievance(browser, "车间噪音太大，没有发耳塞", photo=JPEG)
        await browser.say("/forget")
        await browser.press("确认删除")
        await browser.events("个人资料已删除")
        async with stage.app.sessionmaker() as session:
            kept = [
                await session.scalar(select(func.count()).select_from(table))
                for table in (WebChatFile, WebChatRecovery)
            ]
            lines = (await session.scalars(select(WebChatEntry.payload))).all()
        assert kept == [0, 0]
        # Only the last word is left, as in a messenger's chat: "your data is deleted".
        assert len(lines) == 1
        assert "个人资料已删除" in lines[0]
        page = await browser.open()
        assert "噪音" not in page


async def test_the_page_and_the_bot_speak_english_when_asked(chat_database: str) -> None:
    async with web_chat_stage(chat_database) as stage, worker(stage) as browser:
        page = await browser.open("?lang=en")
        assert '<html lang="en">' in page
        assert "Type a message" in page
        await browser.say("How much does the mutual medical aid cost per year?")
        assert "50" in await browser.events("yuan")


async def test_another_workers_tickets_are_not_theirs_to_see(chat_database: str) -> None:
    async with (
        web_chat_stage(chat_database) as stage,
        worker(stage) as first,
        worker(stage) as second,
    ):
        reference = await file_grievance(first, "更衣室的柜子锁坏了")
        await second.say("/tickets")
        shown = await second.events("还没有提交过诉求")
        assert reference not in shown
