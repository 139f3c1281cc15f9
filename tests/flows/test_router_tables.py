"""The router's tables: every flow's buttons, commands and awaited texts in one place,
where a name two flows claim is refused instead of one flow silently losing its presses."""

from __future__ import annotations

import pytest

from handlers.core import router
from handlers.core.actions import Action, parse
from handlers.core.buttons import OfficerButton, SuggestionButton, WorkerButton
from handlers.core.texts import has
from handlers.core.turn import Turn


async def _nothing(_turn: Turn) -> None:
    return None


def test_two_flows_claiming_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="two flows claim the button prefix 'w'"):
        router.merge("button prefix", {"w": _nothing}, {"o": _nothing}, {"w": _nothing})


def test_every_text_a_flow_asks_for_has_its_cancellation_notice() -> None:
    for purpose in router.TEXTS:
        assert has("zh-CN", f"pending.cancelled.{purpose}"), purpose
        assert has("en", f"pending.cancelled.{purpose}"), purpose


def test_a_button_comes_back_as_it_was_built_and_nothing_else_passes_for_it() -> None:
    built = OfficerButton("rq", 12, 3)
    assert built.pack() == "o:rq:12:3"  # the tokens of messages already sent stay valid
    assert OfficerButton.parse(_pressed(built.pack())) == built
    assert OfficerButton.parse(_pressed("o:queue")) == OfficerButton("queue")
    for forged in ("w:t:12", "o:claim:12x", "o:rq:1:2:3", "o:claim:-1"):
        assert OfficerButton.parse(_pressed(forged)) is None, forged
    assert WorkerButton.parse(_pressed("w:t")) is None  # the ticket is not optional
    assert not SuggestionButton("x" * 70).fits()


def _pressed(token: str) -> Action:
    action = parse(token)
    assert action is not None
    return action
