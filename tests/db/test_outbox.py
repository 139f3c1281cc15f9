from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.models import OutboxMessage, OutboxStatus, Person
from db.repositories.outbox import (
    CLAIM_LEASE,
    Message,
    Sent,
    claim_due,
    enqueue_many,
    mark_failed,
    mark_sent,
    mark_sent_many,
    record_progress,
    release,
    renew,
    reschedule,
)
from handlers.messages import Attachment, Button, Outgoing, Topic, Upload

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def _put(
    session: AsyncSession,
    platform: str,
    message: Outgoing,
    *,
    now: datetime,
    person_id: int | None = None,
) -> int:
    """The message written at once; its row id."""
    (row_id,) = await enqueue_many(
        session, [Message(platform, message.chat_id, message.to_json(), person_id)], now=now
    )
    return row_id


def _message(n: int) -> Outgoing:
    return Outgoing(chat_id=f"chat-{n}", text=f"message {n}")


async def _enqueue(session: AsyncSession, count: int, platform: str = "telegram") -> list[int]:
    ids = [await _put(session, platform, _message(n), now=NOW) for n in range(count)]
    await session.commit()
    return ids


async def test_a_message_comes_back_as_it_was_written(session: AsyncSession) -> None:
    person = Person(platform="telegram", platform_user_id="1", chat_id="1", language="zh-CN")
    session.add(person)
    await session.flush()
    message = Outgoing(
        chat_id="1",
        text="<b>工单</b> GR-2026-000001 &amp; more",
        buttons=((Button("认领", "t:claim:1"), Button("回复", "t:reply:1")),),
        thread_id="77",
        attachments=(Attachment("photo", "file-1", mime_type="image/jpeg"),),
    )
    row = await _put(session, "telegram", message, person_id=person.id, now=NOW)
    await session.commit()
    session.expunge_all()

    (claimed,) = await claim_due(session, NOW, 10)
    assert claimed.id == row
    assert Outgoing.from_json(claimed.payload) == message
    assert (claimed.platform, claimed.chat_id, claimed.person_id) == ("telegram", "1", person.id)
    assert claimed.attempts == 1


# A payload as the outbox has always stored it: rows written before an upgrade are sent after.
STORED = (
    '{"chat_id":"-100","text":"<b>工单</b>","buttons":[[{"label":"认领","action":"t:claim:1",'
    '"url":null},{"label":"指南","action":"","url":"https://example.org/a"}]],'
    '"edit_message_id":"5","thread_id":"77","attachments":[{"kind":"document","file_id":"f-2",'
    '"file_name":"a.pdf","mime_type":"application/pdf","size":1234,"platform":"web"}],'
    '"topic":{"ticket_id":3,"title":"GR-1 工伤"},"upload":{"file_name":"r.csv",'
    '"content":"YSxiCg==","mime_type":"text/csv","kind":"document"}}'
)
EVERY_PART = Outgoing(
    chat_id="-100",
    text="<b>工单</b>",
    buttons=((Button("认领", "t:claim:1"), Button("指南", "", url="https://example.org/a")),),
    edit_message_id="5",
    thread_id="77",
    attachments=(Attachment("document", "f-2", "a.pdf", "application/pdf", 1234, "web"),),
    topic=Topic(3, "GR-1 工伤"),
    upload=Upload("r.csv", b"a,b\n", "text/csv"),
)


def test_every_part_of_a_message_is_stored_as_before() -> None:
    assert EVERY_PART.to_json() == STORED
    assert Outgoing.from_json(STORED) == EVERY_PART


async def test_claims_take_the_oldest_due_rows_up_to_the_limit(session: AsyncSession) -> None:
    ids = await _enqueue(session, 5)

    first = await claim_due(session, NOW, 3)
    second = await claim_due(session, NOW, 3)
    third = await claim_due(session, NOW, 3)

    assert [r.id for r in first] == ids[:3]
    assert [r.id for r in second] == ids[3:]
    assert third == []


async def test_a_claimed_row_comes_back_only_after_its_lease(session: AsyncSession) -> None:
    (row_id,) = await _enqueue(session, 1)
    await claim_due(session, NOW, 10)
    await session.commit()  # a sender that commits its claim before sending

    assert await claim_due(session, NOW + CLAIM_LEASE - timedelta(seconds=1), 10) == []
    (again,) = await claim_due(session, NOW + CLAIM_LEASE, 10)
    assert (again.id, again.attempts) == (row_id, 2)


