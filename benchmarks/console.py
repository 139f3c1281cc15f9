"""The console's inbox over 100,000 tickets, on SQLite and PostgreSQL.

    python benchmarks/console.py [--tickets 100000] [--backends sqlite,postgresql]

For each backend, in a scratch database created and dropped here: the sample routing, an
officer per queue and an admin, then `--tickets` tickets (a third of them open) with
Chinese summaries and one thread message each. Times `inbox.list_inbox` (the page's
query: counts per status, then one page of 25) as the console calls it, for the first
page of an officer's inbox, the first page of the admin's (every queue), and the admin's
search for a two-character Chinese word over every status. Each is timed with the indexes
the schema ships, then again after dropping the indexes it relies on and, for the search,
without the gram index (a substring scan), in the same run.
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
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from unittest.mock import patch
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from db.engine import create_engine, create_sessionmaker
from db.models import (
    ActorKind,
    MessageVisibility,
    Officer,
    OfficerRole,
    Person,
    Queue,
    Ticket,
    TicketKind,
    TicketMessage,
    TicketStatus,
)
from db.repositories import search
from db.schema import upgrade
from handlers import SAMPLE_ROUTING_PATH
from handlers.routing import apply_routing, load_routing
from handlers.tickets.authz import OfficerActor
from handlers.tickets.inbox import InboxFilter, list_inbox

POSTGRES_URL = os.environ.get(
    "WORKERBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")
WORKERS = 1000
RUNS = 30
ROUNDS = 3
BUSY_QUEUE = "acme-grievances"
SEARCH = "叉车"  # in about one ticket in two hundred
PLACES = ("宿舍", "食堂", "车间", "仓库", "停车场", "更衣室", "班车", "厂门口", "办公楼")
PROBLEMS = (
    "空调坏了", "没有热水", "路灯不亮", "排队太久", "噪音太大", "工资拖欠", "加班费没有发",
    "地面太滑", "消防通道被堵", "饭菜太贵", "没有休息区", "安全帽不够",
)  # fmt: skip
REPLIES = ("已转交后勤处理", "请补充具体位置", "下周安排维修", "已联系企业工会", "感谢反映")
CATEGORIES = ("workplace-safety", "facilities", "working-hours", "other-grievance")


async def _setup(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[list[int], int, int]:
    async with sessionmaker() as session:
        await apply_routing(session, load_routing(SAMPLE_ROUTING_PATH))
        queues = (await session.scalars(select(Queue))).all()
        for queue in queues:
            session.add(Officer(name=f"officer {queue.key}", queues=[queue]))
        admin = Officer(name="admin", role=OfficerRole.ADMIN)
        session.add(admin)
        workers = [
            Person(platform="bench", platform_user_id=f"w{i}", chat_id=str(i), language="zh-CN")
            for i in range(WORKERS)
        ]
        session.add_all(workers)
        await session.commit()
        officer = await session.scalar(
            select(Officer.id).where(Officer.name == f"officer {BUSY_QUEUE}")
        )
        if officer is None:
            raise SystemExit(f"no queue {BUSY_QUEUE} in the sample routing")
        return [w.id for w in workers], officer, admin.id


def _summary(rng: random.Random) -> str:
    problem = "叉车刹车失灵" if rng.random() < 0.005 else rng.choice(PROBLEMS)
    return f"{rng.choice(PLACES)}{problem}，已经{rng.randrange(2, 30)}天了，请工会帮忙反映"


async def _fill(
    sessionmaker: async_sessionmaker[AsyncSession], worker_ids: list[int], total: int
) -> None:
    rng = random.Random(2)
    async with sessionmaker() as session:
        queue_ids = list((await session.scalars(select(Queue.id))).all())
        open_statuses = [TicketStatus.ASSIGNED, TicketStatus.IN_PROGRESS, TicketStatus.NEW]
        for start in range(0, total, 5000):
            tickets: list[dict[str, Any]] = []
            for i in range(start, min(total, start + 5000)):
                status = rng.choice(open_statuses) if i % 3 == 0 else TicketStatus.CLOSED
                created = NOW - timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
                tickets.append(
                    {
                        "id": i + 1,
                        "reference": f"GR-2026-{i + 1:06d}",
                        "kind": TicketKind.GRIEVANCE,
                        "category": rng.choice(CATEGORIES),
                        "status": status,
                        "worker_id": rng.choice(worker_ids),
                        "anonymous": rng.random() < 0.3,
                        "queue_id": rng.choice(queue_ids),
                        "summary": _summary(rng),
                        "fields": {},
                        "language": "zh-CN",
                        "urgent": rng.random() < 0.01,
                        "created_at": created,
                        "updated_at": created,
                        "first_response_due": created + timedelta(days=1),
                        "resolution_due": created + timedelta(days=rng.randrange(3, 15)),
                    }
                )
            await session.execute(insert(Ticket), tickets)
            messages = [
                {
                    "ticket_id": row["id"],
                    "author_kind": ActorKind.OFFICER,
                    "visibility": MessageVisibility.THREAD,
                    "body": rng.choice(REPLIES),
                    "created_at": row["created_at"] + timedelta(hours=2),
                }
                for row in tickets
            ]
            await session.execute(insert(TicketMessage), messages)
            # What the ticket service writes beside each ticket and message.
            await search.rebuild(session, [row["id"] for row in tickets])
        await session.commit()


async def _analyze(engine: AsyncEngine) -> None:
    """Fresh planner statistics; on PostgreSQL also the visibility map that autovacuum keeps
    on a live server, without which no index-only scan (the counts per status) is chosen."""
    statement = "ANALYZE" if engine.dialect.name == "sqlite" else "VACUUM ANALYZE"
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text(statement))


Query = Callable[[AsyncSession], Awaitable[int]]


def _inbox(officer_id: int, wanted: InboxFilter) -> Query:
    async def run(session: AsyncSession) -> int:
        found = await list_inbox(session, OfficerActor(officer_id), wanted, now=NOW, zone=ZONE)
        return len(found.tickets)

    return run


async def _times(sessionmaker: async_sessionmaker[AsyncSession], query: Query) -> list[float]:
    times: list[float] = []
    async with sessionmaker() as session:
        for _ in range(RUNS):
            session.expunge_all()
            started = time.perf_counter()
            shown = await query(session)
            times.append((time.perf_counter() - started) * 1000)
            if shown == 0:
                raise SystemExit("the inbox showed nothing: the benchmark data is wrong")
    return times


def _p50_p95(runs: list[list[float]]) -> str:
    times = sorted(t for run in runs for t in run)
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    return f"{statistics.median(times):.1f} / {p95:.1f}"


async def _drop(engine: AsyncEngine, indexes: tuple[str, ...]) -> None:
    async with engine.begin() as conn:
        for name in indexes:
            await conn.execute(text(f"DROP INDEX {name}"))
    await _analyze(engine)


async def _run(url: str, total: int) -> dict[str, tuple[str, str]]:
    await upgrade(url)
    engine = create_engine(url)
    try:
        sessionmaker = create_sessionmaker(engine)
        worker_ids, officer, admin = await _setup(sessionmaker)
        await _fill(sessionmaker, worker_ids, total)
        await _analyze(engine)
        queries = {
            "officer's inbox, first page": _inbox(officer, InboxFilter()),
            "admin's inbox, first page": _inbox(admin, InboxFilter()),
            f"admin's search {SEARCH!r}, all statuses": _inbox(
                admin, InboxFilter(status="all", search=SEARCH)
            ),
        }
        shipped: dict[str, list[list[float]]] = {name: [] for name in queries}
        for _ in range(ROUNDS):
            for name, query in queries.items():
                shipped[name].append(await _times(sessionmaker, query))
        await _drop(engine, DROPPED)
        # Without the gram index the search scans every reference, summary and message, as
        # it does for a term the index cannot serve (one Latin letter).
        with patch.object(search, "candidates", _no_index):
            results = {}
            for name, query in queries.items():
                bare = await _times(sessionmaker, query)
                results[name] = (_p50_p95(shipped[name]), _p50_p95([bare]))
    finally:
        await engine.dispose()
    return results


async def _no_index(*_: object) -> None:
    return None


# What the inbox relies on: the open tickets of a queue in deadline order, the counts per
# status, and every queue's tickets in the queue's order.
DROPPED = ("ix_tickets_queue_open", "ix_tickets_status", "ix_tickets_urgency")


async def _with_postgres(total: int) -> dict[str, tuple[str, str]]:
    name = f"workerbot_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
        return await _run(url, total)
    finally:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    results: dict[str, dict[str, tuple[str, str]]] = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
                results[backend] = await _run(url, args.tickets)
        else:
            results[backend] = await _with_postgres(args.tickets)
    print(f"\n{args.tickets:,} tickets, a third open, one thread message each;")
    print(f"inbox = counts per status + one page of 25; {ROUNDS * RUNS} runs, baseline {RUNS}\n")
    dropped = ", ".join(DROPPED)
    print(
        f"| backend | query | p50 / p95 ms | baseline: without {dropped} "
        "and the gram index, p50 / p95 ms |"
    )
    print("|---|---|---:|---:|")
    for backend, rows in results.items():
        for name, (shipped, bare) in rows.items():
            print(f"| {backend} | {name} | {shipped} | {bare} |")


if __name__ == "__main__":
    asyncio.run(main())
