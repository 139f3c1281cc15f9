"""Ticket use cases: what workers and officers do with tickets.

Every use case checks who is acting (authz), refuses with a TicketError before writing
anything, changes status only through the lifecycle, flushes, and never commits: the
caller (dispatcher, scheduler job, CLI) commits the unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ActorKind,
    MessageVisibility,
    Officer,
    OfficerRole,
    Person,
    Queue,
    Ticket,
    TicketAttachment,
    TicketKind,
    TicketMessage,
    TicketStatus,
    Unit,
)
from db.repositories import search
from db.repositories import tickets as repo
from handlers.categories import (
    URGENT_FIRST_RESPONSE,
    URGENT_RESOLUTION,
    get_category,
    validate_fields,
)
from handlers.messages import Attachment
from handlers.parsing import clean_text
from handlers.routing import DEFAULT_QUEUE_KEY, RoutingConfig, Rule
from handlers.tickets import lifecycle, merging
from handlers.tickets.authz import (
    Actor,
    OfficerActor,
    SystemActor,
    WorkerActor,
    active_officer,
    check_can_see,
    officer_may_see,
    officer_serves,
)
from handlers.tickets.errors import (
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    OutsideWindow,
    TicketNotFound,
)
from handlers.tickets.references import format_reference, parse_reference

# What a person may write in one go: a request's summary, and a message, reply or reason
# about a ticket. A message stays under the messenger's limit with the heading added to it.
MAX_SUMMARY_LENGTH = 2000
MAX_MESSAGE_LENGTH = 4000
MAX_WORKPLACE_LENGTH = 200
MAX_ATTACHMENTS = 20
DEFAULT_REOPEN_WINDOW = timedelta(days=7)
_HOLDER_TAKES_OVER = (TicketStatus.NEW, TicketStatus.ASSIGNED, TicketStatus.REOPENED)


@dataclass(frozen=True, slots=True)
class OpenedTicket:
    ticket: Ticket
    queue: Queue
    assignee: Officer | None
    # Who must get the new ticket's card: never empty while an admin exists.
    notify: list[Officer]
    # The routing rule that chose the queue; None for the default queue.
    rule: Rule | None = None


def _text(field: str, value: str | None, max_length: int, *, required: bool = True) -> str:
    cleaned = clean_text(value or "")
    if required and not cleaned:
        raise InvalidInput(field, "required")
    if len(cleaned) > max_length:
        raise InvalidInput(field, "too_long")
    return cleaned


def _attachment_rows(
    ticket: Ticket,
    platform: str,
    files: Sequence[Attachment],
    now: datetime,
    message_id: int | None,
) -> list[TicketAttachment]:
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput("attachments", "too_many_photos")
    return [
        TicketAttachment(
            ticket_id=ticket.id,
            message_id=message_id,
            platform=platform,
            kind=file.kind,
            file_id=file.file_id,
            file_name=file.file_name,
            mime_type=file.mime_type,
            size=file.size,
            created_at=now,
        )
        for file in files
    ]


async def open_ticket(
    session: AsyncSession,
    *,
    worker: Person,
    kind: TicketKind | str,
    category: str,
    summary: str,
    fields: Mapping[str, object],
    anonymous: bool,
    unit_key: str | None,
    workplace: str | None,
    language: str,
    attachments: Sequence[Attachment] = (),
    urgent: bool = False,
    now: datetime,
    routing: RoutingConfig,
    zone: tzinfo = UTC,
) -> OpenedTicket:
    """File a ticket: check it, route it, give it to the least-loaded officer, start the SLA.

    Photos answered in a photos field (as Attachment objects) are stored with the ticket
    like `attachments`. `routing` chooses the queue and the SLA. `zone` is the union's
    time zone: it decides what "today" is for date answers and the year in the reference,
    which in Shanghai starts eight hours before it does in UTC.
    """
    try:
        ticket_kind = TicketKind(kind)
    except ValueError as exc:
        raise InvalidInput("kind", "unknown_kind") from exc
    spec = get_category(ticket_kind, category)
    summary = _text("summary", summary, MAX_SUMMARY_LENGTH)
    local_today = now.astimezone(zone).date()
    cleaned_fields = validate_fields(spec, fields, today=local_today)
    workplace_text = _text("workplace", workplace, MAX_WORKPLACE_LENGTH, required=False) or None
    unit: Unit | None = None
    if unit_key:
        unit = await repo.get_unit_by_key(session, unit_key)
        if unit is None:
            raise InvalidInput("unit", "unknown_unit")
    files = list(attachments)
    for value in fields.values():
        if isinstance(value, Sequence) and not isinstance(value, str):
            files.extend(item for item in value if isinstance(item, Attachment))

    chain = await repo.unit_chain(session, unit.id if unit else None)
    words = [summary, workplace_text or ""]
    words += [v for v in cleaned_fields.values() if isinstance(v, str)]
    route = routing.route(
        kind=ticket_kind.value,
        category=spec.key,
        unit_chain=[u.key for u in chain],
        text="\n".join(words),
    )
    queue = await repo.get_queue_by_key(session, route.queue)
    if queue is None:
        queue = await repo.get_queue_by_key(session, DEFAULT_QUEUE_KEY)
    if queue is None:
        msg = f"queue {route.queue!r} is not in the database: apply the routing file first"
        raise LookupError(msg)

    sla = routing.sla_for(spec.key)
    first_response, resolution = sla.first_response, sla.resolution
    if urgent:
        first_response = min(first_response, URGENT_FIRST_RESPONSE)
        resolution = min(resolution, URGENT_RESOLUTION)
    ticket = Ticket(
        kind=ticket_kind,
        category=spec.key,
        status=TicketStatus.NEW,
        worker=worker,
        anonymous=anonymous,
        urgent=urgent,
        unit=unit,
        workplace=workplace_text,
        queue=queue,
        assignee=None,
        summary=summary,
        fields=cleaned_fields,
        language=language,
        escalation_level=0,
        created_at=now,
        updated_at=now,
        first_response_due=now + first_response,
        resolution_due=now + resolution,
    )
    session.add(ticket)
    await session.flush()
    ticket.reference = format_reference(ticket_kind, local_today.year, ticket.id)
    await search.add_text(session, ticket.id, ticket.reference, summary)
    session.add_all(_attachment_rows(ticket, worker.platform, files, now, None))
    if unit is not None:
        worker.unit_id = unit.id
    if workplace_text is not None:
        worker.workplace = workplace_text
    lifecycle.record(
        session,
        ticket,
        "created",
        actor=WorkerActor(worker.id),
        now=now,
        from_status=None,
        to_status=TicketStatus.NEW,
        data={"queue": queue.key, "rule": route.rule.position if route.rule else None},
    )
    assignee = await repo.least_loaded_officer(session, queue.id)
    if assignee is not None:
        await lifecycle.apply(
            session,
            ticket,
            "assign",
            actor=SystemActor(),
            now=now,
            assignee=assignee,
            reason="least_loaded",
            data={"officer_id": assignee.id},
        )
    else:
        lifecycle.record(
            session,
            ticket,
            "unassigned",
            actor=SystemActor(),
            now=now,
            from_status=ticket.status,
            to_status=ticket.status,
            reason="no_active_officer",
        )
    await session.flush()
    notify = await officers_to_notify(session, ticket)
    return OpenedTicket(ticket, queue, assignee, notify, route.rule)


async def _ticket_id(session: AsyncSession, ticket_ref_or_id: int | str) -> int | None:
    if isinstance(ticket_ref_or_id, int):
        return ticket_ref_or_id
    text = ticket_ref_or_id.strip()
    if text.isdigit():
        return int(text)
    reference = parse_reference(text)
    return None if reference is None else await repo.ticket_id_for_reference(session, reference)


async def get_ticket(session: AsyncSession, actor: Actor, ticket_ref_or_id: int | str) -> Ticket:
    """One ticket with its thread, events and attachments, if `actor` may see it.

    The thread includes officers' internal notes: show a worker `views.worker_view`.
    """
    ticket_id = await _ticket_id(session, ticket_ref_or_id)
    ticket = None if ticket_id is None else await repo.get_ticket(session, ticket_id, detail=True)
    return await check_can_see(session, actor, ticket, ticket_ref_or_id)


@dataclass(frozen=True, slots=True)
class TrailNames:
    """Names for the ids and keys a ticket's trail records: officers by id, queues by key."""

    officers: Mapping[int, str]
    queues: Mapping[str, str]


