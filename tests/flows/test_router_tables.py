"""The router's tables: every flow's buttons, commands and awaited texts in one place,
where a name two flows claim is refused instead of one flow silently losing its presses."""

from __future__ import annotations

import pytest

from handlers.core import router
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
