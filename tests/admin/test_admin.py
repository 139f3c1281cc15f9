from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import (
    Officer,
    OfficerRole,
    Person,
    Queue,
    Ticket,
    TicketKind,
    TicketStatus,
    UnitKind,
)
from db.repositories.people import get_or_create_person
from handlers import admin

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def _structure(session: AsyncSession) -> None:
    await admin.add_unit(session, "city", "市总工会", UnitKind.CITY)
    await admin.add_unit(session, "nanshan", "南山区总工会", UnitKind.DISTRICT, parent_key="city")
    await admin.add_queue(session, "default", "综合", "city")
    await admin.add_queue(session, "nanshan-help", "南山帮扶", "nanshan")


async def _worker(session: AsyncSession, user_id: str = "500") -> Person:
    return await get_or_create_person(
        session,
        platform="telegram",
        platform_user_id=user_id,
        chat_id=user_id,
        language="zh-CN",
        now=NOW,
    )


async def test_units_form_a_tree(session: AsyncSession) -> None:
    await _structure(session)
    await session.commit()

    units = await admin.list_units(session)
    assert [(u.key, u.kind, u.parent.key if u.parent else None) for u in units] == [
        ("city", UnitKind.CITY, None),
        ("nanshan", UnitKind.DISTRICT, "city"),
    ]


@pytest.mark.parametrize(
    ("key", "kind", "parent", "error"),
    [
        ("city", UnitKind.CITY, None, "unit 'city' exists already"),
        ("park-1", UnitKind.PARK, "nowhere", "unknown unit 'nowhere'"),
        ("Bad Key", UnitKind.PARK, None, "invalid unit key 'Bad Key'"),
        ("big", UnitKind.CITY, "nanshan", "a city unit cannot belong to 'nanshan'"),
    ],
)
async def test_bad_units_are_refused_with_the_reason(
    session: AsyncSession, key: str, kind: UnitKind, parent: str | None, error: str
) -> None:
    await _structure(session)
    with pytest.raises(admin.AdminError, match=error):
        await admin.add_unit(session, key, "名称", kind, parent_key=parent)


async def test_queues_belong_to_known_units(session: AsyncSession) -> None:
    await _structure(session)
    with pytest.raises(admin.AdminError, match="unknown unit 'nowhere'"):
        await admin.add_queue(session, "q", "Q", "nowhere")
    with pytest.raises(admin.AdminError, match="queue 'default' exists already"):
        await admin.add_queue(session, "default", "Q", "city")
    with pytest.raises(admin.AdminError, match="name must be"):
        await admin.add_queue(session, "q", "   ", "city")
    await session.commit()

    queues = await admin.list_queues(session)
    assert [(q.key, q.unit.key, q.officers) for q in queues] == [
        ("default", "city", []),
        ("nanshan-help", "nanshan", []),
    ]


async def test_an_officer_added_by_messenger_id_is_linked_at_once(session: AsyncSession) -> None:
    await _structure(session)
    officer, code = await admin.add_officer(
        session,
        name="王芳",
        queue_keys=["nanshan-help", "default", "nanshan-help"],
        is_admin=True,
        platform="telegram",
        platform_user_id="12345",
        now=NOW,
    )
    await session.commit()

    assert code is None
    assert officer.role is OfficerRole.ADMIN
    assert officer.invite_code_hash is None
    person = await session.scalar(select(Person).where(Person.platform_user_id == "12345"))
    assert person is not None
    assert person.chat_id == "12345"  # a private chat's id is the user's id
    found = await admin.officer_for_person(session, person.id)
    assert found is officer
    assert sorted(q.key for q in found.queues) == ["default", "nanshan-help"]
    members = await admin.queue_members(session, "default")
    assert [o.name for o in members.officers] == ["王芳"]


async def test_an_existing_account_is_linked_and_only_once(session: AsyncSession) -> None:
    await _structure(session)
    worker = await _worker(session, "777")
    officer, _ = await admin.add_officer(
        session,
        name="李伟",
        queue_keys=["default"],
        platform="telegram",
        platform_user_id="777",
        now=NOW,
    )
    assert officer.person_id == worker.id

    with pytest.raises(admin.AdminError, match="already officer"):
        await admin.add_officer(
            session,
            name="Again",
            queue_keys=["default"],
            platform="telegram",
            platform_user_id="777",
            now=NOW,
        )


async def test_an_unknown_queue_adds_nobody(session: AsyncSession) -> None:
    await _structure(session)
    with pytest.raises(admin.AdminError, match="unknown queue 'nope'"):
        await admin.add_officer(session, name="X", queue_keys=["default", "nope"], now=NOW)
    await session.commit()
    assert await admin.list_officers(session) == []


