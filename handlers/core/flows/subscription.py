"""/unsubscribe and /subscribe, and the unsubscribe button under every announcement."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from handlers import announcements
from handlers.core.actions import Action
from handlers.core.buttons import SubscriptionButton
from handlers.core.flows.common import unknown_action
from handlers.core.turn import Turn


async def _set(turn: Turn, subscribed: bool) -> None:
    await announcements.set_subscribed(turn.session, turn.person_id, subscribed)
    if subscribed:
        turn.say("announce.subscribed")
        return
    turn.reply(
        turn.text("announce.unsubscribed"),
        [[SubscriptionButton("on").button(turn.text("announce.resubscribe"))]],
    )


async def on_unsubscribe(turn: Turn, _argument: str = "") -> None:
    await _set(turn, False)


async def on_subscribe(turn: Turn, _argument: str = "") -> None:
    await _set(turn, True)


async def on_action(turn: Turn, action: Action) -> None:
    pressed = SubscriptionButton.parse(action)
    match None if pressed is None else pressed.choice:
        case "off":
            await _set(turn, False)
        case "on":
            await _set(turn, True)
        case _:
            await unknown_action(turn)


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {
    SubscriptionButton.prefix: on_action
}
COMMANDS: Mapping[str, Callable[[Turn, str], Awaitable[None]]] = {
    "unsubscribe": on_unsubscribe,
    "subscribe": on_subscribe,
}
