"""A survey's results: counts per option, the 1-5 scale's distribution and mean, and
free-text answers grouped by what they say (as the council agenda groups grievances, with
`handlers.text_groups`); as CSV, and as charts for the console.

Read from the stored answers only, which name nobody. Even so, with one or two answers the
counts speak for themselves to an admin who knows who answered, so `results` gives them
only once at least `RESULTS_MIN_RESPONSES` workers have finished the survey; before that it
gives `Withheld` (how many have), and every caller shows `withheld_text` instead of results.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Survey
from db.repositories import surveys as repo
from handlers import text_groups
from handlers.core.texts import Safe, t
from handlers.reports.charts import Chart, Series, Style
from handlers.reports.common import SMALL_NUMBERS
from handlers.surveys import SCALE, Kind, Question, get, questions_of

# Finished answers a survey needs before its results are shown: the small-numbers rule the
# council agenda applies to units.
RESULTS_MIN_RESPONSES = SMALL_NUMBERS


@dataclass(frozen=True, slots=True)
class TextGroup:
    # The most central answer first.
    texts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class QuestionResult:
    number: int
    question: Question
    # How many answered it (a skipped text question is not an answer).
    answered: int
    # Per option (single, multiple) or per score 1-5 (scale); empty for text.
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    mean: float | None
    groups: tuple[TextGroup, ...]


@dataclass(frozen=True, slots=True)
class Results:
    survey: Survey
    responses: int
    questions: tuple[QuestionResult, ...]


def _groups(texts: list[str]) -> tuple[TextGroup, ...]:
    if not texts:
        return ()
    alike = text_groups.similarity(texts, texts)
    found = []
    for members in text_groups.cluster(alike, text_groups.SIMILAR_SCORE):
        inside = alike[members][:, members]
        central = sorted(range(len(members)), key=lambda i: (-float(inside[i].mean()), members[i]))
        found.append(TextGroup(tuple(texts[members[i]] for i in central)))
    return tuple(found)


def _tally(number: int, question: Question, given: list[Any]) -> QuestionResult:
    answers = [a for a in given if a is not None]
    labels: tuple[str, ...] = ()
    counts: tuple[int, ...] = ()
    mean = None
    groups: tuple[TextGroup, ...] = ()
    match question.kind:
        case Kind.SINGLE:
            labels = question.options
            counts = tuple(sum(1 for a in answers if a == i) for i in range(len(labels)))
        case Kind.MULTIPLE:
            labels = question.options
            counts = tuple(sum(1 for a in answers if i in a) for i in range(len(labels)))
        case Kind.SCALE:
            labels = tuple(str(score) for score in SCALE)
            counts = tuple(sum(1 for a in answers if a == score) for score in SCALE)
            mean = sum(answers) / len(answers) if answers else None
        case Kind.TEXT:
            groups = _groups([str(a) for a in answers])
    return QuestionResult(number, question, len(answers), labels, counts, mean, groups)


@dataclass(frozen=True, slots=True)
class Withheld:
    """Too few have finished the survey for its results to be shown."""

    survey: Survey
    responses: int


async def results(session: AsyncSession, survey_id: int) -> Results | Withheld:
    """The survey's results, or `Withheld` while fewer than `RESULTS_MIN_RESPONSES` have
    finished it (their answers are then not even read)."""
    survey = await get(session, survey_id)
    answered = await repo.count_responses(session, survey_id)
    if answered < RESULTS_MIN_RESPONSES:
        return Withheld(survey, answered)
    stored = await repo.responses(session, survey_id)
    questions = questions_of(survey)
    return Results(
        survey,
        len(stored),
        tuple(
            _tally(i + 1, question, [answers.get(str(i)) for answers in stored])
            for i, question in enumerate(questions)
        ),
    )


def withheld_text(lang: str, withheld: Withheld) -> Safe:
    """What is shown instead of the results: how many have answered, and why no more."""
    return t(
        lang,
        "survey.results_withheld",
        count=withheld.responses,
        minimum=RESULTS_MIN_RESPONSES,
    )


CSV_HEADER = ("question", "kind", "text", "answer", "count", "group")


def as_csv(found: Results) -> str:
    """One row per option or score with its count; one per free-text answer with the
    number of its group (largest group first)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for result in found.questions:
        head = (result.number, result.question.kind.value, result.question.text)
        for label, count in zip(result.labels, result.counts, strict=True):
            writer.writerow((*head, label, count, ""))
        for group_number, group in enumerate(result.groups, 1):
            for text in group.texts:
                writer.writerow((*head, text, 1, group_number))
    return out.getvalue()


def chart(result: QuestionResult, answers_title: str, count_title: str) -> Chart | None:
    """A bar chart of a choice or scale question (None for a text question)."""
    if not result.labels:
        return None
    return Chart(
        key=f"question-{result.number}",
        title=result.question.text,
        style=Style.GROUPED,
        x_title=answers_title,
        value_title=count_title,
        labels=result.labels,
        series=(Series(count_title, tuple(float(c) for c in result.counts)),),
    )
