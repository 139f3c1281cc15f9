"""Ticket queries: loading for views, queue listings, officer load, overdue and stale tickets.

Adds, queries and flushes; never commits (the caller of the use case does).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, contains_eager, joinedload, selectinload

from db.models import (
    Officer,
    OfficerRole,
    Person,
    Queue,
    Ticket,
    TicketStatus,
    Unit,
    nearest_unmet_due,
    queue_officers,
)

OPEN_STATUSES: tuple[TicketStatus, ...] = (
    TicketStatus.NEW,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.WAITING_WORKER,
    TicketStatus.REOPENED,
)
# A ticket waiting for the worker's answer is on the worker's clock, not the officers'.
ESCALATABLE_STATUSES: tuple[TicketStatus, ...] = (
    TicketStatus.NEW,
    TicketStatus.ASSIGNED,
    TicketStatus.IN_PROGRESS,
    TicketStatus.REOPENED,
)

# Many-to-one parts (a ticket's, an officer's account) in the same query, one round trip;
# collections by selectin.
_CARD = (
    joinedload(Ticket.worker, innerjoin=True),
    joinedload(Ticket.queue, innerjoin=True).joinedload(Queue.unit, innerjoin=True),
    joinedload(Ticket.assignee),
    joinedload(Ticket.unit),
)
_DETAIL = (
    *_CARD,
    selectinload(Ticket.events),
    selectinload(Ticket.messages),
    selectinload(Ticket.attachments),
)


async def get_ticket(
    session: AsyncSession, ticket_id: int, *, detail: bool = False
) -> Ticket | None:
    """The ticket with what an officer's card needs (and its thread with `detail`)."""
    query = select(Ticket).where(Ticket.id == ticket_id).options(*(_DETAIL if detail else _CARD))
    return (await session.execute(query)).scalar_one_or_none()


async def ticket_id_for_reference(session: AsyncSession, reference: str) -> int | None:
    ticket_id: int | None = await session.scalar(
        select(Ticket.id).where(Ticket.reference == reference)
    )
    return ticket_id


async def refresh_detail(session: AsyncSession, ticket: Ticket) -> Ticket:
    """Reload a ticket with everything a view needs, after a use case changed it."""
    await session.flush()
    query = (
        select(Ticket)
        .where(Ticket.id == ticket.id)
        .options(*_DETAIL)
        .execution_options(populate_existing=True)
    )
    return (await session.execute(query)).scalar_one()


def most_urgent_first() -> tuple[ColumnElement[Any] | InstrumentedAttribute[Any], ...]:
    """The queue's order: urgent first, then by the nearest unmet deadline, which puts
    overdue tickets (their deadline is in the past) before every ticket still in time."""
    return (Ticket.urgent.desc(), nearest_unmet_due().asc().nulls_last(), Ticket.id)


def overdue(now: datetime) -> ColumnElement[bool]:
    """An open ticket whose next deadline has passed."""
    return and_(Ticket.status.in_(OPEN_STATUSES), nearest_unmet_due() < now)


async def _open_most_urgent_first(
    session: AsyncSession, condition: ColumnElement[bool], limit: int
) -> list[Ticket]:
    query = (
        select(Ticket)
        .where(Ticket.status.in_(OPEN_STATUSES), condition)
        .order_by(*most_urgent_first())
        .limit(limit)
        .options(joinedload(Ticket.queue), joinedload(Ticket.assignee))
    )
    return list((await session.scalars(query)).all())


async def open_tickets_of_queues(
    session: AsyncSession, queue_ids: Sequence[int] | None, *, limit: int
) -> list[Ticket]:
    """Open tickets of the queues (None: of every queue): urgent, then by the nearest unmet
    deadline, so overdue tickets come before those still in time."""
    condition = true() if queue_ids is None else Ticket.queue_id.in_(queue_ids)
    return await _open_most_urgent_first(session, condition, limit)


async def open_tickets_of_assignee(
    session: AsyncSession, officer_id: int, *, limit: int
) -> list[Ticket]:
    """Open tickets the officer holds, in the order of `open_tickets_of_queues`."""
    return await _open_most_urgent_first(session, Ticket.assignee_id == officer_id, limit)


async def tickets_of_worker(session: AsyncSession, person_id: int, *, limit: int) -> list[Ticket]:
    query = (
        select(Ticket)
        .where(Ticket.worker_id == person_id)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
        .options(*_CARD)
    )
    return list((await session.scalars(query)).all())


async def tickets_of_case(session: AsyncSession, case_id: int) -> list[Ticket]:
    """The tickets of a collective case, oldest first, loaded for cards."""
    query = select(Ticket).where(Ticket.case_id == case_id).order_by(Ticket.id).options(*_CARD)
    return list((await session.scalars(query)).all())


