"""`workerbot run --web`: the console served from the running bot's process. A reply typed
in the browser reaches the worker in (fake) Telegram through the bot's own delivery, which
the console wakes when it commits."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import aiohttp

from bot.web.server import beside
from handlers import signin
from tests.fake_telegram import FakeTelegram
from tests.telegram.test_end_to_end import (
    Stage,
    add_officer,
    file_grievance_up_to_photos,
    fresh_database_url,
)

__all__ = ["fresh_database_url"]  # the fixture, shared


async def test_a_reply_from_the_console_reaches_the_worker_in_telegram(
    tg: FakeTelegram, fresh_database_url: str
) -> None:
    stage = Stage(tg, fresh_database_url, "aiogram", "polling")
    worker = tg.user("Sanfeng", language_code="zh-hans")
    officer = tg.user("Wang", language_code="zh-hans", started=True)
    async with stage.running() as bot:
        await add_officer(stage, bot, officer)
        await stage.says(worker, "/start")
        await file_grievance_up_to_photos(stage, worker)
        await stage.press(worker, "f:skip")  # the optional location field
        await stage.press(worker, "f:skip")  # where
        await stage.press(worker, "f:done")  # no photos
        await stage.press(worker, "f:anon:0")
        await stage.press(worker, "f:ok")
        card = await stage.sees(officer.id, lambda m: "GR-" in m.get("text", ""), "the card")
        reference = re.findall(r"GR-\d{4}-\d+", card["text"])[0]

        console = beside(bot.app, "127.0.0.1:0")
        await console.start()
        try:
            async with bot.app.sessionmaker() as session, session.begin():
                token = await signin.issue_link(session, 1, datetime.now(UTC))
            # unsafe: keep cookies for an IP address, as browsers do.
            jar = aiohttp.CookieJar(unsafe=True)
            async with aiohttp.ClientSession(cookie_jar=jar) as browser:
                async with browser.get(console.url + signin.LINK_PATH + token) as response:
                    assert response.status == 200
                async with browser.get(f"{console.url}/tickets/{reference}") as response:
                    page = await response.text()
                csrf = re.search(r'name="csrf" value="([^"]+)"', page)
                seen = re.search(r'id="seen-reply" value="([^"]+)"', page)
                assert csrf is not None
                assert seen is not None
                form = {"csrf": csrf.group(1), "seen": seen.group(1), "text": "路灯明天修"}
                async with browser.post(
                    f"{console.url}/tickets/{reference}/reply", data=form
                ) as response:
                    assert response.status == 200
            await stage.sees(worker.id, lambda m: "路灯明天修" in m.get("text", ""), "the reply")
        finally:
            await console.stop()
