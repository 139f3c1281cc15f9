"""The worker's own data (China's Personal Information Protection Law): a copy of
everything held about them, erasure on request, and retention.

- `export` gathers what is held about one worker as a JSON file: profile, tickets with
  what they wrote and the replies they were sent, ratings, the questions the knowledge base
  could not answer, the surveys they answered (not their answers, which are kept apart
  from them). Officers' internal notes and officers' identities are the union's
  records, not the worker's, and are left out.
- `forget` erases a worker: their name, messenger ids, chat, workplace, conversation state
  and questions go; on their tickets their words become `ERASED_NOTE` and their files are
  dropped. Tickets stay as anonymous facts (kind, category, unit, queue, status, times,
  rating), so ticket statistics do not change. Officers of their open tickets are told the
  worker withdrew. Officers' own accounts are not erased this way (an admin deactivates
  them).
- `run_retention` does the same, unasked, to tickets closed more than the retention period
  ago and to workers not heard from for as long with nothing left in full; each purge is an
  event in the ticket's audit trail.

Use cases flush and never commit; the caller commits.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Person, Ticket, UnansweredQuestion
from db.repositories import privacy as repo
from db.repositories.tickets import OPEN_STATUSES
from handlers import surveys
from handlers.admin import officer_for_person
from handlers.core.reachability import tell_officers_of_open
from handlers.tickets import lifecycle, service
from handlers.tickets.authz import SystemActor, WorkerActor
from handlers.tickets.errors import NotAllowed
from handlers.tickets.views import worker_view

# Stands in for whatever the worker wrote, in both languages: it is stored, not rendered.
ERASED_NOTE = "[已删除 · erased]"
ERASED_EVENT = "erased"
PURGED_EVENT = "purged"
# Rows handled per retention run, so one scheduler transaction stays short.
RETENTION_BATCH = 200


@dataclass(frozen=True, slots=True)
class Export:
    file_name: str
    content: bytes


def _time(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


async def export(session: AsyncSession, person_id: int, now: datetime) -> Export:
    """Everything held about the worker, as a JSON file."""
    person = await session.get(Person, person_id)
    if person is None:
        raise NotAllowed("export", "privacy_gone")
    tickets: list[dict[str, Any]] = []
    for listed in await service.list_worker_tickets(
        session, WorkerActor(person_id=person_id), limit=10_000
    ):
        ticket = await service.get_ticket(session, WorkerActor(person_id=person_id), listed.id)
        view = worker_view(ticket)
        tickets.append(
            {
                "reference": view.reference,
                "kind": view.kind.value,
                "category": view.category,
                "status": view.status.value,
                "anonymous": ticket.anonymous,
                "summary": view.summary,
                "details": dict(view.fields),
                "workplace": ticket.workplace,
                "filed_at": _time(view.created_at),
                "resolved_at": _time(view.resolved_at),
                "closed_at": _time(ticket.closed_at),
                "rating": view.satisfaction,
                "messages": [
                    {"at": _time(entry.at), "from": entry.author, "text": entry.body}
                    for entry in view.thread
                ],
                "files": [
                    {"kind": a.kind, "name": a.file_name, "at": _time(a.created_at)}
                    for a in ticket.attachments
                ],
            }
        )
    questions = await session.scalars(
        select(UnansweredQuestion)
        .where(UnansweredQuestion.person_id == person_id)
        .order_by(UnansweredQuestion.id)
    )
    document = {
        "exported_at": _time(now),
        "profile": {
            "messenger": person.platform,
            "messenger_user_id": person.platform_user_id,
            "chat_id": person.chat_id,
            "name": person.display_name,
            "language": person.language,
            "workplace": person.workplace,
            "first_contact": _time(person.created_at),
            "last_contact": _time(person.last_seen_at),
            "reachable": person.reachable,
        },
        "tickets": tickets,
        "unanswered_questions": [{"at": _time(q.created_at), "text": q.text} for q in questions],
        # That they answered (or began to), never what: answers are not linked to anyone.
        "surveys": await surveys.participation(session, person_id),
    }
    content = json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")
    return Export(file_name=f"mydata-{now:%Y%m%d}.json", content=content)


async def forget(
    session: AsyncSession, person_id: int, now: datetime, *, group_language: str
) -> int:
    """Erase the worker; returns how many open tickets' officers were told they withdrew.

    Officers' accounts are refused (NotAllowed): their data is the union's staff record.
    """
    if await officer_for_person(session, person_id) is not None:
        raise NotAllowed("forget", "privacy_officer")
    ticket_ids = await repo.ticket_ids_of_worker(session, person_id)
    open_tickets: list[Ticket] = []
    for ticket_id in ticket_ids:
        ticket = await service.get_ticket(session, SystemActor(), ticket_id)
        lifecycle.record(
            session,
            ticket,
            ERASED_EVENT,
            actor=WorkerActor(person_id=person_id),
            now=now,
            from_status=None,
            to_status=None,
        )
        if ticket.status in OPEN_STATUSES:
            open_tickets.append(ticket)
    await session.flush()
    await repo.purge_tickets(session, ticket_ids, ERASED_NOTE, now)
    await repo.erase_person(session, person_id, now)
    await tell_officers_of_open(
        session,
        open_tickets,
        "officer.worker_withdrew",
        now,
        skip_person_id=person_id,
        group_language=group_language,
    )
    await session.flush()
    return len(open_tickets)


@dataclass(frozen=True, slots=True)
class RetentionResult:
    tickets: int
    people: int


async def run_retention(session: AsyncSession, now: datetime, days: int) -> RetentionResult:
    """Purge what has outlived `days`: one batch of tickets and of people per run."""
    cutoff = now - timedelta(days=days)
    tickets = await repo.closed_unpurged(session, cutoff, limit=RETENTION_BATCH)
    for ticket in tickets:
        lifecycle.record(
            session,
            ticket,
            PURGED_EVENT,
            actor=SystemActor(),
            now=now,
            from_status=None,
            to_status=None,
            data={"retention_days": days},
        )
    await session.flush()
    await repo.purge_tickets(session, [ticket.id for ticket in tickets], ERASED_NOTE, now)
    people = await repo.inactive_people(session, cutoff, limit=RETENTION_BATCH)
    for person_id in people:
        await repo.erase_person(session, person_id, now)
    await repo.drop_unanswered_before(session, cutoff)
    await repo.drop_web_chat_before(session, cutoff)
    await repo.drop_settled_to_erased(session)
    await session.flush()
    return RetentionResult(tickets=len(tickets), people=len(people))


async def due_for_purge(
    session: AsyncSession, now: datetime, days: int, *, limit: int = 50
) -> list[tuple[Ticket, datetime]]:
    """The tickets retention takes next, each with when it will go (for the console and
    the CLI), soonest first."""
    tickets = await repo.closed_unpurged(session, now, limit=limit)
    return [(ticket, (ticket.closed_at or now) + timedelta(days=days)) for ticket in tickets]
