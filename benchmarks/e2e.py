"""Updates handled per second through the whole bot, against a bare echo bot.

For aiogram and python-telegram-bot, on SQLite and PostgreSQL: many workers each ask the
bot a question by long polling from the fake Bot API server (tests/fake_telegram); the
clock stops when every answer has reached its chat. The whole stack is transport, core
(FAQ matching, one transaction per update), database and outbox delivery. The baseline is
an echo bot written directly on the same framework, in the same run, against the same
fake server. The fake server runs in the same process and takes its share of the CPU in
every row alike. Between the two, the "floor" row (`stack_floor.py`) is the same framework
doing only what the design asks of every update, one transaction and the outbox, and
sending the bot's answer; "floor+matching" matches each question as the bot does first.
What the whole bot costs above them is its own work.

Every row runs in a process of its own, and the whole bot is measured twice: as it is now
and as it was at git revision `--before` (extracted to a scratch folder and run by this
script with `--code`), one after the other, so both meet the same load on the machine. CPU
per update is the process's own (user + system) during the measurement: steadier than
updates per second on a machine busy with other work, since it does not count the time
the process waited for a core.

    python benchmarks/e2e.py [--updates N] [--users N] [--backends sqlite,postgresql]
                             [--frameworks aiogram,ptb] [--before REVISION | --before '']
                             [--rounds N]

With `--rounds N` every row is measured N times, each time beside the echo bot measured in
the same round, and the table gives medians with the spread of the ratio: one run on a
machine doing anything else can move a row by a tenth.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import html
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from statistics import median
from typing import NamedTuple, Protocol

from aiogram import Bot as AiogramBot
from aiogram import Dispatcher as AiogramDispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from pydantic import SecretStr
from sqlalchemy import event, make_url, text
from sqlalchemy.ext.asyncio import AsyncEngine
from telegram import InlineKeyboardButton as PtbButton
from telegram import InlineKeyboardMarkup as PtbKeyboard
from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

# Whose bot a row measures: this checkout, or (`--code DIR`, given to the rows' processes)
# an older tree, which must come first on the path before anything of it is imported.
sys.path.insert(
    0,
    sys.argv[sys.argv.index("--code") + 1]
    if "--code" in sys.argv
    else str(Path(__file__).resolve().parents[1]),
)

from bot.settings import Settings
from bot.telegram_bot import TelegramBot
from bot.transports.telegram_receiver import TransportName
from db.engine import create_engine
from tests.fake_telegram import FakeTelegram, FakeUser

REPO = Path(__file__).resolve().parents[1]
POSTGRES_URL = os.environ.get(
    "WORKERBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
QUESTION = "职工医疗互助保障是什么？"
BEFORE = "7d84d2a"  # main before the per-core work: a savepoint and statements built per update

# The stack's floor (stack_floor.py), alone and with the bot's matching of each question.
FLOORS = ("floor", "floor+matching")
Stop = Callable[[], Awaitable[None]]
# (label, callback data) of each button in a message's one row of buttons.
Buttons = Sequence[tuple[str, str]]
Send = Callable[[int, str, Buttons], Awaitable[object]]  # chat id, HTML text, buttons
# A started bot: how to stop it, and how many SQL statements it has run so far (None for
# the echo bots, which have no database).
Started = tuple[Stop, Callable[[], int] | None]
Runner = Callable[[FakeTelegram], Awaitable[Started]]


def _count_statements(engine: AsyncEngine) -> Callable[[], int]:
    """Counts the statements sent to the database (an executemany counts once; BEGIN and
    COMMIT, which the drivers send themselves, are not counted)."""
    count = 0

    def seen(*_args: object) -> None:
        nonlocal count
        count += 1

    event.listen(engine.sync_engine, "before_cursor_execute", seen)
    return lambda: count


async def _measure(tg: FakeTelegram, users: list[FakeUser], per_user: int) -> float:
    """Queue every question at once; seconds until each has its answer in its chat."""
    expected = {u.id: len(tg.sent_to(u.id)) + per_user for u in users}
    started = time.perf_counter()
    for n in range(per_user):
        for user in users:
            tg.user_sends_text(user, f"{QUESTION} {n}" if n else QUESTION)
    await tg.wait_for(
        lambda: all(len(tg.sent_to(u)) >= count for u, count in expected.items()),
        timeout=600,
        what="every answer",
    )
    return time.perf_counter() - started


class DirectBot(Protocol):
    """A bot written directly on a framework (`_on_aiogram`, `_on_ptb`): the echo bot, and
    the stack's floor (`stack_floor.py`)."""

    statements: Callable[[], int] | None  # SQL statements so far; None without a database

    async def start(self, send: Send) -> None:
        """Before the first message; `send` sends a text through the framework."""

    async def on_text(self, key: str, chat_id: int, text: str) -> None:
        """A text message; `key` names it uniquely."""

    async def stop(self) -> None:
        """After the last message."""


