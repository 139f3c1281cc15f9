"""The ticket figures: tickets opened, resolved, closed and escalated in the period,
overdue now, median first-response and resolution times and satisfaction, by category
and by queue. Default period: the last 30 days.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Queue,
    Ticket,
    TicketEvent,
    TicketKind,
    TicketStatus,
)
from db.repositories.tickets import ESCALATABLE_STATUSES
from handlers.categories import CATEGORIES, kind_label_key
from handlers.reports.common import (
    LabelledReport,
    Period,
    Report,
    Request,
    Table,
    UnitScope,
    category_label,
    empty_sentence,
    label,
    numeric_columns,
    recent_days,
    report_title,
    status_label,
    ticket_in,
    week_of,
    within,
    zone_of,
)

_STATUS_ORDER: tuple[TicketStatus, ...] = tuple(TicketStatus)


def _median(values: Sequence[timedelta]) -> timedelta | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _share(met: int, missed: int) -> float | None:
    return met / (met + missed) if met + missed else None


def _deadline(done: datetime | None, due: datetime | None, now: datetime) -> bool | None:
    """True: done by the deadline; False: done late or not done with the deadline past;
    None: no deadline, or not done and still time."""
    if due is None:
        return None
    if done is not None:
        return done <= due
    return False if due < now else None


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
    # Of the tickets opened in the period whose deadline has come (or which met it early):
    # how many met it and how many did not, as of now.
    first_response_met: int = 0
    first_response_missed: int = 0
    resolution_met: int = 0
    resolution_missed: int = 0

    @property
    def median_first_response(self) -> timedelta | None:
        return _median(self.first_response_times)

    @property
    def median_resolution(self) -> timedelta | None:
        return _median(self.resolution_times)

    @property
    def first_response_share(self) -> float | None:
        """Share (0-1) of tickets answered within the first-response deadline."""
        return _share(self.first_response_met, self.first_response_missed)

    @property
    def resolution_share(self) -> float | None:
        """Share (0-1) of tickets resolved within the resolution deadline."""
        return _share(self.resolution_met, self.resolution_missed)

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
    """The figures of a period. The weekly ones are keyed by the week's Monday (local) and
    add up to the period's: a ticket counts in the week it was opened, a resolution or an
    escalation in the week it happened; the overdue counts (about now) are not weekly."""

    period: Period
    scope: UnitScope | None
    now: datetime
    # (kind, category) -> figures, in menu order; only categories with something to show.
    by_category: Mapping[tuple[TicketKind, str], TicketStats]
    by_queue: Mapping[QueueInfo, TicketStats]
    total: TicketStats
    by_week: Mapping[date, TicketStats] = field(default_factory=dict)
    by_week_category: Mapping[tuple[date, TicketKind, str], TicketStats] = field(
        default_factory=dict
    )
    by_week_queue: Mapping[tuple[date, QueueInfo], TicketStats] = field(default_factory=dict)


class _Tally:
    """Adds each fact to its category's, its queue's and the total figures, and to the
    same three of its week when it has one."""

    def __init__(self, queues: Mapping[int, QueueInfo], zone: ZoneInfo) -> None:
        self.queues = queues
        self.zone = zone
        self.categories: defaultdict[tuple[TicketKind, str], TicketStats] = defaultdict(
            TicketStats
        )
        self.by_queue: defaultdict[QueueInfo, TicketStats] = defaultdict(TicketStats)
        self.total = TicketStats()
        self.by_week: defaultdict[date, TicketStats] = defaultdict(TicketStats)
        self.by_week_category: defaultdict[tuple[date, TicketKind, str], TicketStats] = (
            defaultdict(TicketStats)
        )
        self.by_week_queue: defaultdict[tuple[date, QueueInfo], TicketStats] = defaultdict(
            TicketStats
        )

    def stats(
        self, kind: TicketKind, category: str, queue: QueueInfo, at: datetime | None = None
    ) -> list[TicketStats]:
        found = [self.categories[kind, category], self.by_queue[queue], self.total]
        if at is not None:
            week = week_of(at, self.zone)
            found += [
                self.by_week[week],
                self.by_week_category[week, kind, category],
                self.by_week_queue[week, queue],
            ]
        return found

    def queue(self, queue_id: int) -> QueueInfo:
        return self.queues.get(queue_id, QueueInfo(f"#{queue_id}", ""))

    def report(self, period: Period, scope: UnitScope | None, now: datetime) -> TicketReport:
        order = {key: index for index, key in enumerate(CATEGORIES)}
        by_category = dict(
            sorted(self.categories.items(), key=lambda item: order.get(item[0][1], len(order)))
        )
        by_queue = dict(sorted(self.by_queue.items(), key=lambda item: item[0].key))
        return TicketReport(
            period,
            scope,
            now,
            by_category,
            by_queue,
            self.total,
            dict(sorted(self.by_week.items())),
            dict(sorted(self.by_week_category.items(), key=lambda item: item[0][0])),
            dict(
                sorted(self.by_week_queue.items(), key=lambda item: (item[0][0], item[0][1].key))
            ),
        )


async def ticket_report(
    session: AsyncSession, period: Period, scope: UnitScope | None, now: datetime
) -> TicketReport:
    """The period's figures; weeks are reckoned in the period's time zone."""
    queues = {
        row.id: QueueInfo(row.key, row.name)
        for row in await session.execute(select(Queue.id, Queue.key, Queue.name))
    }
    tally = _Tally(queues, zone_of(period))
    opened = await session.execute(
        select(
            Ticket.kind,
            Ticket.category,
            Ticket.status,
            Ticket.queue_id,
            Ticket.created_at,
            Ticket.first_response_at,
            Ticket.first_response_due,
            Ticket.resolved_at,
            Ticket.resolution_due,
            Ticket.satisfaction,
        ).where(within(Ticket.created_at, period), ticket_in(scope))
    )
    for row in opened:
        queue = tally.queue(row.queue_id)
        first_response = _deadline(row.first_response_at, row.first_response_due, now)
        resolution = _deadline(row.resolved_at, row.resolution_due, now)
        for stats in tally.stats(row.kind, row.category, queue, row.created_at):
            stats.opened += 1
            stats.by_status[row.status] += 1
            if row.first_response_at is not None:
                stats.first_response_times.append(row.first_response_at - row.created_at)
            if row.resolved_at is not None:
                stats.resolution_times.append(row.resolved_at - row.created_at)
            if row.satisfaction is not None:
                stats.ratings.append(row.satisfaction)
            if first_response is not None:
                stats.first_response_met += first_response
                stats.first_response_missed += not first_response
            if resolution is not None:
                stats.resolution_met += resolution
                stats.resolution_missed += not resolution
    await _tally_events(session, tally, period, scope)
    await _tally_overdue(session, tally, scope, now)
    return tally.report(period, scope, now)


async def _tally_events(
    session: AsyncSession, tally: _Tally, period: Period, scope: UnitScope | None
) -> None:
    events = await session.execute(
        select(
            TicketEvent.ticket_id,
            TicketEvent.at,
            TicketEvent.event,
            TicketEvent.to_status,
            TicketEvent.data,
            Ticket.kind,
            Ticket.category,
            Ticket.queue_id,
        )
        .join(Ticket, Ticket.id == TicketEvent.ticket_id)
        .where(
            within(TicketEvent.at, period),
            ticket_in(scope),
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
            for stats in tally.stats(row.kind, row.category, tally.queue(queue_id), row.at):
                stats.escalations += 1
            continue
        # A ticket resolved again after being reopened is still one resolved ticket.
        seen = resolved if row.to_status == TicketStatus.RESOLVED else closed
        if row.ticket_id in seen:
            continue
        seen.add(row.ticket_id)
        for stats in tally.stats(row.kind, row.category, tally.queue(row.queue_id), row.at):
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
            ticket_in(scope),
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


# --- labelling ----------------------------------------------------------------------


def _hours(value: timedelta | None) -> str:
    return "-" if value is None else f"{value.total_seconds() / 3600:.1f}"


def _average(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


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


def _ticket_csv_row(
    section: str, keys: tuple[str, str, str], name: str, stats: TicketStats
) -> tuple[str, ...]:
    by_status = (str(stats.by_status[s]) for s in _STATUS_ORDER)
    return (section, *keys, name, *_figures(stats), *by_status)


def label_tickets(report: TicketReport, lang: str, zone: ZoneInfo) -> LabelledReport:
    title = report_title(lang, "report.tickets.title", report.period, report.scope)
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
        empty = empty_sentence(lang, "report.tickets.empty", report.period)
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
        numeric_columns(2, 1 + len(statuses)),
    )
    by_category_name = label(lang, "report.tickets.by_category")
    by_category = Table(
        by_category_name,
        (*kind_cat, *figures),
        tuple((kind, category, *_figures(stats)) for kind, category, stats in category_rows),
        numeric_columns(2, len(figures)),
    )
    by_queue_name = label(lang, "report.tickets.by_queue")
    by_queue = Table(
        by_queue_name,
        (label(lang, "report.col.queue"), label(lang, "report.col.queue_name"), *figures),
        tuple((queue.key, queue.name, *_figures(s)) for queue, s in report.by_queue.items()),
        numeric_columns(2, len(figures)),
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


async def _build(session: AsyncSession, request: Request) -> LabelledReport:
    report = await ticket_report(session, request.period, request.scope, request.now)
    return label_tickets(report, request.lang, request.zone)


REPORT = Report(
    name="tickets",
    summary="ticket figures by category and queue",
    description="Tickets opened, resolved, closed and escalated in the period, overdue now, "
    "median first-response and resolution times and satisfaction, by category and by queue. "
    "Default period: the last 30 days.",
    default_period=recent_days,
    build=_build,
)
