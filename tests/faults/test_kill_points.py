"""The real bot process killed with SIGKILL at each point that matters, then started again.

For each point: nothing is lost (every question is answered, every outbox row is sent,
every update is recorded), what comes twice is exactly what was in flight, and the chat
hears from the bot less than 15 seconds after it is back (a restart itself takes what the
machine needs to import the frameworks; a surviving replica is back at once). Each point
runs on one transport and mode, so that together they cover both frameworks in polling
and webhook mode; the load test runs two processes on each database.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from db.engine import create_engine
from db.models import OutboxMessage, OutboxStatus, ProcessedUpdate
from tests.fake_telegram import Delay, FakeTelegram, FakeUser
from tests.faults.bot_process import BotProcess

KB = Path(__file__).with_name("kb.yaml")
TOPICS = (
    "parking permit",
    "canteen menu",
    "work uniform",
    "overtime pay",
    "annual holiday",
    "locker key",
    "shuttle bus",
    "safety helmet",
    "night shift",
    "payslip error",
)
LONG = "full rulebook"  # answered by a heading and four messages of rules
SILENCE_LIMIT = 15.0


def _question(topic: str) -> str:
    return f"Where do I ask about the {topic}?"


def _token(topic: str) -> str:
    return "RULE-" if topic == LONG else "ANSWER-" + topic.replace(" ", "-")


def _texts(tg: FakeTelegram, chat_id: int) -> list[tuple[float, str]]:
    """What the bot sent to the chat, with when each request arrived."""
    return [
        (call.at, str(call.params.get("text", "")))
        for call in tg.calls_to("sendMessage", chat_id=chat_id)
        if call.ok
    ]


def _count(tg: FakeTelegram, chat_id: int, needle: str) -> int:
    return sum(needle in text for _, text in _texts(tg, chat_id))


def _answered(tg: FakeTelegram, user: FakeUser, topics: tuple[str, ...]) -> bool:
    return all(_count(tg, user.id, _token(topic)) for topic in topics)


def _silence(tg: FakeTelegram, chat_id: int, died: float, back: float) -> float:
    """Seconds from when the bot was back after the kill to the chat's first message."""
    return min(at for at, _ in _texts(tg, chat_id) if at > died) - max(died, back)


def _first_answers_in_order(tg: FakeTelegram, user: FakeUser, topics: tuple[str, ...]) -> bool:
    firsts = [
        next(i for i, (_, text) in enumerate(_texts(tg, user.id)) if _token(t) in text)
        for t in topics
    ]
    return firsts == sorted(firsts)


async def _settled(url: str, update_ids: list[int]) -> tuple[int, int]:
    """(outbox rows not sent, updates not recorded as processed)."""
    engine: AsyncEngine = create_engine(url)
    try:
        async with engine.connect() as conn:
            unsent = await conn.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status != OutboxStatus.SENT)
            )
            recorded = await conn.scalar(
                select(func.count())
                .select_from(ProcessedUpdate)
                .where(ProcessedUpdate.update_id.in_([str(i) for i in update_ids]))
            )
    finally:
        await engine.dispose()
    return int(unsent or 0), len(update_ids) - int(recorded or 0)