async def waiting_ticket_of_worker(session: AsyncSession, person_id: int) -> int | None:
    """The worker's ticket an officer most recently put back to them, if any."""
    ticket_id: int | None = await session.scalar(
        select(Ticket.id)
        .where(Ticket.worker_id == person_id, Ticket.status == TicketStatus.WAITING_WORKER)
        .order_by(Ticket.updated_at.desc(), Ticket.id.desc())
        .limit(1)
    )
    return ticket_id


async def get_officer(session: AsyncSession, officer_id: int) -> Officer | None:
    """An officer with their queues and messenger account."""
    query = (
        select(Officer)
        .where(Officer.id == officer_id)
        .options(selectinload(Officer.queues), joinedload(Officer.person))
    )
    return (await session.execute(query)).scalar_one_or_none()


async def least_loaded_officer(session: AsyncSession, queue_id: int) -> Officer | None:
    """The active officer of the queue with the fewest open tickets; ties go to the lowest id."""
    load = (
        select(func.count(Ticket.id))
        .where(Ticket.assignee_id == Officer.id, Ticket.status.in_(OPEN_STATUSES))
        .correlate(Officer)
        .scalar_subquery()
    )
    query = (
        select(Officer)
        .join(queue_officers, queue_officers.c.officer_id == Officer.id)
        .where(queue_officers.c.queue_id == queue_id, Officer.active.is_(True))
        .order_by(load, Officer.id)
        .limit(1)
        .options(joinedload(Officer.person))
    )
    return (await session.execute(query)).scalar_one_or_none()


def _reachable() -> Select[Officer]:
    return (
        select(Officer)
        .join(Person, Person.id == Officer.person_id)
        .where(Officer.active.is_(True), Person.reachable.is_(True))
        .order_by(Officer.id)
        .options(contains_eager(Officer.person))
    )


async def reachable_officers_of_queue(session: AsyncSession, queue_id: int) -> list[Officer]:
    query = _reachable().join(queue_officers, queue_officers.c.officer_id == Officer.id)
    query = query.where(queue_officers.c.queue_id == queue_id)
    return list((await session.scalars(query)).all())


async def active_admins(session: AsyncSession, *, reachable_only: bool) -> list[Officer]:
    if reachable_only:
        query = _reachable().where(Officer.role == OfficerRole.ADMIN)
    else:
        query = (
            select(Officer)
            .where(Officer.active.is_(True), Officer.role == OfficerRole.ADMIN)
            .order_by(Officer.id)
            .options(selectinload(Officer.person))
        )
    return list((await session.scalars(query)).all())


async def overdue_tickets(session: AsyncSession, now: datetime, *, limit: int) -> list[Ticket]:
    """Tickets past their first-response or resolution deadline, oldest deadline first."""
    query = (
        select(Ticket)
        .where(
            Ticket.status.in_(ESCALATABLE_STATUSES),
            or_(
                and_(Ticket.first_response_at.is_(None), Ticket.first_response_due < now),
                Ticket.resolution_due < now,
            ),
        )
        .order_by(Ticket.id)
        .limit(limit)
        .options(*_CARD)
    )
    return list((await session.scalars(query)).all())


async def resolved_before(session: AsyncSession, cutoff: datetime, *, limit: int) -> list[Ticket]:
    query = (
        select(Ticket)
        .where(Ticket.status == TicketStatus.RESOLVED, Ticket.resolved_at <= cutoff)
        .order_by(Ticket.id)
        .limit(limit)
        .options(*_CARD)
    )
    return list((await session.scalars(query)).all())


async def get_unit_by_key(session: AsyncSession, key: str) -> Unit | None:
    unit: Unit | None = await session.scalar(select(Unit).where(Unit.key == key))
    return unit


async def unit_chain(session: AsyncSession, unit_id: int | None) -> list[Unit]:
    """The unit and its ancestors, nearest first (a broken parent loop stops the walk)."""
    chain: list[Unit] = []
    seen: set[int] = set()
    while unit_id is not None and unit_id not in seen:
        seen.add(unit_id)
        unit = await session.get(Unit, unit_id)
        if unit is None:
            break
        chain.append(unit)
        unit_id = unit.parent_id
    return chain


async def get_queue_by_key(session: AsyncSession, key: str) -> Queue | None:
    query = select(Queue).where(Queue.key == key).options(selectinload(Queue.unit))
    return (await session.execute(query)).scalar_one_or_none()


async def queues_of_unit(session: AsyncSession, unit_id: int) -> list[Queue]:
    query = (
        select(Queue)
        .where(Queue.unit_id == unit_id)
        .order_by(Queue.id)
        .options(selectinload(Queue.unit))
    )
    return list((await session.scalars(query)).all())
