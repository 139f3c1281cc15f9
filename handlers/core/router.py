"""Picks the flow for an update: a pressed button, a command, the saved state, or else
free text (a question for the knowledge base).

Ticket-layer refusals are turned here, once, into `Refused`: the caller rolls the flow's
half-done work back with the whole transaction and runs the update again with `refuse`,
which tells the person in their language why nothing happened. Refusals are rare (a
forged or stale button, a race between two officers), so the cost falls on them instead
of a savepoint on every update.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TypeVar

from db.models import Ticket
from handlers.core import actions, awaiting
from handlers.core.buttons import (
    CancelButton,
    CrisisButton,
    FormButton,
    OfficerButton,
    PrivacyButton,
)
from handlers.core.flows import (
    blocking,
    common,
    group,
    officer,
    privacy,
    questions,
    requests,
    start,
    subscription,
    surveys,
    tickets,
)
from handlers.core.texts import has
from handlers.core.turn import FlowState, Turn
from handlers.tickets.errors import TicketError

ActionHandler = Callable[[Turn, actions.Action], Awaitable[None]]
CommandHandler = Callable[[Turn, str], Awaitable[None]]
StateHandler = Callable[[Turn], Awaitable[None]]
_Handler = TypeVar("_Handler")


def merge(what: str, *tables: Mapping[str, _Handler]) -> Mapping[str, _Handler]:
    """The flows' tables as one; two flows claiming one name is a programming error, found
    at import instead of one flow silently shadowing the other."""
    merged: dict[str, _Handler] = {}
    for table in tables:
        for name, handler in table.items():
            if name in merged:
                msg = f"two flows claim the {what} {name!r}"
                raise ValueError(msg)
            merged[name] = handler
    return merged


ACTIONS = merge(
    "button prefix",
    start.ACTIONS,
    questions.ACTIONS,
    requests.ACTIONS,
    tickets.ACTIONS,
    officer.ACTIONS,
    blocking.ACTIONS,
    privacy.ACTIONS,
    subscription.ACTIONS,
    surveys.ACTIONS,
)
COMMANDS = merge(
    "command",
    start.COMMANDS,
    tickets.COMMANDS,
    officer.COMMANDS,
    privacy.COMMANDS,
    subscription.COMMANDS,
    {group.LINK: group.link_in_private, group.UNLINK: group.link_in_private},
)
# What a person may be asked to type about one ticket (see handlers.core.awaiting).
TEXTS = merge("awaited text", tickets.TEXTS, officer.TEXTS)


async def _on_awaited_text(turn: Turn) -> None:
    handler = TEXTS.get(awaiting.purpose_of(turn.state) or "")
    if handler is None:  # a purpose no flow handles any more: start over
        turn.state = None
        await questions.free_input(turn)
        return
    await handler(turn)


STATES = merge("state", requests.STATES, surveys.STATES, {awaiting.TEXT_FLOW: _on_awaited_text})


# Commands that keep an open form in place without a reminder: /start and /help say so
# themselves, /cancel ends it.
_FORM_AWARE_COMMANDS = frozenset({"start", "help", "cancel"})
# Buttons that may end an open form: its own (submit among them) and cancel.
_FORM_BUTTONS = frozenset({FormButton.prefix, CancelButton.prefix})
# Buttons that keep an open form and say so themselves: crisis help.
_FORM_AWARE_BUTTONS = _FORM_BUTTONS | {CrisisButton.prefix}


class _FormWouldEndError(Exception):
    """A button's work would have replaced or ended the open form: undo it."""


class Refused(Exception):  # noqa: N818 - named for what happened to the update
    """The ticket layer refused what the update asked; its work must be rolled back."""

    def __init__(self, error: TicketError, state: FlowState | None) -> None:
        super().__init__(str(error))
        self.error = error
        # Where the flow had left the person, which stays as it would after a savepoint.
        self.state = state


async def route(turn: Turn) -> None:
    """Run the update's flow; raises `Refused` when the ticket layer refused it."""
    try:
        await _route(turn)
    except TicketError as exc:
        raise Refused(exc, turn.state) from exc


