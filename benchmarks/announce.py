"""An announcement to many workers against the fake Bot API server with Telegram's limits.

The whole bot (aiogram transport, core, database, announcer, delivery) runs against the
fake server (tests/fake_telegram) with flood control on: 30 messages a second in all, one
a second per chat, 429 with retry_after beyond that. Measured: announcement messages per
second while it runs, as a share of the 30/s ceiling; 429s received; and how long a
worker waits for the answer to a question, while the announcement runs against the same
question with no announcement running (the baseline, same run, same bot).

    python benchmarks/announce.py [--recipients N] [--backend sqlite|postgresql] [--questions N]

At 30/s, 100,000 recipients take about 56 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.e2e import drop_postgres, scratch_postgres
from bot.settings import Settings
from bot.telegram_bot import TelegramBot
from handlers import announcements
from tests.fake_telegram import FakeTelegram, FakeUser
from tests.fake_telegram.faults import RateLimits
from tests.telegram.workers import insert_workers

CEILING = 30.0
QUESTION = "医疗互助怎么报销"


def _sends(tg: FakeTelegram, chats: set[int]) -> list[float]:
    return [
        call.at
        for call in tg.calls
        if call.method == "sendMessage" and call.ok and call.chat_id in chats
    ]


async def _latencies(tg: FakeTelegram, asker: FakeUser, count: int) -> list[float]:
    """Seconds from each question to its answer, asked one after the other, 1.5 s apart."""
    waits = []
    for _ in range(count):
        seen = len(tg.sent_to(asker.id))
        started = time.perf_counter()
        tg.user_sends_text(asker, QUESTION)
        await tg.wait_sent(asker.id, seen + 1, timeout=120.0)
        waits.append(time.perf_counter() - started)
        await asyncio.sleep(1.5)
    return waits


async def run(recipients: int, url: str, questions: int) -> None:
    limits = RateLimits(
        per_chat_per_second=1.0, per_group_per_minute=20, global_per_second=CEILING
    )
    async with FakeTelegram(rate_limits=limits) as tg:
        users = [tg.user(started=True) for _ in range(recipients)]
        asker = tg.user(first_name="Asker")
        settings = Settings(
            _env_file=None,
            telegram_token=SecretStr(tg.token),
            telegram_api_base=tg.base_url,
            database_url=url,
            delivery_global_rate=CEILING,
        )
        bot = await TelegramBot.create(settings, transport_name="aiogram", polling_timeout=1)
        await insert_workers(bot.app.sessionmaker, users)
        await bot.start()
        try:
            baseline = await _latencies(tg, asker, questions)
            async with bot.app.sessionmaker() as session, session.begin():
                now = datetime.now(UTC)
                made = await announcements.create(
                    session, text="互助保障报名开始了", send_at=now, now=now
                )
            chats = {u.id for u in users}
            during = await _latencies(tg, asker, questions)
            await tg.wait_for(
                lambda: len(_sends(tg, chats)) >= recipients,
                recipients / CEILING * 3 + 60,
                "every recipient",
            )
            async with bot.app.sessionmaker() as session:
                shown = await announcements.progress(session, made.id)
        finally:
            await bot.stop()
        sent_at = sorted(_sends(tg, chats))
        too_many = sum(1 for call in tg.calls if call.status == 429)
    # From the first to the last send: recipients - 1 intervals.
    rate = (len(sent_at) - 1) / (sent_at[-1] - sent_at[0])
    print(f"{recipients:,} recipients, fake Bot API with flood control (30/s, 1/s per chat)\n")
    print("| messages/s | share of 30/s | 429s | sent | failed | question p50 / max s, "
          "no announcement | question p50 / max s, during |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {rate:.2f} | {rate / CEILING:.1%} | {too_many} | {shown.sent:,} | {shown.failed:,} "
        f"| {statistics.median(baseline):.2f} / {max(baseline):.2f} "
        f"| {statistics.median(during):.2f} / {max(during):.2f} |"
    )


async def main(recipients: int, backend: str, questions: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = (
            f"sqlite+aiosqlite:///{folder}/bench.db"
            if backend == "sqlite"
            else await scratch_postgres()
        )
        try:
            await run(recipients, url, questions)
        finally:
            if backend != "sqlite":
                await drop_postgres(url)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="postgresql")
    parser.add_argument("--questions", type=int, default=10, help="questions timed per phase")
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    asyncio.run(main(args.recipients, args.backend, args.questions))
