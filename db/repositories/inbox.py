"""The console's inbox query: tickets by filters and a text search, a page at a time, and
how many there are in each status.

The search is a substring match (LIKE) over the reference, the summary and the thread,
so it finds Chinese words, which are written without spaces, as well as Latin ones, and
behaves the same on SQLite and PostgreSQL. The gram index (`search`) narrows the tickets
it reads first, without changing what it finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, true, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, aliased, joinedload

from db.models import Queue, Ticket, TicketMessage, TicketStatus
from db.repositories import search
from db.repositories.tickets import most_urgent_first, overdue

_LIKE_ESCAPE = "\\"


@dataclass(frozen=True, slots=True)
class InboxQuery:
    """Every filter is optional; `queue_ids` None means every queue."""

    queue_ids: Sequence[int] | None = None
    statuses: Sequence[TicketStatus] | None = None
    unit_ids: Sequence[int] | None = None
    category: str | None = None
    # 0 means "held by nobody".
    assignee_id: int | None = None
    overdue_at: datetime | None = None
    anonymous_only: bool = False
    created_from: datetime | None = None
    created_before: datetime | None = None
    search: str = ""


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _conditions(
    query: InboxQuery, *, with_status: bool, ignore_case: bool, indexed: Select[int] | None
) -> ColumnElement[bool]:
    parts: list[ColumnElement[bool]] = []
    if query.queue_ids is not None:
        parts.append(Ticket.queue_id.in_(query.queue_ids))
    if with_status and query.statuses is not None:
        parts.append(Ticket.status.in_(query.statuses))
    if query.unit_ids is not None:
        in_units = select(Queue.id).where(Queue.unit_id.in_(query.unit_ids))
        parts.append(or_(Ticket.unit_id.in_(query.unit_ids), Ticket.queue_id.in_(in_units)))
    if query.category:
        parts.append(Ticket.category == query.category)
    if query.assignee_id == 0:
        parts.append(Ticket.assignee_id.is_(None))
    elif query.assignee_id is not None:
        parts.append(Ticket.assignee_id == query.assignee_id)
    if query.overdue_at is not None:
        parts.append(overdue(query.overdue_at))
    if query.anonymous_only:
        parts.append(Ticket.anonymous.is_(True))
    if query.created_from is not None:
        parts.append(Ticket.created_at >= query.created_from)
    if query.created_before is not None:
        parts.append(Ticket.created_at < query.created_before)
    if query.search:
        pattern = _like(query.search)

        def matches(
            column: InstrumentedAttribute[str] | InstrumentedAttribute[str | None],
        ) -> ColumnElement[bool]:
            # SQLite's LIKE ignores ASCII case by itself; lower() on both sides would cost
            # a function call per row. PostgreSQL needs ILIKE for a term with cased letters.
            if ignore_case:
                return column.ilike(pattern, escape=_LIKE_ESCAPE)
            return column.like(pattern, escape=_LIKE_ESCAPE)

        # One pass over the messages (a semi-join), not one lookup per ticket.
        in_thread = select(TicketMessage.ticket_id).where(matches(TicketMessage.body))
        if indexed is None:
            parts.append(
                or_(matches(Ticket.reference), matches(Ticket.summary), Ticket.id.in_(in_thread))
            )
        else:
            # Only the tickets whose grams could contain the term are read at all, and the
            # substring match still decides, so the results are the same. Spelled as a
            # union of the matches rather than a filter on the tickets, which PostgreSQL
            # would plan as a scan of every ticket.
            own = aliased(Ticket)
            in_text = select(own.id).where(
                own.id.in_(indexed), or_(matches(own.reference), matches(own.summary))
            )
            in_thread = in_thread.where(TicketMessage.ticket_id.in_(indexed))
            parts.append(Ticket.id.in_(union(in_text, in_thread)))
    return and_(true(), *parts)


def _ignore_case(session: AsyncSession, search: str) -> bool:
    """Whether the search needs ILIKE: on PostgreSQL, and only for a term with letters
    that have case (Chinese has none, and ILIKE lowercases every row it reads)."""
    cased = search.lower() != search.upper()
    return cased and session.get_bind().dialect.name != "sqlite"


async def _indexed(session: AsyncSession, query: InboxQuery) -> Select[int] | None:
    return await search.candidates(session, query.search) if query.search else None


def page_query(
    query: InboxQuery,
    *,
    offset: int,
    limit: int,
    ignore_case: bool = True,
    indexed: Select[int] | None = None,
) -> Select[Ticket]:
    """`indexed`: the tickets the search's gram index allows (`search.candidates`)."""
    return (
        select(Ticket)
        .where(_conditions(query, with_status=True, ignore_case=ignore_case, indexed=indexed))
        .order_by(*most_urgent_first())
        .offset(offset)
        .limit(limit)
        .options(joinedload(Ticket.queue), joinedload(Ticket.assignee))
    )


async def page(
    session: AsyncSession, query: InboxQuery, *, offset: int, limit: int
) -> list[Ticket]:
    """One page of tickets in the queue's order (urgent, then the nearest unmet deadline)."""
    statement = page_query(
        query,
        offset=offset,
        limit=limit,
        ignore_case=_ignore_case(session, query.search),
        indexed=await _indexed(session, query),
    )
    return list((await session.scalars(statement)).all())


async def counts_by_status(session: AsyncSession, query: InboxQuery) -> dict[TicketStatus, int]:
    """How many tickets match each status, every other filter applied."""
    rows = await session.execute(
        select(Ticket.status, func.count())
        .where(
            _conditions(
                query,
                with_status=False,
                ignore_case=_ignore_case(session, query.search),
                indexed=await _indexed(session, query),
            )
        )
        .group_by(Ticket.status)
    )
    return {TicketStatus(status): int(count) for status, count in rows.all()}
