"""Officers' groups: which group a queue works from, and which forum topic is a ticket's.

A queue may be linked to one group chat (a forum); every ticket of the queue then gets a
topic there, opened by delivery when the ticket's first message for the group goes out.
A ticket moved to a queue of another group gets a new topic in that group; its old topic
no longer leads to it. A topic the officers deleted is forgotten (`forget_topic`) and
delivery opens the ticket a new one.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import OfficerRole, Queue, Ticket
from db.repositories import tickets as repo
from handlers.tickets.authz import OfficerActor, active_officer
from handlers.tickets.errors import InvalidInput, NotAllowed


async def link_group(
    session: AsyncSession, actor: OfficerActor, queue_key: str, *, platform: str, chat_id: str
) -> Queue:
    """Make `chat_id` the officers' group of the queue (admins only); replaces a former one."""
    officer = await active_officer(session, actor, "link_group")
    if officer.role != OfficerRole.ADMIN:
        raise NotAllowed("link_group", "admins_only")
    queue = await repo.get_queue_by_key(session, queue_key.strip())
    if queue is None:
        raise InvalidInput("queue", "unknown_queue")
    queue.group_platform = platform
    queue.group_chat_id = chat_id
    await session.flush()
    return queue


async def unlink_group(
    session: AsyncSession, actor: OfficerActor, *, platform: str, chat_id: str
) -> list[Queue]:
    """Stop using `chat_id` as an officers' group (admins only); returns the queues it served."""
    officer = await active_officer(session, actor, "link_group")
    if officer.role != OfficerRole.ADMIN:
        raise NotAllowed("link_group", "admins_only")
    queues = list(await queues_of_group(session, platform=platform, chat_id=chat_id))
    for queue in queues:
        queue.group_platform = None
        queue.group_chat_id = None
    await session.flush()
    return queues


async def queues_of_group(session: AsyncSession, *, platform: str, chat_id: str) -> list[Queue]:
    rows = await session.scalars(
        select(Queue)
        .where(Queue.group_platform == platform, Queue.group_chat_id == chat_id)
        .order_by(Queue.key)
    )
    return list(rows.all())


async def ticket_for_topic(
    session: AsyncSession, *, platform: str, chat_id: str, thread_id: str
) -> Ticket | None:
    """The ticket whose topic this is, while the ticket's queue still works from this group.

    Who may act on it is not checked here: the use cases check the acting officer.
    """
    return await session.scalar(
        select(Ticket)
        .join(Queue, Ticket.queue_id == Queue.id)
        .where(
            Ticket.topic_chat_id == chat_id,
            Ticket.topic_thread_id == thread_id,
            Queue.group_chat_id == chat_id,
            Queue.group_platform == platform,
        )
        .options(selectinload(Ticket.queue))
    )


async def topic_thread(session: AsyncSession, ticket_id: int, chat_id: str) -> str | None:
    """The ticket's topic in the group `chat_id`, if one was opened there."""
    ticket = await session.get(Ticket, ticket_id, populate_existing=True)
    if ticket is None or ticket.topic_chat_id != chat_id:
        return None
    return ticket.topic_thread_id


async def remember_topic(
    session: AsyncSession, ticket_id: int, chat_id: str, thread_id: str
) -> bool:
    """Keep the topic just opened for the ticket, if the ticket still belongs to that group.

    False when the ticket moved to another group meanwhile: its new group gets its own topic.
    """
    in_group = (
        select(Queue.id)
        .where(Queue.id == Ticket.queue_id, Queue.group_chat_id == chat_id)
        .exists()
    )
    result = await session.execute(
        update(Ticket)
        .where(Ticket.id == ticket_id, in_group)
        .values(topic_chat_id=chat_id, topic_thread_id=thread_id)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def forget_topic(
    session: AsyncSession, ticket_id: int, chat_id: str, thread_id: str
) -> str | None:
    """The topic `thread_id` is gone: forget it if it is still the ticket's topic there.

    Returns the ticket's topic in `chat_id` afterwards: None when it has to be opened anew,
    or the one somebody else opened meanwhile.
    """
    await session.execute(
        update(Ticket)
        .where(
            Ticket.id == ticket_id,
            Ticket.topic_chat_id == chat_id,
            Ticket.topic_thread_id == thread_id,
        )
        .values(topic_chat_id=None, topic_thread_id=None)
        .execution_options(synchronize_session=False)
    )
    return await topic_thread(session, ticket_id, chat_id)
