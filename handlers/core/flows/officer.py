"""Officers: the queue, their own tickets, one ticket's card and history, and working a
ticket (claim, reply, ask the worker, note, resolve, reassign).

Every action goes through the ticket use cases with the officer as actor, so a button
from a ticket of another queue, or a forged id, is refused there.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence

from db.models import Ticket
from db.repositories import people
from handlers import admin
from handlers.core import awaiting, notices, notify
from handlers.core.actions import Action
from handlers.core.buttons import CancelButton, OfficerButton, WorkerButton
from handlers.core.flows import blocking
from handlers.core.flows.common import unknown_action
from handlers.core.flows.tickets import show_list
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor, SystemActor

# Actions that need a text from the officer, and the catalog text asking for it.
_PROMPTS = {
    "reply": "officer.prompt_reply",
    "ask": "officer.prompt_ask",
    "note": "officer.prompt_note",
    "resolve": "officer.prompt_resolve",
    "rq": "officer.prompt_reassign_reason",
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
    elif verb == "claim":
        await service.claim(turn.session, actor, ticket.id, turn.now)
        fresh = await service.get_ticket(turn.session, actor, ticket.id)
        turn.say("officer.claimed", reference=fresh.ref)
        await _show_card(turn, fresh, with_history=False)
        await _tell_worker(turn, fresh, "worker.claimed")
        await _tell_group(turn, fresh, "topic.claimed")
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
        awaiting.wait_for_text(turn, ticket, verb, _PROMPTS[verb], **data)
    else:
        await unknown_action(turn)


async def on_input(turn: Turn) -> None:
    """The text an officer was asked for: a reply, a question, a note, a resolution."""
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


async def perform(turn: Turn, actor: OfficerActor, data: Mapping[str, object], text: str) -> None:
    """Do what the officer wrote `text` for (`data`: action, ticket_id and, for a
    reassignment, queue_key), then tell the worker, the officers and the ticket's topic."""
    verb = str(data["action"])
    ticket_id = int(str(data["ticket_id"]))
    if verb == "rq":
        leaving = await service.get_ticket(turn.session, actor, ticket_id)
        await _tell_group(turn, leaving, "topic.done_rq", text=text)
    if verb == "reply":
        await service.reply(turn.session, actor, ticket_id, text, turn.now)
    elif verb == "ask":
        await service.ask_worker(turn.session, actor, ticket_id, text, turn.now)
    elif verb == "note":
        await service.add_note(turn.session, actor, ticket_id, text, turn.now)
    elif verb == "resolve":
        await service.resolve(turn.session, actor, ticket_id, text, turn.now)
    else:
        await service.reassign(
            turn.session,
            actor,
            ticket_id,
            queue_key=str(data["queue_key"]),
            reason=text,
            now=turn.now,
        )
    # The use case above checked the officer; after a reassignment they may no longer see
    # the ticket, so the reload for the notices is the system's.
    ticket = await service.get_ticket(turn.session, SystemActor(), ticket_id)
    reference = ticket.ref
    # The confirmation carries the ticket's buttons, so the next step is one press away.
    turn.reply(
        turn.text(f"officer.done_{verb}", reference=reference),
        notices.officer_buttons(turn.lang, ticket.id, ticket.status),
        ticket_id=ticket.id,
    )
    if verb == "reply":
        await _tell_worker(turn, ticket, "worker.reply", text=text, add=True)
    elif verb == "ask":
        await _tell_worker(turn, ticket, "worker.question", text=text, add=True)
    elif verb == "resolve":
        await _tell_worker(turn, ticket, "worker.resolved", text=text, resolved=True)
    elif verb == "rq":
        await notify.send_card(
            turn.session,
            ticket,
            await service.officers_to_notify(turn.session, ticket),
            heading="officer.reassigned_ticket",
            zone=turn.zone,
            now=turn.now,
            group_lang=turn.config.default_language,
            skip_person_id=turn.person_id,
        )
    # Notes stay among officers: nothing goes to the worker.
    if verb != "rq":  # told to the topic it leaves, before it left
        await _tell_group(turn, ticket, f"topic.done_{verb}", text=text)


async def _tell_group(turn: Turn, ticket: Ticket, key: str, *, text: str = "") -> None:
    """What an officer did, into the ticket's topic (unless it was done there)."""
    name = turn.officer.name if turn.officer is not None else ""

    def render(lang: str) -> notices.Rendered:
        return t(lang, key, officer=name, reference=ticket.ref, text=text), (
            notices.officer_buttons(lang, ticket.id, ticket.status)
        )

    await turn.send_to_group(ticket, render)


async def _tell_worker(
    turn: Turn,
    ticket: Ticket,
    key: str,
    *,
    text: str = "",
    add: bool = False,
    resolved: bool = False,
) -> None:
    worker = await people.get_person(turn.session, ticket.worker_id)
    if worker is None:
        return
    lang = worker.language
    body = t(lang, key, reference=ticket.ref, text=text)
    rows = [[WorkerButton("t", ticket.id).button(t(lang, "tickets.btn.view"))]]
    if add:
        rows.insert(0, [WorkerButton("add", ticket.id).button(t(lang, "tickets.btn.answer"))])
    if resolved:
        rows = [list(row) for row in notices.worker_buttons(lang, ticket)]
    turn.send_to(worker, body, rows, ticket_id=ticket.id)


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {
    OfficerButton.prefix: on_action
}
COMMANDS: Mapping[str, Callable[[Turn, str], Awaitable[None]]] = {
    "queue": on_queue,
    "mine": on_mine,
    "ticket": on_ticket_command,
}
# The texts an officer is asked for (see handlers.core.awaiting), by purpose.
TEXTS: Mapping[str, Callable[[Turn], Awaitable[None]]] = dict.fromkeys(_PROMPTS, on_input)
