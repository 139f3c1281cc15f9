"""Throughput of 1, 2 and 3 `workerbot run --webhook` replicas on one PostgreSQL, behind the
shipped nginx site (deploy/nginx-workerbot.conf, run as in tests/replicas/).

The fake Bot API (tests/fake_telegram) posts each question to nginx over HTTPS, up to 40 at
once and one per chat at a time as Telegram does, and redelivers what got no 200. The clock
stops when every answer has reached its chat. CPU seconds per update are the replicas' own
(user + system, from /proc), not nginx's or the fake's, which share the same machine; the
one-replica row is the baseline of the same run.

    python benchmarks/replicas.py [--updates N] [--users N] [--counts 1,2,3]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import make_url, text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from db.engine import create_engine
from db.schema import upgrade
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.replicas.cluster import WEBHOOK_SECRET, Nginx, Replica, free_port

POSTGRES_URL = os.environ.get(
    "WORKERBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
QUESTION = "职工医疗互助保障是什么？"
_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


async def ask(tg: FakeTelegram, users: list[FakeUser], per_user: int) -> float:
    """Queue every question at once; seconds until each has its answer in its chat."""
    expected = {u.id: len(tg.sent_to(u.id)) + per_user for u in users}
    started = time.perf_counter()
    for n in range(per_user):
        for user in users:
            tg.user_sends_text(user, f"{QUESTION} {n}")
    await tg.wait_for(
        lambda: all(len(tg.sent_to(u)) >= count for u, count in expected.items()),
        timeout=900,
        what="every answer",
    )
    return time.perf_counter() - started


async def run(count: int, users: int, per_user: int, url: str) -> tuple[float, float]:
    """Updates per second and replica CPU seconds per update with `count` replicas."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder)
        tg = FakeTelegram(webhook_parallel=True, webhook_retry_delay=0.2, webhook_max_attempts=500)
        await tg.start()
        ports = [free_port() for _ in range(count)]
        nginx = Nginx(prefix, ports)
        tg.webhook_ssl = nginx.client_ssl()
        env = {
            "WORKERBOT_TELEGRAM_TOKEN": tg.token,
            "WORKERBOT_TELEGRAM_API_BASE": tg.base_url,
            "WORKERBOT_DATABASE_URL": url,
            "WORKERBOT_WEBHOOK_SECRET": WEBHOOK_SECRET,
            # Telegram's pacing is not what is measured here.
            "WORKERBOT_DELIVERY_PER_CHAT_INTERVAL": "0",
            "WORKERBOT_DELIVERY_GLOBAL_RATE": "100000",
        }
        replicas = [
            Replica(f"replica-{n}", port, env, nginx.webhook_url, prefix)
            for n, port in enumerate(ports)
        ]
        await nginx.start()
        try:
            for replica in replicas:  # one at a time: they migrate and apply routing first
                await replica.start()
            people = [tg.user(f"Worker {n}") for n in range(users)]
            await ask(tg, people, 1)  # warm-up: connections, caches, first queries
            cpu_before = sum(cpu_seconds(r.pid) for r in replicas)
            seconds = await ask(tg, people, per_user)
            cpu = sum(cpu_seconds(r.pid) for r in replicas) - cpu_before
        finally:
            for replica in replicas:
                await replica.reap()
            await nginx.stop()
            await tg.stop()
    total = users * per_user
    return total / seconds, cpu / total


async def scratch_database() -> str:
    name = f"workerbot_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    await upgrade(url)
    return url


async def drop_database(url: str) -> None:
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(
            text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')
        )
    await engine.dispose()


async def main(updates: int, users: int, counts: list[int]) -> None:
    per_user = max(1, updates // users)
    rows = []
    for count in counts:
        url = await scratch_database()
        try:
            rows.append((count, *await run(count, users, per_user, url)))
        finally:
            await drop_database(url)
    print(
        f"{per_user * users} questions from {users} workers by webhook through nginx (HTTPS), "
        f"{os.cpu_count()} CPU cores shared by nginx, the fake Bot API, PostgreSQL and "
        "the replicas\n"
    )
    print("| replicas | updates/s | vs one replica | replica CPU seconds per update |")
    print("|---:|---:|---:|---:|")
    base = rows[0][1]
    for count, rate, cpu in rows:
        print(f"| {count} | {rate:.0f} | {rate / base:.2f} | {cpu * 1000:.1f} ms |")


def _parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=600, help="questions per run")
    parser.add_argument("--users", type=int, default=40, help="workers asking at once")
    parser.add_argument("--counts", default="1,2,3", help="replica counts to measure")
    return parser.parse_args(argv)


if __name__ == "__main__":
    args = _parse()
    asyncio.run(main(args.updates, args.users, [int(c) for c in args.counts.split(",")]))
