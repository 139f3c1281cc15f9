"""The worker council agenda (职工议事会): the period's grievances grouped into topics by
what they say, for a document shared outside the union office.

Topics: the grievances' masked summaries are grouped by `text_groups` (the FAQ matcher's
normalisation and word segmentation, average-linkage clustering). Categories do not split
topics: "the light at gate 3" filed as facilities by one worker and as safety by another
is one matter for the council.

Each topic says how many grievances and workers raised it, in which units, and how many
grievances of the previous period of the same length would have fallen into it (each
joins the topic it is most alike, if alike enough), and shows up to three representative
summaries: the most central ones.

Nothing identifies a worker: no name, messenger id, chat, username or reference. In
summaries, the names and messenger ids of every worker in the agenda, mobile and
identity-card numbers, @usernames and e-mail addresses are masked. A unit is named in a
topic only when at least `UNIT_NAME_MIN` of the topic's grievances come from it: small
numbers identify people; the rest are counted together as "other units".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import numpy as np
from numpy.typing import NDArray
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Person, Ticket, TicketKind, Unit
from db.repositories.tickets import OPEN_STATUSES
from handlers import text_groups
from handlers.reports.common import (
    SMALL_NUMBERS,
    LabelledReport,
    Period,
    Report,
    Request,
    Table,
    UnitScope,
    category_label,
    current_quarter,
    empty_sentence,
    label,
    make_period,
    report_title,
    ticket_in,
    ticket_unit_id,
    within,
)

UNIT_NAME_MIN = SMALL_NUMBERS
EXAMPLES = 3
TITLE_CHARS = 40
MASK = "***"

# Mainland mobile numbers, resident identity card numbers, @usernames and e-mail addresses.
_PERSONAL = re.compile(
    r"(?<!\d)(?:1[3-9]\d{9}|\d{17}[\dXx])(?!\d)"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|@[A-Za-z0-9_]{3,32}"
)


@dataclass(frozen=True, slots=True)
class NamedUnit:
    key: str
    name: str
    grievances: int


@dataclass(frozen=True, slots=True)
class Topic:
    title: str  # the most central summary, shortened
    categories: tuple[str, ...]  # most frequent first
    grievances: int
    workers: int
    units: tuple[NamedUnit, ...]  # only units with at least UNIT_NAME_MIN grievances here
    other_units: int  # grievances from units not named (each below the threshold, or none)
    previous: int  # grievances of the previous period that fall into this topic
    still_open: int
    examples: tuple[str, ...]  # masked, most central first

    @property
    def change(self) -> int:
        return self.grievances - self.previous


@dataclass(frozen=True, slots=True)
class CouncilReport:
    period: Period
    previous_period: Period
    scope: UnitScope | None
    topics: tuple[Topic, ...]

    @property
    def grievances(self) -> int:
        return sum(topic.grievances for topic in self.topics)


def previous_period(period: Period, zone: ZoneInfo) -> Period:
    """The same number of days right before `period`."""
    days = (period.last_day - period.first_day).days + 1
    last = period.first_day - timedelta(days=1)
    return make_period(None, None, default=(last - timedelta(days=days - 1), last), zone=zone)


@dataclass(frozen=True, slots=True)
class _Grievance:
    worker_id: int
    unit_id: int | None
    category: str
    still_open: bool
    summary: str  # raw; masked before it leaves this module


async def _grievances(
    session: AsyncSession, period: Period, scope: UnitScope | None
) -> tuple[list[_Grievance], set[str]]:
    """The period's grievances, and every identifier of their workers (to mask)."""
    rows = await session.execute(
        select(
            Ticket.worker_id,
            ticket_unit_id().label("unit_id"),
            Ticket.category,
            Ticket.status,
            Ticket.summary,
            # Read only to mask them; never part of the agenda.
            Person.display_name,
            Person.platform_user_id,
            Person.chat_id,
        )
        .join(Person, Person.id == Ticket.worker_id)
        .where(
            Ticket.kind == TicketKind.GRIEVANCE,
            within(Ticket.created_at, period),
            ticket_in(scope),
        )
        .order_by(Ticket.created_at, Ticket.id)
    )
    found: list[_Grievance] = []
    identifiers: set[str] = set()
    for row in rows:
        found.append(
            _Grievance(
                row.worker_id,
                row.unit_id,
                row.category,
                row.status in OPEN_STATUSES,
                row.summary,
            )
        )
        identifiers.update(i for i in (row.display_name, row.platform_user_id, row.chat_id) if i)
    return found, identifiers


