"""The questions the knowledge base could not answer: grouped by normalised text, most
frequent first, with the nearest knowledge-base entry. Default period: the last 30 days.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Person,
    UnansweredQuestion,
)
from handlers.reports.common import (
    LabelledReport,
    Period,
    Report,
    Request,
    Table,
    UnitScope,
    empty_sentence,
    label,
    one_line,
    recent_days,
    report_title,
    within,
)
from handlers.text_groups import comparable


@dataclass(frozen=True, slots=True)
class QuestionGroup:
    text: str  # as most often typed
    normalised: str
    count: int
    people: int
    nearest_entry_id: str | None
    best_score: float
    languages: tuple[str, ...]
    last_asked: datetime


@dataclass(frozen=True, slots=True)
class QuestionReport:
    period: Period
    scope: UnitScope | None
    groups: tuple[QuestionGroup, ...]

    @property
    def count(self) -> int:
        return sum(group.count for group in self.groups)


async def question_report(
    session: AsyncSession, period: Period, scope: UnitScope | None
) -> QuestionReport:
    query = (
        select(
            UnansweredQuestion.person_id,
            UnansweredQuestion.language,
            UnansweredQuestion.text,
            UnansweredQuestion.score,
            UnansweredQuestion.best_entry_id,
            UnansweredQuestion.created_at,
        )
        .outerjoin(Person, Person.id == UnansweredQuestion.person_id)
        .where(within(UnansweredQuestion.created_at, period))
        .order_by(UnansweredQuestion.created_at, UnansweredQuestion.id)
    )
    if scope is not None:
        query = query.where(Person.unit_id.in_(sorted(scope.unit_ids)))
    grouped: defaultdict[str, list[Any]] = defaultdict(list)
    for row in await session.execute(query):
        grouped[comparable(row.text)].append(row)
    groups = [_question_group(key, rows) for key, rows in grouped.items()]
    groups.sort(key=lambda g: (-g.count, -g.people, -g.last_asked.timestamp(), g.normalised))
    return QuestionReport(period, scope, tuple(groups))


def _question_group(key: str, rows: Sequence[Any]) -> QuestionGroup:
    # Rows come oldest first, so among equally frequent wordings the latest wins.
    texts = Counter(one_line(row.text) for row in rows)
    text = max(reversed(list(texts)), key=lambda t: texts[t])
    entries: Counter[str] = Counter(row.best_entry_id for row in rows if row.best_entry_id)
    best_of = {
        entry: max(row.score for row in rows if row.best_entry_id == entry) for entry in entries
    }
    nearest = max(entries, key=lambda e: (entries[e], best_of[e])) if entries else None
    return QuestionGroup(
        text=text,
        normalised=key,
        count=len(rows),
        people=len({row.person_id for row in rows if row.person_id is not None}),
        nearest_entry_id=nearest,
        best_score=max(row.score for row in rows),
        languages=tuple(sorted({row.language for row in rows})),
        last_asked=max(row.created_at for row in rows),
    )


def label_questions(report: QuestionReport, lang: str, zone: ZoneInfo) -> LabelledReport:
    title = report_title(lang, "report.questions.title", report.period, report.scope)
    columns = ("count", "people", "nearest_entry", "score", "language", "last_asked", "question")
    header = tuple(label(lang, f"report.col.{name}") for name in columns)
    csv_header = (*header, label(lang, "report.col.normalised"))
    if not report.groups:
        empty = empty_sentence(lang, "report.questions.empty", report.period)
        return LabelledReport(title, (), (), csv_header, (), empty)
    rows = tuple(
        (
            str(group.count),
            str(group.people),
            group.nearest_entry_id or "-",
            f"{group.best_score:.0f}",
            ",".join(group.languages),
            f"{group.last_asked.astimezone(zone):%Y-%m-%d}",
            group.text,
        )
        for group in report.groups
    )
    notes = (label(lang, "report.questions.note", count=report.count, groups=len(report.groups)),)
    table = Table(label(lang, "report.questions.table"), header, rows, frozenset({0, 1, 3}))
    csv_rows = tuple(
        (*row, group.normalised) for row, group in zip(rows, report.groups, strict=True)
    )
    return LabelledReport(title, notes, (table,), csv_header, csv_rows, None)


async def _build(session: AsyncSession, request: Request) -> LabelledReport:
    report = await question_report(session, request.period, request.scope)
    return label_questions(report, request.lang, request.zone)


REPORT = Report(
    name="questions",
    summary="questions the knowledge base could not answer",
    description="Unanswered questions of the period grouped by normalised text, most "
    "frequent first, with the nearest knowledge-base entry. Default period: the last 30 days.",
    default_period=recent_days,
    build=_build,
)
