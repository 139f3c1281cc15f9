"""The worker council agenda draft: the grievances raised in the period, by unit and
category, with how often a similar one was raised. Default period: the current quarter.

The agenda is shared outside the union office, so it carries nothing that identifies a
worker for any ticket, anonymous or not: no name, no person or messenger id, no chat. The
summary is the worker's own words; the worker's name and messenger ids, mobile numbers and
identity card numbers in it are masked.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Person,
    Ticket,
    TicketKind,
    TicketStatus,
    Unit,
)
from handlers.categories import CATEGORIES
from handlers.reports.common import (
    LabelledReport,
    Period,
    Report,
    Request,
    Table,
    UnitScope,
    category_label,
    comparable,
    current_quarter,
    empty_sentence,
    label,
    one_line,
    report_title,
    status_label,
    ticket_in,
    ticket_unit_id,
    within,
)

# Two summaries of one category at least this alike (0-100, on normalised text) count as
# the same matter raised again; tuned on short Chinese complaints ("3号门的路灯坏了" /
# "3号门路灯坏了好几天了" are alike, "食堂的饭太贵了" is not).
SIMILAR_SCORE = 60.0
MASK = "***"

# Mainland mobile numbers and resident identity card numbers.
_PERSONAL_NUMBER = re.compile(r"(?<!\d)(?:1[3-9]\d{9}|\d{17}[\dXx])(?!\d)")


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


def _similar_counts(summaries: Sequence[str]) -> list[int]:
    texts = [comparable(s) for s in summaries]
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
    unit_id = ticket_unit_id().label("unit_id")
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
                within(Ticket.created_at, period),
                ticket_in(scope),
            )
            .order_by(Ticket.created_at, Ticket.id)
        )
    ).all()
    units = {
        row.id: (row.key, row.name)
        for row in await session.execute(select(Unit.id, Unit.key, Unit.name))
    }
    summaries = [
        one_line(mask_identity(row.summary, (row.display_name, row.platform_user_id, row.chat_id)))
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


def label_council(report: CouncilReport, lang: str) -> LabelledReport:
    title = report_title(lang, "report.council.title", report.period, report.scope)
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
        empty = empty_sentence(lang, "report.council.empty", report.period)
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


async def _build(session: AsyncSession, request: Request) -> LabelledReport:
    report = await council_report(session, request.period, request.scope, request.zone)
    return label_council(report, request.lang)


REPORT = Report(
    name="council",
    summary="the worker council agenda draft",
    description="The grievances raised in the period, by unit and category, with how often "
    "a similar one was raised; no worker's identity. Default period: the current quarter.",
    default_period=current_quarter,
    build=_build,
)
