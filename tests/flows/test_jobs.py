"""Notices from delivery (an unreachable worker) and from the scheduler's jobs."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.settings import Settings
from db.models import Person, ProcessedUpdate, Ticket, TicketStatus
from handlers.core.jobs import run_due_jobs
from handlers.core.reachability import person_unreachable
from tests.flows.conftest import Chat, file_anonymously, to


async def test_unreachable_worker_is_told_to_the_officer(chat: Chat) -> None:
    ticket = await file_anonymously(chat)
    async with chat.sessionmaker() as session, session.begin():
        await person_unreachable(session, ticket.worker_id, chat.now)
    notices = await chat.new_messages()
    assert "GR-2026-000001 的职工已无法接收消息" in to(notices, "officer")
    assert to(notices, "w") == ""
    async with chat.sessionmaker() as session:
        worker = await session.get(Person, ticket.worker_id)
    assert worker is not None
    assert not worker.reachable


async def test_overdue_ticket_escalates_and_resolved_ticket_closes(chat: Chat) -> None:
    ticket = await file_anonymously(chat)
    settings = Settings(_env_file=None)
    async with chat.sessionmaker() as session, session.begin():
        result = await run_due_jobs(session, chat.now + timedelta(days=30), settings, chat.routing)
    assert result.escalated == 1
    notices = await chat.new_messages()
    assert "已转交上级工会" in to(notices, "w")
    assert "超时升级 GR-2026-000001" in to(notices, "officer") + to(notices, "admin")

    await chat.send("officer", f"/ticket {ticket.reference}")
    await chat.press("officer", "受理")
    await chat.press("officer", "办结")
    await chat.send("officer", "已安装新灯")
    later = chat.now + timedelta(days=settings.auto_close_days + 1)
    async with chat.sessionmaker() as session, session.begin():
        result = await run_due_jobs(session, later, settings, chat.routing)
    assert result.closed == 1
    closed = await chat.new_messages()
    assert "已自动关闭" in to(closed, "w")
    assert "⭐⭐⭐⭐⭐" in str(chat.last["w"].buttons)  # the worker can still rate
    async with chat.sessionmaker() as session:
        fresh = await session.get(Ticket, ticket.id)
    assert fresh is not None
    assert fresh.status == TicketStatus.CLOSED


async def test_processed_updates_are_forgotten_once_they_cannot_come_again(chat: Chat) -> None:
    await chat.send("w", "你好")
    settings = Settings(_env_file=None)

    async def remembered() -> int:
        async with chat.sessionmaker() as session:
            return len((await session.scalars(select(ProcessedUpdate))).all())

    kept = await remembered()
    assert kept > 0

    async def run_jobs(hours: int) -> int:
        async with chat.sessionmaker() as session, session.begin():
            now = chat.now + timedelta(hours=hours)
            return (await run_due_jobs(session, now, settings, chat.routing)).forgotten_updates

    assert await run_jobs(47) == 0
    assert await remembered() == kept
    assert await run_jobs(49) == kept
    assert await remembered() == 0
