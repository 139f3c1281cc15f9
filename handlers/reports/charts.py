"""The reports page's charts (`workerbot report charts`): the period's ticket and
knowledge-base figures, week by week, per queue and per unit, each chart a small table
that can be drawn or saved as CSV. Default period: the last 30 days.

One source: the ticket charts are read off the same `tickets.ticket_report` that
`workerbot report tickets` prints, so a chart's figures and the CLI's are one computation
(the weekly figures add up to the period's). The open backlog (now) and the knowledge
base's weekly outcomes are read here, with the same period and unit rules as every report:
a question belongs to the unit the asker last named.

A chart is a table: the first column is what the x axis shows (a week's Monday, a queue,
a unit, a rating), then one column per series. A value is None where there is nothing to
measure (a share of no tickets); CSV writes it as an empty cell.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import FaqAnswer, Person, Queue, Ticket, UnansweredQuestion, Unit
from db.repositories.tickets import OPEN_STATUSES
from handlers.reports import tickets
from handlers.reports.common import (
    LabelledReport,
    Period,
    Report,
    Request,
    Table,
    UnitScope,
    category_label,
    label,
    recent_days,
    report_title,
    ticket_in,
    ticket_unit_id,
    week_of,
    within,
    zone_of,
)
from handlers.reports.tickets import TicketReport, TicketStats

RATINGS = (1, 2, 3, 4, 5)


class Style(StrEnum):
    STACKED = "stacked"  # bars, series on top of each other (parts of a whole)
    GROUPED = "grouped"  # bars side by side
    LINES = "lines"  # one line per series, gaps where a value is None


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float | None, ...]


@dataclass(frozen=True, slots=True)
class Chart:
    key: str  # stable, [a-z-]: names the CSV file and the page anchor
    title: str
    style: Style
    x_title: str
    value_title: str
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    decimals: int = 0

    @property
    def header(self) -> tuple[str, ...]:
        return (self.x_title, *(series.name for series in self.series))

    @property
    def rows(self) -> tuple[tuple[str, ...], ...]:
        """The figures as text, one row per label: what the table and the CSV show."""
        return tuple(
            (name, *(self.figure(series.values[index]) for series in self.series))
            for index, name in enumerate(self.labels)
        )

    def figure(self, value: float | None) -> str:
        return "" if value is None else f"{value:.{self.decimals}f}"

    @property
    def is_empty(self) -> bool:
        return not any(v for series in self.series for v in series.values)


@dataclass(frozen=True, slots=True)
class ChartReport:
    title: str
    note: str
    charts: tuple[Chart, ...]

    def chart(self, key: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.key == key), None)


CHART_KEYS = (
    "opened",
    "resolved",
    "first-response-on-time",
    "resolution-on-time",
    "median-times",
    "escalations",
    "backlog-by-queue",
    "backlog-by-unit",
    "ratings",
    "satisfaction-by-queue",
    "faq",
)


# --- reading ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Backlog:
    """Open tickets now, and how many of them are past a deadline, by queue and by unit."""

    by_queue: dict[str, tuple[int, int]]  # queue key -> (open, overdue)
    by_unit: dict[str, int]  # unit name -> open ("" for no unit)


async def backlog(session: AsyncSession, scope: UnitScope | None, now: datetime) -> Backlog:
    overdue = or_(
        and_(Ticket.first_response_at.is_(None), Ticket.first_response_due < now),
        Ticket.resolution_due < now,
    )
    unit_id = ticket_unit_id().label("unit_id")
    rows = await session.execute(
        select(
            Ticket.queue_id,
            unit_id,
            func.count().label("open"),
            func.count().filter(overdue).label("overdue"),
        )
        .where(Ticket.status.in_(OPEN_STATUSES), ticket_in(scope))
        .group_by(Ticket.queue_id, unit_id)
    )
    queues = {row.id: row.key for row in await session.execute(select(Queue.id, Queue.key))}
    units = {row.id: row.name for row in await session.execute(select(Unit.id, Unit.name))}
    by_queue: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_unit: Counter[str] = Counter()
    for row in rows:
        key = queues.get(row.queue_id, f"#{row.queue_id}")
        by_queue[key][0] += row.open
        by_queue[key][1] += row.overdue
        by_unit[units.get(row.unit_id, "")] += row.open
    return Backlog(
        {key: (found[0], found[1]) for key, found in sorted(by_queue.items())},
        dict(sorted(by_unit.items(), key=lambda item: (-item[1], item[0]))),
    )


FAQ_OUTCOMES = ("answered", "suggested", "unanswered", "helpful", "not_helpful")


async def faq_weeks(
    session: AsyncSession, period: Period, scope: UnitScope | None
) -> dict[date, Counter[str]]:
    """Per week: questions answered outright, offered suggestions, left unanswered, and
    answers rated helpful / not helpful (counted in the week the question was asked)."""
    zone = zone_of(period)
    weeks: defaultdict[date, Counter[str]] = defaultdict(Counter)
    misses = select(UnansweredQuestion.created_at, UnansweredQuestion.band).where(
        within(UnansweredQuestion.created_at, period)
    )
    answers = select(FaqAnswer.created_at, FaqAnswer.via, FaqAnswer.helpful).where(
        within(FaqAnswer.created_at, period)
    )
    if scope is not None:
        in_scope = sorted(scope.unit_ids)
        misses = misses.join(Person, Person.id == UnansweredQuestion.person_id).where(
            Person.unit_id.in_(in_scope)
        )
        answers = answers.join(Person, Person.id == FaqAnswer.person_id).where(
            Person.unit_id.in_(in_scope)
        )
    for miss in await session.execute(misses):
        outcome = "suggested" if miss.band == "suggest" else "unanswered"
        weeks[week_of(miss.created_at, zone)][outcome] += 1
    for answer in await session.execute(answers):
        week = weeks[week_of(answer.created_at, zone)]
        if answer.via == "match":
            week["answered"] += 1
        if answer.helpful is not None:
            week["helpful" if answer.helpful else "not_helpful"] += 1
    return dict(weeks)


def period_weeks(period: Period) -> tuple[date, ...]:
    """Every week the period touches, by its Monday, also weeks with nothing in them."""
    first = period.first_day - timedelta(days=period.first_day.weekday())
    count = (period.last_day - first).days // 7 + 1
    return tuple(first + timedelta(weeks=index) for index in range(count))


async def chart_report(
    session: AsyncSession,
    period: Period,
    scope: UnitScope | None,
    now: datetime,
    lang: str,
) -> ChartReport:
    figures = await tickets.ticket_report(session, period, scope, now)
    open_now = await backlog(session, scope, now)
    faq = await faq_weeks(session, period, scope)
    return label_charts(figures, open_now, faq, lang)


# --- labelling ----------------------------------------------------------------------


def _percent(value: float | None) -> float | None:
    return None if value is None else 100 * value


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 3600


def label_charts(
    report: TicketReport, open_now: Backlog, faq: dict[date, Counter[str]], lang: str
) -> ChartReport:
    weeks = period_weeks(report.period)
    week_labels = tuple(week.isoformat() for week in weeks)
    week_title = label(lang, "chart.week")
    count_title = label(lang, "chart.count")
    share_title = label(lang, "chart.share")
    total = label(lang, "report.total")
    empty = TicketStats()

    def weekly(name: str, value: Sequence[float | None]) -> Series:
        return Series(name, tuple(value))

    def by_category(figure: str) -> tuple[Series, ...]:
        return tuple(
            weekly(
                category_label(lang, category),
                [
                    getattr(report.by_week_category.get((week, kind, category), empty), figure)
                    for week in weeks
                ],
            )
            for kind, category in report.by_category
        )

    def share_by_queue(figure: str) -> tuple[Series, ...]:
        per_queue = tuple(
            weekly(
                queue.key,
                [
                    _percent(getattr(report.by_week_queue.get((week, queue), empty), figure))
                    for week in weeks
                ],
            )
            for queue in report.by_queue
        )
        overall = weekly(
            total, [_percent(getattr(report.by_week.get(week, empty), figure)) for week in weeks]
        )
        return (overall, *per_queue)

    def chart(
        key: str,
        style: Style,
        x_title: str,
        value_title: str,
        *,
        labels: tuple[str, ...],
        series: tuple[Series, ...],
        decimals: int = 0,
    ) -> Chart:
        title = label(lang, f"chart.{key}")
        return Chart(key, title, style, x_title, value_title, labels, series, decimals)

    queues = tuple(report.by_queue)
    ratings = Counter(report.total.ratings)
    charts = (
        chart(
            "opened",
            Style.STACKED,
            week_title,
            count_title,
            labels=week_labels,
            series=by_category("opened"),
        ),
        chart(
            "resolved",
            Style.STACKED,
            week_title,
            count_title,
            labels=week_labels,
            series=by_category("resolved"),
        ),
        chart(
            "first-response-on-time",
            Style.LINES,
            week_title,
            share_title,
            labels=week_labels,
            series=share_by_queue("first_response_share"),
            decimals=1,
        ),
        chart(
            "resolution-on-time",
            Style.LINES,
            week_title,
            share_title,
            labels=week_labels,
            series=share_by_queue("resolution_share"),
            decimals=1,
        ),
        chart(
            "median-times",
            Style.LINES,
            week_title,
            label(lang, "chart.hours"),
            labels=week_labels,
            series=(
                weekly(
                    label(lang, "report.col.median_first_response"),
                    [_hours(report.by_week.get(w, empty).median_first_response) for w in weeks],
                ),
                weekly(
                    label(lang, "report.col.median_resolution"),
                    [_hours(report.by_week.get(w, empty).median_resolution) for w in weeks],
                ),
            ),
            decimals=1,
        ),
        chart(
            "escalations",
            Style.STACKED,
            week_title,
            count_title,
            labels=week_labels,
            series=tuple(
                weekly(
                    queue.key,
                    [report.by_week_queue.get((w, queue), empty).escalations for w in weeks],
                )
                for queue in queues
                if report.by_queue[queue].escalations
            ),
        ),
        chart(
            "backlog-by-queue",
            Style.GROUPED,
            label(lang, "report.col.queue"),
            count_title,
            labels=tuple(open_now.by_queue),
            series=(
                Series(label(lang, "chart.open"), tuple(o for o, _ in open_now.by_queue.values())),
                Series(
                    label(lang, "chart.overdue"), tuple(d for _, d in open_now.by_queue.values())
                ),
            ),
        ),
        chart(
            "backlog-by-unit",
            Style.GROUPED,
            label(lang, "report.col.unit"),
            count_title,
            labels=tuple(name or label(lang, "report.no_unit") for name in open_now.by_unit),
            series=(Series(label(lang, "chart.open"), tuple(open_now.by_unit.values())),),
        ),
        chart(
            "ratings",
            Style.GROUPED,
            label(lang, "chart.rating"),
            count_title,
            labels=tuple(str(rating) for rating in RATINGS),
            series=(
                Series(label(lang, "report.col.ratings"), tuple(ratings[r] for r in RATINGS)),
            ),
        ),
        chart(
            "satisfaction-by-queue",
            Style.GROUPED,
            label(lang, "report.col.queue"),
            label(lang, "report.col.satisfaction"),
            labels=(*(queue.key for queue in queues), total),
            series=(
                Series(
                    label(lang, "report.col.satisfaction"),
                    (
                        *(report.by_queue[q].average_satisfaction for q in queues),
                        report.total.average_satisfaction,
                    ),
                ),
            ),
            decimals=2,
        ),
        chart(
            "faq",
            Style.LINES,
            week_title,
            count_title,
            labels=week_labels,
            series=tuple(
                weekly(
                    label(lang, f"chart.faq.{outcome}"),
                    [faq.get(week, Counter())[outcome] for week in weeks],
                )
                for outcome in FAQ_OUTCOMES
            ),
        ),
    )
    local_now = f"{report.now.astimezone(zone_of(report.period)):%Y-%m-%d %H:%M}"
    return ChartReport(
        report_title(lang, "chart.title", report.period, report.scope),
        label(lang, "chart.note", now=local_now),
        charts,
    )


def as_labelled(report: ChartReport, lang: str) -> LabelledReport:
    """The charts as the CLI prints them: one table per chart, and one long CSV (a row per
    chart, label and series) that a spreadsheet pivots back into any chart."""
    tables = tuple(
        Table(chart.title, chart.header, chart.rows, frozenset(range(1, len(chart.header))))
        for chart in report.charts
    )
    csv_rows = tuple(
        (chart.key, name, series.name, chart.figure(series.values[index]))
        for chart in report.charts
        for series in chart.series
        for index, name in enumerate(chart.labels)
    )
    header = tuple(
        label(lang, f"chart.col.{name}") for name in ("chart", "label", "series", "value")
    )
    return LabelledReport(report.title, (report.note,), tables, header, csv_rows, None)


async def _build(session: AsyncSession, request: Request) -> LabelledReport:
    report = await chart_report(session, request.period, request.scope, request.now, request.lang)
    return as_labelled(report, request.lang)


REPORT = Report(
    name="charts",
    summary="the reports page's figures, week by week",
    description="The figures the console's reports page draws: new and resolved tickets per "
    "week by category, the share answered and resolved on time per week and queue, median "
    "times, escalations, the open backlog by queue and unit, ratings, and the knowledge "
    "base's answered / suggested / unanswered / helpful / not helpful questions per week. "
    "CSV: one row per chart, label and series. Default period: the last 30 days.",
    default_period=recent_days,
    build=_build,
)