async def test_a_live_owner_keeps_its_rows_and_a_dead_ones_are_taken_over(
    session: AsyncSession,
) -> None:
    alive, dead = await _enqueue(session, 2)
    rows = await claim_due(session, NOW, 10, owner="host/1/alive")
    assert [(r.id, r.claimed_by) for r in rows] == [
        (alive, "host/1/alive"),
        (dead, "host/1/alive"),
    ]
    await session.commit()
    # The owner renews only what it still holds; the other row's lease runs out.
    later = NOW + CLAIM_LEASE - timedelta(seconds=1)
    assert await renew(session, "host/1/alive", [alive], later + CLAIM_LEASE) == 1
    assert await renew(session, "host/2/other", [dead], later + CLAIM_LEASE) == 0
    await session.commit()

    (taken,) = await claim_due(session, NOW + CLAIM_LEASE, 10, owner="host/3/restarted")
    assert (taken.id, taken.claimed_by, taken.attempts) == (dead, "host/3/restarted", 2)
    # The old owner's renewal no longer reaches the row it lost.
    assert await renew(session, "host/1/alive", [dead], NOW + timedelta(hours=1)) == 0


async def test_renewing_does_not_wait_for_a_row_being_settled(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # The heartbeat waiting on a settle that waited on the heartbeat was a deadlock: the
    # side PostgreSQL failed left sent rows claimed, and they were sent again.
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: no row locks to take in two orders")
    async with sessionmaker() as session:
        settled, other = await _enqueue(session, 2)
        await claim_due(session, NOW, 10, owner="me")
        await session.commit()
    async with sessionmaker() as settling, sessionmaker() as heartbeat:
        await mark_sent_many(settling, [Sent(settled, "m-1", NOW)], owner="me")
        renewing = renew(heartbeat, "me", [settled, other], NOW + CLAIM_LEASE)
        assert await asyncio.wait_for(renewing, timeout=10) == 1
        await heartbeat.commit()
        await settling.commit()
    async with sessionmaker() as session:
        rows = {r.id: r for r in (await session.scalars(select(OutboxMessage))).all()}
    assert rows[settled].status == OutboxStatus.SENT
    assert rows[other].not_before == NOW + CLAIM_LEASE


async def test_a_released_row_is_no_longer_renewed(session: AsyncSession) -> None:
    (row_id,) = await _enqueue(session, 1)
    await claim_due(session, NOW, 10, owner="me")
    retry_at = NOW + timedelta(seconds=30)
    assert await release(session, row_id, retry_at, owner="me")
    assert await renew(session, "me", [row_id], NOW + timedelta(hours=1)) == 0
    await session.commit()
    (again,) = await claim_due(session, retry_at, 10)
    assert again.id == row_id


async def test_an_owner_that_lost_its_row_cannot_settle_it(session: AsyncSession) -> None:
    (row_id,) = await _enqueue(session, 1)
    await claim_due(session, NOW, 10, owner="stalled")
    await session.commit()
    # The owner stalled past its lease; a restarted process took the row and is sending it.
    await claim_due(session, NOW + CLAIM_LEASE, 10, owner="new")
    await session.commit()

    rest = Outgoing(chat_id="chat-0", text="what the stalled owner had left")
    later = NOW + timedelta(hours=1)
    assert not await record_progress(session, row_id, rest.to_json(), owner="stalled")
    assert not await reschedule(session, row_id, later, "502", owner="stalled")
    assert not await release(session, row_id, later, owner="stalled")
    assert not await mark_failed(session, row_id, "400", owner="stalled")
    await mark_sent(session, row_id, "1", later, owner="stalled")
    await session.commit()
    session.expunge_all()
    row = await session.get(OutboxMessage, row_id)
    assert row is not None
    assert (row.status, row.claimed_by, row.payload, row.last_error) == (
        OutboxStatus.PENDING,
        "new",
        _message(0).to_json(),
        None,
    )
    assert row.not_before == NOW + 2 * CLAIM_LEASE

    await mark_sent(session, row_id, "2", later, owner="new")
    await session.commit()
    session.expunge_all()
    row = await session.get(OutboxMessage, row_id)
    assert row is not None
    assert (row.status, row.sent_message_id) == (OutboxStatus.SENT, "2")


async def test_recorded_progress_is_what_a_later_claim_sends(session: AsyncSession) -> None:
    (row_id,) = await _enqueue(session, 1)
    await claim_due(session, NOW, 10, owner="me")
    rest = Outgoing(chat_id="chat-0", text="the second half")
    assert await record_progress(session, row_id, rest.to_json(), owner="me")
    await session.commit()
    (again,) = await claim_due(session, NOW + CLAIM_LEASE, 10, owner="next")
    assert Outgoing.from_json(again.payload) == rest


async def test_future_rows_wait_and_platforms_are_kept_apart(session: AsyncSession) -> None:
    await _put(session, "telegram", _message(1), now=NOW + timedelta(minutes=1))
    wecom = await _put(session, "wecom", _message(2), now=NOW)
    telegram = await _put(session, "telegram", _message(3), now=NOW)
    await session.commit()

    hour = timedelta(hours=1)
    telegram_only = await claim_due(session, NOW, 10, platforms=["telegram"], lease=hour)
    assert [r.id for r in telegram_only] == [telegram]
    assert [r.id for r in await claim_due(session, NOW, 10, lease=hour)] == [wecom]
    assert len(await claim_due(session, NOW + timedelta(minutes=1), 10)) == 1


async def test_a_sent_row_is_never_sent_again(session: AsyncSession) -> None:
    (row_id,) = await _enqueue(session, 1)
    await claim_due(session, NOW, 10)
    sent_at = NOW + timedelta(seconds=1)
    await mark_sent(session, row_id, "5001", sent_at)
    await session.commit()

    assert await claim_due(session, NOW + timedelta(days=1), 10) == []
    row = await session.get(OutboxMessage, row_id)
    assert row is not None
    assert (row.status, row.sent_at, row.sent_message_id) == (OutboxStatus.SENT, sent_at, "5001")


async def test_sent_rows_settled_together_keep_their_own_message_ids(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    async with sessionmaker() as session:
        first, second, untouched = await _enqueue(session, 3)
        await claim_due(session, NOW, 10)
        await mark_sent_many(session, [Sent(first, "11", NOW), Sent(second, None, NOW)])
        await session.commit()

    async with sessionmaker() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [(r.id, r.status, r.sent_message_id) for r in rows] == [
        (first, OutboxStatus.SENT, "11"),
        (second, OutboxStatus.SENT, None),
        (untouched, OutboxStatus.PENDING, None),
    ]


async def test_a_rescheduled_row_is_retried_at_its_time_with_the_error_kept(
    session: AsyncSession,
) -> None:
    (row_id,) = await _enqueue(session, 1)
    await claim_due(session, NOW, 10)
    retry_at = NOW + timedelta(seconds=30)
    await reschedule(session, row_id, retry_at, "429: retry after 30")
    await session.commit()

    assert await claim_due(session, retry_at - timedelta(seconds=1), 10) == []
    (again,) = await claim_due(session, retry_at, 10)
    assert (again.id, again.status, again.last_error) == (
        row_id,
        OutboxStatus.PENDING,
        "429: retry after 30",
    )
    assert again.attempts == 2


async def test_a_failed_row_stays_with_its_error(session: AsyncSession) -> None:
    (row_id,) = await _enqueue(session, 1)
    await claim_due(session, NOW, 10)
    await mark_failed(session, row_id, "400: chat not found")
    await session.commit()

    assert await claim_due(session, NOW + timedelta(days=1), 10) == []
    row = await session.get(OutboxMessage, row_id)
    assert row is not None
    assert (row.status, row.last_error) == (OutboxStatus.FAILED, "400: chat not found")


async def test_a_row_handed_back_unsent_does_not_use_up_an_attempt(
    session: AsyncSession,
) -> None:
    (row_id,) = await _enqueue(session, 1)
    await claim_due(session, NOW, 10)
    retry_at = NOW + timedelta(seconds=17)
    await release(session, row_id, retry_at, error="retry after 17s")
    await session.commit()

    assert await claim_due(session, retry_at - timedelta(seconds=1), 10) == []
    (again,) = await claim_due(session, retry_at, 10)
    assert (again.attempts, again.last_error) == (1, "retry after 17s")


async def test_what_is_left_of_a_partly_sent_message_replaces_the_payload(
    session: AsyncSession,
) -> None:
    first, second = await _enqueue(session, 2)
    await claim_due(session, NOW, 10)
    rest = Outgoing(chat_id="chat-0", text="the part not sent yet")
    await reschedule(session, first, NOW, "TransientError: 502", payload=rest.to_json())
    await release(session, second, NOW)
    await session.commit()

    claimed = await claim_due(session, NOW, 10)
    assert [Outgoing.from_json(r.payload) for r in claimed] == [rest, _message(1)]


def _chat_message(chat: str, text: str) -> Outgoing:
    return Outgoing(chat_id=chat, text=text)


async def test_a_chat_gives_out_one_row_at_a_time_in_order(session: AsyncSession) -> None:
    a1, b1, a2, a3 = [
        await _put(session, "telegram", _chat_message(chat, text), now=NOW)
        for chat, text in (("a", "1"), ("b", "1"), ("a", "2"), ("a", "3"))
    ]
    await session.commit()

    assert [r.id for r in await claim_due(session, NOW, 10)] == [a1, b1]
    assert await claim_due(session, NOW, 10) == []  # a2 waits while a1 is in flight
    await mark_sent(session, a1, "1", NOW)
    assert [r.id for r in await claim_due(session, NOW, 10)] == [a2]
    await mark_failed(session, a2, "400: message is too long")
    assert [r.id for r in await claim_due(session, NOW, 10)] == [a3]


async def test_a_chat_waits_behind_a_row_that_is_not_due_yet(session: AsyncSession) -> None:
    first = await _put(session, "telegram", _chat_message("a", "1"), now=NOW)
    second = await _put(session, "telegram", _chat_message("a", "2"), now=NOW)
    other = await _put(session, "telegram", _chat_message("b", "1"), now=NOW)
    await session.commit()
    await claim_due(session, NOW, 1)
    retry_at = NOW + timedelta(seconds=30)
    await release(session, first, retry_at, error="retry after 30s")
    await session.commit()

    # The second row is due, but sending it now would overtake the first.
    in_flight = await claim_due(session, NOW + timedelta(seconds=10), 10, lease=timedelta(hours=1))
    assert [r.id for r in in_flight] == [other]
    assert [r.id for r in await claim_due(session, retry_at, 10)] == [first]
    await mark_sent(session, first, "1", retry_at)
    assert [r.id for r in await claim_due(session, retry_at, 10)] == [second]


async def test_the_same_chat_id_on_two_platforms_is_two_chats(session: AsyncSession) -> None:
    telegram = await _put(session, "telegram", _chat_message("7", "1"), now=NOW)
    wecom = await _put(session, "wecom", _chat_message("7", "1"), now=NOW)
    await session.commit()

    assert [r.id for r in await claim_due(session, NOW, 10)] == [telegram, wecom]


def _postgresql_only(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: claimers queue rather than skip rows")


async def test_a_second_sender_skips_rows_claimed_by_an_open_transaction(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _postgresql_only(engine)
    async with sessionmaker() as session:
        ids = await _enqueue(session, 5)

    async with sessionmaker() as first, sessionmaker() as second:
        held = await claim_due(first, NOW, 3)  # transaction stays open, rows locked
        other = await asyncio.wait_for(claim_due(second, NOW, 10), timeout=5)
        assert [r.id for r in held] == ids[:3]
        assert [r.id for r in other] == ids[3:]
        await first.rollback()  # a crashed sender: its rows are due again at once
        await second.commit()

    async with sessionmaker() as session:
        assert [r.id for r in await claim_due(session, NOW, 10)] == ids[:3]


async def test_concurrent_senders_never_claim_a_row_twice(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _postgresql_only(engine)
    async with sessionmaker() as session:
        ids = await _enqueue(session, 200)

    async def sender() -> list[int]:
        claimed: list[int] = []
        while True:
            async with sessionmaker() as session:
                rows = await claim_due(session, NOW, 7)
                if not rows:
                    return claimed
                claimed += [r.id for r in rows]
                for row in rows:
                    await mark_sent(session, row.id, None, NOW)
                await session.commit()

    results = await asyncio.gather(*(sender() for _ in range(4)))

    everything = [row_id for claimed in results for row_id in claimed]
    assert sorted(everything) == ids  # each row exactly once
    assert all(results), "every sender got some rows"
    async with sessionmaker() as session:
        statuses = set(await session.scalars(select(OutboxMessage.status)))
    assert statuses == {OutboxStatus.SENT}


async def test_a_second_sender_does_not_overtake_a_row_claimed_by_an_open_transaction(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    _postgresql_only(engine)
    async with sessionmaker() as session:
        a1, a2, b1 = [
            await _put(session, "telegram", _chat_message(chat, text), now=NOW)
            for chat, text in (("a", "1"), ("a", "2"), ("b", "1"))
        ]
        await session.commit()

    async with sessionmaker() as first, sessionmaker() as second:
        held = await claim_due(first, NOW, 1)  # a1 locked, its claim not committed yet
        other = await asyncio.wait_for(claim_due(second, NOW, 10), timeout=5)
        assert [r.id for r in held] == [a1]
        assert [r.id for r in other] == [b1]  # not a2: it would overtake a1
        await first.commit()
        await second.commit()

    async with sessionmaker() as session:
        assert await claim_due(session, NOW, 10) == []
        await mark_sent(session, a1, "1", NOW)
        assert [r.id for r in await claim_due(session, NOW, 10)] == [a2]
