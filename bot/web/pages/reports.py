"""Reports in the console: /reports (the charts), /reports/council (the agenda to print),
each chart's figures as CSV, and /reports/glance, the quarter at a glance that the inbox
loads for its top.

The figures are those of `workerbot report charts|council` for the same period and unit:
the same queries (handlers/reports/) and the same HTML (bot/report_html.py, the SVG of
bot/svg_charts.py). Who may read which unit is decided by `handlers.reports.access` on
every request: admins every unit and the whole union, an officer the units of their
queues and below. A unit that is not theirs is "not found". Query parameters: `from` and
`to` (YYYY-MM-DD, local days, both included) and `unit` (a unit key); a bad date is said on
the page, with the form kept.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup

from bot.report_html import PRINT_CSS, charts_body, council_body
from bot.svg_charts import svg
from bot.web.app import CONTEXT, LANG, actor, public, unit_of_work
from bot.web.render import csv_download, not_found, render
from handlers.reports import charts, council, glance
from handlers.reports.access import Readable, readable_units, report_scope
from handlers.reports.common import (
    Period,
    ReportError,
    UnitScope,
    current_quarter,
    make_period,
    parse_day,
    recent_days,
)
from handlers.tickets.errors import TicketError

routes = web.RouteTableDef()


def previous_quarter(today: date) -> tuple[date, date]:
    first, _ = current_quarter(today)
    return current_quarter(first - timedelta(days=1))


# The quick choices above the date fields, in the order shown.
PRESETS = (
    ("web.reports.this_quarter", current_quarter),
    ("web.reports.last_quarter", previous_quarter),
    ("web.reports.last_30_days", recent_days),
)


@dataclass(frozen=True, slots=True)
class _Asked:
    """A report request read from the query string, as the officer may see it."""

    period: Period
    scope: UnitScope | None
    readable: Readable
    now: datetime
    zone: ZoneInfo
    lang: str
    unit_key: str

    def query(self) -> str:
        """The period and unit as a query string, for links to the same report."""
        values = {
            "from": self.period.first_day.isoformat(),
            "to": self.period.last_day.isoformat(),
        }
        if self.unit_key:
            values["unit"] = self.unit_key
        return urlencode(values)


async def _asked(request: web.Request, default: tuple[date, date] | None = None) -> _Asked:
    """The request's period and unit; ReportError for a bad date or a unit not theirs,
    TicketError for an officer who may read no report."""
    context = request.app[CONTEXT]
    zone = ZoneInfo(context.settings.timezone)
    now = context.clock.now()
    today = now.astimezone(zone).date()
    first = request.query.get("from", "")
    last = request.query.get("to", "")
    period = make_period(
        parse_day(first) if first else None,
        parse_day(last) if last else None,
        default=default or current_quarter(today),
        zone=zone,
    )
    unit_key = request.query.get("unit", "") or None
    async with unit_of_work(request) as session:
        readable, scope = await report_scope(session, actor(request), unit_key)
    return _Asked(period, scope, readable, now, zone, request[LANG], scope.key if scope else "")


def _presets(request: web.Request, unit_key: str) -> list[tuple[str, str]]:
    context = request.app[CONTEXT]
    today = context.clock.now().astimezone(ZoneInfo(context.settings.timezone)).date()
    found = []
    for key, days in PRESETS:
        first, last = days(today)
        values = {"from": first.isoformat(), "to": last.isoformat()}
        if unit_key:
            values["unit"] = unit_key
        found.append((key, urlencode(values)))
    return found


async def _problem(request: web.Request, template: str, problem: str) -> web.Response:
    """The page with its form and what is wrong, nothing else: the typed values are kept."""
    try:
        async with unit_of_work(request) as session:
            readable = await readable_units(session, actor(request))
    except TicketError:
        return not_found(request)
    return render(
        request,
        template,
        status=400,
        problem=problem,
        asked=None,
        readable=readable,
        typed=dict(request.query),
        presets=_presets(request, ""),
    )


@routes.get("/reports/report.css")
@public
async def stylesheet(_request: web.Request) -> web.StreamResponse:
    """The reports' own stylesheet, A4 print included: the one the CLI's documents inline."""
    return web.Response(text=PRINT_CSS, content_type="text/css")


@routes.get("/reports")
async def chart_page(request: web.Request) -> web.StreamResponse:
    try:
        asked = await _asked(request)
    except TicketError:
        return not_found(request)
    except ReportError as exc:
        return await _problem(request, "reports.html", str(exc))
    found = await _chart_report(request, asked)
    csv_href = "/reports/charts/{key}.csv?" + asked.query()
    return render(
        request,
        "reports.html",
        asked=asked,
        readable=asked.readable,
        typed={},
        presets=_presets(request, asked.unit_key),
        # Escaped piece by piece by bot.report_html; the charts are the CLI's.
        body=Markup(charts_body(found, csv_href)),  # noqa: S704
        csv_all="/reports/charts.csv?" + asked.query(),
        council_link="/reports/council?" + asked.query(),
    )


def _csv(name: str, rows: list[tuple[str, ...]]) -> web.Response:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return csv_download(name, out.getvalue())


async def _chart_report(request: web.Request, asked: _Asked) -> charts.ChartReport:
    async with unit_of_work(request) as session:
        return await charts.chart_report(session, asked.period, asked.scope, asked.now, asked.lang)


@routes.get("/reports/charts.csv")
async def all_charts_csv(request: web.Request) -> web.StreamResponse:
    """Every chart in one long table, as `workerbot report charts --format csv` writes it."""
    try:
        asked = await _asked(request)
    except (TicketError, ReportError):
        return not_found(request)
    found = await _chart_report(request, asked)
    labelled = charts.as_labelled(found, asked.lang)
    return _csv("charts", [labelled.csv_header, *labelled.csv_rows])


@routes.get("/reports/charts/{key}.csv")
async def chart_csv(request: web.Request) -> web.StreamResponse:
    """One chart's table: its labels down, one column per series."""
    try:
        asked = await _asked(request)
    except (TicketError, ReportError):
        return not_found(request)
    found = await _chart_report(request, asked)
    chart = found.chart(request.match_info["key"])
    if chart is None:
        return not_found(request)
    return _csv(chart.key, [chart.header, *chart.rows])


