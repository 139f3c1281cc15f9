"""Who may see and act on which ticket, checked by every use case.

A worker: their own tickets. An officer: tickets of the queues they belong to. An admin:
every ticket. What the caller claims about an officer is re-read from the database each
time, so a deactivated officer or a revoked admin loses access at once. A ticket the actor
may not see raises TicketNotFound, exactly like a ticket that does not exist, so ids and
references cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ActorKind, Officer, OfficerRole, Ticket
from db.repositories import tickets as repo
from handlers.tickets.errors import InvalidInput, NotAllowed, TicketNotFound
from handlers.tickets.references import parse_reference


@dataclass(frozen=True, slots=True)
class WorkerActor:
    person_id: int


@dataclass(frozen=True, slots=True)
class OfficerActor:
    officer_id: int
    # A hint for menus only; the officer's role in the database decides.
    is_admin: bool = False
    # Where the officer acts from ("chat" or "console"); the audit trail records it.
    via: str = "chat"


@dataclass(frozen=True, slots=True)
class SystemActor:
    """The scheduler's jobs and ticket creation itself."""


Actor = WorkerActor | OfficerActor | SystemActor


def actor_kind(actor: Actor) -> ActorKind:
    match actor:
        case WorkerActor():
            return ActorKind.WORKER
        case OfficerActor():
            return ActorKind.OFFICER
        case SystemActor():
            return ActorKind.SYSTEM


async def active_officer(session: AsyncSession, actor: OfficerActor, action: str) -> Officer:
    """The acting officer, freshly loaded; NotAllowed if unknown or deactivated."""
    if not isinstance(actor, OfficerActor):
        raise NotAllowed(action, "officers_only")
    officer = await repo.get_officer(session, actor.officer_id)
    if officer is None or not officer.active:
        raise NotAllowed(action, "officer_inactive")
    return officer


async def active_admin(session: AsyncSession, actor: OfficerActor, action: str) -> Officer:
    """The acting officer if an active admin, freshly loaded; NotAllowed otherwise."""
    officer = await active_officer(session, actor, action)
    if officer.role != OfficerRole.ADMIN:
        raise NotAllowed(action, "admins_only")
    return officer


def officer_serves(officer: Officer, queue_id: int) -> bool:
    """Whether the officer may work tickets of the queue (admins: every queue)."""
    if officer.role == OfficerRole.ADMIN:
        return True
    return any(queue.id == queue_id for queue in officer.queues)


def officer_may_see(officer: Officer, ticket: Ticket) -> bool:
    return officer_serves(officer, ticket.queue_id)


async def ticket_typed(
    session: AsyncSession, officer: Officer, reference: str, field: str
) -> Ticket:
    """The ticket whose reference the officer typed in the form `field`; InvalidInput
    if it is no reference or names no ticket the officer may see."""
    canonical = parse_reference(reference)
    if canonical is None:
        raise InvalidInput(field, "not_a_reference")
    ticket_id = await repo.ticket_id_for_reference(session, canonical)
    ticket = None if ticket_id is None else await repo.get_ticket(session, ticket_id)
    # One the officer may not see is refused exactly like one that does not exist.
    if ticket is None or not officer_may_see(officer, ticket):
        raise InvalidInput(field, "no_such_ticket")
    return ticket


async def check_can_see(
    session: AsyncSession, actor: Actor, ticket: Ticket | None, ticket_ref: int | str
) -> Ticket:
    """`ticket` if `actor` may see it; TicketNotFound otherwise (also when it is None)."""
    if ticket is None:
        raise TicketNotFound(ticket_ref)
    match actor:
        case WorkerActor(person_id=person_id):
            allowed = ticket.worker_id == person_id
        case OfficerActor():
            officer = await active_officer(session, actor, "see")
            allowed = officer_may_see(officer, ticket)
        case SystemActor():
            allowed = True
    if not allowed:
        raise TicketNotFound(ticket_ref)
    return ticket
