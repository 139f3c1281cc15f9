"""Free text outside a form: a person in danger first, then an answer a ticket is waiting
for, else a question for the knowledge base."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from db.repositories import faq_misses
from db.repositories import tickets as tickets_repo
from handlers.core import crisis
from handlers.core.actions import Action
from handlers.core.buttons import (
    CrisisButton,
    FeedbackButton,
    MenuButton,
    OpenRequestButton,
    SuggestionButton,
)
from handlers.core.flows.common import CRISIS_FLOW, offer_crisis_help, unknown_action
from handlers.core.flows.requests import announce_opened, start_form
from handlers.core.flows.tickets import relay_worker_message
from handlers.core.turn import FlowState, Turn
from handlers.parsing import has_words, is_blank
from handlers.tickets import service

# Matching looks at the start of a long message; the whole text is kept where it is stored.
MATCH_CHARS = 500
QUESTION_FLOW = "question"


async def free_input(turn: Turn) -> None:
    """Called before the update changed anything (see `_to_waiting_ticket`)."""
    text = turn.typed
    if is_blank(text):
        if turn.incoming.attachments:
            # Photos outside a form belong to a ticket that waits for the worker, if any.
            if await _to_waiting_ticket(turn, ""):
                return
            turn.say("question.photo_outside_form")
            return
        turn.say("question.empty")
        return
    found = crisis.detect(text)
    if found is not None:
        offer_crisis_help(turn, text, found)
        return
    if await _to_waiting_ticket(turn, text):
        return
    if not has_words(text):
        # Emoji or punctuation alone: nothing to look up, and no question the knowledge
        # base lacks an answer to.
        turn.reply(
            turn.text("question.no_words"),
            [[MenuButton("menu").button(turn.text("menu.title_short"))]],
        )
        return
    await answer_question(turn, text)


async def on_crisis_action(turn: Turn, action: Action) -> None:
    offer = turn.state.data.get("crisis") if turn.state is not None else None
    if offer is None:
        turn.say("crisis.gone")
        return
    state = turn.current()
    state.data.pop("crisis", None)
    in_form = state.flow != CRISIS_FLOW
    if not in_form:
        turn.state = None
    pressed = CrisisButton.parse(action)
    if pressed is None or pressed.answer != "yes":
        turn.say("crisis.declined")
        return
    kind, category = crisis.URGENT_CATEGORY[offer["kind"]]
    opened = await service.open_ticket(
        turn.session,
        worker=turn.person,
        kind=kind,
        category=category,
        summary=offer["text"],
        fields={},
        anonymous=False,
        unit_key=None,
        workplace=turn.person.workplace,
        language=turn.lang,
        urgent=True,
        now=turn.now,
        routing=turn.routing,
        zone=turn.zone,
    )
    await announce_opened(turn, opened)
    if in_form:
        turn.say("crisis.form_kept")


async def _to_waiting_ticket(turn: Turn, text: str) -> bool:
    """While an officer waits for this worker's answer, what they write goes to the ticket.

    Nothing has changed yet in this update, so the ticket its arrival read is still the one.
    """
    if turn.standing is not None:
        ticket_id = turn.standing.waiting_ticket_id
    else:
        ticket_id = await tickets_repo.waiting_ticket_of_worker(turn.session, turn.person_id)
    if ticket_id is None:
        return False
    await relay_worker_message(turn, ticket_id, text)
    return True


async def answer_question(turn: Turn, text: str) -> None:
    match = turn.matcher.match(text[:MATCH_CHARS], language=turn.lang)
    if match.band == "answer" and match.entry is not None:
        entry = match.entry
        rows = []
        if FeedbackButton("y", entry.id).fits():
            rows.append(
                [
                    FeedbackButton("y", entry.id).button(turn.text("question.helped")),
                    FeedbackButton("n", entry.id).button(turn.text("question.not_helped")),
                ]
            )
        else:
            rows.append([OpenRequestButton().button(turn.text("question.not_helped"))])
        _record_answer(turn, text, entry.id, "match")
        turn.state = FlowState(flow=QUESTION_FLOW, step="answered", data={"text": text})
        turn.reply(
            turn.text("question.answer", question=entry.question, answer=entry.answer), rows
        )
        return
    suggested = match.band == "suggest" and bool(match.suggestions)
    faq_misses.record_unanswered(
        turn.session,
        person_id=turn.person_id,
        language=turn.lang,
        text=text,
        score=match.score,
        best_entry_id=match.suggestions[0].id if match.suggestions else None,
        now=turn.now,
        suggested=suggested,
    )
    turn.state = FlowState(flow=QUESTION_FLOW, step="unanswered", data={"text": text})
    if suggested:
        rows = [
            [SuggestionButton(entry.id).button(entry.question[:60])]
            for entry in match.suggestions
            if SuggestionButton(entry.id).fits()
        ]
        rows.append([OpenRequestButton().button(turn.text("question.none_of_these"))])
        turn.reply(turn.text("question.did_you_mean"), rows)
        return
    turn.reply(
        turn.text("question.no_match"),
        [
            [OpenRequestButton().button(turn.text("question.open_request"))],
            [MenuButton("menu").button(turn.text("menu.title_short"))],
        ],
    )


async def on_pick_suggestion(turn: Turn, action: Action) -> None:
    pressed = SuggestionButton.parse(action)
    entry_id = pressed.entry_id if pressed is not None else None
    entry = turn.kb.get(entry_id) if entry_id else None
    if entry is None:
        await unknown_action(turn)
        return
    question = _asked(turn)
    if question is not None:
        _record_answer(turn, question, entry.id, "suggestion")
    turn.reply(
        turn.text("question.answer", question=entry.question, answer=entry.answer),
        [
            [
                FeedbackButton("y", entry.id).button(turn.text("question.helped")),
                FeedbackButton("n", entry.id).button(turn.text("question.not_helped")),
            ]
        ],
    )


async def on_feedback(turn: Turn, action: Action) -> None:
    pressed = FeedbackButton.parse(action)
    if pressed is not None:
        await faq_misses.record_feedback(
            turn.session,
            person_id=turn.person_id,
            entry_id=pressed.entry_id,
            helpful=pressed.answer == "y",
        )
    if pressed is not None and pressed.answer == "y":
        turn.state = None
        turn.say("question.glad")
        return
    turn.reply(
        turn.text("question.sorry"),
        [[OpenRequestButton().button(turn.text("question.open_request"))]],
    )


def _record_answer(turn: Turn, question: str, entry_id: str, via: str) -> None:
    faq_misses.record_answer(
        turn.session,
        person_id=turn.person_id,
        language=turn.lang,
        text=question,
        entry_id=entry_id,
        via=via,
        now=turn.now,
    )


def _asked(turn: Turn) -> str | None:
    """The question the person asked last, while the question flow remembers it."""
    if turn.state is not None and turn.state.flow == QUESTION_FLOW:
        text = turn.state.data.get("text")
        return text if isinstance(text, str) else None
    return None


async def on_open_request(turn: Turn, _action: Action) -> None:
    await start_form(turn, "help", category="other-help", summary=_asked(turn))


ACTIONS: Mapping[str, Callable[[Turn, Action], Awaitable[None]]] = {
    CrisisButton.prefix: on_crisis_action,
    SuggestionButton.prefix: on_pick_suggestion,
    FeedbackButton.prefix: on_feedback,
    OpenRequestButton.prefix: on_open_request,
}