_OFFICER_DATA_KEYS = ("officer_id", "from_officer_id", "to_officer_id")
_QUEUE_DATA_KEYS = ("queue", "from_queue", "to_queue")


async def trail_names(session: AsyncSession, ticket: Ticket) -> TrailNames:
    """The officer and queue names a ticket's history needs, for an officer's view.

    `ticket` must come from `get_ticket`, which has already checked who may see it.
    """
    officer_ids = {m.author_officer_id for m in ticket.messages} | {
        e.actor_officer_id for e in ticket.events
    }
    queue_keys: set[object] = set()
    for event in ticket.events:
        officer_ids.update(event.data.get(key) for key in _OFFICER_DATA_KEYS)
        queue_keys.update(event.data.get(key) for key in _QUEUE_DATA_KEYS)
    ids = {i for i in officer_ids if isinstance(i, int)}
    keys = {k for k in queue_keys if isinstance(k, str)}
    officers = (
        (await session.execute(select(Officer.id, Officer.name).where(Officer.id.in_(ids)))).all()
        if ids
        else []
    )
    queues = (
        (await session.execute(select(Queue.key, Queue.name).where(Queue.key.in_(keys)))).all()
        if keys
        else []
    )
    return TrailNames(
        officers={row.id: row.name for row in officers},
        queues={row.key: row.name for row in queues},
    )


