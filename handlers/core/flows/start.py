"""Welcome, main menu, help, language and cancelling: what works in any state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from handlers import admin
from handlers.core.actions import Action
from handlers.core.buttons import CancelButton, LanguageButton, MenuButton
from handlers.core.flows import requests, tickets
from handlers.core.flows.common import FORM_FLOW, offer_to_resume_form, show_menu, unknown_action
from handlers.core.texts import LANGUAGE_NAMES, LANGUAGES
from handlers.core.turn import Turn


async def on_start(turn: Turn, argument: str) -> None:
    if argument:
        officer = await admin.redeem_invite(turn.session, argument, turn.person, turn.now)
        if officer is None:
            turn.say("officer.invite_invalid")
        else:
            turn.officer = officer
            turn.say("officer.linked", name=officer.name)
    if turn.state is not None and turn.state.flow == FORM_FLOW:
        # A second /start in the middle of a form must not throw the answers away.
        offer_to_resume_form(turn)
        return
    turn.state = None
    key = "welcome.officer" if turn.officer is not None else "welcome"
    show_menu(turn, key)


async def on_help(turn: Turn, _argument: str) -> None:
    turn.say("help.worker")
    if turn.officer is not None:
        turn.say("help.officer")
    if turn.state is not None and turn.state.flow == FORM_FLOW:
        turn.say("help.in_form")


async def on_cancel(turn: Turn, _argument: str) -> None:
    had_state = turn.state is not None
    turn.state = None
    show_menu(turn, "cancel.done" if had_state else "cancel.nothing")


async def on_lang(turn: Turn, _argument: str) -> None:
    turn.reply(
        turn.text("lang.choose"),
        [[LanguageButton(lang).button(LANGUAGE_NAMES[lang]) for lang in LANGUAGES]],
    )


async def on_menu(turn: Turn, _argument: str) -> None:
    show_menu(turn)


async def on_lang_action(turn: Turn, action: Action) -> None:
    pressed = LanguageButton.parse(action)
    lang = pressed.code if pressed is not None else None
    if lang not in LANGUAGES:
        await unknown_action(turn)
        return
    turn.person.language = lang
    turn.person.language_chosen = True
    turn.lang = lang
    show_menu(turn, "lang.changed")


async def on_cancel_action(turn: Turn, _action: Action) -> None:
    await on_cancel(turn, "")


async def on_menu_action(turn: Turn, action: Action) -> None:
    pressed = MenuButton.parse(action)
    match pressed.choice if pressed is not None else None:
        case "ask":
            turn.say("question.prompt")
        case "report":
            await requests.start_form(turn, "grievance")
        case "help":
            await requests.start_form(turn, "help")
        case "mine":
            await tickets.show_list(turn)
        case "officer":
            await requests.start_form(turn, "help", category="other-help")
        case "lang":
            await on_lang(turn, "")
        case "menu":
            show_menu(turn)
        case _:
            await unknown_action(turn)


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {
    MenuButton.prefix: on_menu_action,
    LanguageButton.prefix: on_lang_action,
    CancelButton.prefix: on_cancel_action,
}
COMMANDS: Mapping[str, Callable[[Turn, str], Awaitable[None]]] = {
    "start": on_start,
    "help": on_help,
    "cancel": on_cancel,
    "lang": on_lang,
    "language": on_lang,
    "menu": on_menu,
}
