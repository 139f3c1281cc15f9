"""Surveys (问卷): an admin's short set of questions, sent to workers like an announcement,
answered in the chat one question at a time until the survey closes.

A survey is built (`create`, from a definition: `read_definition` parses the YAML an admin
writes), then sent (`send`): an announcement invites its audience (a unit and the units
below it, a language, or everyone subscribed) with a button to answer. Only the invited
may answer, once each, while it is open. Answers given so far are kept as a draft, so a
worker can stop and come back; when they finish, the answers are stored apart from them
(see `db.repositories.surveys`) and the draft goes. After the closing time answers are
refused; `close_due` marks such surveys closed and drops unfinished drafts.

Use cases flush and never commit.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Announcement, AnnouncementStatus, Survey, SurveyStatus
from db.repositories import surveys as repo
from handlers import announcements
from handlers.core.forms import FieldError, check_text
from handlers.messages import Outgoing

MAX_TITLE_LENGTH = 200
# Title and intro travel as the invitation's text, which must stay within a message.
MAX_INTRO_LENGTH = 1500
MAX_QUESTIONS = 20
MAX_QUESTION_LENGTH = 300
MAX_OPTIONS = 8
# Options are buttons: a messenger cuts longer labels.
MAX_OPTION_LENGTH = 40
MAX_TEXT_ANSWER = 1000
SCALE = (1, 2, 3, 4, 5)


class Kind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    SCALE = "scale"
    TEXT = "text"


class SurveyError(Exception):
    """A request an admin can correct; the message says what is wrong."""


class Refused(Exception):  # noqa: N818 - a refusal told to the worker, not a failure
    """A worker may not answer (now); `key` is the catalog text that says why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


@dataclass(frozen=True, slots=True)
class Question:
    kind: Kind
    text: str
    options: tuple[str, ...] = ()

    @classmethod
    def of(cls, stored: Mapping[str, Any]) -> Question:
        return cls(Kind(stored["kind"]), str(stored["text"]), tuple(stored.get("options", ())))

    def stored(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "text": self.text, "options": list(self.options)}


@dataclass(frozen=True, slots=True)
class Definition:
    title: str
    intro: str
    questions: tuple[Question, ...]
    closes_at: datetime


def questions_of(survey: Survey) -> tuple[Question, ...]:
    return tuple(Question.of(q) for q in survey.questions)


# --- building -------------------------------------------------------------------------


