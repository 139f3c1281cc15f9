"""Anonymous masking, escalation up the tree, auto-close, and the claim race."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Ticket, TicketStatus
from handlers.tickets import service
from handlers.tickets.errors import IllegalTransition, NotAllowed, TicketError
from handlers.tickets.jobs import FIRST_RESPONSE_OVERDUE, auto_close, escalate_overdue
from handlers.tickets.views import officer_view, worker_view
from tests.tickets.conftest import NOW, World, events_of, open_ticket


async def test_an_anonymous_ticket_never_shows_the_worker(
    session: AsyncSession, world: World
) -> None:
    opened = await open_ticket(session, world, anonymous=True)
    ticket_id = opened.ticket.id
    acme1 = world.officer("acme1")
    await service.ask_worker(session, acme1, ticket_id, "具体位置？", NOW)
    await service.worker_message(session, world.me, ticket_id, "东侧", (), NOW)
    await session.commit()
    view = officer_view(await service.get_ticket(session, acme1, ticket_id))
    assert view.worker is None
    assert [e.body for e in view.thread] == ["具体位置？", "东侧"]
    rendered = repr(dataclasses.asdict(view))
    for secret in ("张三", f"'person_id': {world.me.person_id}", "'1'"):
        assert secret not in rendered
    # The same ticket filed openly shows who it is.
    named = officer_view((await open_ticket(session, world)).ticket)
    assert named.worker is not None
    assert named.worker.display_name == "张三"


async def test_internal_notes_never_reach_the_worker(session: AsyncSession, world: World) -> None:
    ticket_id = (await open_ticket(session, world)).ticket.id
    await service.add_note(session, world.officer("acme1"), ticket_id, "内部：老板是亲戚", NOW)
    await service.reply(session, world.officer("acme1"), ticket_id, "已受理", NOW)
    await session.commit()
    mine = worker_view(await service.get_ticket(session, world.me, ticket_id))
    assert [e.body for e in mine.thread] == ["已受理"]
    theirs = officer_view(await service.get_ticket(session, world.officer("acme2"), ticket_id))
    assert [e.body for e in theirs.thread] == ["内部：老板是亲戚", "已受理"]


async def test_overdue_tickets_escalate_up_two_levels(session: AsyncSession, world: World) -> None:
    opened = await open_ticket(session, world)  # facilities: first response due in 2 days
    ticket_id = opened.ticket.id
    assert await escalate_overdue(session, NOW + timedelta(days=1), routing=world.routing) == []

    first = await escalate_overdue(
        session, NOW + timedelta(days=2, minutes=1), routing=world.routing
    )
    await session.commit()
    assert [(e.from_queue.key, e.to_queue.key) for e in first] == [
        ("acme-grievances", "park-grievances")
    ]
    assert first[0].reason == FIRST_RESPONSE_OVERDUE
    notified = {o.id for o in first[0].notify}
    assert notified == {world.officer("park1").officer_id, world.officer("acme1").officer_id}
    # Not overdue again until a whole new SLA period has passed.
    assert await escalate_overdue(session, NOW + timedelta(days=3), routing=world.routing) == []

    second = await escalate_overdue(
        session, NOW + timedelta(days=4, minutes=2), routing=world.routing
    )
    await session.commit()
    assert [(e.from_queue.key, e.to_queue.key) for e in second] == [
        ("park-grievances", "east-grievances")
    ]
    ticket = await service.get_ticket(session, world.officer("east1"), ticket_id)
    assert ticket.escalation_level == 2
    assert ticket.assignee_id == world.officer("east1").officer_id
    escalations = [e for e in await events_of(session, ticket_id) if e.event == "escalate"]
    assert [(e.reason, e.data["to_queue"]) for e in escalations] == [
        (FIRST_RESPONSE_OVERDUE, "park-grievances"),
        (FIRST_RESPONSE_OVERDUE, "east-grievances"),
    ]


async def test_a_ticket_waiting_for_the_worker_does_not_escalate(
    session: AsyncSession, world: World
) -> None:
    ticket_id = (await open_ticket(session, world)).ticket.id
    await service.ask_worker(session, world.officer("acme1"), ticket_id, "照片？", NOW)
    await session.commit()
    assert await escalate_overdue(session, NOW + timedelta(days=30), routing=world.routing) == []


async def test_resolved_tickets_close_by_themselves_unless_reopened(
    session: AsyncSession, world: World
) -> None:
    acme1 = world.officer("acme1")
    ids = [(await open_ticket(session, world)).ticket.id for _ in range(2)]
    for ticket_id in ids:
        await service.claim(session, acme1, ticket_id, NOW)
        await service.resolve(session, acme1, ticket_id, "ok", NOW)
    await service.reopen(
        session, world.me, ids[1], "not fixed", NOW + timedelta(days=1), routing=world.routing
    )
    await session.commit()
    assert await auto_close(session, NOW + timedelta(days=6), timedelta(days=7)) == []
    closed = await auto_close(session, NOW + timedelta(days=7), timedelta(days=7))
    await session.commit()
    assert [t.id for t in closed] == [ids[0]]
    statuses = {
        row.id: row.status for row in await session.execute(select(Ticket.id, Ticket.status))
    }
    assert statuses == {ids[0]: TicketStatus.CLOSED, ids[1]: TicketStatus.REOPENED}


async def test_two_officers_claim_one_ticket_at_once_and_exactly_one_wins(
    sessionmaker: async_sessionmaker[AsyncSession], session: AsyncSession, world: World
) -> None:
    ticket_ids = [(await open_ticket(session, world)).ticket.id for _ in range(5)]
    rivals = (world.officer("acme1"), world.officer("acme2"))

    async def claim(officer_index: int, ticket_id: int) -> int | TicketError:
        async with sessionmaker() as own:
            try:
                await service.claim(own, rivals[officer_index], ticket_id, NOW)
                await own.commit()
            except (IllegalTransition, NotAllowed) as lost:
                await own.rollback()
                return lost
            return rivals[officer_index].officer_id

    for ticket_id in ticket_ids:
        outcomes = await asyncio.gather(claim(0, ticket_id), claim(1, ticket_id))
        winners = [o for o in outcomes if isinstance(o, int)]
        assert len(winners) == 1, outcomes
        session.expire_all()
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        assert (ticket.status, ticket.assignee_id) == (TicketStatus.IN_PROGRESS, winners[0])
        claims = [e for e in await events_of(session, ticket_id) if e.event == "claim"]
        assert [e.actor_officer_id for e in claims] == winners
