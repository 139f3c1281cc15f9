"""The ticket status machine and its audit trail.

    new -> assigned -> in_progress <-> waiting_worker -> resolved -> closed
                                                          resolved -> reopened -> in_progress
    any open status -> closed, when merged into another ticket as its duplicate

`TRANSITIONS` is the whole machine: for each action, the statuses it applies in and the
status it leads to (some actions keep the status and change only who holds the ticket).
`apply` is the only code that changes a ticket's status or holder. It writes with a
compare-and-set on the status and assignee the caller saw, so of two concurrent actions on
one ticket exactly one succeeds and the other gets IllegalTransition, on SQLite as on
PostgreSQL. A refused action raises before anything is written. Every applied action
appends one TicketEvent (actor, time, from, to, reason); events are never updated or
deleted, and the mapper guard below makes an attempt to do so fail loudly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, cast

from sqlalchemy import ColumnElement, CursorResult, event, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from db.models import Officer, Queue, Ticket, TicketEvent, TicketStatus
from handlers.tickets.authz import Actor, OfficerActor, actor_kind
from handlers.tickets.errors import IllegalTransition

S = TicketStatus
_OPEN_KEEP = {s: s for s in (S.IN_PROGRESS, S.WAITING_WORKER, S.REOPENED)}
_OPEN = (S.NEW, S.ASSIGNED, S.IN_PROGRESS, S.WAITING_WORKER, S.REOPENED)

TRANSITIONS: Final[Mapping[str, Mapping[TicketStatus, TicketStatus]]] = MappingProxyType(
    {
        # Routing or an admin gives the ticket to an officer; work already begun stays so.
        "assign": {S.NEW: S.ASSIGNED, S.ASSIGNED: S.ASSIGNED, **_OPEN_KEEP},
        # Moved to a queue with nobody to take it: back to new until someone claims it.
        "unassign": {S.NEW: S.NEW, S.ASSIGNED: S.NEW, **_OPEN_KEEP},
        "claim": {S.NEW: S.IN_PROGRESS, S.ASSIGNED: S.IN_PROGRESS, S.REOPENED: S.IN_PROGRESS},
        # Only a holder-less ticket already in work can be claimed without a status change.
        "claim_unheld": {S.IN_PROGRESS: S.IN_PROGRESS, S.WAITING_WORKER: S.WAITING_WORKER},
        "reply": {
            S.NEW: S.IN_PROGRESS,
            S.ASSIGNED: S.IN_PROGRESS,
            S.REOPENED: S.IN_PROGRESS,
            S.IN_PROGRESS: S.IN_PROGRESS,
            S.WAITING_WORKER: S.WAITING_WORKER,
        },
        "ask_worker": dict.fromkeys(
            (S.NEW, S.ASSIGNED, S.REOPENED, S.IN_PROGRESS, S.WAITING_WORKER), S.WAITING_WORKER
        ),
        "worker_message": {
            S.NEW: S.NEW,
            S.ASSIGNED: S.ASSIGNED,
            S.REOPENED: S.REOPENED,
            S.IN_PROGRESS: S.IN_PROGRESS,
            S.WAITING_WORKER: S.IN_PROGRESS,
        },
        "resolve": {S.IN_PROGRESS: S.RESOLVED, S.WAITING_WORKER: S.RESOLVED},
        "confirm": {S.RESOLVED: S.CLOSED},
        "auto_close": {S.RESOLVED: S.CLOSED},
        "reopen": {S.RESOLVED: S.REOPENED},
        # A duplicate closes into another open ticket, which takes it in and stays as it is
        # (its compare-and-set makes sure it is still open).
        "merge": dict.fromkeys(_OPEN, S.CLOSED),
        "merge_in": {s: s for s in _OPEN},
        # Joining or leaving a collective case changes no status, and only open tickets do.
        "case": {s: s for s in _OPEN},
        # Rating changes no status; listed so that it, too, is refused on open tickets.
        "rate": {S.RESOLVED: S.RESOLVED, S.CLOSED: S.CLOSED},
    }
)

# Passed as `assignee`/`queue` to mean "leave as is" (None means "nobody").
UNCHANGED: Final = object()


def next_status(current: TicketStatus, action: str) -> TicketStatus:
    """Where `action` leads from `current`; IllegalTransition if it does not apply."""
    target = TRANSITIONS.get(action, {}).get(current)
    if target is None:
        raise IllegalTransition(current, action)
    return target


async def apply(
    session: AsyncSession,
    ticket: Ticket,
    action: str,
    *,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
    values: Mapping[str, Any] | None = None,
    assignee: Officer | object | None = UNCHANGED,
    queue: Queue | object = UNCHANGED,
    data: Mapping[str, Any] | None = None,
    expect: Sequence[ColumnElement[bool]] = (),
    event_name: str | None = None,
) -> TicketEvent:
    """Apply `action` to `ticket` if its status allows, and append the event.

    `values` are further ticket columns to set in the same write; `assignee` and `queue`
    move the ticket; `expect` adds conditions to the compare-and-set; `event_name` defaults
    to the action. On a lost race the ticket is reloaded and IllegalTransition raised.
    """
    from_status = ticket.status
    to_status = next_status(from_status, action)
    changes: dict[str, Any] = {"status": to_status, "updated_at": now, **(values or {})}
    if assignee is not UNCHANGED:
        changes["assignee_id"] = assignee.id if isinstance(assignee, Officer) else None
    if isinstance(queue, Queue):
        changes["queue_id"] = queue.id
    statement = (
        update(Ticket)
        .where(Ticket.id == ticket.id, Ticket.status == from_status)
        .where(
            Ticket.assignee_id.is_(None)
            if ticket.assignee_id is None
            else Ticket.assignee_id == ticket.assignee_id
        )
        .where(*expect)
        .values(changes)
        .execution_options(synchronize_session=False)
    )
    result = cast(CursorResult[Any], await session.execute(statement))
    if result.rowcount != 1:
        await session.refresh(ticket)
        raise IllegalTransition(ticket.status, action)
    for column, value in changes.items():
        set_committed_value(ticket, column, value)
    if assignee is not UNCHANGED:
        set_committed_value(ticket, "assignee", assignee)
    if queue is not UNCHANGED:
        set_committed_value(ticket, "queue", queue)
    return record(
        session,
        ticket,
        event_name or action,
        actor=actor,
        now=now,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=data,
    )


def record(
    session: AsyncSession,
    ticket: Ticket,
    event_name: str,
    *,
    actor: Actor,
    now: datetime,
    from_status: TicketStatus | None,
    to_status: TicketStatus | None,
    reason: str | None = None,
    data: Mapping[str, Any] | None = None,
) -> TicketEvent:
    """Append one event to the trail (the worker is recorded by kind only, never by id).

    An officer's act from anywhere but the chat records where (`data["via"]`)."""
    details = dict(data or {})
    if isinstance(actor, OfficerActor) and actor.via != "chat":
        details["via"] = actor.via
    row = TicketEvent(
        ticket_id=ticket.id,
        at=now,
        actor_kind=actor_kind(actor),
        actor_officer_id=actor.officer_id if isinstance(actor, OfficerActor) else None,
        event=event_name,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        data=details,
    )
    session.add(row)
    return row


@event.listens_for(TicketEvent, "before_update")
@event.listens_for(TicketEvent, "before_delete")
def _trail_is_append_only(*_args: object) -> None:
    msg = "the ticket audit trail is append-only: events are never updated or deleted"
    raise RuntimeError(msg)
