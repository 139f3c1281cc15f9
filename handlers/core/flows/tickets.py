"""A worker's own tickets: the list, one ticket with its thread, adding to it while an
officer waits, confirming or reopening a resolved ticket, and rating it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta

from db.models import Ticket
from handlers.core import awaiting, notices
from handlers.core.actions import Action
from handlers.core.buttons import OfficerButton, WorkerButton
from handlers.core.flows.common import unknown_action
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.tickets import service
from handlers.tickets.views import FileView, officer_view

LIST_LIMIT = 10


async def show_list(turn: Turn) -> None:
    tickets = await service.list_worker_tickets(turn.session, turn.worker)
    if not tickets:
        turn.say("tickets.none")
        return
    shown = sorted(tickets, key=lambda t: t.created_at, reverse=True)[:LIST_LIMIT]
    lines = [notices.worker_ticket_line(turn.lang, ticket) for ticket in shown]
    turn.reply(
        turn.text("tickets.list") + "\n" + "\n".join(lines),
        [
            [WorkerButton("t", ticket.id).button(ticket.reference or str(ticket.id))]
            for ticket in shown
        ],
    )


async def on_list_command(turn: Turn, _argument: str) -> None:
    await show_list(turn)


async def on_action(turn: Turn, action: Action) -> None:
    pressed = WorkerButton.parse(action)
    if pressed is None:
        await unknown_action(turn)
        return
    verb = pressed.verb
    # get_ticket re-checks that this worker owns the ticket; a forged id is "not found".
    ticket = await service.get_ticket(turn.session, turn.worker, pressed.ticket_id)
    if verb == "t":
        text, buttons = notices.worker_detail(turn.lang, ticket, turn.zone)
        turn.reply(text, buttons, ticket_id=ticket.id)
    elif verb == "add":
        # A duplicate merged into another of the worker's tickets takes words for that one.
        target = await service.words_go_to(turn.session, turn.worker, ticket)
        awaiting.wait_for_text(turn, target, "add", "tickets.add_prompt")
    elif verb == "ok":
        await service.confirm(turn.session, turn.worker, ticket.id, turn.now)
        turn.reply(
            turn.text("tickets.confirmed", reference=ticket.ref),
            [notices.rating_buttons(ticket.id)] if ticket.satisfaction is None else [],
        )
        await _tell_officers(turn, ticket, "officer.worker_confirmed")
    elif verb == "reopen":
        awaiting.wait_for_text(turn, ticket, "reopen", "tickets.reopen_prompt")
    elif verb == "rate":
        score = pressed.score
        if score is None or not 1 <= score <= 5:
            await unknown_action(turn)
            return
        await service.rate(turn.session, turn.worker, ticket.id, score, turn.now)
        turn.reply(turn.text("tickets.thanks_rating", score=score))
        await _tell_officers(turn, ticket, "officer.worker_rated", score=score)
    else:
        await unknown_action(turn)


async def _tell_officers(turn: Turn, ticket: Ticket, key: str, **params: object) -> None:
    fresh = await service.get_ticket(turn.session, turn.worker, ticket.id)
    officers = await service.officers_to_notify(turn.session, fresh)

    def render(lang: str) -> notices.Rendered:
        return t(lang, key, reference=fresh.ref, **params), [
            [OfficerButton("t", fresh.id).button(t(lang, "officer.btn.view"))]
        ]

    await turn.tell_staff(fresh, officers, render)


async def relay_worker_message(turn: Turn, ticket_id: int, text: str) -> None:
    """The worker's words (and photos) into the ticket, and on to its officers."""
    message = await service.worker_message(
        turn.session, turn.worker, ticket_id, text, turn.incoming.attachments, turn.now
    )
    # A merged duplicate's words went to the ticket it was merged into.
    ticket = await service.get_ticket(turn.session, turn.worker, message.ticket_id)
    turn.say("tickets.added", reference=ticket.ref)
    officers = await service.officers_to_notify(turn.session, ticket)
    view = officer_view(ticket)
    files, withheld = notices.shown_files(
        view.anonymous,
        [
            FileView(a.kind, a.file_id, a.file_name, True, turn.incoming.platform)
            for a in turn.incoming.attachments
        ],
    )

    def render(lang: str) -> notices.Rendered:
        body: str = t(
            lang,
            "officer.worker_wrote",
            reference=ticket.ref,
            worker=notices.worker_identity(lang, view),
            text=notices.message_body(lang, message.body),
        )
        if withheld:
            body += "\n" + t(
                lang, "officer.files_withheld", reference=view.reference, count=withheld
            )
        return body, notices.officer_buttons(lang, ticket.id, ticket.status)

    await turn.tell_staff(ticket, officers, render)
    if files:
        # The photos follow the words in a message of their own, so a file the messenger
        # refuses costs only itself.
        def files_note(lang: str) -> notices.Rendered:
            return t(lang, "officer.files", reference=view.reference), ()

        await turn.tell_staff(ticket, officers, files_note, attachments=files)


async def on_add_input(turn: Turn) -> None:
    ticket_id = int(turn.current().data["ticket_id"])
    text = turn.checked_text(turn.typed, service.MAX_MESSAGE_LENGTH) if turn.typed else ""
    if text is None:
        return
    if not text and not turn.incoming.attachments:
        turn.say("form.error.empty")
        return
    turn.state = None
    await relay_worker_message(turn, ticket_id, text)


async def on_reopen_input(turn: Turn) -> None:
    ticket_id = int(turn.current().data["ticket_id"])
    reason = turn.checked_text(turn.typed, service.MAX_MESSAGE_LENGTH)
    if reason is None:
        return
    turn.state = None
    await service.reopen(
        turn.session,
        turn.worker,
        ticket_id,
        reason,
        turn.now,
        routing=turn.routing,
        window=timedelta(days=turn.config.reopen_window_days),
    )
    ticket = await service.get_ticket(turn.session, turn.worker, ticket_id)
    turn.say("tickets.reopened", reference=ticket.ref)
    await _tell_officers(turn, ticket, "officer.worker_reopened", reason=reason)


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {WorkerButton.prefix: on_action}
COMMANDS: Mapping[str, Callable[[Turn, str], Awaitable[None]]] = {
    "tickets": on_list_command,
    "my": on_list_command,
}
# The texts a worker is asked for (see handlers.core.awaiting), by purpose.
TEXTS: Mapping[str, Callable[[Turn], Awaitable[None]]] = {
    "add": on_add_input,
    "reopen": on_reopen_input,
}
