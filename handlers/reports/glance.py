"""The service at a glance, for the console's home: a handful of figures and the charts of
a period, read once by the same queries as `workerbot report tickets|charts` (the ticket
figures, the open backlog now, the knowledge base's weekly outcomes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports import charts, tickets
from handlers.reports.charts import ChartReport
from handlers.reports.common import Period, UnitScope


@dataclass(frozen=True, slots=True)
class Glance:
    opened: int
    resolved: int
    escalations: int
    # Shares 0-1, hours and the mean rating: None when there is nothing to measure.
    first_response_share: float | None
    resolution_share: float | None
    median_first_response_hours: float | None
    satisfaction: float | None
    open_now: int
    overdue_now: int
    faq_answered: int
    faq_failed: int  # left unanswered, or rated not helpful
    charts: ChartReport


async def glance(
    session: AsyncSession, period: Period, scope: UnitScope | None, now: datetime, lang: str
) -> Glance:
    figures = await tickets.ticket_report(session, period, scope, now)
    open_now = await charts.backlog(session, scope, now)
    faq = await charts.faq_weeks(session, period, scope)
    total = figures.total
    median = total.median_first_response
    return Glance(
        opened=total.opened,
        resolved=total.resolved,
        escalations=total.escalations,
        first_response_share=total.first_response_share,
        resolution_share=total.resolution_share,
        median_first_response_hours=None if median is None else median.total_seconds() / 3600,
        satisfaction=total.average_satisfaction,
        open_now=sum(found[0] for found in open_now.by_queue.values()),
        overdue_now=sum(found[1] for found in open_now.by_queue.values()),
        faq_answered=sum(week["answered"] for week in faq.values()),
        faq_failed=sum(week["unanswered"] + week["not_helpful"] for week in faq.values()),
        charts=charts.label_charts(figures, open_now, faq, lang),
    )
