"""The council agenda: grievances grouped into topics by what they say, with no worker's
identity and no unit named on fewer than three grievances of a topic."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import main
from bot.commands.report import text_lines
from bot.report_html import council_body, document
from db.models import Person
from handlers import SAMPLE_ROUTING_PATH
from handlers.reports import common as reports
from handlers.reports import council
from handlers.routing import apply_routing, load_routing
from handlers.tickets import service
from tests.reports.scenario import ZONE, fill_database

Q2 = reports.make_period(None, None, default=(date(2026, 4, 1), date(2026, 6, 30)), zone=ZONE)
# name, Telegram id, unit, summary, month (of 2026; 1-3 is the previous quarter)
GRIEVANCES = (
    ("王五", "7001", "acme-logistics", "3号门的路灯坏了，我是王五，电话13912345678", 4),
    ("赵六", "7002", "acme-logistics", "3号门路灯坏了好几天了 zhao6@example.com", 4),
    ("孙七", "7003", "acme-logistics", "@sunqi_tg 3号门那边路灯坏了，晚上很危险", 5),
    ("周八", "7004", "riverside-textiles", "王五说的3号门路灯坏了，我们厂门口路灯也坏了", 5),
    ("周八", "7004", "riverside-textiles", "食堂饭菜太贵了", 5),
    ("吴九", "7005", "riverside-textiles", "食堂的饭太贵了，身份证110101199003071234", 6),
    ("郑十", "7006", "swift-delivery", "骑手工资拖欠两个月", 6),
    ("王五", "7001", "acme-logistics", "3号门路灯又坏了", 2),
)
SECRETS = (
    "王五", "赵六", "孙七", "周八", "吴九", "郑十",
    "7001", "7002", "7003", "7004", "7005", "7006",
    "13912345678", "zhao6@example.com", "sunqi_tg", "110101199003071234",
)  # fmt: skip


async def populate(session: AsyncSession) -> None:
    routing = load_routing(SAMPLE_ROUTING_PATH)
    await apply_routing(session, routing)
    people: dict[str, Person] = {}
    for name, user_id, unit, summary, month in GRIEVANCES:
        at = datetime(2026, month, 10, 2, 0, tzinfo=UTC)
        if name not in people:
            people[name] = Person(
                platform="telegram",
                platform_user_id=user_id,
                chat_id=user_id,
                display_name=name,
                language="zh-CN",
                created_at=at,
                last_seen_at=at,
            )
            session.add(people[name])
            await session.flush()
        await service.open_ticket(
            session,
            worker=people[name],
            kind="grievance",
            category="facilities",
            summary=summary,
            fields={},
            anonymous=False,
            unit_key=unit,
            workplace=None,
            language="zh-CN",
            now=at,
            routing=routing,
        )
    await session.commit()


async def test_grievances_alike_form_one_topic_across_units(session: AsyncSession) -> None:
    await populate(session)
    report = await council.council_report(session, Q2, None, ZONE)
    assert [
        (t.grievances, t.workers, [u.key for u in t.units], t.other_units, t.previous)
        for t in report.topics
    ] == [
        (4, 4, ["acme-logistics"], 1, 1),  # the street light, also raised in February
        (2, 2, [], 2, 0),  # the canteen: riverside has two, too few to be named
        (1, 1, [], 1, 0),  # wages
    ]
    light = report.topics[0]
    assert light.change == 3
    assert len(light.examples) == 3
    assert all("路灯" in example for example in light.examples)
    assert report.previous_period.first_day == date(2025, 12, 31)


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_the_document_names_no_worker_and_no_small_unit(
    session: AsyncSession, lang: str
) -> None:
    await populate(session)
    report = await council.council_report(session, Q2, None, ZONE)
    labelled = council.label_council(report, lang)
    html = document(labelled.title, council_body(report, labelled, lang, "2026-07-01"), lang)
    text = "\n".join(text_lines(labelled))
    cells = "\n".join(",".join(row) for row in [labelled.csv_header, *labelled.csv_rows])
    for shown in (html, text, cells):
        assert "顺达物流有限公司工会" in shown
        assert "河畔纺织厂工会" not in shown
        for secret in SECRETS:
            assert secret not in shown
    assert "3号门的路灯坏了，我是***，电话***" in html


async def test_an_empty_period_says_so(session: AsyncSession) -> None:
    await populate(session)
    quiet = reports.make_period(
        None, None, default=(date(2025, 1, 1), date(2025, 3, 31)), zone=ZONE
    )
    labelled = council.label_council(
        await council.council_report(session, quiet, None, ZONE), "en"
    )
    assert labelled.empty == "No grievance was raised from 2025-01-01 to 2025-03-31."


def test_cli_writes_a_printable_document(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    asyncio.run(fill_database(database_url, populate))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKERBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("WORKERBOT_TIMEZONE", "Asia/Shanghai")
    out = tmp_path / "agenda.html"
    args = ["report", "council", "--from", "2026-04-01", "--to", "2026-06-30"]
    assert main([*args, "--format", "html", "--output", str(out)]) == 0
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    assert "@page { size: A4" in html
    assert "议题 1：" in html
    # Self-contained: nothing is fetched, nothing runs.
    assert "<script" not in html
    assert "src=" not in html
    assert "<link" not in html
    for secret in SECRETS:
        assert secret not in html
    assert main([*args, "--format", "csv", "--output", str(out)]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert [row[3] for row in rows[1:]] == ["4", "2", "1"]
