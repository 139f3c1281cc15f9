"""What every flow shares: the main menu and the answer to a button we do not know."""

from __future__ import annotations

from handlers.core import crisis
from handlers.core.actions import Buttons
from handlers.core.buttons import CancelButton, CrisisButton, FormButton, MenuButton, OfficerButton
from handlers.core.turn import FlowState, Turn

FORM_FLOW = "form"
CRISIS_FLOW = "crisis"


def main_menu(turn: Turn) -> Buttons:
    rows = [
        [
            MenuButton("ask").button(turn.text("menu.ask")),
            MenuButton("report").button(turn.text("menu.report")),
        ],
        [
            MenuButton("help").button(turn.text("menu.help")),
            MenuButton("mine").button(turn.text("menu.mine")),
        ],
        [
            MenuButton("officer").button(turn.text("menu.officer")),
            MenuButton("lang").button(turn.text("menu.lang")),
        ],
    ]
    if turn.officer is not None:
        rows.insert(
            0,
            [
                OfficerButton("queue").button(turn.text("menu.queue")),
                OfficerButton("mine").button(turn.text("menu.assigned")),
            ],
        )
    return rows


def show_menu(turn: Turn, key: str = "menu.title") -> None:
    turn.reply(turn.text(key), main_menu(turn))


def offer_to_resume_form(turn: Turn, key: str = "form.unfinished") -> None:
    """Remind a person in the middle of a form that it is still open: what they type next
    answers its question, unless they resume it explicitly or drop it."""
    turn.reply(
        turn.text(key),
        [
            [
                FormButton("resume").button(turn.text("form.resume")),
                CancelButton().button(turn.text("form.discard")),
            ]
        ],
    )


async def unknown_action(turn: Turn) -> None:
    """A button we never issued, or one from a flow that has since moved on."""
    show_menu(turn, "error.unknown_action")


def offer_crisis_help(turn: Turn, text: str, found: crisis.Crisis) -> None:
    hotlines = turn.config.crisis_hotlines.get(turn.lang) or next(
        iter(turn.config.crisis_hotlines.values()), ""
    )
    offer = {"text": text, "kind": found.kind}
    if turn.state is not None:
        turn.state.data["crisis"] = offer
    else:
        turn.state = FlowState(flow=CRISIS_FLOW, step="offer", data={"crisis": offer})
    turn.reply(
        turn.text(f"crisis.{found.kind}", hotlines=hotlines),
        [
            [
                CrisisButton("yes").button(turn.text("crisis.yes")),
                CrisisButton("no").button(turn.text("crisis.no")),
            ]
        ],
    )
