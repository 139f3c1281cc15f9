"""Scheduled ticket jobs: escalate overdue tickets up the union tree, close stale resolved ones.

Run by the scheduler inside its transaction (under a lease, so one replica at a time);
each change still goes through the lifecycle's compare-and-set, so a worker or officer
acting on the same ticket meanwhile wins cleanly and the job skips that ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, Queue, Ticket
from db.repositories import tickets as repo
from handlers.routing import DEFAULT_QUEUE_KEY, RoutingConfig, normalize_text
from handlers.tickets import lifecycle
from handlers.tickets.authz import SystemActor
from handlers.tickets.errors import IllegalTransition
from handlers.tickets.service import officers_to_notify

FIRST_RESPONSE_OVERDUE = "first_response_overdue"
RESOLUTION_OVERDUE = "resolution_overdue"


@dataclass(frozen=True, slots=True)
class Escalation:
    ticket: Ticket
    from_queue: Queue
    # The same queue when there is no higher unit with a queue: then the admins are told.
    to_queue: Queue
    # Who must hear: the new holder (or the new queue, or the admins) and the previous holder.
    notify: list[Officer]
    reason: str  # FIRST_RESPONSE_OVERDUE or RESOLUTION_OVERDUE
    previous_assignee: Officer | None


async def _higher_queue(
    session: AsyncSession, config: RoutingConfig, ticket: Ticket
) -> Queue | None:
    """A queue of the nearest ancestor unit (of the ticket's queue) that has queues.

    Among that unit's queues the routing rules choose, as for a new ticket; if none of
    them matches, the default queue if it is there, else the unit's first queue.
    """
    ticket_units = [u.key for u in await repo.unit_chain(session, ticket.unit_id)]
    text = "\n".join([ticket.summary, *(v for v in ticket.fields.values() if isinstance(v, str))])
    for unit in (await repo.unit_chain(session, ticket.queue.unit_id))[1:]:
        queues = await repo.queues_of_unit(session, unit.id)
        if not queues:
            continue
        by_key = {q.key: q for q in queues}
        for rule in config.rules:
            if rule.queue in by_key and rule.matches(
                ticket.kind.value, ticket.category, ticket_units, normalize_text(text)
            ):
                return by_key[rule.queue]
        return by_key.get(DEFAULT_QUEUE_KEY, queues[0])
    return None


async def escalate_overdue(
    session: AsyncSession, now: datetime, *, routing: RoutingConfig, limit: int = 500
) -> list[Escalation]:
    """Move every overdue ticket one level up and restart the deadline that ran out.

    At the top of the tree the ticket stays where it is, its escalation level still rises
    and the admins are told, so an unanswered ticket keeps surfacing, once per SLA period.
    """
    escalations: list[Escalation] = []
    for ticket in await repo.overdue_tickets(session, now, limit=limit):
        sla = routing.sla_for(ticket.category)
        values: dict[str, Any] = {"escalation_level": ticket.escalation_level + 1}
        reason = RESOLUTION_OVERDUE
        if ticket.resolution_due is not None and ticket.resolution_due < now:
            values["resolution_due"] = now + sla.resolution
        if ticket.first_response_at is None and (
            ticket.first_response_due is not None and ticket.first_response_due < now
        ):
            values["first_response_due"] = now + sla.first_response
            reason = FIRST_RESPONSE_OVERDUE
        from_queue, previous = ticket.queue, ticket.assignee
        target = await _higher_queue(session, routing, ticket)
        if target is None:
            new_holder: Officer | object | None = lifecycle.UNCHANGED
            to_queue = from_queue
            action = "assign" if ticket.assignee_id is not None else "unassign"
        else:
            new_holder = await repo.least_loaded_officer(session, target.id)
            to_queue = target
            action = "assign" if new_holder is not None else "unassign"
        try:
            await lifecycle.apply(
                session,
                ticket,
                action,
                actor=SystemActor(),
                now=now,
                reason=reason,
                values=values,
                assignee=new_holder,
                queue=to_queue,
                event_name="escalate",
                data={
                    "from_queue": from_queue.key,
                    "to_queue": to_queue.key,
                    "level": values["escalation_level"],
                },
            )
        except IllegalTransition:
            continue  # someone acted on it meanwhile; the next run looks again
        if target is None:
            notify = await repo.active_admins(session, reachable_only=True)
            notify = notify or await repo.active_admins(session, reachable_only=False)
        else:
            notify = await officers_to_notify(session, ticket)
        if previous is not None and previous.active and all(o.id != previous.id for o in notify):
            notify.append(previous)
        escalations.append(Escalation(ticket, from_queue, to_queue, notify, reason, previous))
    await session.flush()
    return escalations


async def auto_close(
    session: AsyncSession, now: datetime, after: timedelta, *, limit: int = 500
) -> list[Ticket]:
    """Close tickets resolved at least `after` ago that the worker neither confirmed nor
    reopened; returns them so the workers can be told."""
    closed: list[Ticket] = []
    for ticket in await repo.resolved_before(session, now - after, limit=limit):
        try:
            await lifecycle.apply(
                session,
                ticket,
                "auto_close",
                actor=SystemActor(),
                now=now,
                values={"closed_at": now},
                reason="no_answer_after_resolve",
                data={"after_days": after.days},
            )
        except IllegalTransition:
            continue  # the worker reopened or confirmed it meanwhile
        closed.append(ticket)
    await session.flush()
    return closed
