"""The worker's own data from the chat: /mydata sends them a file of everything held about
them; /forget, once confirmed with a button, erases it.

Both work for a blocked worker too: a block stops someone writing to the union, not
exercising their rights over their data.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from handlers import privacy
from handlers.core.actions import Action
from handlers.core.buttons import CancelButton, PrivacyButton
from handlers.core.flows.common import unknown_action
from handlers.core.turn import Turn
from handlers.messages import Upload


async def on_mydata(turn: Turn, _argument: str = "") -> None:
    exported = await privacy.export(turn.session, turn.person_id, turn.now)
    turn.reply(
        turn.text("privacy.mydata"),
        upload=Upload(
            file_name=exported.file_name, content=exported.content, mime_type="application/json"
        ),
    )


async def on_forget(turn: Turn, _argument: str = "") -> None:
    turn.reply(
        turn.text("privacy.forget_confirm"),
        [
            [
                PrivacyButton("forget").button(turn.text("privacy.btn_forget")),
                CancelButton().button(turn.text("form.cancel")),
            ]
        ],
    )


async def on_action(turn: Turn, action: Action) -> None:
    pressed = PrivacyButton.parse(action)
    if pressed is None or pressed.step != "forget":
        await unknown_action(turn)
        return
    await privacy.forget(
        turn.session, turn.person_id, turn.now, group_language=turn.config.default_language
    )
    turn.state = None
    # Queued after the erasure, which cleared everything addressed to the person: the last
    # word they get. Retention removes it once it is sent.
    turn.say("privacy.forgotten")


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {
    PrivacyButton.prefix: on_action
}
COMMANDS: Mapping[str, Callable[[Turn, str], Awaitable[None]]] = {
    "mydata": on_mydata,
    "forget": on_forget,
}
