"""The console in a real browser: headless Chromium (Debian's package) driven by Playwright.

A worker files a grievance through the chat flow; an officer signs in through a one-time
link, finds the ticket by searching the inbox, opens it and replies; the worker's outbox
then holds the reply. Another officer merges a duplicate and resolves a collective case;
each worker's outbox then holds what they were told, about their own ticket only. On a
failure a screenshot of the page is saved and its path given.
The test command installs Chromium when it is missing; under CI it always runs.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import BrowserContext, Page, async_playwright
from sqlalchemy import select

from db.models import OutboxMessage
from handlers import signin
from handlers.messages import Outgoing
from tests.web.conftest import Console, file_grievance, issue_link, officer_id

# Debian's package puts it at /usr/bin/chromium.
CHROMIUM = shutil.which("chromium")
# Pages poll every LIVE_SECONDS; a busy machine gets some slack.
LIVE_WAIT = 15_000
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
async def chromium(tmp_path: Path) -> AsyncIterator[BrowserContext]:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed; .ci/test installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    async with async_playwright() as playwright:
        context = await playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a new, empty profile
            executable_path=CHROMIUM,
            headless=True,
            args=FLAGS,
            locale="zh-CN",
        )
        try:
            yield context
        finally:
            await context.close()


async def _worker_outbox(console: Console, chat_id: str) -> str:
    async with console.chat.sessionmaker() as session:
        payloads = (
            await session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.chat_id == chat_id)
            )
        ).all()
    return "\n".join(Outgoing.from_json(p).text for p in payloads)


async def _officer_replies(console: Console, page: Page) -> None:
    chat = console.chat
    await file_grievance(chat, "w", "仓库里的叉车刹车失灵了", anonymous=True)
    await file_grievance(chat, "w2", "食堂排队太久", anonymous=False)
    officer = await officer_id(chat.sessionmaker, "Officer One")
    token = await issue_link(chat.sessionmaker, officer, chat.now)
    base = str(console.server.make_url("")).rstrip("/")

    await page.goto(base + signin.LINK_PATH + token)
    assert page.url == base + "/"
    await page.get_by_role("searchbox").fill("叉车")
    await page.get_by_role("button", name="筛选").click()
    rows = page.locator("table.tickets tbody tr")
    assert await rows.count() == 1
    await rows.first.get_by_role("link").click()
    assert "/tickets/GR-" in page.url
    await page.locator("#text-reply").fill("已通知安全员检查叉车，请暂停使用")
    await page.locator("form.act-reply button").click()
    await page.wait_for_selector("p.notice.done")
    assert "回复已转达给职工" in await page.locator("p.notice.done").inner_text()
    assert "已通知安全员检查叉车" in await page.locator("ol.thread").inner_text()
    assert "已通知安全员检查叉车，请暂停使用" in await _worker_outbox(console, "w")
    assert "已通知安全员检查叉车" not in await _worker_outbox(console, "w2")

    # Live: the worker's answer appears on the open ticket page without a reload ...
    await chat.new_messages()
    await chat.press("w", "回复")
    await chat.send("w", "二号仓库的那台")
    await page.locator("ol.thread", has_text="二号仓库的那台").wait_for(timeout=LIVE_WAIT)
    # ... and a new ticket on the open inbox.
    await page.goto(base + "/")
    third = await file_grievance(chat, "w3", "消防通道被货物堵住", anonymous=False)
    await page.get_by_role("link", name=third.reference or "?").wait_for(timeout=LIVE_WAIT)


async def test_an_officer_signs_in_finds_the_ticket_and_replies(
    console: Console, chromium: BrowserContext, tmp_path: Path
) -> None:
    page = await chromium.new_page()
    try:
        await _officer_replies(console, page)
    except Exception as exc:
        shot = tmp_path / "console-failure.png"
        await page.screenshot(path=str(shot), full_page=True)
        exc.add_note(f"screenshot of the page: {shot}")
        raise


async def _officer_merges_and_resolves_a_case(console: Console, page: Page) -> None:
    chat = console.chat
    first = await file_grievance(chat, "w", "厂区路灯坏了", anonymous=False)
    again = await file_grievance(chat, "w", "厂区路灯还是坏的", anonymous=False)
    dark = await file_grievance(chat, "anon", "晚上厂区太黑", anonymous=True)
    officer = await officer_id(chat.sessionmaker, "Officer One")
    token = await issue_link(chat.sessionmaker, officer, chat.now)
    base = str(console.server.make_url("")).rstrip("/")
    await page.goto(base + signin.LINK_PATH + token)

    # The duplicate goes into the first ticket; its worker is sent there.
    await page.goto(f"{base}/tickets/{again.ref}")
    await page.locator("#text-merge").fill(first.ref)
    await page.locator("form.act-merge button").click()
    await page.wait_for_selector("p.notice.done")
    assert "已作为重复工单合并并关闭" in await page.locator("p.notice.done").inner_text()
    assert f"以后请在 {first.ref} 中查看进度" in await _worker_outbox(console, "w")

    # A case from the first ticket, with the anonymous worker's ticket added, resolved once.
    await page.goto(f"{base}/tickets/{first.ref}")
    await page.locator("#case-title").fill("厂区照明")
    await page.locator("form.act-case button").click()
    await page.wait_for_selector("p.notice.done")
    assert "集体案件已建立" in await page.locator("p.notice.done").inner_text()
    await page.locator("#case-add").fill(dark.ref)
    await page.locator("form.act-add button").click()
    await page.locator("table.case-tickets", has_text=dark.ref).wait_for()
    await page.locator("#case-resolve").fill("已更换全部路灯")
    await page.locator("form.act-resolve button").click()
    await page.locator("p.notice.done", has_text="结果已发给 2 名职工").wait_for()
    named, anonymous = await _worker_outbox(console, "w"), await _worker_outbox(console, "anon")
    assert "已更换全部路灯" in named
    assert "已更换全部路灯" in anonymous
    assert dark.ref in anonymous
    for other in (first.ref, again.ref):
        assert other not in anonymous
    assert dark.ref not in named


async def test_an_officer_merges_a_duplicate_and_resolves_a_collective_case(
    console: Console, chromium: BrowserContext, tmp_path: Path
) -> None:
    page = await chromium.new_page()
    try:
        await _officer_merges_and_resolves_a_case(console, page)
    except Exception as exc:
        shot = tmp_path / "console-case-failure.png"
        await page.screenshot(path=str(shot), full_page=True)
        exc.add_note(f"screenshot of the page: {shot}")
        raise
