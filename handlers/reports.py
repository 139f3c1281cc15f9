"""Reports for union admins: ticket statistics, the worker council agenda, unanswered questions.

Each report is built in two steps: a query step that reads the database into plain data
(`ticket_report`, `council_report`, `question_report`; read-only, no commit) and a labelling
step that turns that data into titled tables in one language (`label_*`), which the CLI
prints as aligned text or CSV.

Periods are whole days in the union's time zone, both ends included. `--unit` limits a
report to a unit and every unit below it. A ticket belongs to the unit the worker named,
or, when they named none, to the unit of the ticket's queue; a question belongs to the
unit the asker last named.

The council agenda is shared outside the union office, so it carries nothing that
identifies a worker for any ticket, anonymous or not: no name, no person or messenger
id, no chat. The summary is the worker's own words; the worker's name and messenger ids,
mobile numbers and identity card numbers in it are masked.
"""

from __future__ import annotations

import calendar
import re
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Person,
    Queue,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketStatus,
    UnansweredQuestion,
    Unit,
)
from db.repositories.tickets import ESCALATABLE_STATUSES
from faq.normalize import normalize
from handlers.categories import CATEGORIES, kind_label_key
from handlers.core.texts import CATALOGS, DEFAULT_LANGUAGE

RECENT_DAYS = 30
# Two summaries of one category at least this alike (0-100, on normalised text) count as
# the same matter raised again; tuned on short Chinese complaints ("3号门的路灯坏了" /
# "3号门路灯坏了好几天了" are alike, "食堂的饭太贵了" is not).
SIMILAR_SCORE = 60.0
MASK = "***"

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])")
# Mainland mobile numbers and resident identity card numbers.
_PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|\d{17}[\dXx])(?!\d)")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_STATUS_ORDER: tuple[TicketStatus, ...] = tuple(TicketStatus)


class ReportError(Exception):
    """A report request an admin can correct; the message says what is wrong."""


# --- period and unit ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """Whole local days `first_day` to `last_day`; `start` and `end` (exclusive) in UTC."""

    first_day: date
    last_day: date
    start: datetime
    end: datetime


