"""The reassign menu offers only queues the ticket can move to."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Queue
from handlers.core.buttons import OfficerButton
from tests.flows.conftest import Chat, file_anonymously


async def test_reassign_menu_leaves_out_the_current_queue(chat: Chat) -> None:
    ticket = await file_anonymously(chat)
    await chat.send("officer", action=OfficerButton("reassign", ticket.id).pack())
    labels = [b.label for row in chat.last["officer"].buttons for b in row]
    async with chat.sessionmaker() as session:
        names = {q.id: q.name for q in await session.scalars(select(Queue))}
    assert names[ticket.queue_id] not in labels
    assert {n for i, n in names.items() if i != ticket.queue_id} <= set(labels)
