"""Merging a duplicate ticket into another: the rules, who may, what each worker is told,
and where the duplicate's worker's later words go."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, OutboxMessage, Person, Ticket, TicketStatus
from handlers.core import officer_work
from handlers.messages import Outgoing
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor, SystemActor, active_officer
from handlers.tickets.errors import (
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    TicketError,
    TicketNotFound,
)
from tests.tickets.conftest import NOW, World, events_of, open_ticket, snapshot

ZONE = ZoneInfo("Asia/Shanghai")
# The chats of the world's two workers (张三, 李四).
WORKER_CHAT, OTHER_CHAT = "1", "2"


async def _merge(
    session: AsyncSession, world: World, name: str, duplicate: int, target: str
) -> Ticket:
    """Officer `name` merges through the desk every console and chat uses, and commits."""
    actor = world.officer(name)
    officer = await active_officer(session, actor, "merge")
    desk = officer_work.Desk(session, officer, NOW, ZONE, group_lang="zh-CN")
    merged = await officer_work.change(desk, actor, "merge", duplicate, target)
    await officer_work.tell(desk, merged, "merge", target)
    await session.commit()
    return merged


async def _outbox(session: AsyncSession, chat_id: str) -> str:
    payloads = await session.scalars(
        select(OutboxMessage.payload).where(OutboxMessage.chat_id == chat_id)
    )
    return "\n".join(Outgoing.from_json(p).text for p in payloads)


async def _all_outbox(session: AsyncSession) -> str:
    payloads = await session.scalars(select(OutboxMessage.payload))
    return "\n".join(Outgoing.from_json(p).text for p in payloads)


async def test_a_duplicate_closes_into_the_other_and_both_trails_say_who(
    session: AsyncSession, world: World
) -> None:
    first = (await open_ticket(session, world, summary="3号门的路灯坏了")).ticket
    again = (await open_ticket(session, world, summary="3号门路灯还是不亮")).ticket
    first_id, first_ref, again_id, again_ref = first.id, first.ref, again.id, again.ref

    await _merge(session, world, "acme1", again_id, first_ref.lower().replace("-", " - "))
    session.expire_all()

    duplicate = await session.get(Ticket, again_id)
    assert duplicate is not None
    assert duplicate.status == TicketStatus.CLOSED
    assert duplicate.merged_into_id == first_id
    assert duplicate.closed_at == NOW
    acme1 = world.officer("acme1").officer_id
    (merged_into,) = [e for e in await events_of(session, again_id) if e.event == "merged_into"]
    (merged_from,) = [e for e in await events_of(session, first_id) if e.event == "merged_from"]
    assert (merged_into.actor_officer_id, merged_into.data["ticket"]) == (acme1, first_ref)
    assert (merged_from.actor_officer_id, merged_from.data["ticket"]) == (acme1, again_ref)
    assert (await snapshot(session, first_id))["status"] == TicketStatus.ASSIGNED
    # One worker filed both: they are told where to follow it.
    told = await _outbox(session, WORKER_CHAT)
    assert again_ref in told
    assert f"{first_ref} 中查看进度" in told


async def test_its_workers_later_words_go_to_the_ticket_it_was_merged_into(
    session: AsyncSession, world: World
) -> None:
    first = (await open_ticket(session, world)).ticket
    again = (await open_ticket(session, world)).ticket
    first_id, again_id = first.id, again.id
    await _merge(session, world, "acme1", again_id, first.ref)

    message = await service.worker_message(session, world.me, again_id, "灯杆也歪了", (), NOW)
    await session.commit()
    assert message.ticket_id == first_id
    session.expire_all()
    thread = await service.get_ticket(session, SystemActor(), first_id)
    assert [m.body for m in thread.messages] == ["灯杆也歪了"]


async def test_different_workers_never_learn_about_each_other(
    session: AsyncSession, world: World
) -> None:
    mine = (await open_ticket(session, world, anonymous=True, summary="班长骂人")).ticket
    someone = await session.get(Person, world.someone_else.person_id)
    theirs = (await open_ticket(session, world, worker=someone, summary="班长骂人了")).ticket
    mine_id, mine_ref, theirs_ref = mine.id, mine.ref, theirs.ref
    before_theirs = await _outbox(session, OTHER_CHAT)

    await _merge(session, world, "acme1", mine_id, theirs_ref)

    told_me = await _outbox(session, WORKER_CHAT)
    assert mine_ref in told_me
    assert "合并办理" in told_me
    for hint in (theirs_ref, "李四", "班长骂人了"):
        assert hint not in told_me
    # The other worker hears nothing of it.
    assert await _outbox(session, OTHER_CHAT) == before_theirs
    # The officers' notices name the anonymous worker nowhere.
    assert "张三" not in await _all_outbox(session)
    # Later words about the duplicate are refused with where to go, and kept nowhere else.
    with pytest.raises(NotAllowed) as refused:
        await service.worker_message(session, world.me, mine_id, "还有一件事", (), NOW)
    assert refused.value.key == "error.not_allowed.merged"
    with pytest.raises(NotAllowed):
        await service.rate(session, world.me, mine_id, 5, NOW)


async def test_merges_that_make_no_sense_are_refused_and_change_nothing(
    session: AsyncSession, world: World
) -> None:
    first = (await open_ticket(session, world)).ticket
    second = (await open_ticket(session, world)).ticket
    third = (await open_ticket(session, world)).ticket
    done = (await open_ticket(session, world)).ticket
    refs = {t.id: t.ref for t in (first, second, third, done)}
    acme1 = world.officer("acme1")
    await service.claim(session, acme1, done.id, NOW)
    await service.resolve(session, acme1, done.id, "修好了", NOW)
    await session.commit()
    one, two, three, four = refs
    await _merge(session, world, "acme1", two, refs[one])
    before = {i: await snapshot(session, i) for i in refs}

    attempts: list[tuple[int, str, type[TicketError], str]] = [
        (one, refs[one], NotAllowed, "error.not_allowed.merge_itself"),
        (three, refs[four], NotAllowed, "error.not_allowed.merge_target_closed"),
        # Back into the duplicate (a cycle): it is closed.
        (one, refs[two], NotAllowed, "error.not_allowed.merge_target_closed"),
        # The duplicate again, somewhere else: it is closed.
        (two, refs[three], IllegalTransition, "error.illegal_transition"),
        (three, "路灯", InvalidInput, "error.invalid.not_a_reference"),
        (three, "GR-2099-999999", InvalidInput, "error.invalid.no_such_ticket"),
    ]
    for duplicate, target, error, key in attempts:
        with pytest.raises(error) as refused:
            await _merge(session, world, "acme1", duplicate, target)
        assert refused.value.key == key, (duplicate, target)
        await session.rollback()
    assert {i: await snapshot(session, i) for i in refs} == before


async def test_an_officer_can_merge_only_tickets_they_may_see(
    session: AsyncSession, world: World
) -> None:
    acme = (await open_ticket(session, world)).ticket  # acme-grievances
    park = (await open_ticket(session, world, unit_key="hitech-park")).ticket
    acme_id, acme_ref, park_id, park_ref = acme.id, acme.ref, park.id, park.ref
    assert park.queue_id != acme.queue_id
    before = {i: await snapshot(session, i) for i in (acme_id, park_id)}
    # Into a ticket of another queue: refused like one that does not exist.
    with pytest.raises(InvalidInput) as refused:
        await _merge(session, world, "acme1", acme_id, park_ref)
    assert refused.value.key == "error.invalid.no_such_ticket"
    await session.rollback()
    # Out of a ticket of another queue: not found.
    with pytest.raises(TicketNotFound):
        await _merge(session, world, "acme1", park_id, acme_ref)
    await session.rollback()
    assert {i: await snapshot(session, i) for i in (acme_id, park_id)} == before
    # A deactivated officer can do nothing.
    gone = OfficerActor(world.officer("acme2").officer_id)
    officer = await session.get(Officer, gone.officer_id)
    assert officer is not None
    officer.active = False
    await session.commit()
    with pytest.raises(NotAllowed):
        await _merge(session, world, "acme2", acme_id, park_ref)
    await session.rollback()
    # An admin may merge across queues.
    await _merge(session, world, "admin", park_id, acme_ref)
    assert (await snapshot(session, park_id))["status"] == TicketStatus.CLOSED


async def test_an_anonymous_duplicate_of_a_named_ticket_keeps_the_worker_hidden(
    session: AsyncSession, world: World
) -> None:
    named = (await open_ticket(session, world, summary="3号门的路灯坏了")).ticket
    hidden = (await open_ticket(session, world, anonymous=True, summary="路灯坏了")).ticket
    named_id, named_ref, hidden_id, hidden_ref = named.id, named.ref, hidden.id, hidden.ref

    await _merge(session, world, "acme1", hidden_id, named_ref)

    # Told like a worker of someone else's ticket would be: nothing officers could see
    # differs from that case.
    told = await _outbox(session, WORKER_CHAT)
    assert hidden_ref in told
    assert named_ref not in told
    with pytest.raises(NotAllowed):
        await service.worker_message(session, world.me, hidden_id, "是我，张三", (), NOW)
    await session.rollback()
    thread = await service.get_ticket(session, SystemActor(), named_id)
    assert thread.messages == []
