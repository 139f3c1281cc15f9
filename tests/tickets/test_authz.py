"""Who may see and act on which ticket: checked by the use cases themselves."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, TicketStatus
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor
from handlers.tickets.errors import InvalidInput, NotAllowed, TicketNotFound
from tests.tickets.conftest import NOW, World, open_ticket, snapshot


async def test_a_worker_sees_only_their_own_tickets(session: AsyncSession, world: World) -> None:
    opened = await open_ticket(session, world)
    ticket_id = opened.ticket.id
    assert (await service.get_ticket(session, world.me, ticket_id)).id == ticket_id
    with pytest.raises(TicketNotFound):
        await service.get_ticket(session, world.someone_else, ticket_id)
    with pytest.raises(TicketNotFound):
        await service.get_ticket(session, world.someone_else, opened.ticket.ref)
    with pytest.raises(TicketNotFound):
        await service.worker_message(session, world.someone_else, ticket_id, "hi", (), NOW)
    assert await service.list_worker_tickets(session, world.someone_else) == []
    assert [t.id for t in await service.list_worker_tickets(session, world.me)] == [ticket_id]


async def test_a_worker_cannot_act_on_anothers_resolved_ticket(
    session: AsyncSession, world: World
) -> None:
    ticket_id = (await open_ticket(session, world)).ticket.id
    acme1 = world.officer("acme1")
    await service.claim(session, acme1, ticket_id, NOW)
    await service.resolve(session, acme1, ticket_id, "done", NOW)
    await session.commit()
    before = await snapshot(session, ticket_id)
    for attempt in (
        service.confirm(session, world.someone_else, ticket_id, NOW),
        service.reopen(session, world.someone_else, ticket_id, "no", NOW, routing=world.routing),
        service.rate(session, world.someone_else, ticket_id, 1, NOW),
    ):
        with pytest.raises(TicketNotFound):
            await attempt
    assert await snapshot(session, ticket_id) == before


async def test_an_officer_of_another_queue_sees_nothing(
    session: AsyncSession, world: World
) -> None:
    ticket_id = (await open_ticket(session, world)).ticket.id  # acme-grievances
    before = await snapshot(session, ticket_id)
    legal1 = world.officer("legal1")
    with pytest.raises(TicketNotFound):
        await service.get_ticket(session, legal1, ticket_id)
    with pytest.raises(TicketNotFound):
        await service.claim(session, legal1, ticket_id, NOW)
    with pytest.raises(TicketNotFound):
        await service.add_note(session, legal1, ticket_id, "peek", NOW)
    assert await service.list_queue(session, legal1) == []
    assert await snapshot(session, ticket_id) == before
    # Same queue, and an admin outside every queue, may.
    assert (await service.get_ticket(session, world.officer("acme2"), ticket_id)).id == ticket_id
    assert (await service.get_ticket(session, world.officer("admin"), ticket_id)).id == ticket_id


@pytest.mark.parametrize("forged", [10_000_000, "10000000", "GR-2026-999999", "garbage", ""])
async def test_a_forged_ticket_id_looks_like_a_missing_one(
    session: AsyncSession, world: World, forged: int | str
) -> None:
    await open_ticket(session, world)
    with pytest.raises(TicketNotFound):
        await service.get_ticket(session, world.officer("admin"), forged)
    if isinstance(forged, int):
        with pytest.raises(TicketNotFound):
            await service.claim(session, world.officer("admin"), forged, NOW)


async def test_a_deactivated_officer_can_do_nothing(session: AsyncSession, world: World) -> None:
    ticket_id = (await open_ticket(session, world)).ticket.id
    acme1 = world.officer("acme1")
    officer = await session.get(Officer, acme1.officer_id)
    assert officer is not None
    officer.active = False
    await session.commit()
    before = await snapshot(session, ticket_id)
    with pytest.raises(NotAllowed, match="officer_inactive"):
        await service.get_ticket(session, acme1, ticket_id)
    with pytest.raises(NotAllowed, match="officer_inactive"):
        await service.claim(session, acme1, ticket_id, NOW)
    with pytest.raises(NotAllowed, match="officer_inactive"):
        await service.list_queue(session, acme1)
    assert await snapshot(session, ticket_id) == before
    # Claiming admin rights in the actor does not make an officer an admin.
    with pytest.raises(TicketNotFound):
        await service.get_ticket(
            session, OfficerActor(world.officer("legal1").officer_id, True), ticket_id
        )


async def test_reassign_only_to_an_active_officer_of_the_queue(
    session: AsyncSession, world: World
) -> None:
    ticket_id = (await open_ticket(session, world)).ticket.id
    acme1 = world.officer("acme1")
    with pytest.raises(InvalidInput, match="not_in_queue"):
        await service.reassign(
            session,
            acme1,
            ticket_id,
            officer_id=world.officer("legal1").officer_id,
            reason="x",
            now=NOW,
        )
    ticket = await service.reassign(
        session, acme1, ticket_id, queue_key="city-legal-aid", reason="其实是法律问题", now=NOW
    )
    await session.commit()
    assert ticket.queue.key == "city-legal-aid"
    assert ticket.assignee_id == world.officer("legal1").officer_id
    assert ticket.status is TicketStatus.ASSIGNED
    # The old queue's officers lost it; the new one has it.
    with pytest.raises(TicketNotFound):
        await service.get_ticket(session, acme1, ticket_id)
    legal_queue = await service.list_queue(session, world.officer("legal1"))
    assert [t.id for t in legal_queue] == [ticket_id]