async def test_an_invite_code_links_the_account_that_sends_it(session: AsyncSession) -> None:
    await _structure(session)
    officer, code = await admin.add_officer(session, name="李伟", queue_keys=["default"], now=NOW)
    assert code is not None
    await session.commit()
    # Only a hash is stored: the code itself is in no column of the row.
    stored = inspect(officer).attrs
    assert all(code not in str(stored[c.key].value) for c in Officer.__table__.columns)
    assert officer.invite_expires_at == NOW + admin.INVITE_VALID_FOR

    worker = await _worker(session)
    assert await admin.officer_for_person(session, worker.id) is None
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:]} "  # as people retype codes
    linked = await admin.redeem_invite(session, typed, worker, NOW + timedelta(days=1))
    await session.commit()

    assert linked is not None
    assert linked.id == officer.id
    assert linked.person_id == worker.id
    assert linked.invite_code_hash is None
    assert await admin.officer_for_person(session, worker.id) is officer


async def test_an_invite_code_works_once(session: AsyncSession) -> None:
    await _structure(session)
    _, code = await admin.add_officer(session, name="李伟", queue_keys=["default"], now=NOW)
    assert code is not None
    first, second = await _worker(session, "1"), await _worker(session, "2")

    assert await admin.redeem_invite(session, code, first, NOW) is not None
    assert await admin.redeem_invite(session, code, first, NOW) is None
    assert await admin.redeem_invite(session, code, second, NOW) is None
    assert await admin.officer_for_person(session, second.id) is None


async def test_wrong_expired_and_revoked_codes_do_nothing(session: AsyncSession) -> None:
    await _structure(session)
    officer, code = await admin.add_officer(session, name="李伟", queue_keys=["default"], now=NOW)
    _, other_code = await admin.add_officer(session, name="张敏", queue_keys=["default"], now=NOW)
    assert code is not None
    assert other_code is not None
    worker = await _worker(session)
    expiry = NOW + admin.INVITE_VALID_FOR

    wrong = "".join("A" if c != "A" else "B" for c in code)
    for attempt in (wrong, "", "short", "x" * 10_000, code + "A", "ÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅÅ"):
        assert await admin.redeem_invite(session, attempt, worker, NOW) is None
    assert await admin.redeem_invite(session, code, worker, expiry) is None

    await admin.deactivate_officer(session, officer.id)
    assert await admin.redeem_invite(session, code, worker, NOW) is None

    # A person who is an officer already cannot take a second officer's code.
    assert await admin.redeem_invite(session, other_code, worker, NOW) is not None
    _, third_code = await admin.add_officer(session, name="赵强", queue_keys=[], now=NOW)
    assert third_code is not None
    assert await admin.redeem_invite(session, third_code, worker, NOW) is None


