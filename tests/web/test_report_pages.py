"""The reports pages in the console: March 2026 of tests/reports/scenario.py, read by an
admin in headless Chromium (every chart drawn, on a phone's width too, the council agenda
printable and without anyone's identity) and compared with `workerbot report charts` run
on the same database (one source: the same figures)."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer
from playwright.async_api import BrowserContext, Page, ViewportSize
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from bot.web.app import ConsoleContext, create_app
from db.models import Officer
from handlers import SAMPLE_ROUTING_PATH, signin
from handlers.reports.charts import CHART_KEYS
from handlers.routing import load_routing
from tests.reports.scenario import T2_SUMMARY, WORKER_IDS, WORKER_NAMES, Scenario, populate
from tests.web.conftest import Browser, issue_link, web_settings
from tests.web.test_browser import chromium

__all__ = ["chromium"]

MARCH = "from=2026-03-01&to=2026-03-31"
PHONE: ViewportSize = {"width": 390, "height": 844}


@dataclass
class Served:
    url: str
    sessionmaker: async_sessionmaker[AsyncSession]
    scenario: Scenario
    server: TestServer

    async def link(self, name: str) -> str:
        async with self.sessionmaker() as session:
            found = await session.scalar(select(Officer.id).where(Officer.name == name))
        assert found is not None
        token = await issue_link(self.sessionmaker, found, datetime.now(UTC))
        return self.url + signin.LINK_PATH + token

    async def browser(self, name: str) -> Browser:
        client: TestClient = TestClient(self.server)  # type: ignore[type-arg]
        await client.start_server()
        browser = Browser(client, None)  # type: ignore[arg-type]
        token = (await self.link(name)).rsplit("/", 1)[1]
        status, body = await browser.get(signin.LINK_PATH + token)
        assert status == 200, body
        return browser


@pytest.fixture
async def served(
    sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Served]:
    """March's scenario on the test database and the console on it, on the real clock
    (as the CLI reads it), in Asia/Shanghai like the scenario."""
    monkeypatch.setenv("WORKERBOT_TIMEZONE", "Asia/Shanghai")
    async with sessionmaker() as session:
        scenario = await populate(session)
    context = ConsoleContext(
        web_settings(timezone="Asia/Shanghai", default_language="zh-CN"),
        sessionmaker,
        load_routing(SAMPLE_ROUTING_PATH),
    )
    server = TestServer(create_app(context), host="127.0.0.1", port=0)
    await server.start_server()
    try:
        yield Served(str(server.make_url("")).rstrip("/"), sessionmaker, scenario, server)
    finally:
        await server.close()


def _cli_charts_csv(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> list[list[str]]:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("WORKERBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("WORKERBOT_DEFAULT_LANGUAGE", "zh-CN")
    out = tmp_path / "charts.csv"
    argv = ["report", "charts", "--from", "2026-03-01", "--to", "2026-03-31"]
    assert main([*argv, "--format", "csv", "--output", str(out)]) == 0
    return list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))


async def _shot(page: Page, tmp_path: Path, name: str, exc: BaseException) -> None:
    shot = tmp_path / f"{name}.png"
    await page.screenshot(path=str(shot), full_page=True)
    exc.add_note(f"screenshot of the page: {shot}")


_MARKS = """() => Array.from(document.querySelectorAll('svg[data-chart] .mark')).map(
  m => [m.closest('svg').dataset.chart, m.dataset.label, m.dataset.series, m.dataset.value])"""


async def test_every_chart_is_drawn_with_the_cli_reports_figures(
    served: Served,
    chromium: BrowserContext,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cli = await asyncio.to_thread(_cli_charts_csv, database_url, tmp_path, monkeypatch)
    page = await chromium.new_page()
    await page.set_viewport_size(PHONE)
    try:
        await page.goto(await served.link("管理员"))
        # The home shows the quarter at a glance, with its links to the reports.
        # (The scenario is in March: this quarter has nothing in it yet.)
        await page.locator('.glance svg[data-chart="opened"]').wait_for()
        assert "新工单" in await page.locator(".glance").inner_text()
        await page.get_by_role("link", name="全部图表").click()
        await page.goto(f"{served.url}/reports?{MARCH}")
        for key in CHART_KEYS:
            marks = page.locator(f'svg[data-chart="{key}"] .mark')
            assert await marks.count() > 0, key
            assert await page.locator(f'svg[data-chart="{key}"]').is_visible()
        # Readable on a phone: nothing wider than the screen, no sideways scrolling.
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"]
        drawn = {tuple(mark) for mark in await page.evaluate(_MARKS)}
        # The numbers one table away: each chart's figures under it.
        await page.locator("#chart-opened summary").click()
        assert await page.locator("#chart-opened table").is_visible()
    except Exception as exc:
        await _shot(page, tmp_path, "reports-failure", exc)
        raise
    figures = {tuple(row) for row in cli[1:]}
    # Every mark drawn is a figure of the CLI's report, and every figure that is not
    # zero or empty is drawn (bars of nothing are not drawn).
    assert drawn <= figures
    assert {row for row in figures if row[3] not in {"", "0"}} <= drawn


async def test_each_charts_csv_is_the_clis(
    served: Served, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = await asyncio.to_thread(_cli_charts_csv, database_url, tmp_path, monkeypatch)
    browser = await served.browser("管理员")
    try:
        response = await browser.client.get(f"/reports/charts.csv?{MARCH}")
        assert response.headers["Content-Disposition"] == 'attachment; filename="charts.csv"'
        every = list(csv.reader(io.StringIO((await response.text()).lstrip("\ufeff"))))
        assert every == cli
        response = await browser.client.get(f"/reports/charts/ratings.csv?{MARCH}")
        ratings = list(csv.reader(io.StringIO((await response.text()).lstrip("\ufeff"))))
        # One row per rating, one column per series, the same figures as the long CSV.
        assert [row[0] for row in ratings[1:]] == ["1", "2", "3", "4", "5"]
        long = {(r[1], r[2]): r[3] for r in cli[1:] if r[0] == "ratings"}
        for row in ratings[1:]:
            for series, value in zip(ratings[0][1:], row[1:], strict=True):
                assert long[(row[0], series)] == value
        status, _ = await browser.get(f"/reports/charts/no-such-chart.csv?{MARCH}")
        assert status == 404
        status, page = await browser.get("/reports?from=2026-03-31&to=2026-03-01")
        assert status == 400
        assert "after it ends" in page
        assert 'value="2026-03-31"' in page  # what was typed is kept
    finally:
        await browser.client.close()


async def test_an_officer_reads_only_the_units_of_their_queues(served: Served) -> None:
    browser = await served.browser("王干事")  # acme-grievances: the acme-logistics unit
    try:
        status, page = await browser.get(f"/reports?{MARCH}")
        assert status == 200
        assert re.findall(r'<option value="([a-z-]+)"', page) == ["acme-logistics"]
        assert "全部单位" not in page
        status, _ = await browser.get(f"/reports?{MARCH}&unit=riverside-textiles")
        assert status == 400
        status, _ = await browser.get(f"/reports/council?{MARCH}&unit=riverside-textiles")
        assert status == 400
        # A unit not theirs is not shown in any form: its agenda is not read.
        status, _ = await browser.get(f"/reports/charts.csv?{MARCH}&unit=riverside-textiles")
        assert status == 404
        status, glance = await browser.get("/reports/glance")
        assert status == 200
        assert "本季度概览" in glance
    finally:
        await browser.client.close()


async def test_the_council_agenda_prints_as_a_document_without_identities(
    served: Served, chromium: BrowserContext, tmp_path: Path
) -> None:
    page = await chromium.new_page()
    try:
        await page.goto(await served.link("管理员"))
        await page.goto(f"{served.url}/reports/council?{MARCH}")
        topics = page.locator("section.topic")
        assert await topics.count() >= 2
        text = await page.locator("article.council").inner_text()
        await page.emulate_media(media="print")
        assert not await page.locator("header.bar").is_visible()
        assert not await page.locator("form.report-form").is_visible()
        assert await topics.first.is_visible()
        pdf = await page.pdf(format="A4")
    except Exception as exc:
        await _shot(page, tmp_path, "council-failure", exc)
        raise
    assert pdf.startswith(b"%PDF")
    for secret in (
        *WORKER_NAMES,
        *WORKER_IDS,
        "13812345678",
        *served.scenario.references.values(),
    ):
        assert secret not in text
    assert "3号门路灯坏了好几天了" in T2_SUMMARY
    assert "3号门路灯坏了好几天了，我是***，电话***" in text
    # riverside-textiles had one grievance: below the threshold, it is not named.
    assert "河畔纺织" not in text


def _cli_council_html(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKERBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("WORKERBOT_DEFAULT_LANGUAGE", "zh-CN")
    out = tmp_path / "agenda.html"
    argv = ["report", "council", "--from", "2026-03-01", "--to", "2026-03-31"]
    assert main([*argv, "--format", "html", "--output", str(out)]) == 0
    return out.read_text(encoding="utf-8")


def _agenda(html: str) -> str:
    """The agenda's text from its title to its topics' end (the time it was printed aside)."""
    start = html.index("<h1>")
    return html[start : html.index('<p class="printed">', start)]


async def test_the_council_page_is_the_clis_document(
    served: Served, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = await asyncio.to_thread(_cli_council_html, database_url, tmp_path, monkeypatch)
    browser = await served.browser("管理员")
    try:
        status, page = await browser.get(f"/reports/council?{MARCH}")
    finally:
        await browser.client.close()
    assert status == 200
    assert _agenda(page) == _agenda(cli)
    assert _agenda(page).count('<section class="topic">') == 3


def _cli_ticket_total(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[str, str]:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKERBOT_DATABASE_URL", database_url)
    out = tmp_path / "tickets.csv"
    argv = ["report", "tickets", "--from", "2026-03-01", "--to", "2026-03-31", "--lang", "en"]
    assert main([*argv, "--format", "csv", "--output", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    return next(row for row in rows if row["section"] == "Total")


async def test_the_glance_has_the_ticket_reports_figures(
    served: Served, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    total = await asyncio.to_thread(_cli_ticket_total, database_url, tmp_path, monkeypatch)
    browser = await served.browser("管理员")
    try:
        status, glance = await browser.get(f"/reports/glance?{MARCH}&lang=en")
    finally:
        await browser.client.close()
    assert status == 200
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)", glance))
    assert figures["New tickets"] == total["opened"] == "5"
    assert figures["Resolved"] == total["resolved"]
    assert figures["Escalations"] == total["escalations"]
    assert figures["Mean satisfaction"] == total["avg satisfaction"]
    assert figures["Median first response"] == f"{total['median 1st response (h)']} h"
