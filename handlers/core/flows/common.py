"""What every flow shares: the main menu and the answer to a button we do not know."""

from __future__ import annotations

from handlers.core.actions import Buttons, button
from handlers.core.turn import Turn

FORM_FLOW = "form"


def main_menu(turn: Turn) -> Buttons:
    rows = [
        [
            button(turn.text("menu.ask"), "m", "ask"),
            button(turn.text("menu.report"), "m", "report"),
        ],
        [button(turn.text("menu.help"), "m", "help"), button(turn.text("menu.mine"), "m", "mine")],
        [
            button(turn.text("menu.officer"), "m", "officer"),
            button(turn.text("menu.lang"), "m", "lang"),
        ],
    ]
    if turn.officer is not None:
        rows.insert(
            0,
            [
                button(turn.text("menu.queue"), "o", "queue"),
                button(turn.text("menu.assigned"), "o", "mine"),
            ],
        )
    return rows


def show_menu(turn: Turn, key: str = "menu.title") -> None:
    turn.reply(turn.text(key), main_menu(turn))


async def unknown_action(turn: Turn) -> None:
    """A button we never issued, or one from a flow that has since moved on."""
    show_menu(turn, "error.unknown_action")
