"""`workerbot run`: the bot on one transport (Telegram by default).

`--transport NAME` picks it (default WORKERBOT_TRANSPORT): `telegram-aiogram` or
`telegram-ptb` (`aiogram` and `ptb` are older spellings), `terminal`, or any other name
of `bot.transports.registry`. Telegram receives by long polling, or with `--webhook URL`
registers URL with Telegram (with WORKERBOT_WEBHOOK_SECRET as its secret token) and serves
it, on the URL's port on all interfaces unless `--listen HOST:PORT` says otherwise.
`--web HOST:PORT` also serves the officers' web console (bot.web) in the same process, and
the workers' web chat (the transport `web`) at /chat beside the named transport unless
WORKERBOT_WEB_CHAT is false; `--transport web --web HOST:PORT` runs the web chat alone.
SIGINT or SIGTERM stops it cleanly (as does the end of the terminal's input); what was not
sent yet stays in the outbox.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from pydantic import ValidationError

from bot.commands import Subcommands
from bot.launch import assemble, serve
from bot.settings import Settings
from bot.transports import web
from bot.transports.base import Registration, RunOptions
from bot.transports.registry import NAMES, find

log = logging.getLogger("workerbot")

EXIT_USAGE = 2


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("run", help="run the bot (Telegram, or another transport)")
    parser.add_argument(
        "--transport",
        metavar="NAME",
        help=f"{', '.join(NAMES)} (default: WORKERBOT_TRANSPORT, else {NAMES[0]})",
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
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"workerbot run: bad settings:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    try:
        registration = find(args.transport or settings.transport)
    except ValueError as exc:
        print(f"workerbot run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if not registration.in_turns:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    # httpx logs every request URL at INFO, and a Bot API URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    options = RunOptions(webhook=args.webhook, listen=args.listen, web=args.web)
    registrations = [registration]
    if args.web is not None and settings.web_chat and registration is not web.REGISTRATION:
        registrations.append(web.REGISTRATION)
    try:
        asyncio.run(_serve(settings, registrations, options))
    except ValueError as exc:
        print(f"workerbot run: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0


async def _serve(
    settings: Settings, registrations: list[Registration], options: RunOptions
) -> None:
    runner = await assemble(settings, registrations, options)

    async def started(_console: str | None) -> None:
        names = " and ".join(r.name for r in registrations)
        how = "" if options.webhook is None else f", webhook {options.webhook}"
        log.info("running with %s%s", names, how)

    await serve(runner, web=options.web, started=None if runner.in_turns else started)
    log.info("stopped")
