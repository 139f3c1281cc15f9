"""Messages for a ticket's topic in an officers' group: delivery opens the topic once."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import Delivery
from bot.transports.base import RetryAfter
from db.models import OutboxMessage, OutboxStatus, Person, Queue, Ticket
from db.repositories.outbox import enqueue
from handlers import SAMPLE_ROUTING_PATH
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
