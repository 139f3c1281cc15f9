from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SYSTEM_CLOCK
from bot.delivery import Delivery
from bot.transports.base import PermanentError, RetryAfter, TransientError, Unreachable
from db.engine import create_engine, create_sessionmaker
from db.models import OutboxMessage, OutboxStatus, Person
from db.repositories import outbox as outbox_repository
from db.repositories.outbox import Message, enqueue, enqueue_many
from handlers.messages import Button, Outgoing
from tests.delivery.fakes import FakeClock, RecordingSender


async def _enqueue(
    sessionmaker: async_sessionmaker[AsyncSession],
    clock: FakeClock,
    messages: Sequence[Outgoing],
    *,
    person_id: int | None = None,
) -> list[int]:
    async with sessionmaker() as session:
        ids = await enqueue_many(
            session,
            [Message("telegram", m.chat_id, m.to_json(), person_id) for m in messages],
            now=clock.now(),
        )
        await session.commit()
        return ids


async def _rows(sessionmaker: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with sessionmaker() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _delivery(
    sessionmaker: async_sessionmaker[AsyncSession],
    sender: RecordingSender,
    clock: FakeClock,
    **options: Any,
) -> Delivery:
    settings: dict[str, Any] = {
        "per_chat_interval": 1.0,
        "global_rate": 30.0,
        "group_rate_per_minute": 20,
    }
    settings.update(options)
    return Delivery(sessionmaker, {"telegram": sender}, clock=clock, **settings)


async def test_sends_each_row_once_and_records_the_message_id(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    buttons = ((Button("认领", "claim:1"),),)
    await _enqueue(
        sessionmaker,
        clock,
        [
            Outgoing("7", "你好 <b>Li</b>", buttons=buttons),
            Outgoing("8", "已更新", edit_message_id="55"),
        ],
    )
    delivery = _delivery(sessionmaker, sender, clock)

    assert await delivery.drain() == 2
    assert await delivery.drain() == 0

    assert [s.message for s in sender.sent] == [
        Outgoing("7", "你好 <b>Li</b>", buttons=buttons),
        Outgoing("8", "已更新", edit_message_id="55"),
    ]
    rows = await _rows(sessionmaker)
    assert [(r.status, r.sent_message_id) for r in rows] == [
        (OutboxStatus.SENT, "1000"),
        (OutboxStatus.SENT, "55"),
    ]


async def test_one_message_a_second_per_chat_in_order_without_holding_up_others(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    await _enqueue(
        sessionmaker,
        clock,
        [Outgoing("7", "one"), Outgoing("7", "two"), Outgoing("8", "other"), Outgoing("7", "3")],
    )
    await _delivery(sessionmaker, sender, clock).drain()

    assert sender.texts("7") == ["one", "two", "3"]
    times = [s.at for s in sender.sent if s.message.chat_id == "7"]
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))
    assert [s.at for s in sender.sent if s.message.chat_id == "8"] == [0.0]


async def test_about_thirty_a_second_in_all(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    await _enqueue(sessionmaker, clock, [Outgoing(str(chat), "hi") for chat in range(75)])
    await _delivery(sessionmaker, sender, clock, batch_size=100, max_in_flight=100).drain()

    times = sorted(s.at for s in sender.sent)
    assert len(times) == 75
    for i, start in enumerate(times):
        assert sum(1 for t in times[i:] if t < start + 1.0) <= 30
    assert times[-1] >= 2.0  # 75 messages cannot leave in under two seconds


async def test_twenty_a_minute_per_group(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    await _enqueue(sessionmaker, clock, [Outgoing("-1001", f"card {n}") for n in range(25)])
    await _delivery(sessionmaker, sender, clock).drain()

    times = [s.at for s in sender.sent]
    assert sender.texts() == [f"card {n}" for n in range(25)]
    assert times[19] < 60.0
    assert times[20] >= times[0] + 60.0


async def test_429_waits_retry_after_then_sends_everything_in_order(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    sender.script.append(RetryAfter(17))
    await _enqueue(sessionmaker, clock, [Outgoing("7", "first"), Outgoing("7", "second")])
    delivery = _delivery(sessionmaker, sender, clock)

    await delivery.drain()
    assert sender.sent == []
    first, second = await _rows(sessionmaker)
    assert first.status is OutboxStatus.PENDING
    assert first.not_before == clock.now() + timedelta(seconds=17)
    assert first.last_error == "retry after 17s"
    assert second.status is OutboxStatus.PENDING

    clock.advance(16)
    await delivery.drain()
    assert sender.sent == []  # still paused, and the second waits behind the first

    clock.advance(1)
    await delivery.drain()
    assert sender.texts() == ["first", "second"]
    assert sender.sent[0].at >= 17.0
    assert [r.status for r in await _rows(sessionmaker)] == [OutboxStatus.SENT] * 2


async def test_403_marks_the_person_unreachable_and_fails_the_row(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    async with sessionmaker() as session:
        person = Person(platform="telegram", platform_user_id="7", chat_id="7", language="zh-CN")
        session.add(person)
        await session.commit()
    await _enqueue(
        sessionmaker, clock, [Outgoing("7", "a"), Outgoing("7", "b")], person_id=person.id
    )
    sender.always["7"] = Unreachable("Forbidden: bot was blocked by the user")

    await _delivery(sessionmaker, sender, clock).drain()

    rows = await _rows(sessionmaker)
    assert [r.status for r in rows] == [OutboxStatus.FAILED] * 2
    assert rows[0].last_error == "Forbidden: bot was blocked by the user"
    async with sessionmaker() as session:
        stored = await session.get(Person, person.id)
        assert stored is not None
        assert stored.reachable is False


async def test_a_parse_error_is_resent_as_plain_text(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    await _enqueue(sessionmaker, clock, [Outgoing("7", "<b>Wages & hours <i>late</b> &lt;3")])
    await _delivery(sessionmaker, sender, clock).drain()

    assert len(sender.calls) == 2
    assert sender.texts() == ["Wages &amp; hours late &lt;3"]
    assert sender.sent[0].at >= 1.0  # the retry also keeps to the per-chat pace
    assert [r.status for r in await _rows(sessionmaker)] == [OutboxStatus.SENT]


async def test_server_errors_back_off_exponentially_then_fail_after_n_attempts(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    sender.always["7"] = TransientError("502 Bad Gateway")
    await _enqueue(sessionmaker, clock, [Outgoing("7", "hello")])
    delivery = _delivery(
        sessionmaker, sender, clock, max_attempts=4, backoff_base=2.0, backoff_cap=5.0
    )

    delays = []
    for _ in range(3):
        await delivery.drain()
        (row,) = await _rows(sessionmaker)
        assert row.status is OutboxStatus.PENDING
        delays.append((row.not_before - clock.now()).total_seconds())
        clock.advance(delays[-1])
    assert delays == [2.0, 4.0, 5.0]

    await delivery.drain()
    (row,) = await _rows(sessionmaker)
    assert row.status is OutboxStatus.FAILED
    assert row.attempts == 4
    assert row.last_error == "TransientError: 502 Bad Gateway"
    assert len(sender.calls) == 4


async def test_other_client_errors_fail_at_once(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    sender.script.append(PermanentError("Bad Request: chat not found"))
    await _enqueue(sessionmaker, clock, [Outgoing("7", "x"), Outgoing("8", "y")])
    await _delivery(sessionmaker, sender, clock).drain()

    rows = await _rows(sessionmaker)
    assert [r.status for r in rows] == [OutboxStatus.FAILED, OutboxStatus.SENT]
    assert rows[0].last_error == "PermanentError: Bad Request: chat not found"


async def test_long_text_is_split_with_buttons_on_the_last_part(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    # 4097 visible characters; the limit falls right after an entity, inside <b>.
    text = "<b>" + "工" * 4095 + "&amp;&lt;甲</b>\n\n<i>完</i>"
    buttons = ((Button("OK", "ok"),),)
    await _enqueue(sessionmaker, clock, [Outgoing("7", text, buttons=buttons, thread_id="9")])
    await _delivery(sessionmaker, sender, clock).drain()

    messages = [s.message for s in sender.sent]
    assert [m.text for m in messages] == [
        "<b>" + "工" * 4095 + "&amp;</b>",
        "<b>&lt;甲</b>\n\n<i>完</i>",
    ]
    assert [m.buttons for m in messages] == [(), buttons]
    assert {m.thread_id for m in messages} == {"9"}
    (row,) = await _rows(sessionmaker)
    assert row.status is OutboxStatus.SENT
    assert row.sent_message_id == sender.sent[-1].message_id


async def test_a_429_in_the_middle_of_a_split_does_not_repeat_the_parts_already_sent(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock, max_text_length=10)
    sender.script.extend([None, RetryAfter(3)])
    await _enqueue(sessionmaker, clock, [Outgoing("7", "aaaa\n\nbbbb\n\ncccc dddd eeee")])
    delivery = _delivery(sessionmaker, sender, clock)

    await delivery.drain()
    clock.advance(3)
    await delivery.drain()

    assert sender.texts() == ["aaaa\n\nbbbb", "cccc dddd", "eeee"]
    assert [r.status for r in await _rows(sessionmaker)] == [OutboxStatus.SENT]


async def test_two_delivery_loops_send_every_row_exactly_once_in_order(
    database_url: str, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    clock = FakeClock()
    texts = [(str(n % 8), f"m{n}") for n in range(240)]
    await _enqueue(sessionmaker, clock, [Outgoing(chat, text) for chat, text in texts])

    # Each loop has its own engine, as two replicas would: separate connections competing
    # for the same rows.
    engines = [create_engine(database_url) for _ in range(2)]
    journal: list[Outgoing] = []
    # Seeded latency, not security.
    latencies = [random.Random(seed) for seed in (1, 2)]  # noqa: S311
    senders = [RecordingSender(clock, journal=journal, jitter=rng) for rng in latencies]
    try:
        loops = [
            Delivery(
                create_sessionmaker(engine),
                {"telegram": sender},
                per_chat_interval=0.0,
                global_rate=1e6,
                group_rate_per_minute=20,
                clock=clock,
                batch_size=6,
            )
            for engine, sender in zip(engines, senders, strict=True)
        ]
        await asyncio.gather(*(loop.drain() for loop in loops))
    finally:
        for engine in engines:
            await engine.dispose()

    sent = [s.message for sender in senders for s in sender.sent]
    assert sorted(m.text for m in sent) == sorted(text for _, text in texts)
    assert all(sender.sent for sender in senders), "both loops should have done some work"
    assert [r.status for r in await _rows(sessionmaker)] == [OutboxStatus.SENT] * 240
    # Within one chat, what Telegram got from both loops together follows the outbox order.
    for chat in {chat for chat, _ in texts}:
        numbers = [int(m.text[1:]) for m in journal if m.chat_id == chat]
        assert numbers == sorted(numbers)


async def test_stop_finishes_the_send_in_flight_and_leaves_the_rest_pending(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    sender.gate = asyncio.Event()
    await _enqueue(sessionmaker, clock, [Outgoing(str(chat), "hi") for chat in range(4)])
    delivery = _delivery(sessionmaker, sender, clock, max_in_flight=1)

    running = asyncio.create_task(delivery.run())
    await sender.entered.wait()
    delivery.stop()
    sender.gate.set()
    await running

    rows = await _rows(sessionmaker)
    assert [r.status for r in rows] == [OutboxStatus.SENT] + [OutboxStatus.PENDING] * 3
    assert all(r.not_before <= clock.now() for r in rows[1:])  # due again for the next start
    assert len(sender.calls) == 1


async def test_wake_sends_right_after_a_commit(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    # Real time, and a poll so long that only wake() can explain a prompt send; gathering
    # commits is for a delivery with rows in hand, an idle one claims at once.
    delivery = Delivery(
        sessionmaker,
        {"telegram": sender},
        per_chat_interval=1.0,
        global_rate=30.0,
        group_rate_per_minute=20,
        clock=SYSTEM_CLOCK,
        poll_interval=3600.0,
        wake_gather=3600.0,
    )
    running = asyncio.create_task(delivery.run())
    try:
        await asyncio.sleep(0.05)
        await _enqueue(sessionmaker, FakeClock(SYSTEM_CLOCK.now()), [Outgoing("7", "now")])
        delivery.wake()
        async with asyncio.timeout(10):
            await sender.entered.wait()
    finally:
        delivery.stop()
        await running
    assert sender.texts() == ["now"]


async def test_an_answer_committed_during_an_announcement_overtakes_the_batch_in_hand(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    sender.gate = asyncio.Event()
    async with sessionmaker() as session:
        for chat in range(40):
            enqueue(
                session,
                "telegram",
                f"member{chat}",
                Outgoing(f"member{chat}", "enrolment opens").to_json(),
                now=clock.now(),
                priority=1,
            )
        await session.commit()
    delivery = _delivery(sessionmaker, sender, clock, max_in_flight=8)
    draining = asyncio.create_task(delivery.drain())
    # The announcement's rows are claimed, and eight of them are at the messenger.
    await sender.entered.wait()

    [answer] = await _enqueue(sessionmaker, clock, [Outgoing("worker", "your answer")])
    delivery.wake()
    for _ in range(1000):
        if await _claimed_by(sessionmaker, answer) is not None:
            break
        await asyncio.sleep(0.01)
    else:
        raise AssertionError("the answer was not claimed while the batch was in hand")
    sender.gate.set()
    await draining

    order = [sent.message.chat_id for sent in sender.sent]
    assert len(order) == 41
    # Only the sends already at the messenger went before it, not the rest of the batch.
    assert order.index("worker") <= 8


async def test_answers_committed_while_others_are_sent_are_claimed_together(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Under load every update's commit wakes delivery; one claim (a round trip) per
    # commit would cost more than the rest of delivering the answer.
    claims: list[int] = []
    claim_due = outbox_repository.claim_due

    async def counted(*args: Any, **kwargs: Any) -> list[OutboxMessage]:
        rows = await claim_due(*args, **kwargs)
        if rows:
            claims.append(len(rows))
        return rows

    monkeypatch.setattr(outbox_repository, "claim_due", counted)
    clock = FakeClock()
    sender = RecordingSender(clock)
    sender.gate = asyncio.Event()
    await _enqueue(sessionmaker, clock, [Outgoing("first", "in hand")])
    delivery = _delivery(sessionmaker, sender, clock, wake_gather=1.0)
    draining = asyncio.create_task(delivery.drain())
    await sender.entered.wait()

    for worker in range(5):
        await _enqueue(sessionmaker, clock, [Outgoing(f"w{worker}", "your answer")])
        delivery.wake()
    for _ in range(1000):
        if len(claims) == 2:
            break
        await asyncio.sleep(0.01)
    sender.gate.set()
    assert await draining == 6

    assert claims == [1, 5]
    assert sorted(sent.message.chat_id for sent in sender.sent) == [
        "first",
        *(f"w{worker}" for worker in range(5)),
    ]


async def test_a_failed_claim_while_rows_are_in_hand_lets_them_finish(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = FakeClock()
    sender = RecordingSender(clock)
    sender.gate = asyncio.Event()
    await _enqueue(sessionmaker, clock, [Outgoing(f"m{n}", "in hand") for n in range(4)])
    delivery = _delivery(sessionmaker, sender, clock)
    draining = asyncio.create_task(delivery.drain())
    await sender.entered.wait()

    claim_due = outbox_repository.claim_due

    async def database_gone(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("claim", {}, ConnectionError("the database went away"))

    monkeypatch.setattr(outbox_repository, "claim_due", database_gone)
    [later] = await _enqueue(sessionmaker, clock, [Outgoing("w", "committed meanwhile")])
    delivery.wake()
    await asyncio.sleep(0.1)
    sender.gate.set()
    assert await draining == 4

    # The sends in flight went through once each; what came later waits for the next pass.
    assert sorted(sender.texts()) == ["in hand"] * 4
    rows = await _rows(sessionmaker)
    assert [r.status for r in rows if r.id != later] == [OutboxStatus.SENT] * 4
    monkeypatch.setattr(outbox_repository, "claim_due", claim_due)
    await delivery.drain()
    assert sender.texts("w") == ["committed meanwhile"]


async def _claimed_by(sessionmaker: async_sessionmaker[AsyncSession], row_id: int) -> str | None:
    async with sessionmaker() as session:
        row = await session.get(OutboxMessage, row_id)
        assert row is not None
        return row.claimed_by


async def test_a_loop_starting_after_a_full_second_of_sends_waits_for_the_window(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # As a bot restarted mid-announcement: the messenger still counts what the process
    # before sent in the last second, so the new one must not send a whole window at once.
    clock = FakeClock()
    before, after = RecordingSender(clock), RecordingSender(clock)
    await _enqueue(sessionmaker, clock, [Outgoing(f"m{n}", "enrolment") for n in range(30)])
    await _delivery(sessionmaker, before, clock).drain()
    assert len(before.sent) == 30
    last_before = max(sent.at for sent in before.sent)

    await _enqueue(sessionmaker, clock, [Outgoing(f"n{n}", "enrolment") for n in range(5)])
    restarted = _delivery(sessionmaker, after, clock)
    running = asyncio.create_task(restarted.run())
    try:
        for _ in range(1000):
            if len(after.sent) == 5:
                break
            await asyncio.sleep(0.01)
    finally:
        restarted.stop()
        await running

    assert len(after.sent) == 5
    assert min(sent.at for sent in after.sent) >= last_before + 1.0


async def test_a_send_slower_than_the_lease_is_not_taken_over_while_its_owner_lives(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _enqueue(sessionmaker, FakeClock(SYSTEM_CLOCK.now()), [Outgoing("7", "slow")])
    slow, other = RecordingSender(FakeClock()), RecordingSender(FakeClock())
    slow.gate = asyncio.Event()

    def loop(sender: RecordingSender) -> Delivery:
        return Delivery(
            sessionmaker,
            {"telegram": sender},
            clock=SYSTEM_CLOCK,
            claim_ttl=0.6,
            poll_interval=0.1,
        )

    owner, survivor = loop(slow), loop(other)
    running = [asyncio.create_task(owner.run())]
    try:
        await slow.entered.wait()
        running.append(asyncio.create_task(survivor.run()))
        await asyncio.sleep(1.5)  # two and a half leases: only the heartbeat holds the row
        assert other.calls == []
        slow.gate.set()
        await asyncio.sleep(0.3)
    finally:
        owner.stop()
        survivor.stop()
        await asyncio.gather(*running)
    assert (len(slow.sent), other.calls) == (1, [])


async def test_a_dead_owners_row_is_sent_by_the_next_claimer_after_the_lease(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _enqueue(sessionmaker, FakeClock(SYSTEM_CLOCK.now()), [Outgoing("7", "in flight")])
    hung, other = RecordingSender(FakeClock()), RecordingSender(FakeClock())
    hung.gate = asyncio.Event()  # never opens: the process dies mid-send
    dead = Delivery(sessionmaker, {"telegram": hung}, clock=SYSTEM_CLOCK, claim_ttl=0.6)
    running = asyncio.create_task(dead.run())
    await hung.entered.wait()
    running.cancel()  # no release, no settle: as after SIGKILL
    with contextlib.suppress(asyncio.CancelledError):
        await running
    survivor = Delivery(sessionmaker, {"telegram": other}, clock=SYSTEM_CLOCK, claim_ttl=0.6)
    assert await survivor.drain() == 0  # the lease still holds
    await asyncio.sleep(0.7)
    assert await survivor.drain() == 1
    assert other.texts() == ["in flight"]
    ((row),) = await _rows(sessionmaker)
    assert (row.status, row.attempts, row.claimed_by) == (OutboxStatus.SENT, 2, survivor.owner)


async def test_an_owner_that_stalled_past_its_lease_leaves_the_row_to_the_next(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await _enqueue(sessionmaker, FakeClock(SYSTEM_CLOCK.now()), [Outgoing("7", "in flight")])
    frozen, other = RecordingSender(FakeClock()), RecordingSender(FakeClock())
    frozen.gate = asyncio.Event()
    frozen.script.append(TransientError("502 Bad Gateway"))  # what it meets when it wakes
    stalled = Delivery(
        sessionmaker, {"telegram": frozen}, clock=SYSTEM_CLOCK, claim_ttl=0.6, backoff_base=0.01
    )
    survivor = Delivery(
        sessionmaker, {"telegram": other}, clock=SYSTEM_CLOCK, claim_ttl=0.6, backoff_base=0.01
    )
    # drain() alone renews nothing: a process frozen mid-send for longer than its lease.
    waking = asyncio.create_task(stalled.drain())
    await frozen.entered.wait()
    await asyncio.sleep(0.7)
    assert await survivor.drain() == 1
    frozen.gate.set()
    assert await waking == 0
    await asyncio.sleep(0.1)  # past the retry it would have scheduled
    assert await survivor.drain() == 0

    assert other.texts() == ["in flight"]
    ((row),) = await _rows(sessionmaker)
    assert (row.status, row.claimed_by, row.last_error) == (
        OutboxStatus.SENT,
        survivor.owner,
        None,
    )
