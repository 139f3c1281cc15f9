"""The admins' outreach pages: announcements written and followed in headless Chromium
(the progress refreshes itself), a survey's results drawn as charts once three have
answered (and held back before), survey building and sending through the forms,
retention's next purges, and officers who are not admins kept out."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from pathlib import Path

from playwright.async_api import BrowserContext, Page
from sqlalchemy import select

from db.models import OutboxMessage, Ticket, TicketStatus
from db.repositories import outbox
from handlers import announcements, signin
from tests.flows.test_surveys import SECRET, answer_all, send_survey
from tests.web.conftest import Browser, Console, file_grievance, issue_link, officer_id
from tests.web.test_browser import LIVE_WAIT, chromium

__all__ = ["chromium"]


async def _signed_in_page(console: Console, page: Page, name: str = "Admin") -> str:
    chat = console.chat
    token = await issue_link(
        chat.sessionmaker, await officer_id(chat.sessionmaker, name), chat.now
    )
    base = str(console.server.make_url("")).rstrip("/")
    await page.goto(base + signin.LINK_PATH + token)
    return base


async def _admin(console: Console) -> Browser:
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Admin"))
    return browser


async def _screenshot_on_failure(page: Page, tmp_path: Path, exc: BaseException) -> None:
    shot = tmp_path / "outreach-failure.png"
    await page.screenshot(path=str(shot), full_page=True)
    exc.add_note(f"screenshot of the page: {shot}")


async def test_an_announcement_is_written_sent_and_followed(
    console: Console, chromium: BrowserContext, tmp_path: Path
) -> None:
    chat = console.chat
    for worker in ("w1", "w2", "w3"):
        await chat.send(worker, "/start")
    page = await chromium.new_page()
    try:
        base = await _signed_in_page(console, page)
        await page.get_by_role("link", name="群发通知").click()
        assert page.url == base + "/announcements"
        await page.locator("#announce-text").fill("互助保障 <报名> 开始了")
        await page.locator("input[name=label1]").fill("报名入口")
        await page.locator("input[name=url1]").fill("https://example.org/enrol")
        await page.get_by_role("button", name="发送", exact=True).click()
        row = page.locator("#progress tbody tr").first
        assert "互助保障 <报名> 开始了" in await row.inner_text()
        assert "待发送" in await row.inner_text()

        # The bot starts it, hands two of three to delivery, which sends them: the open
        # page follows.
        async with chat.sessionmaker() as session, session.begin():
            await announcements.start_due(session, chat.now)
            await announcements.feed(session, chat.now, 2)
        async with chat.sessionmaker() as session, session.begin():
            rows = list(
                await session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.priority == announcements.BULK_PRIORITY
                    )
                )
            )
            for sent in rows[:2]:
                await outbox.mark_sent(session, sent.id, "1", chat.now)
        await page.locator("#progress", has_text="已发送 2 · 待发送 1").wait_for(timeout=LIVE_WAIT)
        assert await page.locator("#progress progress").get_attribute("value") == "2"
        await page.locator("#progress").get_by_role("button", name="暂停").click()
        assert "已暂停" in await page.locator("#progress tbody tr").first.inner_text()
        await page.locator("#progress").get_by_role("button", name="取消").click()
        assert "已取消" in await page.locator("#progress tbody tr").first.inner_text()
    except Exception as exc:
        await _screenshot_on_failure(page, tmp_path, exc)
        raise
    # The link button went out with it, to the workers.
    async with chat.sessionmaker() as session:
        payloads = list(await session.scalars(select(OutboxMessage.payload)))
    assert any("https://example.org/enrol" in p for p in payloads)


async def test_survey_results_are_drawn_as_charts(
    console: Console, chromium: BrowserContext, tmp_path: Path
) -> None:
    chat = console.chat
    survey_id = await send_survey(chat, ("w1", "w2", "w3", "w4"))
    for worker in ("w1", "w2", "w3"):
        await answer_all(chat, worker)
    await chat.press("w4", "填写问卷")
    await chat.press("w4", "每天")
    page = await chromium.new_page()
    try:
        base = await _signed_in_page(console, page)
        await page.goto(f"{base}/surveys")
        await page.get_by_role("link", name="食堂满意度调查").click()
        assert await page.locator("dd.responses").inner_text() == "3"
        bars = page.locator('svg[data-chart="question-1"] .mark')
        drawn = {
            (await bar.get_attribute("data-label"), await bar.get_attribute("data-value"))
            for bar in await bars.all()
        }
        # A bar for each answer given (none is drawn for a count of 0), every option named.
        assert drawn == {("每周几次", "3")}
        axis = await page.locator('svg[data-chart="question-1"]').text_content() or ""
        assert all(option in axis for option in ("每天", "每周几次", "很少"))
        assert await page.locator('svg[data-chart="question-3"]').is_visible()
        assert "平均分 4.00" in await page.locator("#result-3").inner_text()
        groups = page.locator("#result-4 ol.text-groups > li")
        assert await groups.count() == 1
        assert SECRET in await groups.first.inner_text()
        assert "×3" in await groups.first.inner_text()
    except Exception as exc:
        await _screenshot_on_failure(page, tmp_path, exc)
        raise
    browser = await _admin(console)
    status, body = await browser.get(f"/surveys/{survey_id}/results.csv")
    assert status == 200
    rows = list(csv.reader(io.StringIO(body.removeprefix("\ufeff"))))
    assert rows[0] == ["question", "kind", "text", "answer", "count", "group"]
    assert ["1", "single", "您多久在食堂吃一次饭？", "每周几次", "3", ""] in rows


async def test_survey_results_wait_for_three_answers(
    console: Console, chromium: BrowserContext, tmp_path: Path
) -> None:
    chat = console.chat
    survey_id = await send_survey(chat)
    for worker in ("w1", "w2"):
        await answer_all(chat, worker)
    withheld = "已有 2 人填写；满 3 人后才显示结果，以免认出个人。"
    page = await chromium.new_page()
    try:
        base = await _signed_in_page(console, page)
        await page.goto(f"{base}/surveys/{survey_id}")
        assert await page.locator("dd.responses").inner_text() == "2"
        shown = await page.locator("main").inner_text()
        assert withheld in shown
        # No question's results: no chart, no count, no mean, no free text, no CSV link.
        assert await page.locator("svg[data-chart]").count() == 0
        assert await page.locator(".question-result").count() == 0
        assert await page.get_by_role("link", name="CSV").count() == 0
        assert "平均分" not in shown
        assert SECRET not in await page.content()
    except Exception as exc:
        await _screenshot_on_failure(page, tmp_path, exc)
        raise
    browser = await _admin(console)
    status, body = await browser.get(f"/surveys/{survey_id}/results.csv")
    assert status == 409
    assert withheld in body
    assert "question,kind" not in body
    assert SECRET not in body

    await answer_all(chat, "w3")
    try:
        await page.reload()
        assert await page.locator("dd.responses").inner_text() == "3"
        assert withheld not in await page.locator("main").inner_text()
        assert await page.locator('svg[data-chart="question-1"]').is_visible()
        assert SECRET in await page.locator("#result-4").inner_text()
    except Exception as exc:
        await _screenshot_on_failure(page, tmp_path, exc)
        raise
    status, body = await browser.get(f"/surveys/{survey_id}/results.csv")
    assert status == 200
    assert SECRET in body


async def test_a_survey_is_built_and_sent_from_the_forms(console: Console) -> None:
    chat = console.chat
    await chat.send("w1", "/start")
    browser = await _admin(console)
    form = {
        "csrf": browser.csrf,
        "title": "停车场调查",
        "intro": "关于停车场照明。",
        "closes": "2026-03-20T18:00",
        "q1_kind": "single",
        "q1_text": "您晚上用停车场吗？",
        "q1_options": "用\n不用\n",
        "q2_kind": "text",
        "q2_text": "",
    }
    status, body = await browser.post("/surveys", {**form, "q1_options": "只有一个"})
    assert status == 400
    assert "question 1: a single question needs 2-8 options" in body
    assert "停车场调查" in body  # what was typed is kept
    status, body = await browser.post("/surveys", form)
    assert status == 200
    assert "<h1>停车场调查" in body
    status, body = await browser.post("/surveys/1/send", {"csrf": browser.csrf, "at": ""})
    assert status == 200
    assert "收集中" in body
    async with chat.sessionmaker() as session, session.begin():
        await announcements.start_due(session, chat.now)
        await announcements.feed(session, chat.now, 10)
    await chat.new_messages()
    await chat.press("w1", "填写问卷")
    await chat.press("w1", "不用")
    status, body = await browser.get("/surveys/1")
    assert '<dd class="responses">1</dd>' in body
    assert "已有 1 人填写；满 3 人后才显示结果" in body
    status, body = await browser.post("/surveys/1/close", {"csrf": browser.csrf})
    assert "已截止" in body


async def test_retention_lists_what_goes_next(console: Console) -> None:
    chat = console.chat
    ticket = await file_grievance(chat, "w", "路灯坏了", anonymous=False)
    async with chat.sessionmaker() as session, session.begin():
        found = await session.get(Ticket, ticket.id)
        assert found is not None
        found.status = TicketStatus.CLOSED
        found.closed_at = chat.now - timedelta(days=10)
    browser = await _admin(console)
    status, body = await browser.get("/retention")
    assert status == 200
    assert ticket.reference is not None
    assert ticket.reference in body
    # Closed on 2026-02-28, kept 365 days.
    assert "2027-02-28" in body


async def test_officers_who_are_not_admins_are_kept_out(console: Console) -> None:
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Officer One"))
    for path in ("/announcements", "/surveys", "/surveys/1", "/retention"):
        status, _ = await browser.get(path)
        assert status == 404, path
    status, _ = await browser.post("/announcements", {"csrf": browser.csrf, "text": "x"})
    assert status == 404
    async with console.chat.sessionmaker() as session:
        assert (await announcements.list_all(session)) == []


async def test_bad_announcements_are_refused_with_the_text_kept(console: Console) -> None:
    browser = await _admin(console)
    status, body = await browser.post(
        "/announcements",
        {"csrf": browser.csrf, "text": "报名开始", "label1": "入口", "url1": "http://a.b"},
    )
    assert status == 400
    assert "a link must be an https URL" in body
    assert "报名开始</textarea>" in body
    status, body = await browser.post(
        "/announcements", {"csrf": browser.csrf, "text": "报名开始", "at": "明天"}
    )
    assert (status, "is not a time" in body) == (400, True)
