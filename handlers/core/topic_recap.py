"""What a ticket's topic starts with when it is opened a second time: its officers deleted
the first (or Telegram lost it), and the next message for it found it gone.

The ticket's card with its buttons and history, then its photos and files, in the group's
language, so the officers reading the new topic need nothing from the old one. Nothing is
written here: delivery sends these into the new topic, before the message that found the
old one gone. The card and history are what the topic showed before, the worker of an
anonymous ticket named nowhere.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.core import notices
from handlers.core.texts import t
from handlers.messages import Outgoing
from handlers.tickets import service
from handlers.tickets.authz import SystemActor
from handlers.tickets.errors import TicketNotFound


async def topic_recap(
    session: AsyncSession, ticket_id: int, chat_id: str, *, group_language: str, zone: ZoneInfo
) -> list[Outgoing]:
    """The messages a new topic for the ticket starts with; none if the ticket is gone."""
    try:
        ticket = await service.get_ticket(session, SystemActor(), ticket_id)
    except TicketNotFound:
        return []
    lang = group_language
    text, buttons = notices.officer_card(lang, ticket, zone, heading="topic.reopened")
    history = notices.officer_history(
        lang, ticket, zone, await service.trail_names(session, ticket)
    )
    if history:
        text += "\n\n" + t(lang, "officer.history") + "\n" + history
    recap = [Outgoing(chat_id=chat_id, text=text, buttons=tuple(tuple(row) for row in buttons))]
    files = notices.card_files(lang, ticket)
    if files is not None:
        recap.append(Outgoing(chat_id=chat_id, text=files[0], attachments=files[1]))
    return recap
