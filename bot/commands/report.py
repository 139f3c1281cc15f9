"""`workerbot report tickets|council|questions`: reports for union admins.

Reports only read: the schema is brought up to date as for every command, nothing else
is written. Dates are whole days in WORKERBOT_TIMEZONE; text output is aligned for a
terminal (Chinese characters count double), CSV goes to stdout for spreadsheets.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import unicodedata
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import Subcommands
from bot.settings import Settings
from db.engine import create_engine, create_sessionmaker
from db.schema import ensure_schema
from handlers import reports
from handlers.core.texts import LANGUAGES
from handlers.reports import LabelledReport, Period, ReportError, Table, UnitScope


@dataclass(frozen=True, slots=True)
class Request:
    period: Period
    scope: UnitScope | None
    now: datetime
    lang: str
    zone: ZoneInfo


Build = Callable[[AsyncSession, Request], Awaitable[LabelledReport]]


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("report", help="reports for union admins")
    kinds = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    _add(
        kinds,
        "tickets",
        "ticket figures by category and queue",
        "Tickets opened, resolved, closed and escalated in the period, overdue now, median "
        "first-response and resolution times and satisfaction, by category and by queue. "
        "Default period: the last 30 days.",
        _tickets,
    )
    _add(
        kinds,
        "council",
        "the worker council agenda draft",
        "The grievances raised in the period, by unit and category, with how often a "
        "similar one was raised; no worker's identity. Default period: the current quarter.",
        _council,
    )
    _add(
        kinds,
        "questions",
        "questions the knowledge base could not answer",
        "Unanswered questions of the period grouped by normalised text, most frequent "
        "first, with the nearest knowledge-base entry. Default period: the last 30 days.",
        _questions,
    )


def _add(kinds: Subcommands, name: str, summary: str, description: str, build: Build) -> None:
    parser = kinds.add_parser(name, help=summary, description=description)
    parser.add_argument("--from", dest="first_day", metavar="DATE", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last_day", metavar="DATE", help="last day, YYYY-MM-DD")
    parser.add_argument("--unit", metavar="KEY", help="only this unit and the units below it")
    parser.add_argument(
        "--lang", choices=LANGUAGES, help="language (default: WORKERBOT_DEFAULT_LANGUAGE)"
    )
    parser.add_argument("--format", choices=("text", "csv"), default="text")
    parser.set_defaults(run=lambda args: _run(args, name, build))


def _run(args: argparse.Namespace, name: str, build: Build) -> int:
    settings = Settings()
    zone = ZoneInfo(settings.timezone)
    lang: str = args.lang or settings.default_language
    now = datetime.now(UTC)
    today = now.astimezone(zone).date()
    default = reports.current_quarter(today) if name == "council" else reports.recent_days(today)
    try:
        first = reports.parse_day(args.first_day) if args.first_day else None
        last = reports.parse_day(args.last_day) if args.last_day else None
        period = reports.make_period(first, last, default=default, zone=zone)
        report = asyncio.run(
            _read(settings.database_url, args.unit, build, period, now, lang, zone)
        )
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.format == "csv":
        # Headers only for an empty period, so a spreadsheet still gets its columns.
        csv.writer(sys.stdout, lineterminator="\n").writerows(
            [report.csv_header, *report.csv_rows]
        )
        if report.empty is not None:
            print(report.empty, file=sys.stderr)
    else:
        for line in text_lines(report):
            print(line)
    return 0


async def _read(  # noqa: PLR0917 - one call site, the command's own request
    url: str,
    unit_key: str | None,
    build: Build,
    period: Period,
    now: datetime,
    lang: str,
    zone: ZoneInfo,
) -> LabelledReport:
    engine = create_engine(url)
    try:
        await ensure_schema(engine)
        async with create_sessionmaker(engine)() as session:
            scope = await reports.unit_scope(session, unit_key)
            return await build(session, Request(period, scope, now, lang, zone))
    finally:
        await engine.dispose()


async def _tickets(session: AsyncSession, request: Request) -> LabelledReport:
    report = await reports.ticket_report(session, request.period, request.scope, request.now)
    return reports.label_tickets(report, request.lang, request.zone)


async def _council(session: AsyncSession, request: Request) -> LabelledReport:
    report = await reports.council_report(session, request.period, request.scope, request.zone)
    return reports.label_council(report, request.lang)


async def _questions(session: AsyncSession, request: Request) -> LabelledReport:
    report = await reports.question_report(session, request.period, request.scope)
    return reports.label_questions(report, request.lang, request.zone)


def width(text: str) -> int:
    """Columns `text` takes in a terminal: wide (Chinese) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, size: int, *, right: bool) -> str:
    fill = " " * (size - width(text))
    return fill + text if right else text + fill


def table_lines(table: Table) -> list[str]:
    rows: Sequence[Sequence[str]] = [table.header, *table.rows]
    sizes = [max(width(row[i]) for row in rows) for i in range(len(table.header))]
    lines = [table.title]
    for index, row in enumerate(rows):
        cells = [
            _pad(cell, size, right=column in table.numeric)
            for column, (cell, size) in enumerate(zip(row, sizes, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * size for size in sizes))
    return lines


def text_lines(report: LabelledReport) -> list[str]:
    """The report for people: title, notes, then each table after a blank line."""
    lines = [report.title, ""]
    if report.empty is not None:
        return [*lines, report.empty]
    lines.extend(report.notes)
    for table in report.tables:
        lines += ["", *table_lines(table)]
    return lines