async def _crash_and_restart(
    tg: FakeTelegram,
    tmp_path: Path,
    *,
    transport: str,
    mode: str,
    kill_at: str | None,
    topics: tuple[str, ...],
    stall_send: bool = False,
) -> tuple[FakeUser, float]:
    """A worker asks `topics`; the bot dies at `kill_at` (or, with `stall_send`, while
    Telegram holds its first send) and is started again; returns the worker and when the
    bot died, once every question is answered and the bot stopped."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'workerbot.db'}"
    bot = BotProcess(tg, url, tmp_path, transport=transport, mode=mode, faq_path=KB)
    await bot.start(kill_at)
    await bot.ready()
    worker = tg.user("Worker", language_code="en")
    stall = None
    if stall_send:
        stall = tg.fail_next("sendMessage", chat_id=worker.id, error=Delay(3.0))
    update_ids = [tg.user_sends_text(worker, _question(topic)) for topic in topics]
    if stall is not None:
        await tg.wait_for(lambda: stall.times == 0, 30.0, "the first send to reach Telegram")
        died = bot.kill()
        await bot.killed()
    else:
        died = await bot.killed()
    await bot.start()
    try:
        await bot.ready()
        await tg.wait_for(lambda: _answered(tg, worker, topics), 90.0, "every answer")
    finally:
        await bot.stop()
    assert await _settled(url, update_ids) == (0, 0), bot.log()
    assert _first_answers_in_order(tg, worker, topics)
    assert _silence(tg, worker.id, died, bot.ready_at) < SILENCE_LIMIT
    return worker, died


# (kill point, framework, mode, how many times each of two answers arrived). None: the
# fake server holds the first send and the test kills the bot while it waits for it.
SIMPLE_POINTS = [
    # Before the commit nothing took effect: the update comes again, is handled once.
    pytest.param(("received", "aiogram", "polling", [1, 1]), id="received-aiogram-polling"),
    pytest.param(("received", "ptb", "webhook", [1, 1]), id="received-ptb-webhook"),
    # After the commit the update comes again (not acknowledged) and is recognised.
    pytest.param(("committed", "ptb", "polling", [1, 1]), id="committed-ptb-polling"),
    pytest.param(("committed", "aiogram", "webhook", [1, 1]), id="committed-aiogram-webhook"),
    # Claimed, the request not made: the message waits out the lease and goes once.
    pytest.param(("sending", "ptb", "polling", [1, 1]), id="sending-ptb-polling"),
    # Telegram took the request the bot died waiting on: that message, and only it, twice.
    pytest.param((None, "ptb", "polling", [2, 1]), id="mid-send-ptb-polling"),
    # Sent, not yet settled: the same.
    pytest.param(("sent", "ptb", "webhook", [2, 1]), id="sent-ptb-webhook"),
]


@pytest.mark.parametrize("point", SIMPLE_POINTS)
async def test_killed_at_a_point_then_restarted(
    tg: FakeTelegram, tmp_path: Path, point: tuple[str | None, str, str, list[int]]
) -> None:
    kill_at, transport, mode, arrivals = point
    topics = TOPICS[:2]
    worker, _ = await _crash_and_restart(
        tg,
        tmp_path,
        transport=transport,
        mode=mode,
        kill_at=kill_at,
        topics=topics,
        stall_send=kill_at is None,
    )
    assert [_count(tg, worker.id, _token(t)) for t in topics] == arrivals


async def test_killed_in_the_middle_of_a_split_long_text(tg: FakeTelegram, tmp_path: Path) -> None:
    topics = (LONG, TOPICS[0])
    worker, _ = await _crash_and_restart(
        tg, tmp_path, transport="aiogram", mode="webhook", kill_at="part-sent:2", topics=topics
    )
    parts = [text for _, text in _texts(tg, worker.id) if "RULE-" in text]
    firsts = [re.search(r"RULE-\d+", text).group() for text in parts]  # type: ignore[union-attr]
    # The heading went alone, then rules in four messages. The bot died after the second
    # message, before recording it: only that message came twice, the heading did not, and
    # the rules run on without a gap.
    assert _count(tg, worker.id, "full rulebook") == 1
    assert len(parts) == 5
    assert firsts[0] == firsts[1]
    assert len(set(firsts)) == 4
    assert "RULE-180" in parts[-1]
    assert _count(tg, worker.id, _token(TOPICS[0])) == 1


async def test_two_replicas_under_load_one_killed_mid_delivery(
    tg: FakeTelegram, tmp_path: Path, engine: AsyncEngine, database_url: str
) -> None:
    """A few hundred questions to two webhook replicas on one database; the one taking the
    updates dies after a send, the load balancer turns to the other, which answers the
    rest, resends what the dead one had in flight, and nothing else."""
    del engine  # requested for its cleanup of the shared PostgreSQL database
    survivor = BotProcess(
        tg, database_url, tmp_path, transport="ptb", mode="webhook", faq_path=KB, name="b"
    )
    doomed = BotProcess(
        tg, database_url, tmp_path, transport="aiogram", mode="webhook", faq_path=KB, name="a"
    )
    await survivor.start()
    await survivor.ready()
    await doomed.start(kill_at="sent:40")
    await doomed.ready()  # its registration is the newer one: Telegram posts to it
    workers = [tg.user(f"Worker {n}", language_code="en") for n in range(20)]
    update_ids = [
        tg.user_sends_text(worker, _question(topic)) for topic in TOPICS for worker in workers
    ]
    try:
        died = await doomed.killed()
        tg.webhook_url = survivor.webhook  # the load balancer drops the dead replica
        await tg.wait_for(
            lambda: all(_answered(tg, w, TOPICS) for w in workers), 90.0, "every answer"
        )
    finally:
        await survivor.stop()
    assert await _settled(database_url, update_ids) == (0, 0), survivor.log()
    twice = sum(_count(tg, worker.id, _token(topic)) - 1 for worker in workers for topic in TOPICS)
    # What the dead replica had in flight, at most its concurrent sends (8), came twice.
    assert 1 <= twice <= 8
    for worker in workers:
        assert _first_answers_in_order(tg, worker, TOPICS)
        if any(at > died for at, _ in _texts(tg, worker.id)):
            assert _silence(tg, worker.id, died, died) < SILENCE_LIMIT
