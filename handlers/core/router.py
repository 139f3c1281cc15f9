"""Picks the flow for an update: a pressed button, a command, the saved state, or else
free text (a question for the knowledge base).

Ticket-layer refusals are caught here, once: the flow's half-done work is rolled back to a
savepoint and the person is told in their language why nothing happened.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from handlers.core import actions
from handlers.core.flows import common, group, officer, questions, requests, start, tickets
from handlers.core.texts import has
from handlers.core.turn import Turn
from handlers.tickets.errors import TicketError

ActionHandler = Callable[[Turn, actions.Action], Awaitable[None]]
CommandHandler = Callable[[Turn, str], Awaitable[None]]
StateHandler = Callable[[Turn], Awaitable[None]]

ACTIONS: Mapping[str, ActionHandler] = {
    **start.ACTIONS,
    **questions.ACTIONS,
    **requests.ACTIONS,
    **tickets.ACTIONS,
    **officer.ACTIONS,
}
COMMANDS: Mapping[str, CommandHandler] = {
    **start.COMMANDS,
    **tickets.COMMANDS,
    **officer.COMMANDS,
    group.LINK: group.link_in_private,
    group.UNLINK: group.link_in_private,
}
STATES: Mapping[str, StateHandler] = {
    **requests.STATES,
    **tickets.STATES,
    **officer.STATES,
}


async def route(turn: Turn) -> None:
    try:
        async with turn.session.begin_nested():
            await _route(turn)
    except TicketError as exc:
        key = exc.key if has(turn.lang, exc.key) else "error.ticket_generic"
        turn.reply(turn.text(key))


async def _route(turn: Turn) -> None:
    incoming = turn.incoming
    if incoming.is_group:
        # A group is the officers' workplace, not a conversation with the bot.
        await group.on_group_update(turn)
        return
    if incoming.action is not None:
        action = actions.parse(incoming.action)
        handler = ACTIONS.get(action.verb) if action is not None else None
        if action is None or handler is None:
            await common.unknown_action(turn)
            return
        await handler(turn, action)
        return

    text = turn.typed
    if text.startswith("/"):
        name, _, argument = text[1:].partition(" ")
        # "/start@SomeBot" in groups names the bot; the command is the part before "@".
        command = COMMANDS.get(name.split("@", 1)[0].lower())
        if command is None:
            turn.say("error.unknown_command")
            return
        await command(turn, argument.strip())
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