class _Echo:
    """Answers every text with itself."""

    statements: Callable[[], int] | None = None

    def __init__(self) -> None:
        self._send: Send | None = None

    async def start(self, send: Send) -> None:
        self._send = send

    async def on_text(self, key: str, chat_id: int, text: str) -> None:
        del key
        if self._send is not None:
            await self._send(chat_id, html.escape(text), ())

    async def stop(self) -> None:
        pass


async def _on_aiogram(tg: FakeTelegram, direct: DirectBot) -> Started:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))
    bot = AiogramBot(tg.token, session=session)

    async def send(chat_id: int, text: str, buttons: Buttons) -> object:
        row = [InlineKeyboardButton(text=label, callback_data=data) for label, data in buttons]
        markup = InlineKeyboardMarkup(inline_keyboard=[row]) if row else None
        return await bot.send_message(chat_id, text, parse_mode="HTML", reply_markup=markup)

    async def on_message(message: Message) -> None:
        key = f"{message.chat.id}:{message.message_id}"
        await direct.on_text(key, message.chat.id, message.text or "")

    await direct.start(send)
    dispatcher = AiogramDispatcher()
    dispatcher.message.register(on_message)
    task = asyncio.create_task(
        dispatcher.start_polling(bot, polling_timeout=1, handle_signals=False)
    )

    async def stop() -> None:
        await dispatcher.stop_polling()
        await task
        await direct.stop()

    return stop, direct.statements


