"""Answering a survey in the chat: one question at a time, with buttons (typed text for a
text question), stop and come back, once per person, until the survey closes.

Each kind of question is a row of `KINDS`: its hint, its answer buttons and what each of
its button verbs does. The flow:

    "answer" under the invitation (go) ──> intro ──> question 1 ──> ... ──> thanks
      (again later: "welcome back" and the first unanswered question)
    a question ── pick / done / skip / typed text ──> the next question (the message is
               │                                       redrawn in place after a press)
               ├─ tog ──> the same question with the option ticked or not (multiple)
               └─ later ──> saved; "answer" under the invitation goes on from there

Where a person is comes from their saved answers, not from the conversation state: the
state (flow "survey") only routes typed text to the open question and holds the options
ticked so far. Every press re-checks, through `handlers.surveys.answering`, that the
person is invited, has not answered and that the survey is open. A button of an earlier
question shows where the person is instead.

Nothing sent here repeats an answer, except a multiple-choice question redrawn with its
ticks; those messages are blanked in the outbox once the answers are stored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from handlers import surveys
from handlers.core.actions import Action
from handlers.core.buttons import SurveyButton
from handlers.core.flows.common import unknown_action
from handlers.core.forms import FieldError
from handlers.core.turn import FlowState, Turn
from handlers.messages import Button, Outgoing
from handlers.surveys import Answering, Kind, Question, Refused

FLOW = "survey"

Rows = list[list[Button]]


@dataclass(frozen=True, slots=True)
class Answer:
    """A press that answers the question with `value`."""

    value: Any


@dataclass(frozen=True, slots=True)
class Redraw:
    """A press that changes the ticks of a multiple choice: draw the question again."""

    picked: list[int]


# What a button verb does on a question: answers it, or redraws it.
Press = Callable[[SurveyButton, list[int]], Answer | Redraw]


def _pick(pressed: SurveyButton, _picked: list[int]) -> Answer:
    return Answer(pressed.value)


def _toggle(pressed: SurveyButton, picked: list[int]) -> Redraw:
    value = pressed.value
    if value is None:
        return Redraw(picked)
    return Redraw(sorted(set(picked) ^ {value}))


def _done(_pressed: SurveyButton, picked: list[int]) -> Answer:
    return Answer(picked)


def _skip(_pressed: SurveyButton, _picked: list[int]) -> Answer:
    return Answer(None)


def _option_rows(turn: Turn, way: Answering, index: int, _picked: list[int]) -> Rows:
    question = way.questions[index]
    return [
        [SurveyButton("pick", way.survey.id, index, number).button(option)]
        for number, option in enumerate(question.options)
    ]


def _tick_rows(turn: Turn, way: Answering, index: int, picked: list[int]) -> Rows:
    question = way.questions[index]
    rows: Rows = [
        [
            SurveyButton("tog", way.survey.id, index, number).button(
                ("☑ " if number in picked else "☐ ") + option
            )
        ]
        for number, option in enumerate(question.options)
    ]
    rows.append([SurveyButton("done", way.survey.id, index).button(turn.text("survey.btn_done"))])
    return rows


def _scale_rows(_turn: Turn, way: Answering, index: int, _picked: list[int]) -> Rows:
    return [
        [
            SurveyButton("pick", way.survey.id, index, score).button(str(score))
            for score in surveys.SCALE
        ]
    ]


def _text_rows(turn: Turn, way: Answering, index: int, _picked: list[int]) -> Rows:
    return [[SurveyButton("skip", way.survey.id, index).button(turn.text("survey.btn_skip"))]]


@dataclass(frozen=True)
class QuestionKind:
    # Catalog key of the line under the question that says how to answer.
    hint: str
    buttons: Callable[[Turn, Answering, int, list[int]], Rows]
    presses: Mapping[str, Press]
    # Whether typed text answers it.
    typed: bool = False


KINDS: Mapping[Kind, QuestionKind] = {
    Kind.SINGLE: QuestionKind("survey.hint_single", _option_rows, {"pick": _pick}),
    Kind.MULTIPLE: QuestionKind(
        "survey.hint_multiple", _tick_rows, {"tog": _toggle, "done": _done}
    ),
    Kind.SCALE: QuestionKind("survey.hint_scale", _scale_rows, {"pick": _pick}),
    Kind.TEXT: QuestionKind("survey.hint_text", _text_rows, {"skip": _skip}, typed=True),
}


def _prompt(
    turn: Turn,
    way: Answering,
    index: int,
    *,
    picked: list[int] | None = None,
    edit: bool = False,
    error: str | None = None,
) -> None:
    """Ask question `index` (redrawing the pressed message with `edit`)."""
    question: Question = way.questions[index]
    kind = KINDS[question.kind]
    ticked = picked or []
    text: str = turn.text(
        "survey.question",
        number=index + 1,
        total=len(way.questions),
        text=question.text,
        hint=turn.text(kind.hint),
    )
    if error is not None:
        text = f"{error}\n\n{text}"
    rows = kind.buttons(turn, way, index, ticked)
    rows.append([SurveyButton("later", way.survey.id).button(turn.text("survey.btn_later"))])
    turn.reply(text, rows, edit=edit)
    turn.state = FlowState(
        flow=FLOW, step=str(index), data={"survey": way.survey.id, "picked": ticked}
    )


async def _way(turn: Turn, survey_id: int) -> Answering | None:
    try:
        return await surveys.answering(turn.session, survey_id, turn.person_id, turn.now)
    except Refused as refused:
        if turn.state is not None and turn.state.flow == FLOW:
            turn.state = None
        turn.say(refused.key)
        return None


async def _begin(turn: Turn, survey_id: int) -> None:
    way = await _way(turn, survey_id)
    if way is None:
        return
    index = way.next_index
    if index is None:  # every answer given, but not stored: cannot happen; store now
        await _finish(turn, way, edit=False)
        return
    closes = way.survey.closes_at.astimezone(turn.zone).strftime("%Y-%m-%d %H:%M")
    if way.answers:
        turn.say("survey.resumed", left=len(way.questions) - len(way.answers), closes=closes)
    else:
        turn.say("survey.intro", title=way.survey.title, count=len(way.questions), closes=closes)
    _prompt(turn, way, index)


async def _record(turn: Turn, way: Answering, index: int, value: Any, *, edit: bool) -> None:
    try:
        finished = await surveys.answer(turn.session, way, turn.person_id, index, value)
    except FieldError as exc:
        picked = value if isinstance(value, list) else None
        _prompt(turn, way, index, picked=picked, error=turn.text(exc.key, **exc.params))
        return
    if finished:
        await _finish(turn, way, edit=edit)
        return
    following = way.next_index
    if following is not None:
        _prompt(turn, way, following, edit=edit)


def _blank(turn: Turn) -> Callable[[Outgoing], Outgoing]:
    def blank(message: Outgoing) -> Outgoing:
        return dataclasses.replace(message, text=turn.text("survey.answered"), buttons=())

    return blank


async def _finish(turn: Turn, way: Answering, *, edit: bool) -> None:
    turn.state = None
    # The ticks of a multiple choice, redrawn while answering, are scrubbed from the outbox.
    marker = SurveyButton("tog", way.survey.id, 0, 0).pack().rsplit(":", 2)[0] + ":"
    await surveys.scrub(turn.session, turn.person_id, marker, _blank(turn))
    turn.reply(turn.text("survey.thanks"), edit=edit)


async def on_action(turn: Turn, action: Action) -> None:
    pressed = SurveyButton.parse(action)
    if pressed is None:
        await unknown_action(turn)
        return
    if pressed.verb == "go":
        await _begin(turn, pressed.survey_id)
        return
    way = await _way(turn, pressed.survey_id)
    if way is None:
        return
    if pressed.verb == "later":
        turn.state = None
        closes = way.survey.closes_at.astimezone(turn.zone).strftime("%Y-%m-%d %H:%M")
        turn.say("survey.later", closes=closes)
        return
    index = way.next_index
    if index is None:
        await _finish(turn, way, edit=False)
        return
    press = KINDS[way.questions[index].kind].presses.get(pressed.verb)
    if pressed.question != index or press is None:
        _prompt(turn, way, index, error=turn.text("survey.old_button"))
        return
    state = turn.state
    same = (
        state is not None
        and state.flow == FLOW
        and state.data.get("survey") == way.survey.id
        and state.step == str(index)
    )
    picked = [int(p) for p in state.data.get("picked", [])] if same and state else []
    match press(pressed, picked):
        case Redraw(picked=ticked):
            _prompt(turn, way, index, picked=ticked, edit=True)
        case Answer(value=value):
            await _record(turn, way, index, value, edit=True)


async def on_input(turn: Turn) -> None:
    """Typed text while a survey question is open."""
    state = turn.current()
    way = await _way(turn, int(state.data["survey"]))
    if way is None:
        return
    index = way.next_index
    if index is None:
        await _finish(turn, way, edit=False)
        return
    if not KINDS[way.questions[index].kind].typed or turn.incoming.attachments:
        picked = [int(p) for p in state.data.get("picked", [])]
        _prompt(turn, way, index, picked=picked, error=turn.text("form.error.use_buttons"))
        return
    await _record(turn, way, index, turn.typed, edit=False)


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {SurveyButton.prefix: on_action}
STATES: Mapping[str, Callable[[Turn], Awaitable[None]]] = {FLOW: on_input}
