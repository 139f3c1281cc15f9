"""The officer's inbox: every ticket they may see, filtered, searched and paged.

An officer sees the tickets of their queues, an admin every ticket; a filter naming a
queue outside an officer's queues finds nothing rather than failing, so a URL reveals
nothing. The order is the queue's (`/queue`): urgent first, then the nearest unmet
deadline. Counts per status are of the tickets every other filter lets through.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, OfficerRole, Queue, Ticket, TicketStatus, Unit
from db.repositories import inbox as repo
from db.repositories.tickets import OPEN_STATUSES
from handlers.tickets.authz import OfficerActor, active_officer

PAGE_SIZE = 25
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True, slots=True)
class InboxFilter:
    # "open" (every open status), "all", or one TicketStatus value.
    status: str = "open"
    queue_key: str | None = None
    unit_key: str | None = None
    category: str | None = None
    # An officer id, or 0 for tickets nobody holds.
    assignee_id: int | None = None
    overdue: bool = False
    anonymous: bool = False
    # Days in the union's time zone, both included.
    created_from: date | None = None
    created_to: date | None = None
    search: str = ""
    page: int = 1


@dataclass(frozen=True, slots=True)
class Inbox:
    tickets: list[Ticket]
    total: int
    counts: dict[TicketStatus, int]
    page: int
    pages: int
    # What the filters may offer this officer.
    queues: list[Queue] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    officers: list[Officer] = field(default_factory=list)


def _statuses(status: str) -> list[TicketStatus] | None:
    if status == "all":
        return None
    if status in {s.value for s in TicketStatus}:
        return [TicketStatus(status)]
    return list(OPEN_STATUSES)


def _subtree(units: list[Unit], root_key: str) -> list[int]:
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    roots = [u for u in units if u.key == root_key]
    found: list[int] = []
    while roots:
        unit = roots.pop()
        found.append(unit.id)
        roots.extend(children.get(unit.id, []))
    return found


def _day_start(day: date, zone: tzinfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


async def list_inbox(
    session: AsyncSession,
    actor: OfficerActor,
    wanted: InboxFilter,
    *,
    now: datetime,
    zone: tzinfo,
    page_size: int = PAGE_SIZE,
) -> Inbox:
    officer = await active_officer(session, actor, "list")
    all_queues = list(await session.scalars(select(Queue).order_by(Queue.name, Queue.id)))
    if officer.role == OfficerRole.ADMIN:
        mine = all_queues
    else:
        member_of = {queue.id for queue in officer.queues}
        mine = [queue for queue in all_queues if queue.id in member_of]
    queue_ids = [queue.id for queue in mine]
    if wanted.queue_key:
        queue_ids = [queue.id for queue in mine if queue.key == wanted.queue_key]
    units = list(await session.scalars(select(Unit).order_by(Unit.name, Unit.id)))
    query = repo.InboxQuery(
        queue_ids=None
        if officer.role == OfficerRole.ADMIN and not wanted.queue_key
        else queue_ids,
        statuses=_statuses(wanted.status),
        unit_ids=_subtree(units, wanted.unit_key) if wanted.unit_key else None,
        category=wanted.category or None,
        assignee_id=wanted.assignee_id,
        overdue_at=now if wanted.overdue else None,
        anonymous_only=wanted.anonymous,
        created_from=_day_start(wanted.created_from, zone) if wanted.created_from else None,
        created_before=(
            _day_start(wanted.created_to + timedelta(days=1), zone) if wanted.created_to else None
        ),
        search=wanted.search.strip()[:MAX_SEARCH_LENGTH],
    )
    counts = await repo.counts_by_status(session, query)
    statuses = query.statuses
    total = sum(n for s, n in counts.items() if statuses is None or s in statuses)
    pages = max(1, -(-total // page_size))
    page = min(max(1, wanted.page), pages)
    tickets = await repo.page(session, query, offset=(page - 1) * page_size, limit=page_size)
    officers = list(
        await session.scalars(
            select(Officer).where(Officer.active.is_(True)).order_by(Officer.name)
        )
    )
    return Inbox(tickets, total, counts, page, pages, mine, units, officers)
