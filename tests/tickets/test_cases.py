"""Collective cases: who may work them, which tickets may join, and that one result
reaches every worker in the case about their own ticket only."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, CaseStatus, OutboxMessage, Person, TicketStatus
from handlers.core import officer_work
from handlers.messages import Outgoing
from handlers.tickets import cases, service
from handlers.tickets.authz import active_officer
from handlers.tickets.errors import CaseNotFound, InvalidInput, NotAllowed, TicketNotFound
from tests.tickets.conftest import NOW, World, events_of, open_ticket, snapshot

ZONE = ZoneInfo("Asia/Shanghai")
# The chats of the world's two workers (张三, 李四).
WORKER_CHAT, OTHER_CHAT = "1", "2"


async def _outbox(session: AsyncSession, chat_id: str) -> list[str]:
    payloads = await session.scalars(
        select(OutboxMessage.payload)
        .where(OutboxMessage.chat_id == chat_id)
        .order_by(OutboxMessage.id)
    )
    return [Outgoing.from_json(p).text for p in payloads]


async def _work(session: AsyncSession, world: World, verb: str, case_id: int, text: str) -> int:
    actor = world.officer("acme1")
    desk = officer_work.Desk(
        session, await active_officer(session, actor, verb), NOW, ZONE, group_lang="zh-CN"
    )
    reached = await officer_work.work_case(desk, actor, verb, case_id, text)
    await session.commit()
    return len(reached)


async def _three_workers_one_problem(session: AsyncSession, world: World) -> tuple[int, list[int]]:
    """张三 (anonymous) and 李四 (who reads English) report the same broken light; a case
    holds both tickets."""
    other = await session.get(Person, world.someone_else.person_id)
    assert other is not None
    other.language = "en"
    mine = (await open_ticket(session, world, anonymous=True, summary="仓库灯坏了")).ticket
    theirs = (await open_ticket(session, world, worker=other, summary="仓库太暗")).ticket
    ids = [mine.id, theirs.id]
    acme1 = world.officer("acme1")
    case = await cases.create_case(session, acme1, ids[0], "仓库照明", NOW)
    await cases.add_ticket(session, acme1, case.id, theirs.ref, NOW)
    await session.commit()
    return case.id, ids


async def test_resolving_a_case_resolves_each_ticket_and_tells_each_worker_alone(
    session: AsyncSession, world: World
) -> None:
    case_id, (mine, theirs) = await _three_workers_one_problem(session, world)
    refs = {
        t: (await service.get_ticket(session, world.officer("acme1"), t)).ref
        for t in (mine, theirs)
    }

    assert await _work(session, world, "reply", case_id, "下周一维修") == 2
    assert await _work(session, world, "resolve", case_id, "已更换灯管") == 2

    for ticket_id, chat in ((mine, WORKER_CHAT), (theirs, OTHER_CHAT)):
        state = await snapshot(session, ticket_id)
        assert state["status"] == TicketStatus.RESOLVED
        events = await events_of(session, ticket_id)
        resolved = [e for e in events if e.event == "resolve"]
        assert [(e.actor_officer_id, e.data.get("case")) for e in resolved] == [
            (world.officer("acme1").officer_id, case_id)
        ]
        told = "\n".join(await _outbox(session, chat))
        # Each in their own language: the officer's words as written, the rest translated.
        assert ("Your request" in told) == (chat == OTHER_CHAT)
        assert ("您的诉求" in told) == (chat == WORKER_CHAT)
        assert "下周一维修" in told
        assert "已更换灯管" in told
        assert refs[ticket_id] in told
        other_id = theirs if ticket_id == mine else mine
        assert refs[other_id] not in told
        for name in ("张三", "李四"):
            assert name not in told
    session.expire_all()
    case = await session.get(Case, case_id)
    assert case is not None
    assert (case.status, case.resolution) == (CaseStatus.RESOLVED, "已更换灯管")
    # A resolved case changes no more.
    with pytest.raises(NotAllowed) as refused:
        await cases.reply_to_case(session, world.officer("acme1"), case_id, "再说一句", NOW)
    assert refused.value.key == "error.not_allowed.case_resolved"


async def test_nobody_learns_of_the_anonymous_worker_or_the_others_words(
    session: AsyncSession, world: World
) -> None:
    case_id, _ = await _three_workers_one_problem(session, world)
    await _work(session, world, "reply", case_id, "请问是哪个仓库？")
    await _work(session, world, "resolve", case_id, "已更换灯管")
    rows = (await session.execute(select(OutboxMessage.chat_id, OutboxMessage.payload))).all()
    assert sorted(chat for chat, _ in rows) == [WORKER_CHAT, WORKER_CHAT, OTHER_CHAT, OTHER_CHAT]
    for chat, payload in rows:
        text = Outgoing.from_json(payload).text
        others = ("张三", "仓库灯坏了") if chat == OTHER_CHAT else ("李四", "仓库太暗")
        for word in others:
            assert word not in text


async def test_only_open_tickets_of_no_other_case_join(
    session: AsyncSession, world: World
) -> None:
    case_id, (mine, _) = await _three_workers_one_problem(session, world)
    acme1 = world.officer("acme1")
    loose = (await open_ticket(session, world)).ticket
    done = (await open_ticket(session, world)).ticket
    loose_ref, done_ref, loose_id, done_id = loose.ref, done.ref, loose.id, done.id
    await service.claim(session, acme1, done_id, NOW)
    await service.resolve(session, acme1, done_id, "好了", NOW)
    other_case = (await cases.create_case(session, acme1, loose_id, "别的", NOW)).id
    await session.commit()
    mine_ref = (await service.get_ticket(session, acme1, mine)).ref
    before = {i: await snapshot(session, i) for i in (mine, loose_id, done_id)}
    for reference, key in (
        (mine_ref, "error.not_allowed.case_ticket_in"),
        (loose_ref, "error.not_allowed.case_ticket_taken"),
        (done_ref, "error.not_allowed.case_ticket_closed"),
        ("灯", "error.invalid.not_a_reference"),
        ("GR-2099-000001", "error.invalid.no_such_ticket"),
    ):
        with pytest.raises((NotAllowed, InvalidInput)) as refused:
            await cases.add_ticket(session, acme1, case_id, reference, NOW)
        assert refused.value.key == key, reference
        await session.rollback()
    assert {i: await snapshot(session, i) for i in (mine, loose_id, done_id)} == before
    # The last ticket stays.
    with pytest.raises(NotAllowed) as refused:
        await cases.remove_ticket(session, acme1, other_case, loose_id, NOW)
    assert refused.value.key == "error.not_allowed.case_last_ticket"
    await session.rollback()
    removed = await cases.remove_ticket(session, acme1, case_id, mine, NOW)
    await session.commit()
    assert removed.id == mine
    assert [e.event for e in await events_of(session, mine)][-1] == "case_removed"
    assert [t.id for t in (await cases.get_case(session, acme1, case_id)).tickets] != [mine]


async def test_a_case_with_a_ticket_outside_my_queues_is_not_found(
    session: AsyncSession, world: World
) -> None:
    case_id, (mine, _) = await _three_workers_one_problem(session, world)
    park = (await open_ticket(session, world, unit_key="hitech-park")).ticket
    park_ref, park_id = park.ref, park.id
    # acme1 cannot add a ticket they may not see: refused like one that does not exist.
    with pytest.raises(InvalidInput) as refused:
        await cases.add_ticket(session, world.officer("acme1"), case_id, park_ref, NOW)
    assert refused.value.key == "error.invalid.no_such_ticket"
    await session.rollback()
    # An admin may; then the case is out of acme1's sight altogether.
    await cases.add_ticket(session, world.officer("admin"), case_id, park_ref, NOW)
    await session.commit()
    before = await snapshot(session, mine)
    for attempt in (
        cases.get_case(session, world.officer("acme1"), case_id),
        cases.resolve_case(session, world.officer("acme1"), case_id, "办结", NOW),
        cases.reply_to_case(session, world.officer("acme1"), case_id, "回复", NOW),
        cases.remove_ticket(session, world.officer("acme1"), case_id, park_id, NOW),
        cases.get_case(session, world.officer("legal1"), case_id),
        cases.get_case(session, world.officer("acme1"), 999),
    ):
        with pytest.raises(CaseNotFound):
            await attempt
        await session.rollback()
    assert await snapshot(session, mine) == before
    # Nor can an officer open a case on a ticket they may not see.
    with pytest.raises(TicketNotFound):
        await cases.create_case(session, world.officer("legal1"), mine, "偷看", NOW)
