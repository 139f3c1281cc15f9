"""`workerbot report tickets|charts|council|questions`: reports for union admins.

Reports only read: the database is prepared as for every command (schema up to date, the
routing file's units and queues applied, so `--unit KEY` knows them), nothing else is
written. Dates are whole days in WORKERBOT_TIMEZONE; text output is aligned for a
terminal (Chinese characters count double), CSV is for spreadsheets, HTML is a
self-contained document to print (A4) or open in a browser: the charts drawn, the council
agenda as a document, any other report as tables. All go to stdout unless `--output FILE`
says otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import sys
import unicodedata
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import command_database
from bot.commands import Subcommands
from bot.report_html import charts_body, council_body, document, labelled_body
from bot.settings import Settings
from handlers.core.texts import LANGUAGES
from handlers.reports import REPORTS, charts, council
from handlers.reports.common import (
    LabelledReport,
    Period,
    Report,
    ReportError,
    Request,
    Table,
    make_period,
    parse_day,
    unit_scope,
)
from handlers.routing import RoutingError


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("report", help="reports for union admins")
    kinds = parser.add_subparsers(dest="report", metavar="REPORT", required=True)
    for report in REPORTS.values():
        _add(kinds, report)


def _add(kinds: Subcommands, report: Report) -> None:
    parser = kinds.add_parser(report.name, help=report.summary, description=report.description)
    parser.add_argument("--from", dest="first_day", metavar="DATE", help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last_day", metavar="DATE", help="last day, YYYY-MM-DD")
    parser.add_argument("--unit", metavar="KEY", help="only this unit and the units below it")
    parser.add_argument(
        "--lang", choices=LANGUAGES, help="language (default: WORKERBOT_DEFAULT_LANGUAGE)"
    )
    parser.add_argument("--format", choices=("text", "csv", "html"), default="text")
    parser.add_argument(
        "--output", metavar="FILE", type=Path, help="write to FILE instead of standard output"
    )
    parser.set_defaults(run=lambda args: _run(args, report))


def _run(args: argparse.Namespace, report: Report) -> int:
    settings = Settings()
    zone = ZoneInfo(settings.timezone)
    lang: str = args.lang or settings.default_language
    now = datetime.now(UTC)
    today = now.astimezone(zone).date()
    try:
        first = parse_day(args.first_day) if args.first_day else None
        last = parse_day(args.last_day) if args.last_day else None
        period = make_period(first, last, default=report.default_period(today), zone=zone)
        request = (period, now, lang, zone)
        labelled, html = asyncio.run(
            _read(settings, args.unit, report, request, html=args.format == "html")
        )
    except (ReportError, RoutingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out = io.StringIO()
    if args.format == "csv":
        # Headers only for an empty period, so a spreadsheet still gets its columns.
        csv.writer(out, lineterminator="\n").writerows([labelled.csv_header, *labelled.csv_rows])
        if labelled.empty is not None:
            print(labelled.empty, file=sys.stderr)
    elif args.format == "html":
        out.write(document(labelled.title, html, lang))
    else:
        out.writelines(f"{line}\n" for line in text_lines(labelled))
    if args.output is None:
        sys.stdout.write(out.getvalue())
        return 0
    try:
        args.output.write_text(out.getvalue(), encoding="utf-8")
    except OSError as exc:
        print(f"error: cannot write {args.output}: {exc.strerror}", file=sys.stderr)
        return 1
    print(f"written: {args.output}", file=sys.stderr)
    return 0


async def _charts_html(session: AsyncSession, request: Request) -> tuple[LabelledReport, str]:
    found = await charts.chart_report(
        session, request.period, request.scope, request.now, request.lang
    )
    return charts.as_labelled(found, request.lang), charts_body(found)


async def _council_html(session: AsyncSession, request: Request) -> tuple[LabelledReport, str]:
    agenda = await council.council_report(session, request.period, request.scope, request.zone)
    labelled = council.label_council(agenda, request.lang)
    now = f"{request.now.astimezone(request.zone):%Y-%m-%d %H:%M}"
    return labelled, council_body(agenda, labelled, request.lang, now)


# Reports whose HTML is more than their tables: the charts drawn, the agenda as a document.
HTML: Mapping[str, Callable[[AsyncSession, Request], Awaitable[tuple[LabelledReport, str]]]] = {
    charts.REPORT.name: _charts_html,
    council.REPORT.name: _council_html,
}


async def _read(
    settings: Settings,
    unit_key: str | None,
    report: Report,
    request: tuple[Period, datetime, str, ZoneInfo],
    *,
    html: bool,
) -> tuple[LabelledReport, str]:
    """The report labelled, and (when `html`) its HTML body."""
    period, now, lang, zone = request
    async with command_database(settings) as sessionmaker, sessionmaker() as session:
        scope = await unit_scope(session, unit_key)
        asked = Request(period, scope, now, lang, zone)
        if html and report.name in HTML:
            return await HTML[report.name](session, asked)
        labelled = await report.build(session, asked)
        return labelled, labelled_body(labelled) if html else ""


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
