"""An announcement to many workers against the fake Bot API server with Telegram's limits.

The whole bot (aiogram transport, core, database, announcer, delivery) runs against the
fake server (tests/fake_telegram) with flood control on: 30 messages a second in all, one
a second per chat, 429 with retry_after beyond that. Measured: announcement messages per
second while it runs, as a share of the 30/s ceiling; 429s received; and how long a
worker waits for the answer to a question while the announcement runs (one every few
seconds from its start to its end) against the same question with no announcement running
(the baseline, same run, same bot).

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
from collections.abc import Callable
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
# Seconds between questions while the announcement runs.
_QUESTION_SPACING = 5.0


class _Sends:
    """When each recipient's message arrived, read from the fake server's calls as they
    come. Each call is looked at once: scanning every call again on each change costs the
    event loop the bot runs on more with every send, and at 100,000 recipients that alone
    held the bot to half the rate."""

    def __init__(self, tg: FakeTelegram, chats: set[int]) -> None:
        self._tg = tg
        self._chats = chats
        self._seen = 0
        self.at: list[float] = []

    def count(self) -> int:
        calls = self._tg.calls
        for call in calls[self._seen :]:
            if call.method == "sendMessage" and call.ok and call.chat_id in self._chats:
                self.at.append(call.at)
        self._seen = len(calls)
        return len(self.at)


async def _ask(tg: FakeTelegram, asker: FakeUser) -> float:
    """Seconds from a question to its answer."""
    seen = len(tg.sent_to(asker.id))
    started = time.perf_counter()
    tg.user_sends_text(asker, QUESTION)
    await tg.wait_sent(asker.id, seen + 1, timeout=120.0)
    return time.perf_counter() - started


async def _latencies(tg: FakeTelegram, asker: FakeUser, count: int) -> list[float]:
    """`count` questions one after the other, 1.5 s apart."""
    waits = []
    for _ in range(count):
        waits.append(await _ask(tg, asker))
        await asyncio.sleep(1.5)
    return waits


async def _latencies_until(
    tg: FakeTelegram, asker: FakeUser, done: Callable[[], bool], *, at_least: int
) -> list[float]:
    """Questions every few seconds until `done()` (and at least `at_least` of them): the
    whole announcement is sampled, its start and its end alike. Sparse enough to take
    well under 1 % of the rate the announcement is measured on."""
    waits: list[float] = []
    while len(waits) < at_least or not done():
        waits.append(await _ask(tg, asker))
        await asyncio.sleep(_QUESTION_SPACING)
    return waits


async def _settled(bot: TelegramBot, announcement_id: int) -> announcements.Progress:
    """The progress the console shows once the last sends are recorded: delivery settles
    what it sent in batches, a moment after the messenger answered."""
    for _ in range(100):
        async with bot.app.sessionmaker() as session:
            shown = await announcements.progress(session, announcement_id)
        if not shown.left:
            break
        await asyncio.sleep(0.1)
    return shown


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
            sends = _Sends(tg, {u.id for u in users})
            asking = asyncio.create_task(
                _latencies_until(
                    tg, asker, lambda: sends.count() >= recipients, at_least=questions
                )
            )
            await tg.wait_for(
                lambda: sends.count() >= recipients,
                recipients / CEILING * 3 + 60,
                "every recipient",
            )
            during = await asking
            shown = await _settled(bot, made.id)
        finally:
            await bot.stop()
        sends.count()
        sent_at = sorted(sends.at)
        too_many = sum(1 for call in tg.calls if call.status == 429)
    # From the first to the last send: recipients - 1 intervals.
    rate = (len(sent_at) - 1) / (sent_at[-1] - sent_at[0])
    print(f"{recipients:,} recipients, fake Bot API with flood control (30/s, 1/s per chat)\n")
    print("| messages/s | share of 30/s | 429s | sent | failed | question p50 / max s, "
          "no announcement | question p50 / max s, during (n) |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {rate:.2f} | {rate / CEILING:.1%} | {too_many} | {shown.sent:,} | {shown.failed:,} "
        f"| {statistics.median(baseline):.2f} / {max(baseline):.2f} "
        f"| {statistics.median(during):.2f} / {max(during):.2f} ({len(during)}) |"
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
    parser.add_argument(
        "--questions",
        type=int,
        default=10,
        help="questions timed with no announcement (and at least as many during it)",
    )
    args = parser.parse_args()
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    asyncio.run(main(args.recipients, args.backend, args.questions))
