"""The worker's own data: /mydata hands it over, /forget erases it without changing the
ticket statistics, and retention purges what has outlived its period."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import main
from bot.settings import Settings
from db.models import Base, OutboxMessage, Person, Ticket, TicketEvent, TicketStatus
from db.repositories import outbox
from handlers import privacy
from handlers.core.buttons import BlockButton, OfficerButton
from handlers.core.jobs import run_due_jobs
from handlers.messages import Attachment, Outgoing
from handlers.reports.common import make_period, recent_days
from handlers.reports.tickets import ticket_report
from tests.flows.conftest import Chat, to

WORKER = "worker-98765"  # the harness names them "Name of worker-98765"
MARK = "98765"  # in every word, id and file of the worker


async def _file_named(chat: Chat) -> Ticket:
    await chat.send(WORKER, "/start")
    await chat.press(WORKER, "反映问题")
    await chat.press(WORKER, "设施")
    await chat.send(WORKER, f"食堂没有热水 {MARK}")
    await chat.press(WORKER, "跳过")
    await chat.send(WORKER, f"顺达物流 {MARK} 号仓库")
    await chat.send(WORKER, attachments=[Attachment("photo", f"PHOTO-{MARK}")])
    await chat.press(WORKER, "完成")
    await chat.press(WORKER, "实名提交")
    await chat.press(WORKER, "确认提交")
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).order_by(Ticket.id.desc()))
    assert ticket is not None
    return ticket


async def _work_on(chat: Chat, ticket: Ticket) -> None:
    await chat.send("officer", action=OfficerButton("claim", ticket.id).pack())
    await chat.send("officer", action=OfficerButton("note", ticket.id).pack())
    await chat.send("officer", "内部备注：可能是二号仓的")
    await chat.send("officer", action=OfficerButton("ask", ticket.id).pack())
    await chat.send("officer", "哪个食堂？")
    await chat.send(WORKER, f"东区食堂 {MARK}")


async def _outbox_to(chat: Chat, chat_id: str | None) -> list[Outgoing]:
    """What the outbox holds (for one chat), read afresh: erasure deletes outbox rows, so
    SQLite may give new rows ids the harness has already seen."""
    query = select(OutboxMessage.payload).order_by(OutboxMessage.id)
    if chat_id is not None:
        query = query.where(OutboxMessage.chat_id == chat_id)
    async with chat.sessionmaker() as session:
        return [Outgoing.from_json(payload) for payload in await session.scalars(query)]


async def _traces(session: AsyncSession) -> list[tuple[str, str, Any]]:
    """Every (table, column, value) anywhere in the database that holds the mark."""
    found = []
    for table in Base.metadata.sorted_tables:
        for row in (await session.execute(select(table))).mappings():
            for column, value in row.items():
                shown = json.dumps(value, ensure_ascii=False, default=str)
                if MARK in shown:
                    found.append((table.name, column, value))
    return found


async def test_mydata_sends_a_file_with_everything_held(chat: Chat) -> None:
    ticket = await _file_named(chat)
    await _work_on(chat, ticket)
    await chat.send(WORKER, "这个能报销吗 丧假怎么请")

    sent = await chat.send(WORKER, "/mydata")
    (message,) = sent
    assert message.upload is not None
    assert message.upload.file_name.endswith(".json")
    data = json.loads(message.upload.content)
    assert data["profile"]["name"] == f"Name of {WORKER}"
    assert data["profile"]["messenger_user_id"] == WORKER
    (filed,) = data["tickets"]
    assert filed["reference"] == ticket.reference
    assert MARK in filed["summary"]
    assert MARK in filed["workplace"]
    texts = [m["text"] for m in filed["messages"]]
    assert "哪个食堂？" in texts
    assert f"东区食堂 {MARK}" in texts
    assert "内部备注" not in json.dumps(data, ensure_ascii=False)  # officers' own records
    assert filed["files"] == [{"kind": "photo", "name": None, "at": filed["files"][0]["at"]}]
    assert [q["text"] for q in data["unanswered_questions"]] == ["这个能报销吗 丧假怎么请"]


async def test_forget_erases_every_trace_and_keeps_the_figures(chat: Chat) -> None:
    ticket = await _file_named(chat)
    await _work_on(chat, ticket)
    await chat.send(WORKER, f"丧假怎么请 {MARK}")
    period = make_period(
        None, None, default=recent_days(chat.now.date()), zone=ZoneInfo("Asia/Shanghai")
    )
    async with chat.sessionmaker() as session:
        before = await ticket_report(session, period, None, chat.now)
        assert await _traces(session)

    asked = await chat.send(WORKER, "/forget")
    assert "删除" in to(asked, WORKER)
    async with chat.sessionmaker() as session:
        assert await _traces(session), "nothing goes before the worker confirms"
    await chat.press(WORKER, "确认删除")

    left = await _outbox_to(chat, None)
    assert "已删除" in to(left, WORKER)
    withdrew = to([m for m in left if "撤回" in m.text], "officer")
    assert ticket.reference is not None
    assert ticket.reference in withdrew
    assert MARK not in withdrew
    async with chat.sessionmaker() as session:
        # Only the goodbye, still to be sent, knows the chat.
        traces = await _traces(session)
        assert {(table, column) for table, column, _ in traces} == {
            ("outbox", "chat_id"),
            ("outbox", "payload"),
        }
        after = await ticket_report(session, period, None, chat.now)
        assert after.total == before.total
        kept = await session.get(Ticket, ticket.id)
        assert kept is not None
        assert (kept.status, kept.category) == (TicketStatus.IN_PROGRESS, ticket.category)
        events = list(await session.scalars(select(TicketEvent.event)))
        assert "erased" in events

    async with chat.sessionmaker() as session, session.begin():
        goodbye = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.chat_id == WORKER)
        )
        assert goodbye is not None
        await outbox.mark_sent(session, goodbye.id, "1", chat.now)
        await privacy.run_retention(session, chat.now, 365)
    async with chat.sessionmaker() as session:
        assert await _traces(session) == []

    # Writing again is meeting the bot for the first time.
    await chat.send(WORKER, "/start")
    await chat.send(WORKER, "/tickets")
    welcome, mine = await _outbox_to(chat, WORKER)
    assert "您好" in welcome.text
    assert ticket.reference not in mine.text


async def test_officers_cannot_erase_their_staff_account(chat: Chat) -> None:
    await chat.send("officer", "/forget")
    refused = await chat.press("officer", "确认删除")
    assert "工会干部的账号不能这样删除" in to(refused, "officer")
    async with chat.sessionmaker() as session:
        person = await session.scalar(select(Person).where(Person.platform_user_id == "officer"))
    assert person is not None
    assert person.erased_at is None


async def test_a_blocked_worker_still_gets_and_erases_their_data(chat: Chat) -> None:
    ticket = await _file_named(chat)
    await chat.send("officer", action=BlockButton("yes", ticket.id).pack())
    assert "暂停" in to(await chat.send(WORKER, "你好"), WORKER)
    (exported,) = await chat.send(WORKER, "/mydata")
    assert exported.upload is not None
    assert "暂停" not in to(await chat.send(WORKER, "/forget"), WORKER)
    await chat.press(WORKER, "确认删除")
    async with chat.sessionmaker() as session:
        kept = await session.get(Ticket, ticket.id)
    assert kept is not None
    assert kept.summary == privacy.ERASED_NOTE


async def test_retention_purges_tickets_closed_long_ago_and_records_it(chat: Chat) -> None:
    old = await _file_named(chat)
    await chat.send("officer", action=OfficerButton("claim", old.id).pack())
    await chat.send("officer", action=OfficerButton("resolve", old.id).pack())
    await chat.send("officer", "已修好")
    await chat.press(WORKER, "已解决")
    chat.now += timedelta(days=300)
    recent = await _file_named(chat)
    settings = Settings(_env_file=None)
    assert settings.retention_days == 365

    async with chat.sessionmaker() as session, session.begin():
        await run_due_jobs(session, chat.now + timedelta(days=66), settings, chat.routing)
    async with chat.sessionmaker() as session:
        purged = await session.get(Ticket, old.id)
        kept = await session.get(Ticket, recent.id)
        assert purged is not None
        assert kept is not None
        assert purged.summary == privacy.ERASED_NOTE
        assert purged.status == TicketStatus.CLOSED
        assert purged.satisfaction is None or purged.satisfaction >= 1
        assert MARK in kept.summary
        trail = list(
            await session.scalars(select(TicketEvent.event).where(TicketEvent.ticket_id == old.id))
        )
        assert trail[-1] == "purged"
        # The worker wrote within the period and has a ticket in full: they stay.
        assert await _traces(session)


async def test_the_command_line_lists_what_retention_takes_next(
    chat: Chat,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ticket = await _file_named(chat)
    await chat.send("officer", action=OfficerButton("claim", ticket.id).pack())
    await chat.send("officer", action=OfficerButton("resolve", ticket.id).pack())
    await chat.send("officer", "已修好")
    await chat.press(WORKER, "已解决")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKERBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("WORKERBOT_RETENTION_DAYS", "30")

    code = await asyncio.to_thread(main, ["retention", "due"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert ticket.reference is not None
    assert ticket.reference in out
    assert "2026-04-09" in out  # closed on March 10 (UTC), erased from 30 days later
