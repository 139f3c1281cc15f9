"""Officers' groups: a queue linked to a group chat, one forum topic per ticket.

In a linked group, what an officer of the ticket's queue writes in the ticket's topic is
their reply to the worker, relayed like a reply from a private chat (the worker is not
told who wrote it; an anonymous worker stays unknown to the group). Card buttons pressed
in the group act as the officer who pressed them, checked again by the use cases. Anyone
else writing in a ticket's topic is refused; talk outside ticket topics is left alone.

An admin links the group by sending `/linkgroup QUEUE_KEY` in it (several queues may share
one group) and `/unlinkgroup` stops it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Ticket
from handlers import admin
from handlers.core import actions, awaiting, notify
from handlers.core.buttons import OfficerButton
from handlers.core.flows import officer
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.messages import Incoming, Outgoing
from handlers.tickets import service, topics
from handlers.tickets.errors import TicketNotFound

LINK = "linkgroup"
UNLINK = "unlinkgroup"


def _command(text: str) -> tuple[str, str] | None:
    if not text.startswith("/"):
        return None
    name, _, argument = text[1:].partition(" ")
    return name.split("@", 1)[0].lower(), argument.strip()


async def _topic_ticket(session: AsyncSession, incoming: Incoming) -> Ticket | None:
    if incoming.thread_id is None:
        return None
    return await topics.ticket_for_topic(
        session,
        platform=incoming.platform,
        chat_id=incoming.chat_id,
        thread_id=incoming.thread_id,
    )


async def from_outsider(
    session: AsyncSession, incoming: Incoming, *, lang: str, now: datetime
) -> None:
    """A group update from somebody who is not an active officer: refused where it would
    have acted (a ticket's topic, a card button, the link commands), otherwise ignored."""
    command = _command((incoming.text or "").strip())
    if command is not None and command[0] in {LINK, UNLINK}:
        key = "error.not_allowed.admins_only"
    elif incoming.action is not None or await _topic_ticket(session, incoming) is not None:
        key = "group.not_officer"
    else:
        return
    message = Outgoing(chat_id=incoming.chat_id, text=t(lang, key), thread_id=incoming.thread_id)
    notify.queue(session, incoming.platform, message, now=now)


async def on_group_update(turn: Turn) -> None:
    """A group update from an active officer."""
    incoming = turn.incoming
    actor = turn.officer_actor
    if actor is None:  # the dispatcher sends only officers here
        return
    if incoming.action is not None:
        action = actions.parse(incoming.action)
        # Only officers' card buttons belong in a group; a worker's would act as the presser.
        if action is not None and action.verb == OfficerButton.prefix:
            await officer.on_action(turn, action)
        return
    text = turn.typed
    command = _command(text)
    if command is not None:
        name, argument = command
        if name == LINK:
            await _link(turn, argument)
        elif name == UNLINK:
            await _unlink(turn)
        # Other commands in a group are for other bots, or for a private chat.
        return
    ticket = await _topic_ticket(turn.session, incoming)
    if ticket is None:
        return  # officers talking among themselves
    try:
        ticket = await service.get_ticket(turn.session, actor, ticket.id)
    except TicketNotFound:
        turn.say("group.not_officer")
        return
    if not text:
        turn.say("group.text_only")
        return
    state = turn.state
    if (
        state is not None
        and awaiting.purpose_of(state) in officer.TEXTS
        and awaiting.ticket_of(state) == ticket.id
    ):
        # The officer pressed "ask", "note", "resolve"... on this ticket: this is that text.
        await officer.on_input(turn)
        return
    checked = turn.checked_text(text, service.MAX_MESSAGE_LENGTH)
    if checked is None:
        return
    await officer.perform(turn, actor, {"action": "reply", "ticket_id": ticket.id}, checked)


async def _link(turn: Turn, queue_key: str) -> None:
    actor = turn.officer_actor
    if actor is None:
        return
    if not queue_key:
        queues = await admin.list_queues(turn.session)
        turn.say("group.link_usage", queues=", ".join(q.key for q in queues))
        return
    queue = await topics.link_group(
        turn.session,
        actor,
        queue_key,
        platform=turn.incoming.platform,
        chat_id=turn.incoming.chat_id,
    )
    turn.say("group.linked", queue=queue.name, code=queue.key)


async def _unlink(turn: Turn) -> None:
    actor = turn.officer_actor
    if actor is None:
        return
    queues = await topics.unlink_group(
        turn.session, actor, platform=turn.incoming.platform, chat_id=turn.incoming.chat_id
    )
    if queues:
        turn.say("group.unlinked", queues=", ".join(q.key for q in queues))
    else:
        turn.say("group.unlinked_none")


async def link_in_private(turn: Turn, _argument: str) -> None:
    """/linkgroup outside a group: say where it belongs."""
    turn.say("group.link_in_group")
