"""The web chat in a real browser: headless Chromium (Debian's package) driven by Playwright.

A worker opens /chat, asks the mutual-aid fee question and reads the answer, files a
grievance with a photo through the buttons, sees the recovery code, and reads an officer's
reply that arrives on the open page without a reload; then, in a second browser (other
cookies), the recovery code brings back the same conversation and tickets. One browser
for the module; on a failure a screenshot of the page is saved and its path given.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright

from tests.webchat.stage import JPEG, Stage, web_chat_stage

CHROMIUM = shutil.which("chromium")
WAIT = 15_000
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    if CHROMIUM is None:
        if os.environ.get("CI") == "true":
            pytest.fail("Chromium is not installed; .ci/test installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium chromium-driver)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        try:
            yield browser
        finally:
            await browser.close()


async def _shows(page: Page, text: str) -> None:
    await page.locator("#log li", has_text=text).last.wait_for(timeout=WAIT)


async def _press(page: Page, label: str) -> None:
    button = page.locator("#log").get_by_role("button", name=label).last
    await button.wait_for(timeout=WAIT)
    await button.click()


async def _say(page: Page, text: str) -> None:
    await page.get_by_label("输入消息").fill(text)
    await page.get_by_role("button", name="发送", exact=True).click()


async def _worker_files_and_reads_the_reply(stage: Stage, browser: Browser) -> None:
    phone = await browser.new_context(locale="zh-CN")
    page = await phone.new_page()
    await page.goto(stage.base + "/chat")
    await _say(page, "医疗互助保障每年交多少钱？")
    await _shows(page, "50 元")
    # Large tap targets: every button on the page is at least 44 CSS pixels high.
    heights = await page.locator("button").evaluate_all(
        "buttons => buttons.filter(b => b.offsetParent).map(b => b.getBoundingClientRect().height)"
    )
    assert heights
    assert min(heights) >= 44

    await _say(page, "/start")
    await _press(page, "反映问题")
    await _press(page, "其他问题")
    await _shows(page, "请")
    await _say(page, "工地宿舍的热水器漏电")
    await _press(page, "不方便透露")
    await page.get_by_label("附上照片").set_input_files(
        {"name": "heater.jpg", "mimeType": "image/jpeg", "buffer": JPEG}
    )
    await page.get_by_role("button", name="发送照片").click()
    await page.locator("#log li.me img").wait_for(timeout=WAIT)
    # The bot's answer to the photo, with its own "done" button, before pressing it.
    await page.locator("#log li.me:has(img) ~ li.bot").last.wait_for(timeout=WAIT)
    await _press(page, "完成")
    await _press(page, "实名提交")
    await _press(page, "确认提交")
    await _shows(page, "GR-")
    code_box = page.locator("#code .code-value")
    await code_box.wait_for(timeout=WAIT)
    code = (await code_box.inner_text()).strip()
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    reference = (await stage.tickets())[0].reference
    assert reference is not None

    # The officer answers; the open page shows it without a reload.
    await stage.officer_acts(reference, "claim")
    await stage.officer_acts(reference, "reply", "明天派电工检查热水器")
    await _shows(page, "明天派电工检查热水器")
    await phone.close()

    # Another browser: nothing of that conversation, until the recovery code.
    laptop = await browser.new_context(locale="zh-CN")
    other = await laptop.new_page()
    await other.goto(stage.base + "/chat")
    assert "明天派电工" not in await other.locator("#log").inner_text()
    await other.get_by_text("恢复对话").click()
    await other.get_by_label("恢复码").fill(code.lower().replace("-", " "))
    await other.get_by_role("button", name="继续我的对话").click()
    await other.wait_for_url("**/chat?recovered=1", timeout=WAIT)
    assert "明天派电工检查热水器" in await other.locator("#log").inner_text()
    await _say(other, "/tickets")
    await _shows(other, reference)
    await laptop.close()


async def test_a_worker_on_a_phone_browser_files_and_continues_elsewhere(
    chat_database: str, chromium: Browser, tmp_path: Path
) -> None:
    async with web_chat_stage(chat_database) as stage:
        try:
            await _worker_files_and_reads_the_reply(stage, chromium)
        except Exception as exc:
            for number, context in enumerate(chromium.contexts):
                for page in context.pages:
                    shot = tmp_path / f"chat-failure-{number}.png"
                    await page.screenshot(path=str(shot), full_page=True)
                    exc.add_note(f"screenshot of the page: {shot}")
            raise
