"""Waiting for a person's next text about one ticket: the one way every flow does it.

An officer's reply, question to the worker, note, resolution or reassignment reason, and a
worker's addition or reopening reason are all the same wait: the conversation state is
`TEXT_FLOW`, its step the purpose (what the text is for) and its data the ticket id plus
whatever that purpose needs. Each flow declares the purposes it handles in its `TEXTS`
table (purpose -> handler, called with the typed text as the turn's input); the router
merges the tables, refuses a purpose claimed twice, and ends the wait on any other
command or button with the catalog text `pending.cancelled.<purpose>`, so text never
lands on a ticket the person has moved away from.
"""

from __future__ import annotations

from db.models import Ticket
from handlers.core.actions import Buttons
from handlers.core.buttons import CancelButton
from handlers.core.turn import FlowState, Turn

TEXT_FLOW = "ticket_text"


def wait_for_text(
    turn: Turn,
    ticket: Ticket,
    purpose: str,
    prompt: str,
    *,
    choices: Buttons = (),
    **data: object,
) -> None:
    """Take the person's next message as text for `ticket`: ask with `prompt` (a catalog
    key given the ticket's reference), offering `choices` (button rows that stand for a
    text, such as saved replies) and to cancel."""
    turn.state = FlowState(flow=TEXT_FLOW, step=purpose, data={"ticket_id": ticket.id, **data})
    turn.reply(
        turn.text(prompt, reference=ticket.ref),
        [*choices, [CancelButton().button(turn.text("form.cancel"))]],
    )


def purpose_of(state: FlowState | None) -> str | None:
    """What the awaited text is for, or None when the state is no such wait."""
    if state is None or state.flow != TEXT_FLOW:
        return None
    return state.step


def ticket_of(state: FlowState) -> int | None:
    ticket_id = state.data.get("ticket_id")
    return ticket_id if isinstance(ticket_id, int) else None
