"""Where the core's CPU goes for one update, on the question path and on the form path.

The core alone (`Dispatcher.handle`: one transaction per update), without a messenger:
workers ask the sample knowledge base a question, or file a grievance through its form
(/start, the menu, a category, the description, the steps, submit: nine updates). Each
update is handled on its own, so the process's CPU time is the update's; delivery runs
between updates and is not counted. The table gives CPU milliseconds per update and SQL
statements per update, and how they split (each part's own CPU time, taken around it in
the same run): the arrival statement, the flow (of which FAQ matching), the saved state,
and the rest: the session and its transaction (BEGIN, the rows the flow queued flushed,
COMMIT) and the turn around the flow.

    python benchmarks/core_paths.py [--updates N] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import inspect
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.e2e import drop_postgres, scratch_postgres
from bot import heap
from bot.app import App, build_app
from bot.settings import Settings
from bot.transports.telegram import TELEGRAM
from db.repositories import arrival, state
from faq.matcher import Matcher
from handlers.core import router
from handlers.messages import Button, Incoming, Outgoing

QUESTION = "职工医疗互助保障是什么？"
# What a worker types or presses to file a grievance (labels of the sample's Chinese texts).
FORM: list[tuple[str, str]] = [
    ("say", "/start"),
    ("press", "反映问题"),
    ("press", "安全隐患"),
    ("say", "三号门的路灯坏了，晚上看不见路"),
    ("press", "跳过"),
    ("press", "顺达物流"),
    ("press", "完成"),
    ("press", "匿名提交"),
    ("press", "确认提交"),
]
# The parts timed: (label, module, the attribute the dispatcher or flows call).
PARTS: list[tuple[str, Any, str]] = [
    ("arrival statement", arrival, "arrive"),
    ("flow", router, "route"),
    ("  of which FAQ matching", Matcher, "match"),
    ("saved state", state, "save_state"),
]


def _timed(owner: Any, name: str, spent: list[float]) -> None:
    """Make `owner.name` add its CPU seconds to `spent[0]` (coroutine functions or not)."""
    original = getattr(owner, name)
    if inspect.iscoroutinefunction(original):

        async def timed_async(*args: Any, **kwargs: Any) -> Any:
            before = time.process_time()
            try:
                return await original(*args, **kwargs)
            finally:
                spent[0] += time.process_time() - before

        setattr(owner, name, timed_async)
        return

    def timed(*args: Any, **kwargs: Any) -> Any:
        before = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.process_time() - before

    setattr(owner, name, timed)


class _Phone:
    """The messenger's side: remembers the buttons each chat was sent last."""

    messenger = TELEGRAM

    def __init__(self) -> None:
        self.buttons: dict[str, list[Button]] = {}

    async def send(self, message: Outgoing) -> str:
        if message.buttons:
            self.buttons[message.chat_id] = [b for row in message.buttons for b in row]
        return "1"


class _Workers:
    def __init__(self, app: App, phone: _Phone) -> None:
        self._app = app
        self._phone = phone
        self._update = 0

    async def act(self, worker: int, kind: str, what: str) -> None:
        self._update += 1
        chat = str(10_000 + worker)
        action = None
        if kind == "press":
            action = next(b.action for b in self._phone.buttons[chat] if what in b.label)
        await self._app.dispatcher.handle(
            Incoming(
                platform="telegram",
                update_id=str(self._update),
                chat_id=chat,
                user_id=chat,
                language="zh-hans",
                display_name=f"Worker {worker}",
                text=None if action else what,
                action=action,
                message_id=str(self._update),
            )
        )


Step = Callable[[int], list[tuple[str, str]]]


def _question(n: int) -> list[tuple[str, str]]:
    return [("say", f"{QUESTION} {n}")]


def _form(_n: int) -> list[tuple[str, str]]:
    return FORM


async def _path(url: str, steps: Step, rounds: int) -> tuple[float, float, dict[str, float]]:
    """CPU ms and statements per update, and the CPU ms of each part per update."""
    settings = Settings(_env_file=None, database_url=url)
    phone = _Phone()
    app = await build_app(settings, {"telegram": phone}, per_chat_interval=0)
    statements = 0

    def seen(*_args: object) -> None:
        nonlocal statements
        statements += 1

    event.listen(app.engine.sync_engine, "before_cursor_execute", seen)
    workers = _Workers(app, phone)
    try:
        for worker in range(3):  # warm-up: connections, caches, first statements
            for kind, what in steps(worker):
                await workers.act(worker, kind, what)
                await app.delivery.drain()
        heap.keep_start_up()  # as the bot's process does once started (bot.launch.serve)

        async def run(first: int, each: Callable[[Awaitable[None]], Awaitable[None]]) -> int:
            updates = 0
            for worker in range(first, first + rounds):
                for kind, what in steps(worker):
                    await each(workers.act(worker, kind, what))
                    updates += 1
                    await app.delivery.drain()
            return updates

        cpu = 0.0
        counted = 0

        async def measured(work: Awaitable[None]) -> None:
            nonlocal cpu, counted
            before, seen_before = time.process_time(), statements
            await work
            cpu += time.process_time() - before
            counted += statements - seen_before

        spent = {label: [0.0] for label, _, _ in PARTS}
        originals = [(owner, name, getattr(owner, name)) for _, owner, name in PARTS]
        for label, owner, name in PARTS:
            _timed(owner, name, spent[label])
        try:
            updates = await run(3, measured)
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)
    finally:
        await app.close()
    parts = {label: seconds[0] * 1000 / updates for label, seconds in spent.items()}
    return cpu * 1000 / updates, counted / updates, parts


async def main(updates: int, backends: list[str]) -> None:
    print(f"the core alone, one update at a time; about {updates} updates per path\n")
    print(
        "| database | path | CPU ms per update | SQL statements per update | "
        + " | ".join(label.strip() for label, _, _ in PARTS)
        + " | rest |"
    )
    print("|---|---|---:|---:|" + "---:|" * (len(PARTS) + 1))
    for backend in backends:
        for name, steps, rounds in (
            ("question", _question, updates),
            ("form (9 updates)", _form, max(1, updates // len(FORM))),
        ):
            with tempfile.TemporaryDirectory() as folder:
                if backend == "sqlite":
                    url = f"sqlite+aiosqlite:///{folder}/core.db"
                else:
                    url = await scratch_postgres()
                try:
                    cpu, statements, parts = await _path(url, steps, rounds)
                finally:
                    if backend != "sqlite":
                        await drop_postgres(url)
            top = sum(v for label, v in parts.items() if not label.startswith(" "))
            cells = " | ".join(f"{v:.2f}" for v in parts.values())
            print(
                f"| {backend} | {name} | {cpu:.2f} | {statements:.1f} | {cells} "
                f"| {cpu - top:.2f} |"
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--updates", type=int, default=270, help="updates per path")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    asyncio.run(main(args.updates, [b.strip() for b in args.backends.split(",")]))