def refuse(turn: Turn, refused: Refused) -> None:
    """The answer to a refused update, in a transaction that holds none of its work."""
    turn.state = refused.state
    key = refused.error.key
    turn.say(key if has(turn.lang, key) else "error.ticket_generic")


async def _route(turn: Turn) -> None:
    incoming = turn.incoming
    if incoming.is_group:
        # A group is the officers' workplace, not a conversation with the bot.
        await group.on_group_update(turn)
        return
    if not _about_own_data(turn) and await blocking.refuse_if_blocked(turn):
        return
    if incoming.action is not None:
        action = actions.parse(incoming.action)
        if action is None or action.verb != CancelButton.prefix:
            await _drop_pending_text(turn, action)
        handler = ACTIONS.get(action.verb) if action is not None else None
        if action is None or handler is None:
            await common.unknown_action(turn)
            if _open_form(turn) is not None:
                common.offer_to_resume_form(turn)
            return
        await _press(turn, handler, action)
        return

    text = turn.typed
    if text.startswith("/"):
        name, _, argument = text[1:].partition(" ")
        # "/start@SomeBot" in groups names the bot; the command is the part before "@".
        command_name = name.split("@", 1)[0].lower()
        if command_name != "cancel":
            await _drop_pending_text(turn, None)
        command = COMMANDS.get(command_name)
        if command is None:
            turn.say("error.unknown_command")
        else:
            await command(turn, argument.strip())
        in_form = turn.state is not None and turn.state.flow == common.FORM_FLOW
        if in_form and command_name not in _FORM_AWARE_COMMANDS:
            common.offer_to_resume_form(turn)
        return

    if turn.state is not None:
        state_handler = STATES.get(turn.state.flow)
        if state_handler is not None:
            await state_handler(turn)
            return
        # A state that only held data for buttons (a question, a crisis offer): typing
        # something new starts over.
        turn.state = None

    await questions.free_input(turn)


def _about_own_data(turn: Turn) -> bool:
    """/mydata, /forget and the erasure button: rights a block does not take away."""
    if turn.incoming.action is not None:
        parsed = actions.parse(turn.incoming.action)
        return parsed is not None and parsed.verb == PrivacyButton.prefix
    name = turn.typed[1:].partition(" ")[0].split("@", 1)[0].lower()
    return turn.typed.startswith("/") and name in privacy.COMMANDS


def _open_form(turn: Turn) -> FlowState | None:
    state = turn.state
    return state if state is not None and state.flow == common.FORM_FLOW else None


async def _press(turn: Turn, handler: ActionHandler, action: actions.Action) -> None:
    """Run a button; one that would end an open form (a menu button of an older message,
    "add to ticket", an officer's reply) does nothing and says why, so a form is only ever
    left by the person's choice: continue it, or discard it and press again."""
    form = _open_form(turn)
    if form is None or action.verb in _FORM_BUTTONS:
        await handler(turn, action)
        return
    said = len(turn.sent)
    try:
        async with turn.session.begin_nested():
            await handler(turn, action)
            if turn.state is not form:
                raise _FormWouldEndError
    except _FormWouldEndError:
        del turn.sent[said:]
        turn.state = form
        common.offer_to_resume_form(turn, "form.unfinished_button")
        return
    if action.verb not in _FORM_AWARE_BUTTONS:
        common.offer_to_resume_form(turn)


async def _drop_pending_text(turn: Turn, action: actions.Action | None) -> None:
    """Any other command or button ends a wait for text meant for one ticket, and says so:
    an officer who pressed "reply" on one ticket and then opened another must not send
    their next words to the first one. Pressing the same button again keeps the wait."""
    state = turn.state
    purpose = awaiting.purpose_of(state)
    if state is None or purpose is None:
        return
    ticket_id = awaiting.ticket_of(state)
    pressed = OfficerButton.parse(action) if action is not None else None
    if pressed is not None and pressed.verb == purpose and pressed.ticket_id == ticket_id:
        return
    turn.state = None
    ticket = await turn.session.get(Ticket, ticket_id) if ticket_id is not None else None
    reference = ticket.reference if ticket is not None and ticket.reference else "—"
    turn.say(f"pending.cancelled.{purpose}", reference=reference)
