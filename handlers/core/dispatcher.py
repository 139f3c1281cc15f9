"""The entry point of the core: one update in, one transaction, messages in the outbox.

For every `Incoming` the dispatcher records the update id (a duplicate stops here), finds
or creates the person, loads their conversation state, runs the flow the update belongs
to, saves the state and commits once. Delivery is woken after the commit, so nothing is
ever sent for work that did not commit.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Person
from db.repositories import arrival, people, state, updates
from db.repositories.arrival import SavedState
from handlers import admin
from handlers.core import notify, router
from handlers.core.config import CoreConfig
from handlers.core.flows import group
from handlers.core.texts import language_from_code, t
from handlers.core.turn import FlowState, Standing, Turn
from handlers.messages import Incoming, Outgoing
from handlers.parsing import clean_name
from handlers.routing import RoutingConfig

if TYPE_CHECKING:
    from faq.matcher import Matcher
    from faq.schema import KnowledgeBase

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


class Dispatcher:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        matcher: Matcher,
        config: CoreConfig,
        *,
        routing: RoutingConfig,
        kb: KnowledgeBase,
        on_commit: Callable[[], None] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        self._sessionmaker = sessionmaker
        # One attribute, replaced whole: an update in flight keeps the pair it started with.
        self._knowledge = (kb, matcher)
        self._config = config
        self._routing = routing
        self._clock = clock
        # Set by the app to wake delivery; called only after a successful commit.
        self.on_commit = on_commit

    @property
    def knowledge(self) -> tuple[KnowledgeBase, Matcher]:
        """The knowledge base and matcher the next update is answered from."""
        return self._knowledge

    def use_knowledge(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        """Answer from now on from `kb` (a new version saved in the console)."""
        self._knowledge = (kb, matcher)

    async def handle(self, incoming: Incoming) -> bool:
        """Runs the update once; False if this update id was processed before."""
        now = self._clock()
        try:
            try:
                async with self._sessionmaker() as session, session.begin():
                    if not await self._run(session, incoming, now):
                        return False
            except router.Refused as refused:
                # Rolled back whole; the update is recorded and answered afresh.
                async with self._sessionmaker() as session, session.begin():
                    if not await self._run(session, incoming, now, refused):
                        return False
        except Exception:
            # The flow's work is rolled back; say so instead of leaving the person waiting,
            # and remember the update so a redelivery does not fail the same way again.
            log.exception("update %s/%s failed", incoming.platform, incoming.update_id)
            if not await self._answer_only(incoming, now, "error.internal"):
                raise
        if self.on_commit is not None:
            self.on_commit()
        return True

    async def _run(
        self,
        session: AsyncSession,
        incoming: Incoming,
        now: datetime,
        refused: router.Refused | None = None,
    ) -> bool:
        """Record the update and run its flow, or with `refused` only answer that the flow
        was refused; False if the update was processed before."""
        language = language_from_code(incoming.language, self._config.default_language)
        if incoming.is_group:
            if not await updates.record_update(
                session, incoming.platform, incoming.update_id, now, event=incoming.event
            ):
                return False
            # Only officers act in a group; their person (and private chat) stay as they are.
            found = await people.find_person(session, incoming.platform, incoming.user_id)
            officer = None if found is None else await admin.officer_for_person(session, found.id)
            if found is None or officer is None:
                await group.from_outsider(session, incoming, lang=language, now=now)
                return True
            person_id, stored_language = found.id, found.language

            def load_person() -> Person:
                return found

            standing = None
            loaded = await state.load_state(session, person_id)
            saved = None if loaded is None else SavedState(loaded.flow, loaded.step, loaded.data)
        else:
            # The update id, the person and what the first checks need to know in one go.
            arrived = await arrival.arrive(
                session,
                platform=incoming.platform,
                update_id=incoming.update_id,
                event=incoming.event,
                platform_user_id=incoming.user_id,
                chat_id=incoming.chat_id,
                language=language,
                # Shown on officers' cards: no direction overrides to disguise it.
                display_name=None
                if incoming.display_name is None
                else clean_name(incoming.display_name),
                now=now,
            )
            if arrived is None:
                return False
            person_id, stored_language, saved = arrived.person_id, arrived.language, arrived.state
            load_person = functools.partial(arrived.person, session)
            standing = Standing(arrived.blocked, arrived.waiting_ticket_id)
            officer = (
                None
                if arrived.officer_id is None
                else await admin.officer_for_person(session, person_id)
            )
        kb, matcher = self._knowledge
        flow_state = (
            FlowState(flow=saved.flow, step=saved.step, data=dict(saved.data))
            if saved is not None
            else None
        )
        turn = Turn(
            session=session,
            incoming=incoming,
            person_id=person_id,
            load_person=load_person,
            officer=officer,
            lang=language_from_code(stored_language, self._config.default_language),
            now=now,
            config=self._config,
            routing=self._routing,
            matcher=matcher,
            kb=kb,
            state=flow_state,
            standing=standing,
        )
        if refused is None:
            await router.route(turn)
        else:
            router.refuse(turn, refused)
        if turn.state is None:
            if saved is not None:
                await state.clear_state(session, turn.person_id)
        else:
            await state.save_state(
                session, turn.person_id, turn.state.flow, turn.state.step, turn.state.data, now
            )
        return True

    async def slow_down(self, incoming: Incoming) -> None:
        """Tell a person who writes too fast to slow down, without running their update.

        The runtime's flood control calls this once per burst instead of `handle`; it costs
        one small transaction and reads nothing about the person.
        """
        now = self._clock()
        if await self._answer_only(incoming, now, "error.flood") and self.on_commit is not None:
            self.on_commit()

    async def _answer_only(self, incoming: Incoming, now: datetime, key: str) -> bool:
        """Record the update as handled and answer it with the text `key`, nothing else."""
        try:
            async with self._sessionmaker() as session, session.begin():
                if not await updates.record_update(
                    session, incoming.platform, incoming.update_id, now, event=incoming.event
                ):
                    return True
                lang = language_from_code(incoming.language, self._config.default_language)
                message = Outgoing(
                    chat_id=incoming.chat_id,
                    text=t(lang, key),
                    thread_id=incoming.thread_id,
                )
                notify.queue(session, incoming.platform, message, now=now)
        except Exception:
            log.exception("could not answer update %s with %s", incoming.update_id, key)
            return False
        return True
