"""`workerbot web [--listen HOST:PORT]`: the console and the workers' web chat.

With the web chat on (WORKERBOT_WEB_CHAT, the default) this is the whole bot with the web
chat as its messenger: core, delivery and scheduler run here, and /chat serves workers.
With it off, only the console runs.

`workerbot web qr URL [--output FILE]` writes a QR code of the web chat's address as a PNG,
to print for a notice board or a leaflet.

On the embedded defaults (the SQLite file of `workerbot chat`) it creates the same sample
officers as the chat when there are none, so `workerbot officer login-link 1` works at once.
It serves pages and writes to the outbox, and follows the knowledge base saved in the
console as the bot does (for the knowledge-base pages' "try it"); a `workerbot run` on
the same database delivers what it writes (a reply typed in the console reaches the
worker through the bot).
`workerbot officer login-link ID` (bot.commands.admin) prints the link to sign in with.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import matcher_builder, open_database
from bot.commands import Subcommands
from bot.commands.chat import ensure_sample_officers
from bot.knowledge_sync import KnowledgeSync, LiveKnowledge
from bot.launch import assemble, serve
from bot.settings import Settings
from bot.transports import web
from bot.transports.base import RunOptions
from bot.web.app import ConsoleContext
from bot.web.files import file_sources
from bot.web.server import DEFAULT_LISTEN, ConsoleServer
from faq.loader import load_knowledge_base
from faq.schema import KnowledgeBaseError
from handlers.routing import load_routing

log = logging.getLogger(__name__)

EXIT_USAGE = 2
EMBEDDED_DATABASE = Settings.model_fields["database_url"].default


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "web", help="serve the officers' web console and the workers' web chat"
    )
    parser.add_argument(
        "--listen",
        metavar="HOST:PORT",
        default=DEFAULT_LISTEN,
        help=f"where to listen (default: {DEFAULT_LISTEN})",
    )
    parser.set_defaults(run=_run)
    commands = parser.add_subparsers(title="commands", metavar="")
    qr = commands.add_parser("qr", help="write a QR code of the web chat's address (PNG)")
    qr.add_argument(
        "url",
        metavar="URL",
        help="the web chat's public address, e.g. https://union.example.org/chat",
    )
    qr.add_argument(
        "--output", type=Path, default=Path("web-chat-qr.png"), help="PNG file to write"
    )
    qr.set_defaults(run=_qr)


def _qr(args: argparse.Namespace) -> int:
    url: str = args.url
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        print(f"workerbot web qr: {url!r} is not an http(s) address", file=sys.stderr)
        return EXIT_USAGE
    import segno  # noqa: PLC0415 - only this command needs it; the CLI starts without it

    # Error correction level "q" survives a quarter of the code scuffed or covered, which a
    # printed notice on a wall needs; a scale of 10 prints sharply at a few centimetres.
    segno.make(url, error="q").save(args.output, kind="png", scale=10, border=4)
    print(f"QR code of {url} written to {args.output}")
    return 0


def _run(args: argparse.Namespace) -> int:
    try:
        settings = Settings()
    except ValidationError as exc:
        print(f"workerbot web: bad settings:\n{exc}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        serve = _serve_with_chat if settings.web_chat else _serve
        asyncio.run(serve(settings, args.listen))
    except ValueError as exc:
        print(f"workerbot web: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return 0


def _knowledge(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[LiveKnowledge, KnowledgeSync] | None:
    """The knowledge base the bot answers from, for the knowledge-base pages' "try it" and
    entry search, kept current like the bot's own (every FAQ_RELOAD_INTERVAL seconds).
    None when it does not load: the console serves everything else, and its knowledge-base
    pages refuse changes with the loader's reasons until the files are mended."""
    build = matcher_builder(settings)
    try:
        kb = load_knowledge_base(settings.faq_path, settings.cache_dir)
    except KnowledgeBaseError as error:
        log.error("the knowledge base does not load, no 'try it' in the console: %s", error)
        return None
    live = LiveKnowledge(kb, build(kb))
    sync = KnowledgeSync(
        sessionmaker,
        settings.faq_path,
        build=build,
        apply=live.use,
        interval=settings.faq_reload_interval,
    )
    return live, sync


async def _serve(settings: Settings, listen: str) -> None:
    routing = load_routing(settings.routing_path)
    engine, sessionmaker = await open_database(settings, routing)
    try:
        if settings.database_url == EMBEDDED_DATABASE:
            # The terminal chat's file: the same sample officers, whichever starts first.
            async with sessionmaker() as session, session.begin():
                await ensure_sample_officers(session, routing)
        live, sync = _knowledge(settings, sessionmaker) or (None, None)
        context = ConsoleContext(
            settings,
            sessionmaker,
            routing,
            files=file_sources(settings, sessionmaker),
            knowledge=live,
            knowledge_sync=sync,
        )
        server = ConsoleServer(context, listen)
        await server.start()
        following = asyncio.create_task(sync.run()) if sync is not None else None
        print(
            f"Console on {server.url} - sign in with the link that "
            "`workerbot officer login-link ID` prints (Ctrl+C stops).",
            flush=True,
        )
        try:
            await _stopped()
        finally:
            if sync is not None and following is not None:
                sync.stop()
                await following
            await server.stop()
    finally:
        await engine.dispose()


async def _serve_with_chat(settings: Settings, listen: str) -> None:
    # The same runner as `workerbot run --transport web --web HOST:PORT`, with the sample
    # officers of the embedded database added.
    try:
        runner = await assemble(settings, [web.REGISTRATION], RunOptions(web=listen))
    except KnowledgeBaseError as error:
        # The console is where an admin mends the knowledge base: it must come up even
        # when the chat cannot answer from it.
        log.error("the knowledge base does not load, the web chat is off until it does: %s", error)
        await _serve(settings, listen)
        return
    try:
        if settings.database_url == EMBEDDED_DATABASE:
            async with runner.app.sessionmaker() as session, session.begin():
                await ensure_sample_officers(session, runner.app.routing)
    except BaseException:
        await runner.close()
        raise

    async def started(console: str | None) -> None:
        print(
            f"Console on {console} and the workers' web chat on {console}/chat - sign "
            "in with the link that `workerbot officer login-link ID` prints (Ctrl+C stops).",
            flush=True,
        )

    await serve(runner, web=listen, started=started)


async def _stopped() -> None:
    """Until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
