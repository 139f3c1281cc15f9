"""An officer blocks the worker of a ticket from its card, after a confirmation; a blocked
worker is refused.

The confirmation and the outcome name the ticket only, never the worker: on an anonymous
ticket the officer learns nothing new. The use case re-checks that the officer may see the
ticket, so a forged button is "not found".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from handlers import blocks
from handlers.core.actions import Action, button
from handlers.core.flows.common import unknown_action
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.messages import Button
from handlers.tickets import service

VERB = "blk"


def block_button(lang: str, ticket_id: int) -> Button:
    """The card's button that starts blocking the ticket's worker."""
    return button(t(lang, "block.btn"), VERB, "ask", ticket_id)


async def refuse_if_blocked(turn: Turn) -> bool:
    """True (and the worker told) when a blocked worker wrote; officers are never blocked."""
    if turn.officer is not None or not await blocks.is_blocked(turn.session, turn.person_id):
        return False
    turn.state = None
    turn.say("block.refused")
    return True


async def on_action(turn: Turn, action: Action) -> None:
    actor = turn.officer_actor
    ticket_id = action.int_arg(1)
    if actor is None or ticket_id is None or action.arg(0) not in ("ask", "yes"):
        await unknown_action(turn)
        return
    if action.arg(0) == "ask":
        ticket = await service.get_ticket(turn.session, actor, ticket_id)
        turn.reply(
            turn.text("block.confirm", reference=ticket.reference or ""),
            [
                [
                    button(turn.text("block.btn_yes"), VERB, "yes", ticket.id),
                    button(turn.text("form.cancel"), "x"),
                ]
            ],
        )
        return
    outcome = await blocks.block_worker(turn.session, actor, ticket_id, turn.now)
    reference = outcome.ticket.reference or ""
    if not outcome.new:
        turn.say("block.already", reference=reference)
        return
    turn.say("block.done", reference=reference)


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {VERB: on_action}
