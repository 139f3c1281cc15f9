"""The figures, agenda and question list a union admin reads, from real tickets and events."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.report import text_lines
from db.models import TicketKind, TicketStatus
from handlers.reports import REPORTS, council, questions, tickets
from handlers.reports import common as reports
from handlers.reports.common import ReportError, UnitScope
from handlers.reports.tickets import TicketStats
from tests.reports.scenario import (
    NOW,
    ZONE,
    Scenario,
    populate,
)

MARCH_DAYS = (date(2026, 3, 1), date(2026, 3, 31))
MARCH = reports.make_period(None, None, default=MARCH_DAYS, zone=ZONE)


@pytest.fixture
async def scenario(session: AsyncSession) -> Scenario:
    return await populate(session)


async def _scope(session: AsyncSession, key: str | None) -> UnitScope | None:
    return await reports.unit_scope(session, key)


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else value.total_seconds() / 3600


async def test_ticket_figures_for_march(session: AsyncSession, scenario: Scenario) -> None:
    report = await tickets.ticket_report(session, MARCH, None, NOW)

    total = report.total
    # T1 (00:10 on March 1, local) is in; T5 (February) and T7 (April 1, 00:30) are not.
    assert total.opened == 5
    assert dict(total.by_status) == {
        TicketStatus.NEW: 2,
        TicketStatus.IN_PROGRESS: 1,
        TicketStatus.RESOLVED: 1,
        TicketStatus.CLOSED: 1,
    }
    # T5 was resolved in March although opened in February; T2, resolved twice, counts once.
    assert (total.resolved, total.closed, total.escalations) == (3, 1, 1)
    assert (total.overdue_first_response, total.overdue_resolution) == (2, 3)
    assert _hours(total.median_first_response) == 2.0  # 1h, 2h, 6h
    assert _hours(total.median_resolution) == 50.0  # 26h, 74h
    assert (total.average_satisfaction, len(total.ratings)) == (3.0, 2)

    facilities = report.by_category[TicketKind.GRIEVANCE, "facilities"]
    assert (facilities.opened, facilities.resolved, facilities.closed) == (3, 3, 1)
    assert _hours(facilities.median_first_response) == 4.0
    assert (facilities.overdue_first_response, facilities.overdue_resolution) == (1, 1)
    wages = report.by_category[TicketKind.GRIEVANCE, "wages"]
    assert (wages.opened, wages.escalations, wages.overdue_first_response) == (1, 1, 1)
    legal = report.by_category[TicketKind.HELP, "legal-aid"]
    assert (legal.opened, legal.overdue_first_response, legal.overdue_resolution) == (1, 0, 1)
    assert list(report.by_category) == [
        (TicketKind.GRIEVANCE, "wages"),
        (TicketKind.GRIEVANCE, "facilities"),
        (TicketKind.HELP, "legal-aid"),
    ]

    queues = {queue.key: stats for queue, stats in report.by_queue.items()}
    assert (queues["acme-grievances"].opened, queues["acme-grievances"].resolved) == (2, 3)
    # The escalation counts against the queue that missed the deadline; the ticket now
    # waits, overdue, in the district's queue.
    assert queues["swift-grievances"].escalations == 1
    assert queues["swift-grievances"].opened == 0
    east = queues["east-grievances"]
    assert (east.opened, east.escalations, east.overdue_first_response) == (1, 0, 1)
    assert queues["west-grievances"].opened == 1


async def test_a_unit_limits_the_figures_to_it_and_the_units_below(
    session: AsyncSession, scenario: Scenario
) -> None:
    east = await tickets.ticket_report(session, MARCH, await _scope(session, "east-district"), NOW)
    assert (east.total.opened, east.total.resolved, east.total.escalations) == (4, 3, 1)
    west = await tickets.ticket_report(session, MARCH, await _scope(session, "west-district"), NOW)
    assert (west.total.opened, west.total.resolved) == (1, 0)
    assert [q.key for q in west.by_queue] == ["west-grievances"]
    with pytest.raises(ReportError, match="unknown unit 'nowhere'"):
        await _scope(session, "nowhere")


async def test_an_empty_period_says_so(session: AsyncSession, scenario: Scenario) -> None:
    january = reports.make_period(
        date(2026, 1, 1), date(2026, 1, 31), default=MARCH_DAYS, zone=ZONE
    )
    report = await tickets.ticket_report(session, january, None, january.end)
    assert report.total == TicketStats()
    labelled = tickets.label_tickets(report, "en", ZONE)
    assert labelled.tables == ()
    assert text_lines(labelled)[-1] == (
        "No ticket was opened, resolved, closed or escalated from 2026-01-01 to 2026-01-31, "
        "and none is overdue now."
    )
    agenda = council.label_council(
        await council.council_report(session, january, None, ZONE), "zh-CN"
    )
    assert agenda.empty == "2026-01-01 至 2026-01-31 期间没有收到诉求。"


async def test_unanswered_questions_are_grouped_most_frequent_first(
    session: AsyncSession, scenario: Scenario
) -> None:
    report = await questions.question_report(session, MARCH, None)

    assert [(g.count, g.people, g.nearest_entry_id, g.languages) for g in report.groups] == [
        (3, 2, "canteen-hours", ("zh-CN",)),
        (1, 0, None, ("en",)),
    ]
    canteen = report.groups[0]
    assert canteen.normalised == "食堂几点开门"
    assert canteen.best_score == 25.0
    assert report.count == 4  # the April question is not in March

    east = await questions.question_report(session, MARCH, await _scope(session, "east-district"))
    assert [(g.count, g.nearest_entry_id) for g in east.groups] == [(2, "canteen-hours")]


async def test_csv_parses_with_one_row_per_category_queue_and_total(
    session: AsyncSession, scenario: Scenario
) -> None:
    labelled = tickets.label_tickets(
        await tickets.ticket_report(session, MARCH, None, NOW), "en", ZONE
    )
    buffer = io.StringIO()
    csv.writer(buffer).writerows([labelled.csv_header, *labelled.csv_rows])
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue())))
    total = rows[-1]
    assert (total["section"], total["opened"], total["resolved"]) == ("Total", "5", "3")
    assert total["median resolution (h)"] == "50.0"
    assert total["avg satisfaction"] == "3.00"
    wages = next(r for r in rows if r["category"] == "wages")
    assert (wages["kind"], wages["escalations"], wages["status: new"]) == ("grievance", "1", "1")


def test_periods_are_whole_local_days() -> None:
    period = reports.make_period(
        date(2026, 3, 1), None, default=(date(2026, 2, 1), date(2026, 3, 31)), zone=ZONE
    )
    assert period.start.isoformat() == "2026-03-01T00:00:00+08:00"
    assert period.end.isoformat() == "2026-04-01T00:00:00+08:00"
    assert reports.recent_days(date(2026, 3, 31)) == (date(2026, 3, 2), date(2026, 3, 31))
    assert reports.current_quarter(date(2026, 11, 29)) == (date(2026, 10, 1), date(2026, 12, 31))
    with pytest.raises(ReportError, match="starts"):
        reports.make_period(date(2026, 4, 1), date(2026, 3, 1), default=MARCH_DAYS, zone=ZONE)
    # Each report declares its own default period; the CLI asks it, by no name.
    today = date(2026, 11, 29)
    assert {name: r.default_period(today) for name, r in REPORTS.items()} == {
        "tickets": reports.recent_days(today),
        "charts": reports.recent_days(today),
        "council": reports.current_quarter(today),
        "questions": reports.recent_days(today),
    }
    for bad in ("2026-02-30", "31/03/2026", "yesterday"):
        with pytest.raises(ReportError, match="not a date"):
            reports.parse_day(bad)
