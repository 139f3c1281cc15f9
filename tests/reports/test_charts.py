"""The reports page's figures: week by week from the same computation as `report tickets`,
the open backlog now, and what the knowledge base did with each week's questions."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import main
from handlers.reports import charts as report_charts
from handlers.reports import common as reports
from handlers.reports import tickets
from handlers.reports.charts import Chart, ChartReport
from tests.reports.scenario import NOW, ZONE, Scenario, populate
from tests.reports.test_report_cli import MARCH as MARCH_ARGS
from tests.reports.test_report_cli import scenario as cli_scenario  # noqa: F401 - fixture

MARCH = reports.make_period(None, None, default=(date(2026, 3, 1), date(2026, 3, 31)), zone=ZONE)
# March 1st 2026 is a Sunday: the period touches six weeks, the first starting in February.
WEEKS = ("2026-02-23", "2026-03-02", "2026-03-09", "2026-03-16", "2026-03-23", "2026-03-30")


@pytest.fixture
async def charts(session: AsyncSession) -> ChartReport:
    await populate(session)
    return await report_charts.chart_report(session, MARCH, None, NOW, "en")


def _chart(report: ChartReport, key: str) -> Chart:
    chart = report.chart(key)
    assert chart is not None
    return chart


def _values(chart: Chart, series: str) -> list[float | None]:
    return list(next(s for s in chart.series if s.name == series).values)


def _column_total(chart: Chart) -> float:
    return sum(v or 0 for series in chart.series for v in series.values)


async def test_ticket_charts_add_up_to_the_ticket_report(
    session: AsyncSession, charts: ChartReport
) -> None:
    report = await tickets.ticket_report(session, MARCH, None, NOW)
    total = report.total
    assert [c.key for c in charts.charts] == list(report_charts.CHART_KEYS)
    opened, resolved = _chart(charts, "opened"), _chart(charts, "resolved")
    assert opened.labels == WEEKS
    assert _column_total(opened) == total.opened == 5
    assert _column_total(resolved) == total.resolved == 3
    assert _column_total(_chart(charts, "escalations")) == total.escalations == 1
    # T1 (Mar 1, a Sunday) in the week of Feb 23; T2 in the next; T3 and T4 (help) after.
    assert _values(opened, "Facilities") == [1, 1, 0, 1, 0, 0]
    assert _values(opened, "Wages and pay") == [0, 0, 1, 0, 0, 0]
    ratings = _chart(charts, "ratings")
    assert ratings.rows == (("1", "0"), ("2", "1"), ("3", "0"), ("4", "1"), ("5", "0"))
    satisfaction = _chart(charts, "satisfaction-by-queue")
    assert satisfaction.rows[-1] == ("Total", f"{total.average_satisfaction:.2f}")
    assert ("acme-grievances", "3.00") in satisfaction.rows


async def test_shares_on_time_and_median_times_per_week(charts: ChartReport) -> None:
    first = _chart(charts, "first-response-on-time")
    # T1 answered after 2h, T2 after 6h: both on time; T3 (wages) never answered: late.
    assert _values(first, "Total")[:3] == [100.0, 100.0, 50.0]
    assert _values(first, "acme-grievances")[:2] == [100.0, 100.0]
    # No ticket opened in the last two weeks: nothing to measure, not 0 %.
    assert _values(first, "Total")[4:] == [None, None]
    assert first.rows[4] == ("2026-03-23", *([""] * len(first.series)))
    resolution = _chart(charts, "resolution-on-time")
    # T3 and T4, opened in the week of Mar 9, are still open long past their deadlines.
    assert _values(resolution, "Total")[:4] == [100.0, 100.0, 0.0, 0.0]
    medians = _chart(charts, "median-times")
    assert _values(medians, "median 1st response (h)")[:4] == [2.0, 6.0, 1.0, None]
    assert _values(medians, "median resolution (h)")[:3] == [26.0, 74.0, None]


async def test_backlog_now_by_queue_and_unit(charts: ChartReport) -> None:
    # Open now: T3 (escalated to the city), T4 (legal aid), T6 (riverside), T7 (April).
    by_queue = _chart(charts, "backlog-by-queue")
    assert _column_total(by_queue) > 0
    assert sum(v or 0 for v in by_queue.series[0].values) == 4
    by_unit = _chart(charts, "backlog-by-unit")
    assert sum(v or 0 for v in by_unit.series[0].values) == 4
    # T7 named no unit: it counts for the unit of its queue, the city federation.
    assert "示例市总工会" in by_unit.labels


async def test_knowledge_base_outcomes_per_week(charts: ChartReport) -> None:
    faq = _chart(charts, "faq")
    assert _values(faq, "answered") == [0, 1, 1, 0, 0, 0]
    assert _values(faq, "suggestions offered") == [0, 1, 0, 0, 0, 0]
    assert _values(faq, "unanswered") == [0, 3, 0, 0, 0, 0]
    assert _values(faq, "rated helpful") == [0, 1, 0, 0, 0, 0]
    assert _values(faq, "rated not helpful") == [0, 0, 1, 0, 0, 0]


async def test_a_unit_limits_every_chart(session: AsyncSession) -> None:
    await populate(session)
    scope = await reports.unit_scope(session, "riverside-textiles")
    charts = await report_charts.chart_report(session, MARCH, scope, NOW, "en")
    assert _column_total(_chart(charts, "opened")) == 1
    assert _chart(charts, "backlog-by-queue").series[0].values == (1,)
    # 李四 named riverside: his March miss, his answer and its "not helpful" count there.
    assert _column_total(_chart(charts, "faq")) == 3


def test_cli_prints_the_same_figures(
    cli_scenario: Scenario,  # noqa: F811 - the CLI's database, filled
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
) -> None:
    assert main(["report", "charts", *MARCH_ARGS, "--lang", "en", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    opened = [r for r in rows if r["chart"] == "opened"]
    assert sum(int(r["value"]) for r in opened) == 5
    answered = [r["value"] for r in rows if r["chart"] == "faq" and r["series"] == "answered"]
    assert answered == ["0", "1", "1", "0", "0", "0"]
    assert main(["report", "charts", *MARCH_ARGS, "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "New tickets per week, by category" in text
    assert "Knowledge base per week" in text


def test_cli_draws_every_chart_as_svg(
    cli_scenario: Scenario,  # noqa: F811 - the CLI's database, filled
    tmp_path: Path,
) -> None:
    out = tmp_path / "charts.html"
    assert main(["report", "charts", *MARCH_ARGS, "--format", "html", "--output", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert "<script" not in html
    assert "src=" not in html
    for key in report_charts.CHART_KEYS:
        assert f'data-chart="{key}"' in html
    # Each non-zero figure is one drawn mark, carrying its value: here the week of March 2
    # with its three resolved facilities tickets.
    assert 'data-label="2026-03-02" data-series="设施与环境" data-value="3"' in html
    assert html.count('class="mark"') > 20
