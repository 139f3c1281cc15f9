"""Scheduled work (escalation of overdue tickets, auto-close, retention of personal data,
closing surveys whose time has come, forgetting processed updates past their redelivery
window) and the notices it owes people, written into the outbox in the scheduler's
transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Ticket
from db.repositories import people, updates
from handlers import privacy, surveys
from handlers.core import notices, notify
from handlers.core.buttons import WorkerButton
from handlers.core.config import CoreConfig
from handlers.core.texts import t
from handlers.routing import RoutingConfig
from handlers.tickets import jobs, service
from handlers.tickets.authz import SystemActor


@dataclass(frozen=True, slots=True)
class JobsResult:
    escalated: int
    closed: int
    retention: privacy.RetentionResult
    forgotten_updates: int


async def run_due_jobs(
    session: AsyncSession, now: datetime, config: CoreConfig, routing: RoutingConfig
) -> JobsResult:
    zone = ZoneInfo(config.timezone)
    escalations = await jobs.escalate_overdue(session, now, routing=routing)
    for escalation in escalations:
        ticket = await service.get_ticket(session, SystemActor(), escalation.ticket.id)
        await notify.send_card(
            session,
            ticket,
            escalation.notify,
            heading="officer.escalated_ticket",
            zone=zone,
            now=now,
            group_lang=config.default_language,
        )
        await _tell_worker(session, ticket, "worker.escalated", now)
    closed = await jobs.auto_close(session, now, timedelta(days=config.auto_close_days))
    for ticket in closed:
        await _tell_worker(session, ticket, "worker.auto_closed", now, rate=True)
        lang = config.default_language
        await notify.to_group(
            session,
            ticket,
            (t(lang, "topic.auto_closed", reference=ticket.ref), ()),
            lang=lang,
            now=now,
        )
    retention = await privacy.run_retention(session, now, config.retention_days)
    await surveys.close_due(session, now)
    forgotten = await updates.forget_before(session, now - updates.REDELIVERY_WINDOW)
    return JobsResult(
        escalated=len(escalations),
        closed=len(closed),
        retention=retention,
        forgotten_updates=forgotten,
    )


async def _tell_worker(
    session: AsyncSession, ticket: Ticket, key: str, now: datetime, *, rate: bool = False
) -> None:
    worker = await people.get_person(session, ticket.worker_id)
    if worker is None or not worker.reachable:
        return
    lang = worker.language
    rows = [[WorkerButton("t", ticket.id).button(t(lang, "tickets.btn.view"))]]
    if rate and ticket.satisfaction is None:
        rows.insert(0, notices.rating_buttons(ticket.id))
    notify.to_person(
        session,
        worker,
        (t(lang, key, reference=ticket.ref), rows),
        ticket_id=ticket.id,
        now=now,
    )
