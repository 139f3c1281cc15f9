"""Saved replies: texts officers reuse, one language each, with placeholders.

`{reference}` (the ticket's reference), `{officer}` (the replying officer's name) and
`{deadline}` (the ticket's next deadline, local time) are filled in when a reply is used;
any other brace is left as written. Admins add and remove them; every active officer may
use them, from the console's ticket page and from the chat's reply prompt. What is filled
in becomes an ordinary reply through `officer_work`, so it is checked and relayed the same.
"""

from __future__ import annotations

import re
from datetime import datetime, tzinfo

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, SavedReply, Ticket
from handlers.admin import AdminError
from handlers.core.texts import LANGUAGES
from handlers.parsing import clean_text
from handlers.tickets.authz import OfficerActor, active_admin, active_officer
from handlers.tickets.errors import InvalidInput
from handlers.tickets.views import next_deadline

MAX_TITLE = 100
MAX_BODY = 4000
PLACEHOLDERS = ("reference", "officer", "deadline")
_PLACEHOLDER = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")


async def list_replies(
    session: AsyncSession, actor: OfficerActor, language: str | None = None
) -> list[SavedReply]:
    """Saved replies for an active officer, in `language` or all, by title."""
    await active_officer(session, actor, "saved_replies")
    query = select(SavedReply).order_by(SavedReply.language, SavedReply.title, SavedReply.id)
    if language is not None:
        query = query.where(SavedReply.language == language)
    return list(await session.scalars(query))


async def get_reply(session: AsyncSession, actor: OfficerActor, reply_id: int) -> SavedReply:
    await active_officer(session, actor, "saved_replies")
    reply = await session.get(SavedReply, reply_id)
    if reply is None:  # removed by an admin after the buttons were sent
        raise InvalidInput("saved_reply", "unknown_saved_reply")
    return reply


async def add_reply(
    session: AsyncSession, actor: OfficerActor, *, language: str, title: str, body: str
) -> SavedReply:
    await active_admin(session, actor, "saved_replies")
    if language not in LANGUAGES:
        msg = f"unknown language {language!r}"
        raise AdminError(msg, "admin.error.unknown_language")
    title, body = clean_text(title), clean_text(body)
    if not title or not body:
        msg = "a saved reply needs a title and a text"
        raise AdminError(msg, "admin.error.saved_empty")
    if len(title) > MAX_TITLE or len(body) > MAX_BODY:
        msg = f"a saved reply's title is at most {MAX_TITLE} characters, its text {MAX_BODY}"
        raise AdminError(msg, "admin.error.saved_too_long", title=MAX_TITLE, body=MAX_BODY)
    reply = SavedReply(language=language, title=title, body=body)
    session.add(reply)
    await session.flush()
    return reply


async def remove_reply(session: AsyncSession, actor: OfficerActor, reply_id: int) -> None:
    await active_admin(session, actor, "saved_replies")
    await session.execute(delete(SavedReply).where(SavedReply.id == reply_id))


def fill(reply: SavedReply, ticket: Ticket, officer: Officer, zone: tzinfo) -> str:
    """The reply's text for this ticket and officer."""
    deadline = next_deadline(ticket)
    due = "—" if deadline is None else _local(deadline.due, zone)
    values = {"reference": ticket.reference or "", "officer": officer.name, "deadline": due}
    return _PLACEHOLDER.sub(lambda match: values[match.group(1)], reply.body)


def _local(moment: datetime, zone: tzinfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
