"""Every flow's button payloads, typed (see `ButtonData`): one class per prefix.

Built here, in one module, because a button is drawn in one place and pressed in another:
the officer's card (rendered by notices) carries `OfficerButton`s that the officer flow
handles, the menu (common) carries buttons of several flows. The router dispatches on
`prefix`; each flow's handler `parse`s the press into its class. Tests build buttons with
these classes too, never by spelling tokens.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.core.actions import ButtonData


@dataclass(frozen=True, slots=True)
class MenuButton(ButtonData, prefix="m"):
    """A main-menu choice: ask, report, help, mine, officer, lang, menu."""

    choice: str


@dataclass(frozen=True, slots=True)
class LanguageButton(ButtonData, prefix="lang"):
    code: str


@dataclass(frozen=True, slots=True)
class CancelButton(ButtonData, prefix="x"):
    """Leaves a form or a wait for text."""


@dataclass(frozen=True, slots=True)
class CrisisButton(ButtonData, prefix="cr"):
    """Whether a person in danger wants the hotlines: yes, no."""

    answer: str


@dataclass(frozen=True, slots=True)
class SuggestionButton(ButtonData, prefix="q"):
    """A knowledge-base entry offered as "did you mean"."""

    entry_id: str


@dataclass(frozen=True, slots=True)
class FeedbackButton(ButtonData, prefix="fb"):
    """Whether an answer helped: y, n."""

    answer: str
    entry_id: str


@dataclass(frozen=True, slots=True)
class OpenRequestButton(ButtonData, prefix="qa"):
    """Turn an unanswered question into a help request."""

    what: str = "req"


@dataclass(frozen=True, slots=True)
class FormButton(ButtonData, prefix="f"):
    """A step of the request form: `verb` (cat, ch, skip, done, wp, unit, anon, ok, edit,
    ed, resume) with the step's argument, if any."""

    verb: str
    arg: str | None = None


@dataclass(frozen=True, slots=True)
class WorkerButton(ButtonData, prefix="w"):
    """A worker's action on their own ticket: t (view), add, ok, reopen, rate."""

    verb: str
    ticket_id: int
    score: int | None = None


@dataclass(frozen=True, slots=True)
class OfficerButton(ButtonData, prefix="o"):
    """An officer's action: queue and mine without a ticket; t (card), claim, reply, ask,
    note, resolve, reassign on one; rq with the queue to reassign to."""

    verb: str
    ticket_id: int | None = None
    queue_id: int | None = None


@dataclass(frozen=True, slots=True)
class SavedReplyButton(ButtonData, prefix="sr"):
    """A saved reply pressed under an officer's reply prompt: sent as the reply."""

    ticket_id: int
    reply_id: int


@dataclass(frozen=True, slots=True)
class BlockButton(ButtonData, prefix="blk"):
    """Blocking a ticket's worker from its card: ask (confirm first), yes."""

    step: str
    ticket_id: int


@dataclass(frozen=True, slots=True)
class PrivacyButton(ButtonData, prefix="pd"):
    """The worker's own data: forget (erase, once confirmed)."""

    step: str


@dataclass(frozen=True, slots=True)
class SubscriptionButton(ButtonData, prefix="sub"):
    """Announcements: off (unsubscribe, the button under each one), on (subscribe again)."""

    choice: str


@dataclass(frozen=True, slots=True)
class SurveyButton(ButtonData, prefix="sv"):
    """A survey in the chat: go (start or go on, under the invitation), later (stop for
    now), and on question `question`: pick (option or scale `value`), tog (tick or untick
    option `value` of a multiple choice), done (the ticked ones), skip (a text question)."""

    verb: str
    survey_id: int
    question: int | None = None
    value: int | None = None