def _text(value: object, what: str, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        msg = f"{what} is missing"
        raise SurveyError(msg)
    text = value.strip()
    if len(text) > limit:
        msg = f"{what} is {len(text)} characters; at most {limit}"
        raise SurveyError(msg)
    return text


def _question(number: int, raw: object) -> Question:
    where = f"question {number}"
    if not isinstance(raw, Mapping):
        msg = f"{where} must be a mapping with kind and text"
        raise SurveyError(msg)
    kinds = ", ".join(k.value for k in Kind)
    try:
        kind = Kind(str(raw.get("kind")))
    except ValueError:
        msg = f"{where}: kind must be one of {kinds}"
        raise SurveyError(msg) from None
    text = _text(raw.get("text"), f"{where}: the text", MAX_QUESTION_LENGTH)
    raw_options = raw.get("options") or []
    if kind in (Kind.SINGLE, Kind.MULTIPLE):
        if not isinstance(raw_options, list) or not 2 <= len(raw_options) <= MAX_OPTIONS:
            msg = f"{where}: a {kind.value} question needs 2-{MAX_OPTIONS} options"
            raise SurveyError(msg)
        options = tuple(
            _text(str(o) if o is not None else None, f"{where}: option {i}", MAX_OPTION_LENGTH)
            for i, o in enumerate(raw_options, 1)
        )
        if len(set(options)) != len(options):
            msg = f"{where}: two options are the same"
            raise SurveyError(msg)
        return Question(kind, text, options)
    if raw_options:
        msg = f"{where}: a {kind.value} question takes no options"
        raise SurveyError(msg)
    return Question(kind, text)


def _closing(value: object, zone: ZoneInfo) -> datetime:
    """`closes:` as written: 'YYYY-MM-DD HH:MM' or a date (the end of that day), local."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=zone)
    if isinstance(value, date):
        return datetime.combine(value, time(23, 59), zone)
    try:
        return datetime.strptime(str(value).strip(), "%Y-%m-%d %H:%M").replace(tzinfo=zone)
    except ValueError:
        msg = f"closes must be 'YYYY-MM-DD HH:MM' (local time), not {value!r}"
        raise SurveyError(msg) from None


def parse_definition(document: object, zone: ZoneInfo) -> Definition:
    """A survey definition (title, intro, closes, questions) from its parsed YAML."""
    if not isinstance(document, Mapping):
        msg = "a survey file is a mapping with title, intro, closes and questions"
        raise SurveyError(msg)
    raw_questions = document.get("questions")
    if not isinstance(raw_questions, list) or not 1 <= len(raw_questions) <= MAX_QUESTIONS:
        msg = f"a survey needs 1-{MAX_QUESTIONS} questions"
        raise SurveyError(msg)
    if "closes" not in document:
        msg = "closes is missing: when the survey stops taking answers ('YYYY-MM-DD HH:MM')"
        raise SurveyError(msg)
    return Definition(
        title=_text(document.get("title"), "the title", MAX_TITLE_LENGTH),
        intro=_text(document.get("intro"), "the intro", MAX_INTRO_LENGTH),
        questions=tuple(_question(n, q) for n, q in enumerate(raw_questions, 1)),
        closes_at=_closing(document["closes"], zone),
    )


def read_definition(content: str, zone: ZoneInfo) -> Definition:
    """A survey definition from the text of a YAML file."""
    try:
        document = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        msg = f"not valid YAML: {exc}"
        raise SurveyError(msg) from None
    return parse_definition(document, zone)


async def create(session: AsyncSession, definition: Definition, now: datetime) -> Survey:
    """A new survey, not sent yet."""
    if definition.closes_at <= now:
        msg = "the closing time has already passed"
        raise SurveyError(msg)
    survey = Survey(
        title=definition.title,
        intro=definition.intro,
        questions=[q.stored() for q in definition.questions],
        status=SurveyStatus.DRAFT,
        closes_at=definition.closes_at,
        created_at=now,
    )
    session.add(survey)
    await session.flush()
    return survey


async def get(session: AsyncSession, survey_id: int) -> Survey:
    survey = await session.get(Survey, survey_id)
    if survey is None:
        msg = f"no survey #{survey_id} (see `workerbot survey list`)"
        raise SurveyError(msg)
    return survey


async def list_all(session: AsyncSession) -> list[Survey]:
    return await repo.all_surveys(session)


def invitation_text(survey: Survey) -> str:
    return f"{survey.title}\n\n{survey.intro}"


async def send(
    session: AsyncSession,
    survey_id: int,
    *,
    unit_key: str | None = None,
    language: str | None = None,
    send_at: datetime,
    now: datetime,
) -> Announcement:
    """Invite the audience: an announcement with a button to answer, from `send_at`."""
    survey = await get(session, survey_id)
    if survey.status != SurveyStatus.DRAFT:
        msg = f"survey #{survey_id} is {survey.status.value}: it was sent already"
        raise SurveyError(msg)
    if survey.closes_at <= max(send_at, now):
        msg = f"survey #{survey_id} closes before it would be sent"
        raise SurveyError(msg)
    try:
        invitation = await announcements.create(
            session,
            text=invitation_text(survey),
            unit_key=unit_key,
            language=language,
            send_at=send_at,
            now=now,
        )
    except announcements.AnnouncementError as exc:
        raise SurveyError(str(exc)) from None
    invitation.survey_id = survey.id
    survey.status = SurveyStatus.OPEN
    await session.flush()
    return invitation


async def close(session: AsyncSession, survey_id: int, now: datetime) -> Survey:
    """Stop taking answers now; an invitation still going out is cancelled."""
    survey = await get(session, survey_id)
    if survey.status == SurveyStatus.CLOSED:
        msg = f"survey #{survey_id} is closed already"
        raise SurveyError(msg)
    await _close(session, survey, now)
    return survey


async def _close(session: AsyncSession, survey: Survey, now: datetime) -> None:
    survey.status = SurveyStatus.CLOSED
    survey.closes_at = min(survey.closes_at, now)
    invitation = await repo.invitation(session, survey.id)
    under_way = {AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING}
    if invitation is not None and invitation.status in under_way:
        await announcements.cancel(session, invitation.id, now)
    await repo.drop_drafts(session, survey.id)
    await session.flush()


async def close_due(session: AsyncSession, now: datetime) -> int:
    """Close the open surveys whose closing time has come; returns how many."""
    due = await repo.open_past(session, now)
    for survey in due:
        await _close(session, survey, now)
    return len(due)


@dataclass(frozen=True, slots=True)
class Status:
    survey: Survey
    invitation: announcements.Progress | None
    responses: int


async def status(session: AsyncSession, survey_id: int) -> Status:
    survey = await get(session, survey_id)
    invitation = await repo.invitation(session, survey_id)
    progress = None if invitation is None else await announcements.progress(session, invitation.id)
    return Status(survey, progress, await repo.count_responses(session, survey_id))


# --- answering ------------------------------------------------------------------------


def is_open(survey: Survey, now: datetime) -> bool:
    return survey.status == SurveyStatus.OPEN and now < survey.closes_at


@dataclass(slots=True)
class Answering:
    """A worker's way through a survey: its questions and the answers given so far."""

    survey: Survey
    questions: tuple[Question, ...]
    answers: dict[str, Any]

    @property
    def next_index(self) -> int | None:
        """The first question not answered yet; None when all are."""
        return next((i for i in range(len(self.questions)) if str(i) not in self.answers), None)


async def answering(
    session: AsyncSession, survey_id: int, person_id: int, now: datetime
) -> Answering:
    """The person's way through the survey, or Refused: not invited, answered, closed."""
    survey = await session.get(Survey, survey_id)
    if survey is None or not await repo.is_invited(session, survey_id, person_id):
        raise Refused("survey.not_invited")
    if await repo.has_answered(session, survey_id, person_id):
        raise Refused("survey.already_answered")
    if not is_open(survey, now):
        raise Refused("survey.closed")
    draft = await repo.draft(session, survey_id, person_id)
    return Answering(survey, questions_of(survey), dict(draft.answers))


def check_answer(question: Question, value: object) -> Any:
    """`value` as stored for `question`, or FieldError naming what is wrong."""
    match question.kind:
        case Kind.SINGLE:
            if isinstance(value, int) and 0 <= value < len(question.options):
                return value
        case Kind.MULTIPLE:
            if (
                isinstance(value, list)
                and value
                and all(isinstance(v, int) and 0 <= v < len(question.options) for v in value)
            ):
                return sorted(set(value))
            raise FieldError("survey.error.pick_one")
        case Kind.SCALE:
            if value in SCALE:
                return value
        case Kind.TEXT:
            if value is None:
                return None
            return check_text(str(value), MAX_TEXT_ANSWER)
    raise FieldError("form.error.use_buttons")


async def answer(
    session: AsyncSession,
    way: Answering,
    person_id: int,
    index: int,
    value: object,
) -> bool:
    """Record the answer to question `index`; when it was the last, store the response.
    Returns whether the survey is finished. Raises FieldError for an answer that does not
    fit the question."""
    stored = check_answer(way.questions[index], value)
    way.answers[str(index)] = stored
    if way.next_index is not None:
        draft = await repo.draft(session, way.survey.id, person_id)
        draft.answers = dict(way.answers)
        await session.flush()
        return False
    await repo.finish(session, way.survey.id, person_id, dict(way.answers))
    return True


async def participation(session: AsyncSession, person_id: int) -> list[dict[str, object]]:
    """The surveys the person answered or began, for their data export: titles only."""
    return [
        {"survey": survey.title, "answered": done}
        for survey, done in await repo.participated(session, person_id)
    ]


async def scrub(
    session: AsyncSession, person_id: int, marker: str, blank: Callable[[Outgoing], Outgoing]
) -> None:
    """Rewrite, with `blank`, the messages to the person whose payload holds `marker`:
    a multiple-choice question redrawn with the options ticked shows what was answered,
    and the outbox keeps what it sent."""
    for row in await repo.messages_containing(session, person_id, marker):
        row.payload = blank(Outgoing.from_json(row.payload)).to_json()
    await session.flush()
