"""Transports assembled with the core and run until they end: what `workerbot run` (any
transport, the web chat beside it), `workerbot chat` (the terminal) and `workerbot web`
(the web chat) share.

`assemble` builds each transport from its `Registration`, then the app around them, and
puts them in a `Runner`; `serve` starts it (with the console, and the web chat's pages,
beside it when asked), waits until SIGINT or SIGTERM or a transport's own end, and stops
it cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable, Sequence

from bot import heap
from bot.app import build_app
from bot.runner import Runner
from bot.settings import Settings
from bot.transports.base import Core, Registration, RunOptions, Transport, UsesDatabase
from bot.transports.web import WebChat
from bot.web.server import beside
from handlers.messages import Incoming

log = logging.getLogger("workerbot")


async def assemble(
    settings: Settings,
    registrations: Sequence[Registration],
    options: RunOptions,
    *,
    per_chat_interval: float | None = None,
) -> Runner:
    """Everything for the transports, not started; ValueError for a setting or option one
    of them cannot work with (raised before the database is touched). A transport that
    runs in turns runs alone."""
    if not registrations or (len(registrations) > 1 and any(r.in_turns for r in registrations)):
        msg = f"cannot run {' and '.join(r.name for r in registrations) or 'nothing'} together"
        raise ValueError(msg)
    in_turns = registrations[0].in_turns
    runner: Runner | None = None
    ended = asyncio.Event()

    async def handle(incoming: Incoming) -> bool:
        if runner is None:  # a transport receives only after the runner started it
            msg = "an update arrived before the runner was assembled"
            raise RuntimeError(msg)
        return await runner.handle(incoming)

    core = Core(handle, ended.set)
    transports: list[Transport] = []
    try:
        for registration in registrations:
            # One at a time: those built are closed if a later one fails.
            transports.append(await registration.build(settings, core, options))  # noqa: PERF401
        app = await build_app(
            settings,
            {t.messenger.platform: t for t in transports},
            per_chat_interval=0.0 if in_turns else per_chat_interval,
        )
    except BaseException:
        for transport in transports:
            await transport.close()
        raise
    for transport in transports:
        if isinstance(transport, UsesDatabase):
            transport.bind(app.sessionmaker)
    runner = Runner(app, transports, in_turns=in_turns, ended=ended)
    return runner


async def serve(
    runner: Runner,
    *,
    web: str | None = None,
    started: Callable[[str | None], Awaitable[None]] | None = None,
) -> None:
    """Run until SIGINT or SIGTERM, or until the transport ends, then stop cleanly.

    `web` (HOST:PORT) serves the console beside it; `started` runs once everything started,
    with the console's URL if it is served.
    """
    loop = asyncio.get_running_loop()
    # One person at this machine: Ctrl-C interrupts as in any program.
    signals = () if runner.in_turns else (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, runner.ended.set)
    chat = next((t for t in runner.transports if isinstance(t, WebChat)), None)
    console = None if web is None else beside(runner.app, web, chat)
    try:
        await runner.start()
        try:
            if console is not None:
                try:
                    await console.start()
                except BaseException:
                    console = None
                    raise
                log.info("console on %s", console.url)
            if started is not None:
                await started(None if console is None else console.url)
            heap.keep_start_up()
            await runner.ended.wait()
            if not runner.in_turns:
                log.info("stopping: finishing the updates in flight")
        finally:
            if chat is not None:
                await chat.stop()  # open pages' event streams end, so the console stops at once
            if console is not None:
                await console.stop()
            await runner.stop()
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