def parse_day(text: str) -> date:
    """A YYYY-MM-DD date, or ReportError saying what is wrong."""
    try:
        if not _DAY.fullmatch(text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        msg = f"not a date: {text!r} (use YYYY-MM-DD, e.g. 2026-03-31)"
        raise ReportError(msg) from None


def recent_days(today: date) -> tuple[date, date]:
    """The default period of the ticket and question reports: the last 30 days."""
    return today - timedelta(days=RECENT_DAYS - 1), today


def current_quarter(today: date) -> tuple[date, date]:
    """The default period of the council agenda: the quarter `today` is in."""
    first_month = 3 * ((today.month - 1) // 3) + 1
    first = date(today.year, first_month, 1)
    last_month = first_month + 2
    return first, date(today.year, last_month, calendar.monthrange(today.year, last_month)[1])


def make_period(
    first_day: date | None,
    last_day: date | None,
    *,
    default: tuple[date, date],
    zone: ZoneInfo,
) -> Period:
    """The period from the given days, each missing end taken from `default`."""
    first = first_day or default[0]
    last = last_day or default[1]
    if first > last:
        msg = f"the period starts ({first}) after it ends ({last})"
        raise ReportError(msg)
    return Period(
        first,
        last,
        datetime.combine(first, time(), zone),
        datetime.combine(last + timedelta(days=1), time(), zone),
    )


@dataclass(frozen=True, slots=True)
class UnitScope:
    key: str
    name: str
    unit_ids: frozenset[int]


async def unit_scope(session: AsyncSession, key: str | None) -> UnitScope | None:
    """The unit `key` and every unit below it; None (all units) without a key."""
    if key is None:
        return None
    units = (await session.execute(select(Unit.id, Unit.key, Unit.name, Unit.parent_id))).all()
    top = next((u for u in units if u.key == key), None)
    if top is None:
        msg = f"unknown unit {key!r} (see `workerbot unit list`)"
        raise ReportError(msg)
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit in units:
        children[unit.parent_id].append(unit.id)
    found: set[int] = set()
    pending = [top.id]
    while pending:
        unit_id = pending.pop()
        if unit_id not in found:
            found.add(unit_id)
            pending.extend(children[unit_id])
    return UnitScope(top.key, top.name, frozenset(found))


def _ticket_unit_id() -> ColumnElement[Any]:
    queue_unit = select(Queue.unit_id).where(Queue.id == Ticket.queue_id).scalar_subquery()
    return func.coalesce(Ticket.unit_id, queue_unit)


def _ticket_in(scope: UnitScope | None) -> ColumnElement[bool]:
    return true() if scope is None else _ticket_unit_id().in_(sorted(scope.unit_ids))


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


# --- tickets ------------------------------------------------------------------------


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


@dataclass(slots=True)
class TicketStats:
    """Figures for one category, one queue or the whole report.

    `opened`, `by_status`, the times and the ratings are about tickets opened in the
    period (status as it is now); `resolved`, `closed` and `escalations` count what
    happened in the period to any ticket; the overdue counts are open tickets past a
    deadline now.
    """

    opened: int = 0
    by_status: Counter[TicketStatus] = field(default_factory=Counter)
    resolved: int = 0
    closed: int = 0
    escalations: int = 0
    overdue_first_response: int = 0
    overdue_resolution: int = 0
    first_response_times: list[timedelta] = field(default_factory=list)
    resolution_times: list[timedelta] = field(default_factory=list)
    ratings: list[int] = field(default_factory=list)

    @property
    def median_first_response(self) -> timedelta | None:
        return _median(self.first_response_times)

    @property
    def median_resolution(self) -> timedelta | None:
        return _median(self.resolution_times)

    @property
    def average_satisfaction(self) -> float | None:
        return statistics.fmean(self.ratings) if self.ratings else None

    @property
    def is_empty(self) -> bool:
        return not (
            self.opened
            or self.resolved
            or self.closed
            or self.escalations
            or self.overdue_first_response
            or self.overdue_resolution
        )


@dataclass(frozen=True, slots=True)
class QueueInfo:
    key: str
    name: str


@dataclass(frozen=True, slots=True)
class TicketReport:
    period: Period
    scope: UnitScope | None
    now: datetime
    # (kind, category) -> figures, in menu order; only categories with something to show.
    by_category: Mapping[tuple[TicketKind, str], TicketStats]
    by_queue: Mapping[QueueInfo, TicketStats]
    total: TicketStats


class _Tally:
    """Adds each fact to its category's, its queue's and the total figures."""

    def __init__(self, queues: Mapping[int, QueueInfo]) -> None:
        self.queues = queues
        self.categories: defaultdict[tuple[TicketKind, str], TicketStats] = defaultdict(
            TicketStats
        )
        self.by_queue: defaultdict[QueueInfo, TicketStats] = defaultdict(TicketStats)
        self.total = TicketStats()

    def stats(self, kind: TicketKind, category: str, queue: QueueInfo) -> list[TicketStats]:
        return [self.categories[kind, category], self.by_queue[queue], self.total]

    def queue(self, queue_id: int) -> QueueInfo:
        return self.queues.get(queue_id, QueueInfo(f"#{queue_id}", ""))

    def report(self, period: Period, scope: UnitScope | None, now: datetime) -> TicketReport:
        order = {key: index for index, key in enumerate(CATEGORIES)}
        by_category = dict(
            sorted(self.categories.items(), key=lambda item: order.get(item[0][1], len(order)))
        )
        by_queue = dict(sorted(self.by_queue.items(), key=lambda item: item[0].key))
        return TicketReport(period, scope, now, by_category, by_queue, self.total)


async def ticket_report(
    session: AsyncSession, period: Period, scope: UnitScope | None, now: datetime
) -> TicketReport:
    queues = {
        row.id: QueueInfo(row.key, row.name)
        for row in await session.execute(select(Queue.id, Queue.key, Queue.name))
    }
    tally = _Tally(queues)
    opened = await session.execute(
        select(
            Ticket.kind,
            Ticket.category,
            Ticket.status,
            Ticket.queue_id,
            Ticket.created_at,
            Ticket.first_response_at,
            Ticket.resolved_at,
            Ticket.satisfaction,
        ).where(_within(Ticket.created_at, period), _ticket_in(scope))
    )
    for row in opened:
        for stats in tally.stats(row.kind, row.category, tally.queue(row.queue_id)):
            stats.opened += 1
            stats.by_status[row.status] += 1
            if row.first_response_at is not None:
                stats.first_response_times.append(row.first_response_at - row.created_at)
            if row.resolved_at is not None:
                stats.resolution_times.append(row.resolved_at - row.created_at)
            if row.satisfaction is not None:
                stats.ratings.append(row.satisfaction)
    await _tally_events(session, tally, period, scope)
    await _tally_overdue(session, tally, scope, now)
    return tally.report(period, scope, now)


async def _tally_events(
    session: AsyncSession, tally: _Tally, period: Period, scope: UnitScope | None
) -> None:
    events = await session.execute(
        select(
            TicketEvent.ticket_id,
            TicketEvent.event,
            TicketEvent.to_status,
            TicketEvent.data,
            Ticket.kind,
            Ticket.category,
            Ticket.queue_id,
        )
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(
            _within(TicketEvent.at, period),
            _ticket_in(scope),
            or_(
                TicketEvent.event == "escalate",
                and_(
                    TicketEvent.to_status.in_((TicketStatus.RESOLVED, TicketStatus.CLOSED)),
                    TicketEvent.from_status != TicketEvent.to_status,
                ),
            ),
        )
    )
    resolved: set[int] = set()
    closed: set[int] = set()
    queue_ids = {info.key: queue_id for queue_id, info in tally.queues.items()}
    for row in events:
        if row.event == "escalate":
            # Counted against the queue that let the deadline pass, not the one above.
            from_key = row.data.get("from_queue")
            queue_id = queue_ids.get(from_key, row.queue_id) if from_key else row.queue_id
            for stats in tally.stats(row.kind, row.category, tally.queue(queue_id)):
                stats.escalations += 1
            continue
        # A ticket resolved again after being reopened is still one resolved ticket.
        seen = resolved if row.to_status == TicketStatus.RESOLVED else closed
        if row.ticket_id in seen:
            continue
        seen.add(row.ticket_id)
        for stats in tally.stats(row.kind, row.category, tally.queue(row.queue_id)):
            if row.to_status == TicketStatus.RESOLVED:
                stats.resolved += 1
            else:
                stats.closed += 1


async def _tally_overdue(
    session: AsyncSession, tally: _Tally, scope: UnitScope | None, now: datetime
) -> None:
    # The same deadlines the escalation job enforces: a ticket waiting for the worker's
    # answer is on the worker's clock.
    overdue = await session.execute(
        select(
            Ticket.kind,
            Ticket.category,
            Ticket.queue_id,
            and_(Ticket.first_response_at.is_(None), Ticket.first_response_due < now).label(
                "first_response"
            ),
            (Ticket.resolution_due < now).label("resolution"),
        ).where(
            Ticket.status.in_(ESCALATABLE_STATUSES),
            _ticket_in(scope),
            or_(
                and_(Ticket.first_response_at.is_(None), Ticket.first_response_due < now),
                Ticket.resolution_due < now,
            ),
        )
    )
    for row in overdue:
        for stats in tally.stats(row.kind, row.category, tally.queue(row.queue_id)):
            stats.overdue_first_response += bool(row.first_response)
            stats.overdue_resolution += bool(row.resolution)


# --- council agenda -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CouncilItem:
    reference: str
    opened_on: date  # local day
    status: TicketStatus
    summary: str  # identifying details masked
    # Other grievances of the same category in this agenda with a similar summary.
    similar: int


@dataclass(frozen=True, slots=True)
class CouncilGroup:
    unit_key: str | None  # None: the worker named no unit and the queue has none either
    unit_name: str | None
    category: str
    items: tuple[CouncilItem, ...]


@dataclass(frozen=True, slots=True)
class CouncilReport:
    period: Period
    scope: UnitScope | None
    groups: tuple[CouncilGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(group.items) for group in self.groups)


def mask_identity(text: str, identifiers: Iterable[str | None]) -> str:
    """`text` with the given identifiers (name, messenger ids) and personal numbers masked."""
    for identifier in sorted({i.strip() for i in identifiers if i}, key=len, reverse=True):
        if len(identifier) >= 2:
            text = re.sub(re.escape(identifier), MASK, text, flags=re.IGNORECASE)
    return _PERSONAL_NUMBER.sub(MASK, text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _comparable(text: str) -> str:
    return _CJK_GAP.sub("", normalize(text)) or text.strip().casefold()


def _similar_counts(summaries: Sequence[str]) -> list[int]:
    texts = [_comparable(s) for s in summaries]
    counts = [0] * len(texts)
    for i, a in enumerate(texts):
        for j in range(i + 1, len(texts)):
            b = texts[j]
            if max(fuzz.ratio(a, b), fuzz.token_set_ratio(a, b)) >= SIMILAR_SCORE:
                counts[i] += 1
                counts[j] += 1
    return counts


async def council_report(
    session: AsyncSession, period: Period, scope: UnitScope | None, zone: ZoneInfo
) -> CouncilReport:
    unit_id = _ticket_unit_id().label("unit_id")
    rows = (
        await session.execute(
            select(
                Ticket.id,
                Ticket.reference,
                Ticket.created_at,
                Ticket.status,
                Ticket.category,
                Ticket.summary,
                unit_id,
                # Read only to mask them in the summary; never part of the report.
                Person.display_name,
                Person.platform_user_id,
                Person.chat_id,
            )
            .join(Person, Person.id == Ticket.worker_id)
            .where(
                Ticket.kind == TicketKind.GRIEVANCE,
                _within(Ticket.created_at, period),
                _ticket_in(scope),
            )
            .order_by(Ticket.created_at, Ticket.id)
        )
    ).all()
    units = {
        row.id: (row.key, row.name)
        for row in await session.execute(select(Unit.id, Unit.key, Unit.name))
    }
    summaries = [
        _one_line(
            mask_identity(row.summary, (row.display_name, row.platform_user_id, row.chat_id))
        )
        for row in rows
    ]
    by_category: defaultdict[str, list[int]] = defaultdict(list)
    for index, row in enumerate(rows):
        by_category[row.category].append(index)
    similar = [0] * len(rows)
    for indexes in by_category.values():
        for index, count in zip(
            indexes, _similar_counts([summaries[i] for i in indexes]), strict=True
        ):
            similar[index] = count

    grouped: defaultdict[tuple[int | None, str], list[CouncilItem]] = defaultdict(list)
    for index, row in enumerate(rows):
        grouped[row.unit_id, row.category].append(
            CouncilItem(
                reference=row.reference or f"#{row.id}",
                opened_on=row.created_at.astimezone(zone).date(),
                status=row.status,
                summary=summaries[index],
                similar=similar[index],
            )
        )
    unit_sizes: Counter[int | None] = Counter()
    for (unit, _category), items in grouped.items():
        unit_sizes[unit] += len(items)
    order = {key: index for index, key in enumerate(CATEGORIES)}

    def rank(key: tuple[int | None, str]) -> tuple[int, str, int, int]:
        unit, category = key
        unit_key = units[unit][0] if unit in units else "\uffff"
        return (-unit_sizes[unit], unit_key, -len(grouped[key]), order.get(category, len(order)))

    groups = []
    for key in sorted(grouped, key=rank):
        unit, category = key
        items = sorted(grouped[key], key=lambda item: (-item.similar, item.opened_on))
        unit_key, unit_name = units.get(unit, (None, None)) if unit is not None else (None, None)
        groups.append(CouncilGroup(unit_key, unit_name, category, tuple(items)))
    return CouncilReport(period, scope, tuple(groups))


# --- unanswered questions -----------------------------------------------------------


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
        .where(_within(UnansweredQuestion.created_at, period))
        .order_by(UnansweredQuestion.created_at, UnansweredQuestion.id)
    )
    if scope is not None:
        query = query.where(Person.unit_id.in_(sorted(scope.unit_ids)))
    grouped: defaultdict[str, list[Any]] = defaultdict(list)
    for row in await session.execute(query):
        grouped[_comparable(row.text)].append(row)
    groups = [_question_group(key, rows) for key, rows in grouped.items()]
    groups.sort(key=lambda g: (-g.count, -g.people, -g.last_asked.timestamp(), g.normalised))
    return QuestionReport(period, scope, tuple(groups))


def _question_group(key: str, rows: Sequence[Any]) -> QuestionGroup:
    # Rows come oldest first, so among equally frequent wordings the latest wins.
    texts = Counter(_one_line(row.text) for row in rows)
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


# --- labelling ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Table:
    title: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    # Columns of figures, which read best right-aligned.
    numeric: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class LabelledReport:
    """A report in one language: a title, notes and tables for people, or one flat
    table for spreadsheets; `empty` is the plain sentence to show instead when there is
    nothing in the period."""

    title: str
    notes: tuple[str, ...]
    tables: tuple[Table, ...]
    csv_header: tuple[str, ...]
    csv_rows: tuple[tuple[str, ...], ...]
    empty: str | None


def label(lang: str, key: str, **params: object) -> str:
    """Catalog text for plain-text output: parameters go in as they are, unescaped."""
    catalog = CATALOGS.get(lang, CATALOGS[DEFAULT_LANGUAGE])
    return catalog[key].format_map(params) if params else catalog[key]


def _scope_name(lang: str, scope: UnitScope | None) -> str:
    return label(lang, "report.all_units") if scope is None else f"{scope.name} ({scope.key})"


def _title(lang: str, key: str, period: Period, scope: UnitScope | None) -> str:
    return label(
        lang,
        key,
        first=period.first_day.isoformat(),
        last=period.last_day.isoformat(),
        unit=_scope_name(lang, scope),
    )


def _hours(value: timedelta | None) -> str:
    return "-" if value is None else f"{value.total_seconds() / 3600:.1f}"


def _average(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def status_label(lang: str, status: TicketStatus) -> str:
    return label(lang, f"report.status.{status.value}")


def category_label(lang: str, category: str) -> str:
    spec = CATEGORIES.get(category)
    return label(lang, spec.label_key) if spec is not None else category


def _figures(stats: TicketStats) -> tuple[str, ...]:
    return (
        str(stats.opened),
        str(stats.resolved),
        str(stats.closed),
        str(stats.overdue_first_response),
        str(stats.overdue_resolution),
        str(stats.escalations),
        _hours(stats.median_first_response),
        _hours(stats.median_resolution),
        _average(stats.average_satisfaction),
        str(len(stats.ratings)),
    )


def _figure_header(lang: str) -> tuple[str, ...]:
    return tuple(
        label(lang, f"report.col.{name}")
        for name in (
            "opened",
            "resolved",
            "closed",
            "overdue_first_response",
            "overdue_resolution",
            "escalations",
            "median_first_response",
            "median_resolution",
            "satisfaction",
            "ratings",
        )
    )


def _numeric(first: int, count: int) -> frozenset[int]:
    return frozenset(range(first, first + count))


def _empty(lang: str, key: str, period: Period) -> str:
    return label(lang, key, first=period.first_day.isoformat(), last=period.last_day.isoformat())


def _ticket_csv_row(
    section: str, keys: tuple[str, str, str], name: str, stats: TicketStats
) -> tuple[str, ...]:
    by_status = (str(stats.by_status[s]) for s in _STATUS_ORDER)
    return (section, *keys, name, *_figures(stats), *by_status)


def label_tickets(report: TicketReport, lang: str, zone: ZoneInfo) -> LabelledReport:
    title = _title(lang, "report.tickets.title", report.period, report.scope)
    kind_cat = (label(lang, "report.col.kind"), label(lang, "report.col.category"))
    statuses = tuple(status_label(lang, s) for s in _STATUS_ORDER)
    figures = _figure_header(lang)
    csv_header = (
        label(lang, "report.col.section"),
        *kind_cat,
        label(lang, "report.col.queue"),
        label(lang, "report.col.name"),
        *figures,
        # Prefixed: "resolved" and "closed" are figures of the period as well.
        *(f"{label(lang, 'report.col.status')}: {status}" for status in statuses),
    )
    if report.total.is_empty:
        empty = _empty(lang, "report.tickets.empty", report.period)
        return LabelledReport(title, (), (), csv_header, (), empty)
    total_name = label(lang, "report.total")
    category_rows = [
        (label(lang, kind_label_key(kind)), category_label(lang, category), stats)
        for (kind, category), stats in report.by_category.items()
    ]
    category_rows.append((total_name, "", report.total))
    by_status = Table(
        label(lang, "report.tickets.by_status"),
        (*kind_cat, label(lang, "report.col.opened"), *statuses),
        tuple(
            (kind, category, str(stats.opened), *(str(stats.by_status[s]) for s in _STATUS_ORDER))
            for kind, category, stats in category_rows
        ),
        _numeric(2, 1 + len(statuses)),
    )
    by_category_name = label(lang, "report.tickets.by_category")
    by_category = Table(
        by_category_name,
        (*kind_cat, *figures),
        tuple((kind, category, *_figures(stats)) for kind, category, stats in category_rows),
        _numeric(2, len(figures)),
    )
    by_queue_name = label(lang, "report.tickets.by_queue")
    by_queue = Table(
        by_queue_name,
        (label(lang, "report.col.queue"), label(lang, "report.col.queue_name"), *figures),
        tuple((queue.key, queue.name, *_figures(s)) for queue, s in report.by_queue.items()),
        _numeric(2, len(figures)),
    )
    local_now = f"{report.now.astimezone(zone):%Y-%m-%d %H:%M}"
    notes = (label(lang, "report.tickets.note", now=local_now),)
    csv_rows = [
        _ticket_csv_row(
            by_category_name, (kind.value, category, ""), category_label(lang, category), stats
        )
        for (kind, category), stats in report.by_category.items()
    ]
    csv_rows += [
        _ticket_csv_row(by_queue_name, ("", "", queue.key), queue.name, stats)
        for queue, stats in report.by_queue.items()
    ]
    csv_rows.append(_ticket_csv_row(total_name, ("", "", ""), total_name, report.total))
    return LabelledReport(
        title, notes, (by_status, by_category, by_queue), csv_header, tuple(csv_rows), None
    )


def label_council(report: CouncilReport, lang: str) -> LabelledReport:
    title = _title(lang, "report.council.title", report.period, report.scope)
    columns = ("reference", "date", "status", "similar", "summary")
    header = tuple(label(lang, f"report.col.{name}") for name in columns)
    csv_header = (
        label(lang, "report.col.unit"),
        label(lang, "report.col.unit_name"),
        label(lang, "report.col.category"),
        label(lang, "report.col.category_name"),
        *header,
    )
    if not report.groups:
        empty = _empty(lang, "report.council.empty", report.period)
        return LabelledReport(title, (), (), csv_header, (), empty)
    no_unit = label(lang, "report.no_unit")
    tables = []
    csv_rows: list[tuple[str, ...]] = []
    for group in report.groups:
        unit = no_unit if group.unit_key is None else f"{group.unit_name} ({group.unit_key})"
        category = category_label(lang, group.category)
        rows = tuple(
            (
                item.reference,
                item.opened_on.isoformat(),
                status_label(lang, item.status),
                str(item.similar),
                item.summary,
            )
            for item in group.items
        )
        tables.append(
            Table(
                label(
                    lang,
                    "report.council.group",
                    unit=unit,
                    category=category,
                    count=len(group.items),
                ),
                header,
                rows,
                frozenset({3}),
            )
        )
        unit_cells = (group.unit_key or "", group.unit_name or no_unit, group.category, category)
        csv_rows.extend((*unit_cells, *row) for row in rows)
    notes = (label(lang, "report.council.note", count=report.count),)
    return LabelledReport(title, notes, tuple(tables), csv_header, tuple(csv_rows), None)


def label_questions(report: QuestionReport, lang: str, zone: ZoneInfo) -> LabelledReport:
    title = _title(lang, "report.questions.title", report.period, report.scope)
    columns = ("count", "people", "nearest_entry", "score", "language", "last_asked", "question")
    header = tuple(label(lang, f"report.col.{name}") for name in columns)
    csv_header = (*header, label(lang, "report.col.normalised"))
    if not report.groups:
        empty = _empty(lang, "report.questions.empty", report.period)
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
