"""Ticket throughput and the officer queue query, on SQLite and PostgreSQL.

    python benchmarks/tickets.py [--tickets 100000] [--create 1000] [--backends sqlite,postgresql]

For each backend, in a scratch database created and dropped here: opens `--create` tickets
through `service.open_ticket`, one committed unit of work each (routing, least-loaded
assignment, SLA, events), and reports tickets per second; then fills the table to
`--tickets` tickets (a third of them open) and times `service.list_queue` for an officer
of a busy queue, next to two baselines: the queue query as it was before it ordered by the
nearest unmet deadline (urgent, then resolution due), and the shipped query after dropping
the queue index.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import joinedload

from db.engine import create_engine, create_sessionmaker
from db.models import Base, Officer, Person, Queue, Ticket, TicketKind, TicketStatus
from db.repositories import tickets as tickets_repo
from handlers import SAMPLE_ROUTING_PATH
from handlers.routing import apply_routing, load_routing
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor, active_officer

POSTGRES_URL = os.environ.get(
    "WORKERBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
WORKERS = 1000
QUERY_RUNS = 50
ROUNDS = 4
BUSY_QUEUE = "acme-grievances"
# Grievance categories with no required field, so a summary is enough.
GRIEVANCES = ("workplace-safety", "facilities", "working-hours", "other-grievance")


async def _setup(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[list[int], int]:
    async with sessionmaker() as session:
        await apply_routing(session, load_routing(SAMPLE_ROUTING_PATH))
        queues = (await session.scalars(select(Queue))).all()
        for index, queue in enumerate(queues):
            for n in range(2):
                account = Person(
                    platform="bench", platform_user_id=f"o{index}-{n}", chat_id="0", language="en"
                )
                session.add(Officer(name=f"{queue.key}-{n}", person=account, queues=[queue]))
        workers = [
            Person(platform="bench", platform_user_id=f"w{i}", chat_id=str(i), language="zh-CN")
            for i in range(WORKERS)
        ]
        session.add_all(workers)
        await session.commit()
        officer_id = await session.scalar(
            select(Officer.id).where(Officer.name == f"{BUSY_QUEUE}-0")
        )
        if officer_id is None:
            raise SystemExit(f"no officer for {BUSY_QUEUE}: is it in the sample routing?")
        return [w.id for w in workers], officer_id


async def _create_rate(
    sessionmaker: async_sessionmaker[AsyncSession], worker_ids: list[int], count: int
) -> float:
    rng = random.Random(1)
    routing = load_routing(SAMPLE_ROUTING_PATH)
    started = time.perf_counter()
    for i in range(count):
        async with sessionmaker() as session:
            worker = await session.get(Person, rng.choice(worker_ids))
            if worker is None:
                raise SystemExit("benchmark worker vanished")
            await service.open_ticket(
                session,
                worker=worker,
                kind="grievance",
                category=rng.choice(GRIEVANCES),
                summary=f"benchmark ticket {i}: the light at gate 3 is broken",
                fields={},
                anonymous=bool(i % 2),
                unit_key=rng.choice(["acme-logistics", "bright-electronics", "swift-delivery"]),
                workplace=None,
                language="zh-CN",
                now=NOW,
                routing=routing,
            )
            await session.commit()
    return count / (time.perf_counter() - started)


async def _fill(
    sessionmaker: async_sessionmaker[AsyncSession], worker_ids: list[int], total: int, dialect: str
) -> None:
    rng = random.Random(2)
    async with sessionmaker() as session:
        queue_ids = list((await session.scalars(select(Queue.id))).all())
        have = len((await session.scalars(select(Ticket.id))).all())
        officers = {
            q: list(
                (
                    await session.scalars(
                        select(Officer.id).where(Officer.queues.any(Queue.id == q))
                    )
                ).all()
            )
            for q in queue_ids
        }
        open_statuses = [TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS, TicketStatus.NEW]
        rows: list[dict[str, Any]] = []
        for i in range(have, total):
            queue_id = rng.choice(queue_ids)
            status = rng.choice(open_statuses) if i % 3 == 0 else TicketStatus.CLOSED
            created = NOW - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
            rows.append(
                {
                    "reference": f"GR-2026-{i + 1_000_000:07d}",
                    "kind": TicketKind.GRIEVANCE,
                    "category": rng.choice(GRIEVANCES),
                    "status": status,
                    "worker_id": rng.choice(worker_ids),
                    "queue_id": queue_id,
                    "assignee_id": None
                    if status is TicketStatus.NEW
                    else rng.choice(officers[queue_id]),
                    "summary": "filler",
                    "fields": {},
                    "language": "zh-CN",
                    "urgent": rng.random() < 0.01,
                    "created_at": created,
                    "updated_at": created,
                    "first_response_due": created + timedelta(days=1),
                    "resolution_due": created + timedelta(days=rng.randrange(3, 15)),
                }
            )
            if len(rows) == 5000:
                await session.execute(insert(Ticket), rows)
                rows.clear()
        if rows:
            await session.execute(insert(Ticket), rows)
        await session.commit()
        if dialect == "postgresql":
            await session.execute(text("ANALYZE"))
            await session.commit()


async def _previous_queue_query(
    session: AsyncSession, actor: OfficerActor, *, limit: int
) -> list[Ticket]:
    """The officer queue query before it ordered by the nearest unmet deadline."""
    officer = await active_officer(session, actor, "list")
    query = (
        select(Ticket)
        .where(
            Ticket.status.in_(tickets_repo.OPEN_STATUSES),
            Ticket.queue_id.in_([queue.id for queue in officer.queues]),
        )
        .order_by(Ticket.urgent.desc(), Ticket.resolution_due.asc().nulls_last(), Ticket.id)
        .limit(limit)
        .options(
            joinedload(Ticket.worker, innerjoin=True),
            joinedload(Ticket.queue, innerjoin=True).joinedload(Queue.unit, innerjoin=True),
            joinedload(Ticket.assignee),
            joinedload(Ticket.unit),
        )
    )
    return list((await session.scalars(query)).all())


async def _queue_times(
    sessionmaker: async_sessionmaker[AsyncSession], officer_id: int, *, previous: bool = False
) -> list[float]:
    actor = OfficerActor(officer_id)
    list_queue = _previous_queue_query if previous else service.list_queue
    times: list[float] = []
    async with sessionmaker() as session:
        for _ in range(QUERY_RUNS):
            session.expunge_all()
            started = time.perf_counter()
            listed = await list_queue(session, actor, limit=20)
            times.append((time.perf_counter() - started) * 1000)
            if len(listed) != 20:
                raise SystemExit(f"queue listed {len(listed)} tickets, expected 20")
    return times


def _summary(runs: list[list[float]]) -> str:
    times = sorted(t for run in runs for t in run)
    p50 = statistics.median(times)
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return f"{p50:.2f} / {p99:.2f}"


async def _drop_queue_index(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("DROP INDEX ix_tickets_queue_open"))
        if engine.dialect.name == "postgresql":
            await conn.execute(text("ANALYZE tickets"))


async def _run(url: str, total: int, create: int) -> list[str]:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        sessionmaker = create_sessionmaker(engine)
        worker_ids, officer_id = await _setup(sessionmaker)
        rate = await _create_rate(sessionmaker, worker_ids, create)
        await _fill(sessionmaker, worker_ids, total, engine.dialect.name)
        # Alternating runs, so that the machine's noise falls on both queries alike.
        shipped: list[list[float]] = []
        previous: list[list[float]] = []
        for _ in range(ROUNDS):
            shipped.append(await _queue_times(sessionmaker, officer_id))
            previous.append(await _queue_times(sessionmaker, officer_id, previous=True))
        await _drop_queue_index(engine)
        unindexed = await _queue_times(sessionmaker, officer_id)
    finally:
        await engine.dispose()
    return [f"{rate:.0f}", _summary(shipped), _summary(previous), _summary([unindexed])]


async def _with_postgres(total: int, create: int) -> list[str]:
    name = f"workerbot_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        return await _run(url, total, create)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--create", type=int, default=1000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    results: dict[str, list[str]] = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
                results[backend] = await _run(url, args.tickets, args.create)
        else:
            results[backend] = await _with_postgres(args.tickets, args.create)
    print(f"\n{args.tickets:,} tickets; officer queue = open tickets of one queue, top 20\n")
    print(
        "| backend | tickets created/s (one commit each) | queue query p50 / p99 ms "
        "| baseline: previous order (urgent, resolution due), p50 / p99 ms "
        "| baseline: without queue index, p50 / p99 ms |"
    )
    print("|---|---:|---:|---:|---:|")
    for backend, (rate, shipped, previous, unindexed) in results.items():
        print(f"| {backend} | {rate} | {shipped} | {previous} | {unindexed} |")


if __name__ == "__main__":
    asyncio.run(main())
