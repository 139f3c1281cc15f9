"""An officer blocks the worker of a ticket from its card, after a confirmation; a blocked
worker is refused.

The confirmation and the outcome name the ticket only, never the worker: on an anonymous
ticket the officer learns nothing new. The use case re-checks that the officer may see the
ticket, so a forged button is "not found".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from handlers import blocks
from handlers.core.actions import Action
from handlers.core.buttons import BlockButton, CancelButton
from handlers.core.flows.common import unknown_action
from handlers.core.texts import t
from handlers.core.turn import Turn
from handlers.messages import Button
from handlers.tickets import service


def block_button(lang: str, ticket_id: int) -> Button:
    """The card's button that starts blocking the ticket's worker."""
    return BlockButton("ask", ticket_id).button(t(lang, "block.btn"))


async def refuse_if_blocked(turn: Turn) -> bool:
    """True (and the worker told) when a blocked worker wrote; officers are never blocked.

    Asked before the update changed anything, so what the update's arrival read still holds.
    """
    if turn.officer is not None:
        return False
    if turn.standing is not None:
        blocked = turn.standing.blocked
    else:
        blocked = await blocks.is_blocked(turn.session, turn.person_id)
    if not blocked:
        return False
    turn.state = None
    turn.say("block.refused")
    return True


async def on_action(turn: Turn, action: Action) -> None:
    actor = turn.officer_actor
    pressed = BlockButton.parse(action)
    if actor is None or pressed is None or pressed.step not in ("ask", "yes"):
        await unknown_action(turn)
        return
    ticket_id = pressed.ticket_id
    if pressed.step == "ask":
        ticket = await service.get_ticket(turn.session, actor, ticket_id)
        turn.reply(
            turn.text("block.confirm", reference=ticket.ref),
            [
                [
                    BlockButton("yes", ticket.id).button(turn.text("block.btn_yes")),
                    CancelButton().button(turn.text("form.cancel")),
                ]
            ],
        )
        return
    outcome = await blocks.block_worker(turn.session, actor, ticket_id, turn.now)
    reference = outcome.ticket.ref
    if not outcome.new:
        turn.say("block.already", reference=reference)
        return
    turn.say("block.done", reference=reference)


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {BlockButton.prefix: on_action}