async def _for_officer(
    session: AsyncSession, actor: OfficerActor, ticket_id: int, action: str
) -> tuple[Officer, Ticket]:
    officer = await active_officer(session, actor, action)
    ticket = await repo.get_ticket(session, ticket_id)
    if ticket is None or not officer_may_see(officer, ticket):
        raise TicketNotFound(ticket_id)
    return officer, ticket


async def _for_worker(
    session: AsyncSession, actor: WorkerActor, ticket_id: int, action: str
) -> Ticket:
    if not isinstance(actor, WorkerActor):
        raise NotAllowed(action, "workers_only")
    ticket = await repo.get_ticket(session, ticket_id)
    return await check_can_see(session, actor, ticket, ticket_id)


async def _add_message(
    session: AsyncSession,
    ticket: Ticket,
    *,
    author: Officer | None,
    visibility: MessageVisibility,
    body: str,
    now: datetime,
) -> TicketMessage:
    message = TicketMessage(
        ticket_id=ticket.id,
        author_kind=ActorKind.OFFICER if author is not None else ActorKind.WORKER,
        author_officer_id=author.id if author is not None else None,
        visibility=visibility,
        body=body,
        created_at=now,
    )
    session.add(message)
    await search.add_text(session, ticket.id, body)
    return message


def _first_response(ticket: Ticket, now: datetime) -> dict[str, Any]:
    # The officer's first word to the worker (answer, question or resolution) is the
    # first response the SLA measures.
    return {"first_response_at": now} if ticket.first_response_at is None else {}


async def claim(
    session: AsyncSession, actor: OfficerActor, ticket_id: int, now: datetime
) -> Ticket:
    """Take the ticket and start work on it. Of two officers claiming at once, one wins."""
    officer, ticket = await _for_officer(session, actor, ticket_id, "claim")
    unheld = ticket.assignee_id is None and ticket.status in (
        TicketStatus.IN_PROGRESS,
        TicketStatus.WAITING_WORKER,
    )
    await lifecycle.apply(
        session,
        ticket,
        "claim_unheld" if unheld else "claim",
        actor=actor,
        now=now,
        assignee=officer,
        event_name="claim",
    )
    await session.flush()
    return ticket