def masker(identifiers: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for every identifier (longest first, so a full name beats a part)."""
    usable = sorted({i.strip() for i in identifiers if len(i.strip()) >= 2}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, usable)), re.IGNORECASE) if usable else None


def mask(text: str, identifiers: re.Pattern[str] | None) -> str:
    if identifiers is not None:
        text = identifiers.sub(MASK, text)
    return " ".join(_PERSONAL.sub(MASK, text).split())


async def council_report(
    session: AsyncSession, period: Period, scope: UnitScope | None, zone: ZoneInfo
) -> CouncilReport:
    before = previous_period(period, zone)
    current, identifiers = await _grievances(session, period, scope)
    earlier, earlier_identifiers = await _grievances(session, before, scope)
    pattern = masker(identifiers | earlier_identifiers)
    units = {
        row.id: (row.key, row.name)
        for row in await session.execute(select(Unit.id, Unit.key, Unit.name))
    }
    # Compared masked: a name or a phone number says nothing about the matter.
    texts = [mask(g.summary, pattern) for g in current]
    similarity = text_groups.similarity(texts, texts)
    groups = text_groups.cluster(similarity, text_groups.SIMILAR_SCORE)
    previous = _previous_counts(groups, texts, [mask(g.summary, pattern) for g in earlier])
    topics = [
        _topic(members, similarity, current, texts, units, previous[index])
        for index, members in enumerate(groups)
    ]
    topics.sort(key=lambda t: (-t.grievances, -t.workers, -t.change, t.title))
    return CouncilReport(period, before, scope, tuple(topics))


def _previous_counts(
    groups: Sequence[Sequence[int]],
    texts: Sequence[str],
    earlier: Sequence[str],
) -> list[int]:
    counts = [0] * len(groups)
    if not groups or not earlier:
        return counts
    against = text_groups.similarity(earlier, texts)
    # Mean similarity of each earlier grievance to each topic's members.
    means = np.stack([against[:, members].mean(axis=1) for members in groups], axis=1)
    best = means.argmax(axis=1)
    for row, topic in enumerate(best):
        if means[row, topic] >= text_groups.SIMILAR_SCORE:
            counts[int(topic)] += 1
    return counts


def _topic(  # noqa: PLR0917 - one topic's parts, all computed by the caller
    members: Sequence[int],
    similarity: NDArray[np.float64],
    grievances: Sequence[_Grievance],
    masked: Sequence[str],
    units: dict[int, tuple[str, str]],
    previous: int,
) -> Topic:
    inside = similarity[np.ix_(members, members)]
    # Most central first: the highest mean similarity to the rest of the topic.
    centrality = inside.sum(axis=1) - np.diag(inside)
    order = [members[i] for i in np.argsort(-centrality, kind="stable")]
    examples: list[str] = []
    for index in order:
        text = masked[index]
        if text not in examples:
            examples.append(text)
        if len(examples) == EXAMPLES:
            break
    chosen = [grievances[i] for i in members]
    by_unit = Counter(g.unit_id for g in chosen)
    named = [
        NamedUnit(units[unit][0], units[unit][1], count)
        for unit, count in by_unit.most_common()
        if unit in units and count >= UNIT_NAME_MIN
    ]
    title = examples[0]
    return Topic(
        title=title if len(title) <= TITLE_CHARS else title[: TITLE_CHARS - 1] + "…",
        categories=tuple(c for c, _ in Counter(g.category for g in chosen).most_common()),
        grievances=len(chosen),
        workers=len({g.worker_id for g in chosen}),
        units=tuple(sorted(named, key=lambda u: (-u.grievances, u.key))),
        other_units=len(chosen) - sum(u.grievances for u in named),
        previous=previous,
        still_open=sum(g.still_open for g in chosen),
        examples=tuple(examples),
    )


# --- labelling ----------------------------------------------------------------------


def units_text(lang: str, topic: Topic) -> str:
    parts = [label(lang, "council.unit", name=u.name, count=u.grievances) for u in topic.units]
    if topic.other_units:
        parts.append(label(lang, "council.other_units", count=topic.other_units))
    return label(lang, "council.separator").join(parts)


def change_text(topic: Topic) -> str:
    return f"{topic.change:+d}" if topic.change else "0"


def label_council(report: CouncilReport, lang: str) -> LabelledReport:
    title = report_title(lang, "report.council.title", report.period, report.scope)
    columns = (
        "topic",
        "title",
        "categories",
        "grievances",
        "workers",
        "previous",
        "change",
        "still_open",
        "units",
    )
    header = tuple(label(lang, f"council.col.{name}") for name in columns)
    example_header = tuple(label(lang, f"council.col.{name}") for name in ("topic", "example"))
    csv_header = (*header, *(f"{example_header[1]} {n}" for n in range(1, EXAMPLES + 1)))
    if not report.topics:
        empty = empty_sentence(lang, "report.council.empty", report.period)
        return LabelledReport(title, (), (), csv_header, (), empty)
    rows = tuple(
        (
            str(number),
            topic.title,
            label(lang, "council.separator").join(
                category_label(lang, c) for c in topic.categories
            ),
            str(topic.grievances),
            str(topic.workers),
            str(topic.previous),
            change_text(topic),
            str(topic.still_open),
            units_text(lang, topic),
        )
        for number, topic in enumerate(report.topics, start=1)
    )
    examples = tuple(
        (str(number), example)
        for number, topic in enumerate(report.topics, start=1)
        for example in topic.examples
    )
    notes = (
        label(
            lang,
            "council.note",
            count=report.grievances,
            topics=len(report.topics),
            first=report.previous_period.first_day.isoformat(),
            last=report.previous_period.last_day.isoformat(),
            threshold=UNIT_NAME_MIN,
        ),
    )
    tables = (
        Table(label(lang, "council.topics"), header, rows, frozenset({0, 3, 4, 5, 6, 7})),
        Table(label(lang, "council.examples"), example_header, examples, frozenset({0})),
    )
    csv_rows = tuple(
        (*row, *topic.examples, *([""] * (EXAMPLES - len(topic.examples))))
        for row, topic in zip(rows, report.topics, strict=True)
    )
    return LabelledReport(title, notes, tables, csv_header, csv_rows, None)


async def _build(session: AsyncSession, request: Request) -> LabelledReport:
    report = await council_report(session, request.period, request.scope, request.zone)
    return label_council(report, request.lang)


REPORT = Report(
    name="council",
    summary="the worker council agenda",
    description="The grievances raised in the period grouped into topics by what they say, "
    "with the number of workers, the units with at least three grievances in a topic, the "
    "change against the previous period of the same length and representative summaries; "
    "no worker's identity. --format html writes a printable A4 document. Default period: "
    "the current quarter.",
    default_period=current_quarter,
    build=_build,
)
