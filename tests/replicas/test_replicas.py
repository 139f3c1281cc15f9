"""Two `workerbot run --webhook` replicas on one PostgreSQL behind the shipped nginx site,
and one of them killed with SIGKILL under load.

The fake Bot API posts updates to nginx over HTTPS (several at once, one per chat at a
time, as Telegram does) and redelivers whatever got no 200. What must hold, as the README
states it: every update takes effect exactly once; every message is sent at least once
and only messages in flight at the kill may be sent twice; the scheduler's lease moves to
a survivor within its lease time and the jobs go on; a form half-filled through the
killed replica goes on through another; the killed replica, started again, takes updates
with no manual step. PostgreSQL only: SQLite serves one process.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from db.models import (
    Base,
    JobLease,
    OutboxMessage,
    OutboxStatus,
    ProcessedUpdate,
    Ticket,
    TicketStatus,
)
from handlers.core.texts import t
from tests.conftest import BACKENDS
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.replicas.cluster import WEBHOOK_SECRET, Nginx, Replica, free_port
from tests.telegram.test_end_to_end import Stage, file_grievance_up_to_photos

pytestmark = pytest.mark.skipif(
    "postgresql" not in BACKENDS, reason="replicas share one PostgreSQL database"
)

SCHEDULER_INTERVAL = 1.0
LEASE_TTL = 3 * SCHEDULER_INTERVAL  # the scheduler's default: three intervals
WORKERS, QUESTIONS_EACH = 20, 8
QUESTION = "职工医疗互助保障是什么？"
SEND_METHODS = {"sendMessage", "editMessageText", "editMessageReplyMarkup", "sendPhoto"}


@pytest.fixture
async def db(postgres_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(postgres_url)
    async with engine.begin() as conn:
        tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    yield create_sessionmaker(engine)
    await engine.dispose()


@dataclass
class Cluster:
    tg: FakeTelegram
    replicas: list[Replica]


@pytest.fixture
async def cluster(
    postgres_url: str, db: async_sessionmaker[AsyncSession], tmp_path: Path
) -> AsyncIterator[Cluster]:
    fake = FakeTelegram(webhook_parallel=True, webhook_retry_delay=0.2, webhook_max_attempts=500)
    await fake.start()
    env = {
        "WORKERBOT_TELEGRAM_TOKEN": fake.token,
        "WORKERBOT_TELEGRAM_API_BASE": fake.base_url,
        "WORKERBOT_DATABASE_URL": postgres_url,
        "WORKERBOT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "WORKERBOT_DELIVERY_PER_CHAT_INTERVAL": "0",
        "WORKERBOT_SCHEDULER_INTERVAL": str(SCHEDULER_INTERVAL),
    }
    ports = [free_port() for _ in range(2)]
    nginx = Nginx(tmp_path, ports)
    replicas = [
        Replica(name, port, env, nginx.webhook_url, tmp_path)
        for name, port in zip("ab", ports, strict=True)
    ]
    fake.webhook_ssl = nginx.client_ssl()
    await nginx.start()
    try:
        yield Cluster(fake, replicas)
    finally:
        for replica in replicas:
            await replica.reap()
        await nginx.stop()
        await fake.stop()


async def test_a_replica_killed_under_load_loses_nothing_and_sends_little_twice(
    cluster: Cluster, db: async_sessionmaker[AsyncSession]
) -> None:
    tg = cluster.tg
    a, b = cluster.replicas
    stage = Stage(tg, "", "aiogram", "polling")  # for its ways of acting as a person

    # A worker half fills a form while replica a is the only one up.
    await a.start()
    filer = tg.user("Filer")
    await stage.says(filer, "/start")
    await file_grievance_up_to_photos(stage, filer)
    await stage.find_button(filer.id, "f:skip")
    await b.start()
    assert await lease_holder_pid(db) == a.pid, "the first replica up runs the jobs"

    # Load through nginx; a dies with a third of the answers out.
    workers = [tg.user(f"Worker {n}") for n in range(WORKERS)]
    for n in range(QUESTIONS_EACH):
        for worker in workers:
            tg.user_sends_text(worker, f"{QUESTION} {n}")
    total = WORKERS * QUESTIONS_EACH
    await tg.wait_for(lambda: answered(tg, workers) >= total // 3, 60, "a third of the answers")
    a.kill()
    killed_at = time.monotonic()
    await a.reap()
    in_flight = await claimed_rows(db)

    # The lease moves to the survivor within the lease time.
    await until(lambda: holder_is(db, b.pid), "the survivor to take the lease", LEASE_TTL * 5)
    moved_after = time.monotonic() - killed_at
    assert moved_after <= LEASE_TTL + 2 * SCHEDULER_INTERVAL + 2, moved_after

    # The form goes on through the survivor.
    for step in ("f:skip", "f:skip", "f:done", "f:anon:0", "f:ok"):
        await stage.press(filer, step)
    await stage.sees(filer.id, lambda m: "GR-" in m.get("text", ""), "the receipt")

    # ... and the survivor runs the jobs: the form's ticket escalates, then closes itself.
    async with db() as session, session.begin():
        ticket = (await session.scalars(select(Ticket))).one()
        reference = ticket.reference or ""
        ticket.first_response_due = datetime.now(UTC) - timedelta(minutes=1)
    await stage.sees(
        filer.id,
        lambda m: m.get("text") == t("zh-CN", "worker.escalated", reference=reference),
        "the escalation notice",
    )
    async with db() as session, session.begin():
        ticket = (await session.scalars(select(Ticket))).one()
        ticket.status = TicketStatus.RESOLVED
        ticket.resolved_at = datetime.now(UTC) - timedelta(days=30)
    await stage.sees(
        filer.id,
        lambda m: t("zh-CN", "worker.auto_closed", reference=reference) in m.get("text", ""),
        "the auto-close notice",
    )

    # Every question answered; every update taken once; the outbox settled.
    await tg.wait_for(lambda: answered(tg, workers) == total, 120, "every answer")
    await until(lambda: outbox_settled(db), "the outbox to be settled")
    assert tg.dropped_updates == []
    async with db() as session:
        processed = set(await session.scalars(select(ProcessedUpdate.update_id)))
        sent = await session.execute(
            select(OutboxMessage.chat_id, func.count())
            .where(OutboxMessage.status == OutboxStatus.SENT)
            .group_by(OutboxMessage.chat_id)
        )
        rows: dict[str, int] = dict(sent.all())
    assert processed == {str(u["update_id"]) for u in tg.updates}, "an update was lost"
    for worker in workers:
        assert rows[str(worker.id)] == QUESTIONS_EACH, f"an update of {worker.id} ran twice"

    # At least once, and twice only what was in flight at the kill.
    calls = Counter(str(c.chat_id) for c in tg.calls if c.ok and c.method in SEND_METHODS)
    twice = {chat: calls[chat] - count for chat, count in rows.items() if calls[chat] != count}
    assert all(extra > 0 for extra in twice.values()), f"messages never sent: {twice}"
    assert sum(twice.values()) <= len(in_flight), (twice, in_flight)
    assert set(twice) <= {chat for _, chat in in_flight}, (twice, in_flight)

    # a comes back with no manual step and takes the updates alone once b stops.
    await a.start()
    assert await b.terminate() == 0
    late = workers[0]
    before = len(tg.sent_to(late.id))
    tg.user_sends_text(late, QUESTION)
    await tg.wait_sent(late.id, before + 1, timeout=30)


async def lease_holder_pid(db: async_sessionmaker[AsyncSession]) -> int | None:
    async with db() as session:
        holder = await session.scalar(select(JobLease.holder))
    # bot.scheduler.default_holder(): "host:pid:random"
    return None if holder is None else int(holder.split(":")[1])


async def holder_is(db: async_sessionmaker[AsyncSession], pid: int) -> bool:
    return await lease_holder_pid(db) == pid


async def claimed_rows(db: async_sessionmaker[AsyncSession]) -> list[tuple[int, str]]:
    """(id, chat) of the rows claimed by a sender and not settled yet."""
    async with db() as session:
        found = await session.execute(
            select(OutboxMessage.id, OutboxMessage.chat_id).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.attempts > 0,
                OutboxMessage.not_before > datetime.now(UTC),
            )
        )
        return [(row_id, chat) for row_id, chat in found]


async def outbox_settled(db: async_sessionmaker[AsyncSession]) -> bool:
    async with db() as session:
        pending = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PENDING)
        )
    return pending == 0


async def until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 60) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not await check():
        if time.monotonic() > deadline:
            msg = f"timed out after {timeout}s waiting for {what}"
            raise TimeoutError(msg)
        await asyncio.sleep(0.1)


def answered(tg: FakeTelegram, workers: list[FakeUser]) -> int:
    """Questions answered so far (a duplicate answer counts once)."""
    return sum(min(len(tg.sent_to(w.id)), QUESTIONS_EACH) for w in workers)
