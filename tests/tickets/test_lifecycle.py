"""Every transition of the status machine, and every refused one changing nothing."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ActorKind, TicketStatus
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor
from handlers.tickets.errors import IllegalTransition, InvalidInput, NotAllowed, OutsideWindow
from handlers.tickets.jobs import auto_close
from tests.tickets.conftest import NOW, World, events_of, open_ticket, snapshot

S = TicketStatus
LATER = NOW + timedelta(hours=1)


async def ticket_in(session: AsyncSession, world: World, status: TicketStatus) -> int:
    """A ticket driven to `status` through the use cases (acme1 holds it from assigned on)."""
    if status is S.NEW:
        # No officer serves the west district's queue: the ticket stays new, unheld.
        opened = await open_ticket(session, world, unit_key="riverside-textiles")
        return opened.ticket.id
    opened = await open_ticket(session, world)
    ticket_id = opened.ticket.id
    acme1 = world.officer("acme1")
    steps: list[Callable[[], Awaitable[object]]] = [
        lambda: service.claim(session, acme1, ticket_id, NOW),
        lambda: service.ask_worker(session, acme1, ticket_id, "哪个门？", NOW),
    ]
    until = {S.ASSIGNED: 0, S.IN_PROGRESS: 1, S.WAITING_WORKER: 2}
    if status in until:
        steps = steps[: until[status]]
    else:
        steps = steps[:1]
        steps.append(lambda: service.resolve(session, acme1, ticket_id, "已修好", NOW))
        if status is S.CLOSED:
            steps.append(lambda: service.confirm(session, world.me, ticket_id, NOW))
        if status is S.REOPENED:
            steps.append(
                lambda: service.reopen(
                    session, world.me, ticket_id, "还是坏的", NOW, routing=world.routing
                )
            )
    for step in steps:
        await step()
        await session.commit()
    assert (await snapshot(session, ticket_id))["status"] is status
    return ticket_id


async def act(
    session: AsyncSession, world: World, officer: OfficerActor, action: str, ticket_id: int
) -> None:
    """Do `action` through its use case, as the officer or as the ticket's worker."""
    match action:
        case "claim":
            await service.claim(session, officer, ticket_id, LATER)
        case "reply":
            await service.reply(session, officer, ticket_id, "我们在处理", LATER)
        case "ask_worker":
            await service.ask_worker(session, officer, ticket_id, "几点发现的？", LATER)
        case "worker_message":
            await service.worker_message(session, world.me, ticket_id, "昨晚八点", (), LATER)
        case "resolve":
            await service.resolve(session, officer, ticket_id, "已修好", LATER)
        case "confirm":
            await service.confirm(session, world.me, ticket_id, LATER)
        case "reopen":
            await service.reopen(
                session, world.me, ticket_id, "没修好", LATER, routing=world.routing
            )
        case "rate":
            await service.rate(session, world.me, ticket_id, 5, LATER)
        case "reassign":
            other = world.officer("acme2").officer_id
            await service.reassign(
                session, officer, ticket_id, officer_id=other, reason="换人", now=LATER
            )
        case "auto_close":
            await auto_close(session, NOW + timedelta(days=8), timedelta(days=7))


async def test_a_new_ticket_is_created_then_assigned_and_both_are_recorded(
    session: AsyncSession, world: World
) -> None:
    opened = await open_ticket(session, world)
    events = await events_of(session, opened.ticket.id)
    assert [(e.event, e.from_status, e.to_status) for e in events] == [
        ("created", None, S.NEW),
        ("assign", S.NEW, S.ASSIGNED),
    ]
    assert events[0].actor_kind is ActorKind.WORKER
    assert events[1].actor_kind is ActorKind.SYSTEM
    assert all(e.at == NOW for e in events)


@pytest.mark.parametrize(
    ("start", "action", "expected"),
    [
        (S.NEW, "claim", S.IN_PROGRESS),
        (S.ASSIGNED, "claim", S.IN_PROGRESS),
        (S.ASSIGNED, "reply", S.IN_PROGRESS),
        (S.NEW, "ask_worker", S.WAITING_WORKER),
        (S.IN_PROGRESS, "ask_worker", S.WAITING_WORKER),
        (S.WAITING_WORKER, "worker_message", S.IN_PROGRESS),
        (S.IN_PROGRESS, "worker_message", S.IN_PROGRESS),
        (S.WAITING_WORKER, "reply", S.WAITING_WORKER),
        (S.IN_PROGRESS, "resolve", S.RESOLVED),
        (S.WAITING_WORKER, "resolve", S.RESOLVED),
        (S.RESOLVED, "confirm", S.CLOSED),
        (S.RESOLVED, "reopen", S.REOPENED),
        (S.REOPENED, "claim", S.IN_PROGRESS),
        (S.REOPENED, "reply", S.IN_PROGRESS),
        (S.RESOLVED, "auto_close", S.CLOSED),
    ],
)
async def test_transition(
    session: AsyncSession,
    world: World,
    start: TicketStatus,
    action: str,
    expected: TicketStatus,
) -> None:
    ticket_id = await ticket_in(session, world, start)
    officer = world.officer("acme1") if start is not S.NEW else world.officer("admin")
    await act(session, world, officer, action, ticket_id)
    await session.commit()
    after = await snapshot(session, ticket_id)
    assert after["status"] is expected
    last = (await events_of(session, ticket_id))[-1]
    assert (last.event, last.from_status, last.to_status) == (action, start, expected)


