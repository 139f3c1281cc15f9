"""Officers: the queue, their own tickets, one ticket's card and history, and working a
ticket (claim, reply, ask the worker, note, resolve, reassign, merge into another).

Every action goes through the ticket use cases with the officer as actor, so a button
from a ticket of another queue, or a forged id, is refused there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from db.models import Officer, Ticket
from handlers import admin, saved_replies, signin
from handlers.core import awaiting, notices, officer_work
from handlers.core.actions import Action
from handlers.core.buttons import CancelButton, OfficerButton, SavedReplyButton
from handlers.core.flows import blocking
from handlers.core.flows.common import unknown_action
from handlers.core.flows.tickets import show_list
from handlers.core.turn import Turn
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor

# Saved replies offered as buttons under the reply prompt; the console lists them all.
MAX_SAVED = 8

# Actions that need a text from the officer, and the catalog text asking for it.
_PROMPTS = {
    "reply": "officer.prompt_reply",
    "ask": "officer.prompt_ask",
    "note": "officer.prompt_note",
    "resolve": "officer.prompt_resolve",
    "rq": "officer.prompt_reassign_reason",
    "merge": "officer.prompt_merge",
}


def _actor(turn: Turn) -> OfficerActor | None:
    actor = turn.officer_actor
    if actor is None:
        turn.say("officer.not_officer")
    return actor


async def on_queue(turn: Turn, _argument: str = "") -> None:
    actor = _actor(turn)
    if actor is not None:
        tickets = await service.list_queue(turn.session, actor)
        _show_tickets(turn, tickets, "officer.queue_title", "officer.queue_empty")


async def on_mine(turn: Turn, _argument: str = "") -> None:
    if turn.officer is None:
        # For a worker, "mine" means their own tickets.
        await show_list(turn)
        return
    actor = _actor(turn)
    if actor is not None:
        tickets = await service.list_mine(turn.session, actor)
        _show_tickets(turn, tickets, "officer.mine_title", "officer.mine_empty")


def _show_tickets(turn: Turn, tickets: Sequence[Ticket], title: str, empty: str) -> None:
    if not tickets:
        turn.say(empty)
        return
    lines = [
        turn.text(
            "officer.queue_line",
            urgent="❗" if ticket.urgent else "",
            reference=ticket.ref,
            category=notices.category_label(turn.lang, ticket.category),
            status=notices.status_label(turn.lang, ticket.status),
            due=notices.due_label(turn.lang, ticket, turn.zone, turn.now),
        )
        for ticket in tickets
    ]
    turn.reply(
        turn.text(title) + "\n" + "\n".join(lines),
        [
            [OfficerButton("t", ticket.id).button(ticket.reference or str(ticket.id))]
            for ticket in tickets
        ],
    )


async def on_web(turn: Turn, _argument: str = "") -> None:
    """/web: a one-time sign-in link to the web console."""
    actor = _actor(turn)
    if actor is None:
        return
    base_url = turn.config.web_base_url
    if not base_url:
        turn.say("officer.web_unconfigured")
        return
    token = await signin.issue_link(turn.session, actor.officer_id, turn.now)
    turn.say("officer.web_link", url=signin.link_url(base_url, token))


async def on_ticket_command(turn: Turn, argument: str) -> None:
    """/ticket REF: the card and history for an officer; a worker's own ticket for them."""
    reference = argument.strip().upper()
    if turn.officer is None:
        if not reference:
            await show_list(turn)
            return
        # The worker actor sees only their own tickets: another's reference is "not found".
        ticket = await service.get_ticket(turn.session, turn.worker, reference)
        turn.reply(*notices.worker_detail(turn.lang, ticket, turn.zone), ticket_id=ticket.id)
        return
    actor = _actor(turn)
    if actor is None:
        return
    if not reference:
        turn.say("officer.ticket_usage")
        return
    ticket = await service.get_ticket(turn.session, actor, reference)
    await _show_card(turn, ticket, with_history=True)


async def _show_card(turn: Turn, ticket: Ticket, *, with_history: bool) -> None:
    text, buttons = notices.officer_card(
        turn.lang, ticket, turn.zone, heading="officer.card_title"
    )
    if with_history:
        buttons = [*buttons, [blocking.block_button(turn.lang, ticket.id)]]
        names = await service.trail_names(turn.session, ticket)
        history = notices.officer_history(turn.lang, ticket, turn.zone, names)
        if history:
            text += "\n\n" + turn.text("officer.history") + "\n" + history
    turn.reply(text, buttons, ticket_id=ticket.id)
    if with_history:
        files = notices.card_files(turn.lang, ticket)
        if files is not None:
            turn.reply(files[0], ticket_id=ticket.id, attachments=files[1])


