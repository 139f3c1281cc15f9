"""Blocking a worker who abuses the service, and lifting the block.

An officer blocks the worker of a ticket they may see, from that ticket's card; the block
names the person only by the ticket, so an anonymous worker stays unknown to the officer.
The worker can no longer write (tickets stay as they are) and is told so. An admin lifts
the block by the ticket's reference, and the worker is told again. Both land in the
ticket's audit trail. Use cases write the worker's notice to the outbox, flush and never
commit; the caller commits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Block, Officer, Person, Ticket
from handlers.admin import AdminError, officer_for_person
from handlers.core.notify import to_person
from handlers.core.texts import t
from handlers.tickets import lifecycle, service
from handlers.tickets.authz import OfficerActor, SystemActor
from handlers.tickets.errors import NotAllowed, TicketNotFound

BLOCKED_EVENT = "blocked"
UNBLOCKED_EVENT = "unblocked"


@dataclass(frozen=True, slots=True)
class BlockOutcome:
    ticket: Ticket
    # The person to tell; never shown to the officer.
    worker: Person
    # False when the worker was blocked already (nothing changed).
    new: bool


@dataclass(frozen=True, slots=True)
class BlockListing:
    reference: str
    officer_name: str
    created_at: datetime


async def is_blocked(session: AsyncSession, person_id: int) -> bool:
    return await session.get(Block, person_id) is not None


async def block_worker(
    session: AsyncSession, actor: OfficerActor, ticket_id: int, now: datetime
) -> BlockOutcome:
    """Block the worker of a ticket the officer may see; NotAllowed for a colleague's own."""
    ticket = await service.get_ticket(session, actor, ticket_id)
    worker = await session.get(Person, ticket.worker_id)
    if worker is None:
        raise NotAllowed("block", "block_gone")
    if await officer_for_person(session, worker.id) is not None:
        # Officers are managed by admins (deactivate), not blocked by colleagues.
        raise NotAllowed("block", "block_officer")
    if await is_blocked(session, worker.id):
        return BlockOutcome(ticket, worker, new=False)
    block = Block(
        person_id=worker.id, ticket_id=ticket.id, officer_id=actor.officer_id, created_at=now
    )
    session.add(block)
    lifecycle.record(
        session, ticket, BLOCKED_EVENT, actor=actor, now=now, from_status=None, to_status=None
    )
    _tell(session, worker, "block.told", ticket.id, now)
    await session.flush()
    return BlockOutcome(ticket, worker, new=True)


async def lift_block(session: AsyncSession, reference: str, now: datetime) -> BlockOutcome:
    """An admin lifts the block on the worker of ticket `reference` (the CLI's use case)."""
    try:
        ticket = await service.get_ticket(session, SystemActor(), reference.strip().upper())
    except TicketNotFound as exc:
        msg = f"no ticket {reference!r}"
        raise AdminError(msg, "admin.error.unknown_ticket", reference=reference) from exc
    block = await session.get(Block, ticket.worker_id)
    worker = await session.get(Person, ticket.worker_id)
    if block is None or worker is None:
        msg = f"the worker of {ticket.reference} is not blocked"
        raise AdminError(msg, "admin.error.not_blocked", reference=ticket.ref)
    await session.delete(block)
    lifecycle.record(
        session,
        ticket,
        UNBLOCKED_EVENT,
        actor=SystemActor(),
        now=now,
        from_status=None,
        to_status=None,
        data={"blocked_from": block.ticket_id},
    )
    _tell(session, worker, "block.lifted", ticket.id, now)
    await session.flush()
    return BlockOutcome(ticket, worker, new=True)


def _tell(session: AsyncSession, worker: Person, key: str, ticket_id: int, now: datetime) -> None:
    to_person(session, worker, (t(worker.language, key), ()), ticket_id=ticket_id, now=now)


async def list_blocks(session: AsyncSession) -> list[BlockListing]:
    """Every block in force, oldest first, by the ticket it was made from."""
    rows = await session.execute(
        select(Ticket.reference, Officer.name, Block.created_at)
        .join(Ticket, Ticket.id == Block.ticket_id)
        .join(Officer, Officer.id == Block.officer_id)
        .order_by(Block.created_at, Block.person_id)
    )
    return [BlockListing(reference or "", name, at) for reference, name, at in rows]