@routes.get("/reports/council")
async def council_page(request: web.Request) -> web.StreamResponse:
    try:
        asked = await _asked(request)
    except TicketError:
        return not_found(request)
    except ReportError as exc:
        return await _problem(request, "council.html", str(exc))
    async with unit_of_work(request) as session:
        agenda = await council.council_report(session, asked.period, asked.scope, asked.zone)
    labelled = council.label_council(agenda, asked.lang)
    printed = f"{asked.now.astimezone(asked.zone):%Y-%m-%d %H:%M}"
    return render(
        request,
        "council.html",
        asked=asked,
        readable=asked.readable,
        typed={},
        presets=_presets(request, asked.unit_key),
        title=labelled.title,
        # The document `workerbot report council --format html` writes, escaped there.
        body=Markup(council_body(agenda, labelled, asked.lang, printed)),  # noqa: S704
    )


@routes.get("/reports/glance")
async def glance_part(request: web.Request) -> web.StreamResponse:
    """This quarter for the inbox's top (an htmx fragment); empty for an officer who may
    read no report."""
    try:
        asked = await _asked(request)
    except (TicketError, ReportError):
        return web.Response(text="", content_type="text/html")
    async with unit_of_work(request) as session:
        seen = await glance.glance(session, asked.period, asked.scope, asked.now, asked.lang)
    opened = seen.charts.chart("opened")
    values: dict[str, Any] = {
        "seen": seen,
        "asked": asked,
        "query": asked.query(),
        "drawn": Markup(svg(opened)) if opened is not None else "",  # noqa: S704
    }
    return render(request, "glance.html", **values)