async def _officer_message(
    session: AsyncSession,
    actor: OfficerActor,
    ticket_id: int,
    text: str,
    now: datetime,
    *,
    action: str,
    case_id: int | None = None,
) -> TicketMessage:
    body = _text("text", text, MAX_MESSAGE_LENGTH)
    officer, ticket = await _for_officer(session, actor, ticket_id, action)
    takes_over = ticket.assignee_id is None or ticket.status in _HOLDER_TAKES_OVER
    await lifecycle.apply(
        session,
        ticket,
        action,
        actor=actor,
        now=now,
        values=_first_response(ticket, now),
        assignee=officer if takes_over else lifecycle.UNCHANGED,
        data=_case_data(case_id),
    )
    message = await _add_message(
        session,
        ticket,
        author=officer,
        visibility=MessageVisibility.THREAD,
        body=body,
        now=now,
    )
    await session.flush()
    return message


def _case_data(case_id: int | None) -> dict[str, Any]:
    # An act on a whole collective case says so in each of its tickets' trails.
    return {} if case_id is None else {"case": case_id}


async def reply(
    session: AsyncSession,
    actor: OfficerActor,
    ticket_id: int,
    text: str,
    now: datetime,
    *,
    case_id: int | None = None,
) -> TicketMessage:
    """An answer relayed to the worker; the first one stamps the first response.
    `case_id`: given as the answer to the collective case the ticket is in."""
    return await _officer_message(
        session, actor, ticket_id, text, now, action="reply", case_id=case_id
    )


async def ask_worker(
    session: AsyncSession, actor: OfficerActor, ticket_id: int, question: str, now: datetime
) -> TicketMessage:
    """A question relayed to the worker; the ticket waits for the answer."""
    return await _officer_message(session, actor, ticket_id, question, now, action="ask_worker")


async def words_go_to(session: AsyncSession, actor: WorkerActor, ticket: Ticket) -> Ticket:
    """The ticket a worker's words about `ticket` go to: itself, or, for a duplicate merged
    into another ticket they filed under their name, that one (after any further merges).
    Any other duplicate takes no words: NotAllowed("merged"), whose text says where to go
    without naming the other ticket (see `merging.followed_openly`)."""
    seen = {ticket.id}
    while ticket.merged_into_id is not None:
        target = await repo.get_ticket(session, ticket.merged_into_id)
        if (
            target is None
            or target.worker_id != actor.person_id
            or not merging.followed_openly(ticket, target)
            or target.id in seen
        ):
            raise NotAllowed("worker_message", "merged")
        seen.add(target.id)
        ticket = target
    return ticket


async def worker_message(  # noqa: PLR0917 - the signature the conversation layer calls
    session: AsyncSession,
    actor: WorkerActor,
    ticket_id: int,
    text: str | None,
    attachments: Sequence[Attachment],
    now: datetime,
) -> TicketMessage:
    """What the worker adds to an open ticket; an answer puts a waiting ticket back in work."""
    body = _text("text", text, MAX_MESSAGE_LENGTH, required=not attachments)
    ticket = await words_go_to(
        session, actor, await _for_worker(session, actor, ticket_id, "worker_message")
    )
    await lifecycle.apply(session, ticket, "worker_message", actor=actor, now=now)
    message = await _add_message(
        session, ticket, author=None, visibility=MessageVisibility.THREAD, body=body, now=now
    )
    await session.flush()
    worker = await session.get(Person, ticket.worker_id)
    platform = worker.platform if worker is not None else "unknown"
    session.add_all(_attachment_rows(ticket, platform, attachments, now, message.id))
    await session.flush()
    return message


