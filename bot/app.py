"""Assembling the bot from its settings: database, routing, knowledge base, core and
delivery. Shared by `workerbot chat` and `workerbot run`; a transport adds its Sender."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.clock import SYSTEM_CLOCK, Clock
from bot.delivery import Delivery
from bot.flood import FloodGuard, Verdict
from bot.knowledge_sync import KnowledgeSync
from bot.settings import Settings
from bot.transports.base import Sender
from db.engine import create_engine, create_sessionmaker
from db.schema import ensure_schema
from faq.loader import load_knowledge_base
from faq.matcher import Matcher
from faq.schema import KnowledgeBase
from handlers.core.dispatcher import Dispatcher
from handlers.core.reachability import person_unreachable
from handlers.core.topic_recap import topic_recap
from handlers.messages import Incoming, Outgoing
from handlers.routing import RoutingConfig, apply_routing, load_routing


@dataclass
class App:
    settings: Settings
    engine: AsyncEngine
    sessionmaker: async_sessionmaker[AsyncSession]
    routing: RoutingConfig
    dispatcher: Dispatcher
    delivery: Delivery
    flood: FloodGuard
    knowledge: KnowledgeSync

    async def handle(self, incoming: Incoming) -> bool:
        """An update from a messenger anyone can write to: flood control, then the core.

        A person over their limit is told once to slow down; their further updates are
        dropped without touching the database, and count as taken (True).
        """
        verdict = self.flood.admit(incoming.platform, incoming.user_id)
        if verdict is Verdict.PASS:
            return await self.dispatcher.handle(incoming)
        if verdict is Verdict.WARN:
            await self.dispatcher.slow_down(incoming)
        return True

    async def close(self) -> None:
        self.knowledge.stop()
        self.delivery.stop()
        await self.engine.dispose()


async def open_database(
    settings: Settings, routing: RoutingConfig
) -> tuple[AsyncEngine, async_sessionmaker[AsyncSession]]:
    """The configured database, created or upgraded, with the routing file's units and
    queues applied; the caller disposes of the engine."""
    engine = create_engine(settings.database_url)
    try:
        await ensure_schema(engine)
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session, session.begin():
            await apply_routing(session, routing)
    except BaseException:
        await engine.dispose()
        raise
    return engine, sessionmaker


@asynccontextmanager
async def command_database(settings: Settings) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """The database as a `workerbot` command needs it, prepared by `open_database`: a command
    that names a unit or queue of the routing file finds it on a fresh database right after
    `db upgrade`. The file is read first; a broken one raises RoutingError, nothing changed."""
    engine, sessionmaker = await open_database(settings, load_routing(settings.routing_path))
    try:
        yield sessionmaker
    finally:
        await engine.dispose()


def matcher_builder(settings: Settings) -> Callable[[KnowledgeBase], Matcher]:
    """How this deployment's matcher is built for a knowledge base (at start, and for
    each version saved in the console)."""

    def build(kb: KnowledgeBase) -> Matcher:
        return Matcher(
            kb,
            answer_score=settings.faq_answer_score,
            suggest_score=settings.faq_suggest_score,
            cache_dir=settings.cache_dir,
        )

    return build


async def build_app(
    settings: Settings,
    senders: Mapping[str, Sender],
    *,
    clock: Clock = SYSTEM_CLOCK,
    per_chat_interval: float | None = None,
) -> App:
    """Everything but the transport's own loop; the database is created or upgraded."""
    # Read the files first: a broken knowledge base or routing file stops start-up before
    # anything touches the database.
    kb = load_knowledge_base(settings.faq_path, settings.cache_dir)
    routing = load_routing(settings.routing_path)
    build_matcher = matcher_builder(settings)
    matcher = build_matcher(kb)
    engine, sessionmaker = await open_database(settings, routing)

    async def on_unreachable(session: AsyncSession, person_id: int, now: datetime) -> None:
        await person_unreachable(session, person_id, now, group_language=settings.default_language)

    zone = ZoneInfo(settings.timezone)

    async def recap(session: AsyncSession, ticket_id: int, chat_id: str) -> list[Outgoing]:
        return await topic_recap(
            session, ticket_id, chat_id, group_language=settings.default_language, zone=zone
        )

    delivery = Delivery(
        sessionmaker,
        senders,
        on_unreachable=on_unreachable,
        topic_recap=recap,
        per_chat_interval=(
            settings.delivery_per_chat_interval if per_chat_interval is None else per_chat_interval
        ),
        global_rate=settings.delivery_global_rate,
        group_rate_per_minute=settings.delivery_group_per_minute,
        max_attempts=settings.delivery_max_attempts,
        poll_interval=settings.delivery_poll_interval,
        clock=clock,
    )
    dispatcher = Dispatcher(
        sessionmaker,
        matcher,
        settings,
        routing=routing,
        kb=kb,
        on_commit=delivery.wake,
        clock=clock.now,
    )
    knowledge = KnowledgeSync(
        sessionmaker,
        settings.faq_path,
        build=build_matcher,
        apply=dispatcher.use_knowledge,
        interval=settings.faq_reload_interval,
    )
    return App(
        settings=settings,
        engine=engine,
        sessionmaker=sessionmaker,
        routing=routing,
        dispatcher=dispatcher,
        delivery=delivery,
        flood=FloodGuard(settings.flood_messages, settings.flood_window, clock.monotonic),
        knowledge=knowledge,
    )