async def _on_ptb(tg: FakeTelegram, direct: DirectBot) -> Started:
    app = (
        Application.builder()
        .token(tg.token)
        .base_url(f"{tg.base_url}/bot")
        .base_file_url(f"{tg.base_url}/file/bot")
        .build()
    )

    async def send(chat_id: int, text: str, buttons: Buttons) -> object:
        row = [PtbButton(label, callback_data=data) for label, data in buttons]
        markup = PtbKeyboard([row]) if row else None
        return await app.bot.send_message(chat_id, text, parse_mode="HTML", reply_markup=markup)

    async def on_message(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is not None:
            await direct.on_text(str(update.update_id), message.chat.id, message.text or "")

    app.add_handler(MessageHandler(filters.TEXT, on_message))
    updater = app.updater
    if updater is None:
        msg = "PTB application built without an updater"
        raise RuntimeError(msg)
    await direct.start(send)
    await app.initialize()
    await app.start()
    await updater.start_polling()

    async def stop() -> None:
        await updater.stop()
        await app.stop()
        await app.shutdown()
        await direct.stop()

    return stop, direct.statements


def _direct(framework: str, make: Callable[[], DirectBot]) -> Runner:
    on_framework = _on_aiogram if framework == "aiogram" else _on_ptb

    async def start(tg: FakeTelegram) -> Started:
        return await on_framework(tg, make())

    return start


def _full_stack(name: TransportName, url: str) -> Runner:
    async def start(tg: FakeTelegram) -> Started:
        settings = Settings(
            _env_file=None,
            telegram_token=SecretStr(tg.token),
            telegram_api_base=tg.base_url,
            database_url=url,
            # Telegram's own limits are not what is measured here.
            delivery_global_rate=100_000,
            delivery_group_per_minute=100_000,
            # Each worker sends all their questions at once: flood control still looks at
            # every update, but would otherwise drop all after the 20th and the run would
            # wait for answers that never come.
            flood_messages=1_000_000,
        )
        bot = await TelegramBot.create(
            settings, transport_name=name, polling_timeout=1, per_chat_interval=0
        )
        statements = _count_statements(bot.app.engine)
        await bot.start()
        return bot.stop, statements

    return start


class Measured(NamedTuple):
    rate: float  # updates per second
    cpu_ms: float  # this process's CPU milliseconds per update
    statements: float | None  # SQL statements per update; None without a database


async def _run(runner: Runner, users: int, per_user: int) -> Measured:
    async with FakeTelegram() as tg:
        people = [tg.user(f"Worker {n}") for n in range(users)]
        stop, statements = await runner(tg)
        try:
            await _measure(tg, people[:1], 1)  # warm-up: connections, caches, first queries
            # As the bot's process does once started (bot.heap.keep_start_up): neither row
            # pays for collecting what start-up built, the echo rows least of all, whose
            # processes import the whole bot with this script without using it. Not through
            # bot.heap: the "before" rows run code older than it.
            gc.freeze()
            before = statements() if statements else 0
            cpu = time.process_time()
            seconds = await _measure(tg, people, per_user)
            # Delivery settles the last sends just after they arrive: let it finish.
            await asyncio.sleep(0.5)
            cpu = time.process_time() - cpu
            per_update = (statements() - before) / (users * per_user) if statements else None
        finally:
            await stop()
    return Measured(users * per_user / seconds, cpu * 1000 / (users * per_user), per_update)


async def scratch_postgres() -> str:
    """A new, empty PostgreSQL database for one benchmark run; `drop_postgres` removes it."""
    name = f"workerbot_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'CREATE DATABASE "{name}"'))
    await engine.dispose()
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


async def drop_postgres(url: str) -> None:
    name = make_url(url).database
    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


def _floor(framework: str, url: str, *, matching: bool) -> Runner:
    # Only this checkout has it; the "before" rows' trees may not.
    from benchmarks import stack_floor  # noqa: PLC0415

    answers = stack_floor.Answers(QUESTION, matching=matching)
    return _direct(framework, lambda: stack_floor.Floor(url, answers, _count_statements))


async def measure_row(row: str, users: int, per_user: int) -> Measured:
    """One row, in this process: `echo:FRAMEWORK`, or `KIND:FRAMEWORK:DATABASE` for the
    whole bot (KIND `bot`) or one of `FLOORS`."""
    kind, framework, *database = row.split(":")
    if kind == "echo":
        return await _run(_direct(framework, _Echo), users, per_user)
    transport: TransportName = "aiogram" if framework == "aiogram" else "ptb"

    def runner(url: str) -> Runner:
        if kind == "bot":
            return _full_stack(transport, url)
        return _floor(framework, url, matching=kind == "floor+matching")

    with tempfile.TemporaryDirectory() as folder:
        if database == ["sqlite"]:
            return await _run(runner(f"sqlite+aiosqlite:///{folder}/bench.db"), users, per_user)
        url = await scratch_postgres()
        try:
            return await _run(runner(url), users, per_user)
        finally:
            await drop_postgres(url)


def _in_process(row: str, code: Path, args: argparse.Namespace) -> Measured:
    """`row` measured by this script in a process of its own, with the bot of `code`."""
    command = [sys.executable, __file__, "--row", row, "--code", str(code)]
    command += ["--updates", str(args.updates), "--users", str(args.users)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        msg = f"row {row} ({code}) failed:\n{done.stderr[-3000:]}"
        raise RuntimeError(msg)
    return Measured(*json.loads(done.stdout.strip().splitlines()[-1]))


def main(args: argparse.Namespace) -> None:
    from benchmarks.faq_match import extract_before  # noqa: PLC0415 - the parent only

    per_user = max(1, args.updates // args.users)
    frameworks = [f.strip() for f in args.frameworks.split(",")]
    backends = [b.strip() for b in args.backends.split(",")]
    # Per row, each round's measurement with the echo bot of the same round.
    rounds: dict[tuple[str, str, str], list[tuple[Measured, Measured]]] = {}
    with tempfile.TemporaryDirectory() as scratch:
        before = extract_before(args.before, Path(scratch) / "before") if args.before else None
        codes = [("now", REPO)] if before is None else [("before", before), ("now", REPO)]
        for _ in range(args.rounds):
            echo = {name: _in_process(f"echo:{name}", REPO, args) for name in frameworks}
            for backend in backends:
                for name in frameworks:
                    for floor in FLOORS:
                        measured = _in_process(f"{floor}:{name}:{backend}", REPO, args)
                        rounds.setdefault((name, backend, floor), []).append(
                            (measured, echo[name])
                        )
                    for label, code in codes:
                        measured = _in_process(f"bot:{name}:{backend}", code, args)
                        rounds.setdefault((name, backend, label), []).append(
                            (measured, echo[name])
                        )
    total = per_user * args.users
    print(f"{total} questions from {args.users} workers, long polling, fake Bot API on 127.0.0.1")
    if before is not None:
        print(f"before: git revision {args.before}; now: this checkout")
    if args.rounds > 1:
        print(
            f"{args.rounds} rounds, each row beside the echo bot of its round: medians, "
            "and the lowest and highest ratio"
        )
    print(
        "\n| framework | database | code | whole bot (updates/s) | echo bot (updates/s) | ratio "
        "| CPU ms per update, bot / echo | CPU ratio | SQL statements per update |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for (name, backend, label), runs in rounds.items():
        bot = _median([b for b, _ in runs])
        base = _median([e for _, e in runs])
        ratios = sorted(b.rate / e.rate for b, e in runs)
        ratio = f"{median(ratios):.2f}"
        if len(ratios) > 1:
            ratio += f" ({ratios[0]:.2f}-{ratios[-1]:.2f})"
        framework = "aiogram" if name == "aiogram" else "python-telegram-bot"
        statements = "" if bot.statements is None else f"{bot.statements:.1f}"
        print(
            f"| {framework} | {backend} | {label} | {bot.rate:.0f} | {base.rate:.0f} "
            f"| {ratio} | {bot.cpu_ms:.2f} / {base.cpu_ms:.2f} "
            f"| {base.cpu_ms / bot.cpu_ms:.2f} | {statements} |"
        )


def _median(runs: list[Measured]) -> Measured:
    statements = [run.statements for run in runs if run.statements is not None]
    return Measured(
        median(run.rate for run in runs),
        median(run.cpu_ms for run in runs),
        median(statements) if statements else None,
    )


def _parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=400, help="questions per run")
    parser.add_argument("--users", type=int, default=20, help="workers asking at once")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--frameworks", default="aiogram,ptb")
    parser.add_argument(
        "--rounds", type=int, default=1, help="measure every row this many times (medians)"
    )
    parser.add_argument(
        "--before", default=BEFORE, help="git revision of the 'before' rows; '' for none"
    )
    parser.add_argument("--row", help=argparse.SUPPRESS)  # a row's own process
    parser.add_argument("--code", help=argparse.SUPPRESS)  # read before the imports above
    return parser.parse_args(argv)


if __name__ == "__main__":
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    args = _parse()
    if args.row is None:
        main(args)
    else:
        per_user = max(1, args.updates // args.users)
        measured = asyncio.run(measure_row(args.row, args.users, per_user))
        print(json.dumps(list(measured)))