async def add_note(
    session: AsyncSession, actor: OfficerActor, ticket_id: int, text: str, now: datetime
) -> TicketMessage:
    """An officers-only note: never relayed to the worker."""
    body = _text("text", text, MAX_MESSAGE_LENGTH)
    officer, ticket = await _for_officer(session, actor, ticket_id, "note")
    lifecycle.record(
        session,
        ticket,
        "note",
        actor=actor,
        now=now,
        from_status=ticket.status,
        to_status=ticket.status,
    )
    message = await _add_message(
        session,
        ticket,
        author=officer,
        visibility=MessageVisibility.INTERNAL,
        body=body,
        now=now,
    )
    await session.flush()
    return message


async def resolve(
    session: AsyncSession,
    actor: OfficerActor,
    ticket_id: int,
    resolution: str,
    now: datetime,
    *,
    case_id: int | None = None,
) -> Ticket:
    """Mark the ticket resolved; `resolution` is relayed to the worker and kept as reason.
    `case_id`: resolved with the collective case the ticket is in."""
    body = _text("resolution", resolution, MAX_MESSAGE_LENGTH)
    officer, ticket = await _for_officer(session, actor, ticket_id, "resolve")
    values: dict[str, Any] = {"resolved_at": now, **_first_response(ticket, now)}
    await lifecycle.apply(
        session,
        ticket,
        "resolve",
        actor=actor,
        now=now,
        values=values,
        reason=body,
        data=_case_data(case_id),
    )
    await _add_message(
        session, ticket, author=officer, visibility=MessageVisibility.THREAD, body=body, now=now
    )
    await session.flush()
    return ticket


async def confirm(
    session: AsyncSession, actor: WorkerActor, ticket_id: int, now: datetime
) -> Ticket:
    """The worker agrees the ticket is resolved: it closes."""
    ticket = await _for_worker(session, actor, ticket_id, "confirm")
    await lifecycle.apply(
        session, ticket, "confirm", actor=actor, now=now, values={"closed_at": now}
    )
    await session.flush()
    return ticket


async def reopen(
    session: AsyncSession,
    actor: WorkerActor,
    ticket_id: int,
    reason: str | None,
    now: datetime,
    *,
    routing: RoutingConfig,
    window: timedelta = DEFAULT_REOPEN_WINDOW,
) -> Ticket:
    """The worker is not satisfied: back to the officers, with a fresh resolution deadline
    from the category's SLA in `routing`."""
    why = _text("reason", reason, MAX_MESSAGE_LENGTH, required=False) or None
    ticket = await _for_worker(session, actor, ticket_id, "reopen")
    lifecycle.next_status(ticket.status, "reopen")
    resolved_at = ticket.resolved_at or ticket.updated_at
    if now > resolved_at + window:
        raise OutsideWindow("reopen", resolved_at + window)
    sla = routing.sla_for(ticket.category)
    await lifecycle.apply(
        session,
        ticket,
        "reopen",
        actor=actor,
        now=now,
        reason=why,
        values={"resolved_at": None, "resolution_due": now + sla.resolution},
    )
    if why is not None:
        await _add_message(
            session, ticket, author=None, visibility=MessageVisibility.THREAD, body=why, now=now
        )
    await session.flush()
    return ticket


async def rate(
    session: AsyncSession, actor: WorkerActor, ticket_id: int, score: int, now: datetime
) -> Ticket:
    """The worker's satisfaction, 1 to 5, once, on a resolved or closed ticket."""
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise InvalidInput("score", "out_of_range")
    ticket = await _for_worker(session, actor, ticket_id, "rate")
    lifecycle.next_status(ticket.status, "rate")
    if ticket.merged_into_id is not None:  # closed as a duplicate: nobody worked it
        raise NotAllowed("rate", "merged")
    if ticket.satisfaction is not None:
        raise NotAllowed("rate", "already_rated")
    try:
        await lifecycle.apply(
            session,
            ticket,
            "rate",
            actor=actor,
            now=now,
            values={"satisfaction": score},
            expect=[Ticket.satisfaction.is_(None)],
            data={"score": score},
        )
    except IllegalTransition:
        if ticket.satisfaction is not None:
            raise NotAllowed("rate", "already_rated") from None
        raise
    await session.flush()
    return ticket