async def on_action(turn: Turn, action: Action) -> None:
    pressed = OfficerButton.parse(action)
    if pressed is None:
        await unknown_action(turn)
        return
    verb = pressed.verb
    if verb == "queue":
        await on_queue(turn)
        return
    if verb == "mine":
        await on_mine(turn)
        return
    actor = _actor(turn)
    if actor is None:
        return
    ticket_id = pressed.ticket_id
    if ticket_id is None:
        await unknown_action(turn)
        return
    # Seeing the ticket is checked first, for every verb: a forged id is "not found".
    ticket = await service.get_ticket(turn.session, actor, ticket_id)
    if verb == "t":
        await _show_card(turn, ticket, with_history=True)
    elif verb == "claim" and turn.officer is not None:
        at_desk = desk(turn, turn.officer)
        fresh = await officer_work.claim(at_desk, actor, ticket.id)
        turn.say("officer.claimed", reference=fresh.ref)
        await _show_card(turn, fresh, with_history=False)
        await officer_work.tell(at_desk, fresh, "claim")
    elif verb == "reassign":
        # Moving a ticket to the queue it is in would change nothing.
        queues = [q for q in await admin.list_queues(turn.session) if q.id != ticket.queue_id]
        turn.reply(
            turn.text("officer.reassign_which", reference=ticket.ref),
            [[OfficerButton("rq", ticket.id, q.id).button(q.name[:40])] for q in queues]
            + [[CancelButton().button(turn.text("form.cancel"))]],
        )
    elif verb in _PROMPTS:
        data: dict[str, object] = {"action": verb}
        if verb == "rq":
            queue_id = pressed.queue_id
            keys = {q.id: q.key for q in await admin.list_queues(turn.session)}
            if queue_id is None or queue_id not in keys:
                await unknown_action(turn)
                return
            data["queue_key"] = keys[queue_id]
        # A saved reply in the officer's language is one press instead of typing.
        saved = (
            await saved_replies.list_replies(turn.session, actor, turn.lang)
            if verb == "reply"
            else []
        )
        choices = [
            [SavedReplyButton(ticket.id, reply.id).button(reply.title[:40])]
            for reply in saved[:MAX_SAVED]
        ]
        awaiting.wait_for_text(turn, ticket, verb, _PROMPTS[verb], choices=choices, **data)
    else:
        await unknown_action(turn)


async def on_saved_reply(turn: Turn, action: Action) -> None:
    """A saved reply pressed under the reply prompt: filled in and sent as the reply."""
    pressed = SavedReplyButton.parse(action)
    actor = _actor(turn)
    if pressed is None or actor is None or turn.officer is None:
        if pressed is None:
            await unknown_action(turn)
        return
    ticket = await service.get_ticket(turn.session, actor, pressed.ticket_id)
    chosen = await saved_replies.get_reply(turn.session, actor, pressed.reply_id)
    text = saved_replies.fill(chosen, ticket, turn.officer, turn.zone)
    turn.state = None
    await perform(turn, actor, {"action": "reply", "ticket_id": ticket.id}, text)


async def on_input(turn: Turn) -> None:
    """The text an officer was asked for: a reply, a question, a note, a resolution, a
    reassignment's reason, the reference of the ticket to merge into."""
    data = turn.current().data
    actor = _actor(turn)
    if actor is None:
        turn.state = None
        return
    text = turn.checked_text(turn.typed, service.MAX_MESSAGE_LENGTH)
    if text is None:
        return
    turn.state = None
    await perform(turn, actor, data, text)


def desk(turn: Turn, officer: Officer) -> officer_work.Desk:
    return officer_work.Desk(
        session=turn.session,
        officer=officer,
        now=turn.now,
        zone=turn.zone,
        group_lang=turn.config.default_language,
        in_topic=turn.in_topic_of,
    )


async def perform(turn: Turn, actor: OfficerActor, data: Mapping[str, object], text: str) -> None:
    """Do what the officer wrote `text` for (`data`: action, ticket_id and, for a
    reassignment, queue_key), then tell the worker, the officers and the ticket's topic."""
    verb = str(data["action"])
    officer = turn.officer
    if officer is None:
        turn.say("officer.not_officer")
        return
    queue_key = data.get("queue_key")
    at_desk = desk(turn, officer)
    ticket = await officer_work.change(
        at_desk,
        actor,
        verb,
        int(str(data["ticket_id"])),
        text,
        None if queue_key is None else str(queue_key),
    )
    # The confirmation carries the ticket's buttons, so the next step is one press away.
    turn.reply(
        turn.text(f"officer.done_{verb}", reference=ticket.ref),
        notices.officer_buttons(turn.lang, ticket.id, ticket.status),
        ticket_id=ticket.id,
    )
    await officer_work.tell(at_desk, ticket, verb, text)


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {
    OfficerButton.prefix: on_action,
    SavedReplyButton.prefix: on_saved_reply,
}
COMMANDS: Mapping[str, Callable[[Turn, str], Awaitable[None]]] = {
    "queue": on_queue,
    "mine": on_mine,
    "ticket": on_ticket_command,
    "web": on_web,
}
# The texts an officer is asked for (see handlers.core.awaiting), by purpose.
TEXTS: Mapping[str, Callable[[Turn], Awaitable[None]]] = dict.fromkeys(_PROMPTS, on_input)