@pytest.mark.parametrize(
    ("start", "action"),
    [
        (S.NEW, "resolve"),
        (S.ASSIGNED, "resolve"),
        (S.REOPENED, "resolve"),
        (S.IN_PROGRESS, "claim"),
        (S.WAITING_WORKER, "claim"),
        (S.RESOLVED, "claim"),
        (S.CLOSED, "claim"),
        (S.RESOLVED, "reply"),
        (S.CLOSED, "reply"),
        (S.RESOLVED, "ask_worker"),
        (S.CLOSED, "worker_message"),
        (S.RESOLVED, "worker_message"),
        (S.IN_PROGRESS, "confirm"),
        (S.CLOSED, "confirm"),
        (S.IN_PROGRESS, "reopen"),
        (S.CLOSED, "reopen"),
        (S.REOPENED, "reopen"),
        (S.IN_PROGRESS, "rate"),
        (S.NEW, "rate"),
        (S.RESOLVED, "resolve"),
        (S.CLOSED, "reassign"),
    ],
)
async def test_refused_transition_changes_nothing(
    session: AsyncSession, world: World, start: TicketStatus, action: str
) -> None:
    ticket_id = await ticket_in(session, world, start)
    before = await snapshot(session, ticket_id)
    acme1 = world.officer("acme1") if start is not S.NEW else world.officer("admin")
    with pytest.raises(IllegalTransition) as refused:
        await act(session, world, acme1, action, ticket_id)
    assert refused.value.from_status is start
    await session.commit()
    assert await snapshot(session, ticket_id) == before


async def test_the_first_answer_stamps_first_response_once(
    session: AsyncSession, world: World
) -> None:
    ticket_id = await ticket_in(session, world, S.ASSIGNED)
    await service.reply(session, world.officer("acme1"), ticket_id, "明天修", LATER)
    await service.reply(
        session, world.officer("acme1"), ticket_id, "已派人", LATER + timedelta(hours=1)
    )
    await session.commit()
    ticket = await service.get_ticket(session, world.me, ticket_id)
    assert ticket.first_response_at == LATER
    assert [m.body for m in ticket.messages] == ["明天修", "已派人"]


async def test_an_internal_note_changes_no_status_and_is_recorded(
    session: AsyncSession, world: World
) -> None:
    ticket_id = await ticket_in(session, world, S.IN_PROGRESS)
    await service.add_note(session, world.officer("acme2"), ticket_id, "工人很着急", LATER)
    await session.commit()
    last = (await events_of(session, ticket_id))[-1]
    assert (last.event, last.from_status, last.to_status) == ("note", S.IN_PROGRESS, S.IN_PROGRESS)
    assert last.actor_officer_id == world.officer("acme2").officer_id


async def test_rating_once_on_a_resolved_ticket(session: AsyncSession, world: World) -> None:
    ticket_id = await ticket_in(session, world, S.RESOLVED)
    await service.rate(session, world.me, ticket_id, 4, LATER)
    await session.commit()
    assert (await snapshot(session, ticket_id))["satisfaction"] == 4
    with pytest.raises(NotAllowed, match="already_rated"):
        await service.rate(session, world.me, ticket_id, 1, LATER)
    await service.confirm(session, world.me, ticket_id, LATER)
    await session.commit()
    assert (await snapshot(session, ticket_id))["satisfaction"] == 4


@pytest.mark.parametrize("score", [0, 6, -1])
async def test_a_rating_outside_1_to_5_is_refused(
    session: AsyncSession, world: World, score: int
) -> None:
    ticket_id = await ticket_in(session, world, S.RESOLVED)
    with pytest.raises(InvalidInput):
        await service.rate(session, world.me, ticket_id, score, LATER)
    assert (await snapshot(session, ticket_id))["satisfaction"] is None


async def test_reopen_within_the_window_gives_a_fresh_deadline(
    session: AsyncSession, world: World
) -> None:
    ticket_id = await ticket_in(session, world, S.RESOLVED)
    when = NOW + timedelta(days=6, hours=23)
    await service.reopen(session, world.me, ticket_id, "灯又坏了", when, routing=world.routing)
    await session.commit()
    ticket = await service.get_ticket(session, world.me, ticket_id)
    assert ticket.status is S.REOPENED
    assert ticket.resolved_at is None
    assert ticket.resolution_due is not None
    assert ticket.resolution_due > when
    assert ticket.messages[-1].body == "灯又坏了"


async def test_reopen_outside_the_window_is_refused(session: AsyncSession, world: World) -> None:
    ticket_id = await ticket_in(session, world, S.RESOLVED)
    before = await snapshot(session, ticket_id)
    with pytest.raises(OutsideWindow):
        await service.reopen(
            session,
            world.me,
            ticket_id,
            "太晚了",
            NOW + timedelta(days=7, minutes=1),
            routing=world.routing,
        )
    with pytest.raises(OutsideWindow):
        await service.reopen(
            session,
            world.me,
            ticket_id,
            "x",
            NOW + timedelta(days=2),
            routing=world.routing,
            window=timedelta(days=1),
        )
    assert await snapshot(session, ticket_id) == before


async def test_the_trail_cannot_be_edited(session: AsyncSession, world: World) -> None:
    ticket_id = await ticket_in(session, world, S.ASSIGNED)
    event = (await events_of(session, ticket_id))[0]
    event.reason = "rewritten"
    with pytest.raises(RuntimeError, match="append-only"):
        await session.flush()
    await session.rollback()
    await session.delete((await events_of(session, ticket_id))[0])
    with pytest.raises(RuntimeError, match="append-only"):
        await session.flush()
