"""`workerbot run`: the Telegram bot, by long polling or behind a webhook.

`--transport aiogram|ptb` picks the framework (default WORKERBOT_TRANSPORT); `--webhook URL`
registers URL with Telegram (with WORKERBOT_WEBHOOK_SECRET as its secret token) and serves
it, on the URL's port on all interfaces unless `--listen HOST:PORT` says otherwise.
`--web HOST:PORT` also serves the officers' web console (bot.web) in the same process, and
the workers' web chat at /chat unless WORKERBOT_WEB_CHAT is false.
SIGINT or SIGTERM stops it cleanly; what was not sent yet stays in the outbox.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import TYPE_CHECKING

from pydantic import ValidationError

from bot.commands import Subcommands
from bot.settings import Settings
from bot.transports.web import WebChat
from bot.web.server import beside
from handlers.messages import Incoming

if TYPE_CHECKING:
    from bot.telegram_bot import TransportName

log = logging.getLogger("workerbot")

EXIT_USAGE = 2


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("run", help="run the Telegram bot")
    parser.add_argument(
        "--transport",
        choices=("aiogram", "ptb"),
        help="bot framework (default: WORKERBOT_TRANSPORT, else aiogram)",
    )
    parser.add_argument(
        "--webhook",
        metavar="URL",
        help="serve a webhook at this public URL instead of long polling",
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        help="where the webhook server listens (default: all interfaces, the URL's port)",
    )
    parser.add_argument(
        "--web",
        metavar="HOST:PORT",
        help="also serve the officers' web console and the workers' web chat there "
        "(e.g. 127.0.0.1:8080)",
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    if args.listen is not None and args.webhook is None:
        print("workerbot run: --listen needs --webhook", file=sys.stderr)
        return EXIT_USAGE
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"workerbot run: bad settings:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
        print(
            "workerbot run: WORKERBOT_TELEGRAM_TOKEN is not set; put the bot token from "
            "@BotFather in the environment or in .env",
            file=sys.stderr,
        )
        return EXIT_USAGE
    if args.webhook is not None and (
        settings.webhook_secret is None or not settings.webhook_secret.get_secret_value()
    ):
        print(
            "workerbot run: --webhook needs WORKERBOT_WEBHOOK_SECRET (1-256 characters of "
            "A-Z, a-z, 0-9, _ and -), which Telegram sends with every update",
            file=sys.stderr,
        )
        return EXIT_USAGE
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    try:
        asyncio.run(
            serve(
                settings,
                args.transport or settings.transport,
                args.webhook,
                args.listen,
                web=args.web,
            )
        )
    except ValueError as exc:
        print(f"workerbot run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0


async def serve(
    settings: Settings,
    transport: str,
    webhook: str | None,
    listen: str | None,
    *,
    web: str | None = None,
) -> None:
    """Run until SIGINT or SIGTERM, then stop cleanly."""
    # The messenger frameworks take seconds to import: only the command that runs them pays.
    from bot.telegram_bot import TelegramBot  # noqa: PLC0415

    name: TransportName = "ptb" if transport == "ptb" else "aiogram"
    chat: WebChat | None = None
    if web is not None and settings.web_chat:

        async def handle(incoming: Incoming) -> bool:
            return await bot.app.handle(incoming)

        chat = WebChat(handle)
    bot = await TelegramBot.create(
        settings,
        transport_name=name,
        webhook_url=webhook,
        listen=listen,
        others=() if chat is None else (chat,),
    )
    if chat is not None:
        chat.bind(bot.app.sessionmaker)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    console = None if web is None else beside(bot.app, web, chat)
    await bot.start()
    if console is not None:
        try:
            await console.start()
        except BaseException:
            await bot.stop()
            raise
        log.info("console on %s", console.url)
    if webhook is None:
        log.info("running with %s, long polling", name)
    else:
        log.info("running with %s, webhook %s", name, webhook)
    try:
        await stop.wait()
        log.info("stopping: finishing the updates in flight")
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
        if chat is not None:
            await chat.stop()  # open pages' event streams end, so the console stops at once
        if console is not None:
            await console.stop()
        await bot.stop()
    log.info("stopped")
