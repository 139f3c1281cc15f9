"""Messages for a ticket's topic in an officers' group: delivery opens the topic once."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import Delivery
from bot.transports.base import RetryAfter, TopicGone
from db.models import OutboxMessage, OutboxStatus, Person, Queue, Ticket
from db.repositories.outbox import enqueue
from handlers import SAMPLE_ROUTING_PATH
from handlers.core.topic_recap import topic_recap
from handlers.messages import Outgoing, Topic
from handlers.routing import apply_routing, load_routing
from handlers.tickets import service
from tests.delivery.fakes import FakeClock, RecordingSender

GROUP = "-1009876"


class TopicRecordingSender(RecordingSender):
    """A sender whose messenger has forum topics."""

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock)
        self.topics: list[tuple[str, str]] = []
        self.refuse_topics: list[Exception] = []
        # Topics the group's officers deleted; True: every topic is gone at once.
        self.deleted: set[str] | bool = set()

    async def send(self, message: Outgoing) -> str | None:
        thread = message.thread_id
        if thread is not None and (
            self.deleted is True or (self.deleted and thread in self.deleted)
        ):
            self.calls.append(message)
            raise TopicGone("Bad Request: message thread not found")
        return await super().send(message)

    async def create_topic(self, chat_id: str, name: str) -> str:
        if self.refuse_topics:
            raise self.refuse_topics.pop(0)
        self.topics.append((chat_id, name))
        return str(500 + len(self.topics))


async def _ticket_in_group(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    routing = load_routing(SAMPLE_ROUTING_PATH)
    async with sessionmaker() as session, session.begin():
        await apply_routing(session, routing)
        worker = Person(platform="telegram", platform_user_id="5", chat_id="5", language="zh-CN")
        session.add(worker)
        await session.flush()
        opened = await service.open_ticket(
            session,
            worker=worker,
            kind="grievance",
            category="facilities",
            summary="灯坏了",
            fields={},
            anonymous=True,
            unit_key=None,
            workplace=None,
            language="zh-CN",
            now=FakeClock().now(),
            routing=routing,
        )
        queue = await session.get(Queue, opened.ticket.queue_id)
        assert queue is not None
        queue.group_platform, queue.group_chat_id = "telegram", GROUP
        return opened.ticket.id


async def _enqueue_for_topic(
    sessionmaker: async_sessionmaker[AsyncSession], ticket_id: int, texts: list[str]
) -> None:
    async with sessionmaker() as session, session.begin():
        for text in texts:
            message = Outgoing(chat_id=GROUP, text=text, topic=Topic(ticket_id, "GR-1 · 设施"))
            enqueue(
                session,
                "telegram",
                GROUP,
                message.to_json(),
                ticket_id=ticket_id,
                now=FakeClock().now(),
            )


async def test_the_first_message_opens_the_topic_and_the_rest_follow_it(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    ticket_id = await _ticket_in_group(sessionmaker)
    sender = TopicRecordingSender(clock)
    sender.refuse_topics.append(RetryAfter(3))  # flood control on the first try
    delivery = Delivery(sessionmaker, {"telegram": sender}, clock=clock, per_chat_interval=0)
    await _enqueue_for_topic(sessionmaker, ticket_id, ["card", "photos"])
    await delivery.drain()
    clock.advance(5)
    await delivery.drain()
    await _enqueue_for_topic(sessionmaker, ticket_id, ["the worker wrote"])
    await delivery.drain()

    assert sender.topics == [(GROUP, "GR-1 · 设施")]
    assert [(s.message.text, s.message.thread_id) for s in sender.sent] == [
        ("card", "501"),
        ("photos", "501"),
        ("the worker wrote", "501"),
    ]
    async with sessionmaker() as session:
        ticket = await session.get(Ticket, ticket_id)
        statuses = (await session.scalars(select(OutboxMessage.status))).all()
    assert ticket is not None
    assert (ticket.topic_chat_id, ticket.topic_thread_id) == (GROUP, "501")
    assert set(statuses) == {OutboxStatus.SENT}


async def test_a_messenger_without_topics_gets_the_title_as_a_heading(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    ticket_id = await _ticket_in_group(sessionmaker)
    sender = RecordingSender(clock)
    delivery = Delivery(sessionmaker, {"telegram": sender}, clock=clock, per_chat_interval=0)
    await _enqueue_for_topic(sessionmaker, ticket_id, ["card"])
    await delivery.drain()
    assert [(s.message.text, s.message.thread_id) for s in sender.sent] == [
        ("<b>GR-1 · 设施</b>\ncard", None)
    ]


async def _recap(session: AsyncSession, ticket_id: int, chat_id: str) -> list[Outgoing]:
    return await topic_recap(
        session, ticket_id, chat_id, group_language="zh-CN", zone=ZoneInfo("Asia/Shanghai")
    )


async def test_a_deleted_topic_is_opened_again_with_the_card_and_history_first(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    ticket_id = await _ticket_in_group(sessionmaker)
    sender = TopicRecordingSender(clock)
    delivery = Delivery(
        sessionmaker, {"telegram": sender}, clock=clock, per_chat_interval=0, topic_recap=_recap
    )
    await _enqueue_for_topic(sessionmaker, ticket_id, ["card"])
    await delivery.drain()
    sender.deleted = {"501"}  # the officers delete the ticket's topic
    await _enqueue_for_topic(sessionmaker, ticket_id, ["the worker wrote again", "and again"])
    await delivery.drain()

    assert sender.topics == [(GROUP, "GR-1 · 设施"), (GROUP, "GR-1 · 设施")]
    in_new_topic = [s.message.text for s in sender.sent if s.message.thread_id == "502"]
    assert len(in_new_topic) == 3
    recap, *rest = in_new_topic
    assert "原话题已被删除" in recap
    assert "灯坏了" in recap  # the card: the worker's words
    assert "记录" in recap  # and the history
    assert rest == ["the worker wrote again", "and again"]
    async with sessionmaker() as session:
        ticket = await session.get(Ticket, ticket_id)
        statuses = (await session.scalars(select(OutboxMessage.status))).all()
    assert ticket is not None
    assert (ticket.topic_chat_id, ticket.topic_thread_id) == (GROUP, "502")
    assert list(statuses) == [OutboxStatus.SENT] * 3


async def test_a_topic_refused_again_fails_the_message_instead_of_looping(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    clock = FakeClock()
    ticket_id = await _ticket_in_group(sessionmaker)
    sender = TopicRecordingSender(clock)
    delivery = Delivery(
        sessionmaker, {"telegram": sender}, clock=clock, per_chat_interval=0, topic_recap=_recap
    )
    await _enqueue_for_topic(sessionmaker, ticket_id, ["card"])
    await delivery.drain()
    sender.deleted = True  # whatever topic the bot opens is gone at once
    await _enqueue_for_topic(sessionmaker, ticket_id, ["the worker wrote again"])
    await delivery.drain()
    clock.advance(3600)
    await delivery.drain()

    assert len(sender.topics) == 2
    async with sessionmaker() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert [(r.status, r.last_error) for r in rows] == [
        (OutboxStatus.SENT, None),
        (OutboxStatus.FAILED, "TopicGone: Bad Request: message thread not found"),
    ]
