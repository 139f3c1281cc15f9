"""One update being handled: who wrote, in what language, where they are in a flow, and
the messages the answer will send (written to the outbox, never sent from here)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, OfficerRole, Person, Ticket
from handlers.core import notify
from handlers.core.actions import Buttons
from handlers.core.config import CoreConfig
from handlers.core.forms import FieldError, check_text
from handlers.core.texts import Safe, t
from handlers.messages import Attachment, Incoming, Outgoing, Upload
from handlers.parsing import clean_text
from handlers.routing import RoutingConfig
from handlers.tickets.authz import OfficerActor, WorkerActor

if TYPE_CHECKING:
    from faq.matcher import Matcher
    from faq.schema import KnowledgeBase


@dataclass
class FlowState:
    """Where a person is in a multi-step flow; saved in the database between updates."""

    flow: str
    step: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Standing:
    """What the update's first statement read about a worker with their row
    (`db.repositories.arrival`), true as of the update's start: the router's first checks
    read it here instead of asking the database again."""

    blocked: bool
    # The worker's ticket an officer most recently put back to them, if any.
    waiting_ticket_id: int | None


@dataclass
class Turn:
    session: AsyncSession
    incoming: Incoming
    person_id: int
    # Builds the person's entity (`person`); called once, when a step first needs it.
    load_person: Callable[[], Person]
    officer: Officer | None
    lang: str
    now: datetime
    config: CoreConfig
    # The routing the app loaded: which queue a ticket goes to, and its deadlines.
    routing: RoutingConfig
    matcher: Matcher
    kb: KnowledgeBase
    state: FlowState | None
    # None (group updates): the checks ask the database.
    standing: Standing | None = None
    sent: list[Outgoing] = field(default_factory=list)

    @functools.cached_property
    def person(self) -> Person:
        """The person who wrote, as an entity of the session. Built only when a step needs
        it: answering a question does not, and building it cost more than reading it."""
        return self.load_person()

    @functools.cached_property
    def typed(self) -> str:
        """What the person typed, without control characters; '' for a button or photo."""
        return clean_text(self.incoming.text or "")

    @property
    def worker(self) -> WorkerActor:
        return WorkerActor(person_id=self.person_id)

    @property
    def officer_actor(self) -> OfficerActor | None:
        if self.officer is None:
            return None
        return OfficerActor(
            officer_id=self.officer.id, is_admin=self.officer.role == OfficerRole.ADMIN
        )

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.config.timezone)

    def text(self, key: str, **params: object) -> Safe:
        return t(self.lang, key, **params)

    def reply(
        self,
        text: str,
        buttons: Buttons = (),
        *,
        ticket_id: int | None = None,
        edit: bool = False,
        attachments: Sequence[Attachment] = (),
        upload: Upload | None = None,
    ) -> None:
        """A message to the chat this update came from (or an edit of the pressed one)."""
        message = Outgoing(
            chat_id=self.incoming.chat_id,
            text=text,
            buttons=tuple(tuple(row) for row in buttons),
            thread_id=self.incoming.thread_id,
            edit_message_id=self.incoming.message_id if edit else None,
            attachments=tuple(attachments),
            upload=upload,
        )
        self.sent.append(message)
        notify.queue(
            self.session,
            self.incoming.platform,
            message,
            # A group chat is nobody's: a 403 there must not mark this person unreachable.
            person_id=None if self.incoming.is_group else self.person_id,
            ticket_id=ticket_id,
            now=self.now,
        )

    def say(self, key: str, /, **params: object) -> None:
        self.reply(self.text(key, **params))

    def checked_text(self, raw: str, max_length: int) -> str | None:
        """`raw` cleaned and within `max_length`, or None once the person is told what is wrong."""
        try:
            return check_text(raw, max_length)
        except FieldError as exc:
            self.say(exc.key, **exc.params)
            return None

    def current(self) -> FlowState:
        """The saved state of a flow that is known to be running."""
        if self.state is None:
            msg = "no flow is running for this person"
            raise LookupError(msg)
        return self.state

    def send_to(
        self,
        person: Person,
        text: str,
        buttons: Buttons = (),
        *,
        ticket_id: int | None = None,
    ) -> None:
        """A message to somebody else (an officer, the worker of a ticket)."""
        message = notify.to_person(
            self.session, person, (text, buttons), ticket_id=ticket_id, now=self.now
        )
        self.sent.append(message)

    async def tell_staff(
        self,
        ticket: Ticket,
        officers: Sequence[Officer],
        render: notify.Render,
        *,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        """A notice about `ticket` to its officers (not to whoever caused it) and into its
        topic (as `send_to_group` says)."""
        await notify.to_staff(
            self.session,
            ticket,
            officers,
            render,
            group_lang=self.config.default_language,
            now=self.now,
            skip_person_id=self.person_id,
            to_topic=not self.in_topic_of(ticket),
            attachments=attachments,
        )

    def in_topic_of(self, ticket: Ticket) -> bool:
        """Whether this update was written in the ticket's topic of an officers' group."""
        return (
            self.incoming.is_group
            and self.incoming.thread_id is not None
            and self.incoming.chat_id == ticket.topic_chat_id
            and self.incoming.thread_id == ticket.topic_thread_id
        )

    async def send_to_group(
        self,
        ticket: Ticket,
        render: notify.Render,
        *,
        attachments: Sequence[Attachment] = (),
    ) -> None:
        """A notice into the ticket's topic, if its queue works from an officers' group.

        Rendered in the deployment's default language (a group has many readers); skipped
        when this update came from that topic, where the answer to it appears anyway.
        """
        if self.in_topic_of(ticket):
            return
        lang = self.config.default_language
        await notify.to_group(
            self.session,
            ticket,
            render(lang),
            lang=lang,
            now=self.now,
            attachments=attachments,
        )