async def test_two_people_racing_with_one_code_link_one(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        await _structure(session)
        _, code = await admin.add_officer(session, name="李伟", queue_keys=["default"], now=NOW)
        people = [await _worker(session, str(n)) for n in range(3)]
        await session.commit()
    assert code is not None

    async def redeem(person: Person) -> bool:
        async with sessionmaker() as session:
            linked = await admin.redeem_invite(session, code, person, NOW)
            await asyncio.sleep(0.05)
            await session.commit()
            return linked is not None

    outcomes = await asyncio.gather(*(redeem(p) for p in people))

    assert sorted(outcomes) == [False, False, True]


async def test_a_deactivated_officer_gets_no_more_work(session: AsyncSession) -> None:
    await _structure(session)
    officer, _ = await admin.add_officer(
        session,
        name="李伟",
        queue_keys=["default"],
        platform="telegram",
        platform_user_id="9",
        now=NOW,
    )
    assert officer.person_id is not None

    await admin.deactivate_officer(session, officer.id)
    await session.commit()

    assert await admin.officer_for_person(session, officer.person_id) is None
    (listed,) = await admin.list_officers(session)
    assert not listed.active
    with pytest.raises(admin.AdminError, match="unknown officer #999"):
        await admin.deactivate_officer(session, 999)


async def _linked_officer(
    session: AsyncSession, queue_keys: list[str], user_id: str = "9"
) -> Officer:
    officer, _ = await admin.add_officer(
        session,
        name="李伟",
        queue_keys=queue_keys,
        platform="telegram",
        platform_user_id=user_id,
        now=NOW,
    )
    return officer


async def _assigned_ticket(
    session: AsyncSession, officer: Officer, queue_key: str, status: TicketStatus
) -> None:
    queue = await session.scalar(select(Queue).where(Queue.key == queue_key))
    assert queue is not None
    worker = await _worker(session)
    session.add(
        Ticket(
            kind=TicketKind.GRIEVANCE,
            category="wages",
            status=status,
            worker_id=worker.id,
            queue_id=queue.id,
            assignee_id=officer.id,
            summary="欠薪",
            language="zh-CN",
        )
    )
    await session.flush()


async def _queue_keys(session: AsyncSession, officer_id: int) -> list[str]:
    (listed,) = [o for o in await admin.list_officers(session) if o.id == officer_id]
    return sorted(q.key for q in listed.queues)


async def test_an_officer_moves_to_another_queue(session: AsyncSession) -> None:
    await _structure(session)
    officer = await _linked_officer(session, ["default"])
    assert officer.person_id is not None
    await session.commit()

    change = await admin.change_officer_queues(
        session, officer.id, add=["nanshan-help"], remove=["default"]
    )
    await session.commit()

    assert [q.key for q in change.removed] == ["default"]
    assert change.open_left_behind == 0
    assert await _queue_keys(session, officer.id) == ["nanshan-help"]
    assert [o.id for o in (await admin.queue_members(session, "nanshan-help")).officers] == [
        officer.id
    ]
    assert (await admin.queue_members(session, "default")).officers == []
    found = await admin.officer_for_person(session, officer.person_id)
    assert found is not None
    assert [q.key for q in found.queues] == ["nanshan-help"]


async def test_an_officer_covers_a_second_queue(session: AsyncSession) -> None:
    await _structure(session)
    officer = await _linked_officer(session, ["default"])
    await session.commit()

    change = await admin.change_officer_queues(session, officer.id, add=["nanshan-help"])
    await session.commit()

    assert change.removed == []
    assert await _queue_keys(session, officer.id) == ["default", "nanshan-help"]


@pytest.mark.parametrize(
    ("add", "remove", "error"),
    [
        (["nope"], [], "unknown queue 'nope'"),
        (["nanshan-help"], ["nope"], "unknown queue 'nope'"),
        ([], ["nanshan-help"], r"officer #1 \(李伟\) is not in queue 'nanshan-help'"),
        (["default"], [], r"officer #1 \(李伟\) is in queue 'default' already"),
        (["nanshan-help"], ["nanshan-help"], "'nanshan-help' is both to add and to remove"),
        ([], [], "nothing to change"),
    ],
)
async def test_a_bad_queue_change_is_refused_and_changes_nothing(
    session: AsyncSession, add: list[str], remove: list[str], error: str
) -> None:
    await _structure(session)
    officer = await _linked_officer(session, ["default"])
    await session.commit()

    with pytest.raises(admin.AdminError, match=error):
        await admin.change_officer_queues(session, officer.id, add=add, remove=remove)
    await session.commit()

    assert await _queue_keys(session, officer.id) == ["default"]


async def test_queues_of_an_unknown_officer_cannot_change(session: AsyncSession) -> None:
    await _structure(session)
    with pytest.raises(admin.AdminError, match="unknown officer #999"):
        await admin.change_officer_queues(session, 999, add=["default"])


async def test_open_tickets_stay_with_an_officer_who_leaves_their_queue(
    session: AsyncSession,
) -> None:
    await _structure(session)
    officer = await _linked_officer(session, ["default", "nanshan-help"])
    await _assigned_ticket(session, officer, "default", TicketStatus.IN_PROGRESS)
    await _assigned_ticket(session, officer, "default", TicketStatus.WAITING_WORKER)
    await _assigned_ticket(session, officer, "default", TicketStatus.CLOSED)
    await _assigned_ticket(session, officer, "nanshan-help", TicketStatus.ASSIGNED)
    await session.commit()

    change = await admin.change_officer_queues(session, officer.id, remove=["default"])
    await session.commit()
    assert change.open_left_behind == 2  # the closed one and the kept queue's do not count

    emptied = await admin.change_officer_queues(session, officer.id, remove=["nanshan-help"])
    await session.commit()
    assert emptied.officer.queues == []
    assert emptied.open_left_behind == 3
    held = await session.scalars(select(Ticket.assignee_id).where(Ticket.status != "closed"))
    assert list(held) == [officer.id] * 3


async def test_a_reactivated_officer_gets_work_again(session: AsyncSession) -> None:
    await _structure(session)
    officer = await _linked_officer(session, ["default"])
    assert officer.person_id is not None
    await admin.deactivate_officer(session, officer.id)
    await session.commit()

    activated, code = await admin.activate_officer(session, officer.id, now=NOW)
    await session.commit()

    assert code is None  # the account is linked already
    assert activated.active
    assert await admin.officer_for_person(session, officer.person_id) is activated
    with pytest.raises(admin.AdminError, match=r"officer #1 \(李伟\) is active already"):
        await admin.activate_officer(session, officer.id, now=NOW)
    with pytest.raises(admin.AdminError, match="unknown officer #999"):
        await admin.activate_officer(session, 999, now=NOW)


async def test_a_reactivated_officer_without_an_account_gets_a_new_invite(
    session: AsyncSession,
) -> None:
    await _structure(session)
    officer, old_code = await admin.add_officer(
        session, name="李伟", queue_keys=["default"], now=NOW
    )
    assert old_code is not None
    await admin.deactivate_officer(session, officer.id)
    later = NOW + timedelta(days=30)

    _, code = await admin.activate_officer(session, officer.id, now=later)
    await session.commit()

    assert code is not None
    assert code != old_code
    assert officer.invite_expires_at == later + admin.INVITE_VALID_FOR
    worker = await _worker(session)
    assert await admin.redeem_invite(session, old_code, worker, later) is None
    linked = await admin.redeem_invite(session, code, worker, later)
    assert linked is not None
    assert linked.id == officer.id