async def reassign(
    session: AsyncSession,
    actor: OfficerActor,
    ticket_id: int,
    *,
    officer_id: int | None = None,
    queue_key: str | None = None,
    reason: str | None,
    now: datetime,
) -> Ticket:
    """Give the ticket to another officer and/or queue.

    The new officer must be active and belong to the (new) queue. Moving to a queue
    without naming an officer picks its least-loaded one, or leaves the ticket unheld.
    """
    if officer_id is None and queue_key is None:
        raise InvalidInput("officer", "required")
    why = _text("reason", reason, MAX_MESSAGE_LENGTH, required=False) or None
    _, ticket = await _for_officer(session, actor, ticket_id, "reassign")
    target_queue = ticket.queue
    if queue_key is not None:
        found = await repo.get_queue_by_key(session, queue_key)
        if found is None:
            raise InvalidInput("queue", "unknown_queue")
        target_queue = found
    target: Officer | None
    if officer_id is not None:
        target = await repo.get_officer(session, officer_id)
        if target is None or not target.active:
            raise InvalidInput("officer", "officer_inactive")
        if not officer_serves(target, target_queue.id):
            raise InvalidInput("officer", "not_in_queue")
    else:
        target = await repo.least_loaded_officer(session, target_queue.id)
    await lifecycle.apply(
        session,
        ticket,
        "assign" if target is not None else "unassign",
        actor=actor,
        now=now,
        reason=why,
        assignee=target,
        queue=target_queue,
        event_name="reassign",
        data={
            "from_queue": ticket.queue.key,
            "to_queue": target_queue.key,
            "from_officer_id": ticket.assignee_id,
            "to_officer_id": target.id if target is not None else None,
        },
    )
    await session.flush()
    return ticket


async def list_worker_tickets(
    session: AsyncSession, actor: WorkerActor, *, limit: int = 50
) -> list[Ticket]:
    """The worker's own tickets, newest first."""
    if not isinstance(actor, WorkerActor):
        raise NotAllowed("list", "workers_only")
    return await repo.tickets_of_worker(session, actor.person_id, limit=limit)


async def list_queue(
    session: AsyncSession, actor: OfficerActor, *, limit: int = 20
) -> list[Ticket]:
    """Open tickets of my queues (admins: of all queues): urgent, then overdue, then by the
    nearest unmet deadline."""
    officer = await active_officer(session, actor, "list")
    if officer.role == OfficerRole.ADMIN:
        return await repo.open_tickets_of_queues(session, None, limit=limit)
    queue_ids = [queue.id for queue in officer.queues]
    return await repo.open_tickets_of_queues(session, queue_ids, limit=limit)


async def list_mine(
    session: AsyncSession, actor: OfficerActor, *, limit: int = 50
) -> list[Ticket]:
    """Open tickets I hold, in the order of `list_queue`."""
    officer = await active_officer(session, actor, "list")
    return await repo.open_tickets_of_assignee(session, officer.id, limit=limit)


async def officers_to_notify(session: AsyncSession, ticket: Ticket) -> list[Officer]:
    """Who must hear about the ticket: its holder if reachable, else the queue's reachable
    officers, else the reachable admins, else every active admin (nobody is left out)."""
    if ticket.assignee_id is not None:
        holder = await repo.get_officer(session, ticket.assignee_id)
        if (
            holder is not None
            and holder.active
            and holder.person is not None
            and holder.person.reachable
        ):
            return [holder]
    colleagues = await repo.reachable_officers_of_queue(session, ticket.queue_id)
    if colleagues:
        return colleagues
    admins = await repo.active_admins(session, reachable_only=True)
    return admins or await repo.active_admins(session, reachable_only=False)
