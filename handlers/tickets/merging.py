"""Merging a duplicate ticket into another: the duplicate closes, the other carries on.

The officer must be able to act on both tickets (re-checked here on every call; one they
may not see is "not found", like one that does not exist). Refused before anything is
written: merging a ticket into itself, into a resolved or closed ticket, or out of a ticket
that is not open. A merged ticket is closed and only open tickets take merges, so merges
form chains that never loop.

Both audit trails record the merge with the acting officer: the duplicate "merged_into"
(data: the other's reference and id), the other "merged_from". The duplicate keeps
`merged_into_id`, which is where its worker's later words go (`service.words_go_to`) when
both tickets are theirs and neither is anonymous (`followed_openly`); otherwise they are
refused with where to go instead, so neither worker learns about the other, and officers
cannot tell from where the words land that an anonymous worker filed the other ticket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Ticket
from db.repositories import tickets as repo
from handlers.tickets import lifecycle
from handlers.tickets.authz import OfficerActor, active_officer, officer_may_see, ticket_typed
from handlers.tickets.errors import NotAllowed, TicketNotFound


def followed_openly(duplicate: Ticket, target: Ticket) -> bool:
    """Whether the duplicate's worker is sent on to `target`: one worker filed both and
    under their name. (Moving an anonymous worker's words onto a named ticket, or the other
    way round, would show officers who the anonymous worker is.)"""
    return (
        duplicate.worker_id == target.worker_id
        and not duplicate.anonymous
        and not target.anonymous
    )


@dataclass(frozen=True, slots=True)
class Merged:
    duplicate: Ticket  # closed now
    target: Ticket


async def merge(
    session: AsyncSession,
    actor: OfficerActor,
    duplicate_id: int,
    target_reference: str,
    now: datetime,
) -> Merged:
    """Close ticket `duplicate_id` into the ticket with `target_reference` (as typed)."""
    officer = await active_officer(session, actor, "merge")
    duplicate = await repo.get_ticket(session, duplicate_id)
    if duplicate is None or not officer_may_see(officer, duplicate):
        raise TicketNotFound(duplicate_id)
    target = await ticket_typed(session, officer, target_reference, "target")
    if target.id == duplicate.id:
        raise NotAllowed("merge", "merge_itself")
    if (
        target.merged_into_id is not None
        or lifecycle.TRANSITIONS["merge_in"].get(target.status) is None
    ):
        raise NotAllowed("merge", "merge_target_closed")
    lifecycle.next_status(duplicate.status, "merge")
    await lifecycle.apply(
        session,
        duplicate,
        "merge",
        actor=actor,
        now=now,
        values={"closed_at": now, "merged_into_id": target.id},
        event_name="merged_into",
        data={"ticket": target.ref, "ticket_id": target.id},
    )
    await lifecycle.apply(
        session,
        target,
        "merge_in",
        actor=actor,
        now=now,
        event_name="merged_from",
        data={"ticket": duplicate.ref, "ticket_id": duplicate.id},
    )
    await session.flush()
    return Merged(duplicate, target)


async def merged_into_reference(session: AsyncSession, ticket: Ticket) -> str | None:
    """The reference of the ticket a duplicate (one the caller may see) was merged into."""
    if ticket.merged_into_id is None:
        return None
    target = await repo.get_ticket(session, ticket.merged_into_id)
    return None if target is None else target.ref
