"""What every report shares: periods, unit scopes, the labelled form a report takes in
one language, and `Report`, the entry each report module declares for the registry.

Periods are whole days in the union's time zone, both ends included. A unit scope is a
unit and every unit below it. A ticket belongs to the unit the worker named, or, when they
named none, to the unit of the ticket's queue; a question belongs to the unit the asker
last named.
"""

from __future__ import annotations

import calendar
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Queue,
    Ticket,
    TicketStatus,
    Unit,
)
from handlers.categories import CATEGORIES
from handlers.core.texts import CATALOGS, DEFAULT_LANGUAGE

RECENT_DAYS = 30
# Fewer than this many people (grievances, answers) can point at one of them: a report names
# no unit below it, and a survey shows no results below it.
SMALL_NUMBERS = 3

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


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
    """The last 30 days, today included."""
    return today - timedelta(days=RECENT_DAYS - 1), today


def current_quarter(today: date) -> tuple[date, date]:
    """The quarter `today` is in."""
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


def zone_of(period: Period) -> ZoneInfo:
    """The union's time zone, in which the period's days were given."""
    zone = period.start.tzinfo
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo("UTC")


def week_of(moment: datetime, zone: ZoneInfo) -> date:
    """The Monday (local) of the week `moment` falls in: weekly figures are keyed by it."""
    day = moment.astimezone(zone).date()
    return day - timedelta(days=day.weekday())


def ticket_unit_id() -> ColumnElement[Any]:
    queue_unit = select(Queue.unit_id).where(Queue.id == Ticket.queue_id).scalar_subquery()
    return func.coalesce(Ticket.unit_id, queue_unit)


def ticket_in(scope: UnitScope | None) -> ColumnElement[bool]:
    return true() if scope is None else ticket_unit_id().in_(sorted(scope.unit_ids))


def within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= period.start, column < period.end)


def one_line(text: str) -> str:
    return " ".join(text.split())


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


def scope_name(lang: str, scope: UnitScope | None) -> str:
    return label(lang, "report.all_units") if scope is None else f"{scope.name} ({scope.key})"


def report_title(lang: str, key: str, period: Period, scope: UnitScope | None) -> str:
    return label(
        lang,
        key,
        first=period.first_day.isoformat(),
        last=period.last_day.isoformat(),
        unit=scope_name(lang, scope),
    )


def status_label(lang: str, status: TicketStatus) -> str:
    return label(lang, f"report.status.{status.value}")


def category_label(lang: str, category: str) -> str:
    spec = CATEGORIES.get(category)
    return label(lang, spec.label_key) if spec is not None else category


def numeric_columns(first: int, count: int) -> frozenset[int]:
    return frozenset(range(first, first + count))


def empty_sentence(lang: str, key: str, period: Period) -> str:
    return label(lang, key, first=period.first_day.isoformat(), last=period.last_day.isoformat())


# --- the registry's entry ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Request:
    """What every report is asked for: a period, a unit (None: all), in one language."""

    period: Period
    scope: UnitScope | None
    now: datetime
    lang: str
    zone: ZoneInfo


@dataclass(frozen=True, slots=True)
class Report:
    """One report as the CLI (and any console) offers it: its name, help texts, default
    period, and how it is read from the database and labelled for a request."""

    name: str
    summary: str
    description: str
    default_period: Callable[[date], tuple[date, date]]
    build: Callable[[AsyncSession, Request], Awaitable[LabelledReport]]
