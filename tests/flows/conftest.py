"""A conversation harness: the real dispatcher on a real database, read back from the outbox."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime
from functools import cache

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from db.models import OutboxMessage, Ticket
from faq import SAMPLE_KB_PATH
from faq.loader import load_knowledge_base
from faq.matcher import Matcher
from faq.schema import KnowledgeBase
from handlers import SAMPLE_ROUTING_PATH, admin
from handlers.core.dispatcher import Dispatcher
from handlers.messages import Attachment, Incoming, Outgoing
from handlers.routing import RoutingConfig, apply_routing, load_routing

PLATFORM = "test"
NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


@cache
def knowledge() -> tuple[KnowledgeBase, Matcher]:
    kb = load_knowledge_base(SAMPLE_KB_PATH)
    settings = Settings(_env_file=None)
    matcher = Matcher(
        kb, answer_score=settings.faq_answer_score, suggest_score=settings.faq_suggest_score
    )
    return kb, matcher


class Chat:
    """People talking to the bot; each call returns the messages it produced, to anyone."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], routing: RoutingConfig
    ) -> None:
        self.sessionmaker = sessionmaker
        self.routing = routing
        self.now = NOW
        kb, matcher = knowledge()
        self.dispatcher = Dispatcher(
            sessionmaker,
            matcher,
            Settings(_env_file=None),
            routing=routing,
            kb=kb,
            clock=lambda: self.now,
        )
        self._ids = itertools.count(1)
        self._seen = 0
        self.last: dict[str, Outgoing] = {}
        self.history: list[Outgoing] = []
        self.languages: dict[str, str] = {}
        # The name the messenger gives each user's account, if not "Name of <user>".
        self.names: dict[str, str] = {}

    async def send(
        self,
        user: str,
        text: str | None = None,
        *,
        action: str | None = None,
        attachments: Sequence[Attachment] = (),
        update_id: str | None = None,
        group: str | None = None,
        thread_id: str | None = None,
    ) -> list[Outgoing]:
        """`user` writes (or presses) in their private chat, or in the group chat `group`
        (in its topic `thread_id`, if given)."""
        incoming = Incoming(
            platform=PLATFORM,
            update_id=update_id or str(next(self._ids)),
            chat_id=group or user,
            user_id=user,
            thread_id=thread_id,
            is_group=group is not None,
            language=self.languages.get(user, "zh-CN"),
            display_name=self.names.get(user, f"Name of {user}"),
            text=text,
            action=action,
            attachments=tuple(attachments),
        )
        await self.dispatcher.handle(incoming)
        return await self.new_messages()

    async def new_messages(self) -> list[Outgoing]:
        async with self.sessionmaker() as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.id > self._seen)
                    .order_by(OutboxMessage.id)
                )
            ).all()
        messages = [Outgoing.from_json(row.payload) for row in rows]
        if rows:
            self._seen = rows[-1].id
        for message in messages:
            self.last[message.chat_id] = message
        self.history.extend(messages)
        return messages

    def sent_to(self, chat_id: str) -> list[Outgoing]:
        """Every message queued for the chat so far, oldest first."""
        return [m for m in self.history if m.chat_id == chat_id]

    async def press(self, user: str, label: str) -> list[Outgoing]:
        """Presses the button whose label contains `label` on the last message to `user`."""
        message = self.last[user]
        for row in message.buttons:
            for button in row:
                if label in button.label:
                    return await self.send(user, action=button.action)
        labels = [b.label for row in message.buttons for b in row]
        raise AssertionError(f"no button {label!r} in {labels} of {message.text!r}")


def to(messages: Sequence[Outgoing], user: str) -> str:
    """Everything that went to `user`, as one text."""
    return "\n".join(m.text for m in messages if m.chat_id == user)


async def file_anonymously(chat: Chat, photos: Sequence[Attachment] = ()) -> Ticket:
    """Worker "w" files an anonymous grievance (no light in the car park), with `photos`."""
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "其他问题")
    await chat.send("w", "停车场没有照明")
    await chat.press("w", "不方便透露")
    if photos:
        await chat.send("w", attachments=photos)
    await chat.press("w", "完成")
    await chat.press("w", "匿名提交")
    await chat.press("w", "确认提交")
    async with chat.sessionmaker() as session:
        ticket: Ticket = (await session.scalars(select(Ticket))).one()
    return ticket


@pytest.fixture
async def chat(sessionmaker: async_sessionmaker[AsyncSession]) -> Chat:
    """Sample routing, an officer for every queue ("officer"), and an admin ("admin")."""
    routing = load_routing(SAMPLE_ROUTING_PATH)
    async with sessionmaker() as session, session.begin():
        await apply_routing(session, routing)
        keys = [q.key for q in routing.queues] + ["default"]
        await admin.add_officer(
            session,
            name="Officer One",
            queue_keys=keys,
            platform=PLATFORM,
            platform_user_id="officer",
            now=NOW,
        )
        await admin.add_officer(
            session,
            name="Admin",
            queue_keys=[],
            is_admin=True,
            platform=PLATFORM,
            platform_user_id="admin",
            now=NOW,
        )
    return Chat(sessionmaker, routing)
