"""Signing in to the console: one-time links, sessions, logout, deactivation, headers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from db.models import LoginLink, WebSession
from handlers import admin, signin
from tests.web.conftest import Console, issue_link, officer_id


async def test_health_and_security_headers(console: Console) -> None:
    browser = await console.browser()
    response = await browser.client.get("/healthz")
    assert response.status == 200
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_a_link_signs_in_once_and_a_used_one_says_so(console: Console) -> None:
    officer = await officer_id(console.chat.sessionmaker, "Officer One")
    token = await issue_link(console.chat.sessionmaker, officer, console.chat.now)
    browser = await console.browser()
    response = await browser.client.get(signin.LINK_PATH + token, allow_redirects=False)
    assert response.status == 303
    assert response.headers["Location"] == "/"
    cookie = response.cookies["workerbot_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    status, inbox = await browser.get("/")
    assert status == 200
    assert "Officer One" in inbox

    other = await console.browser()
    status, page = await other.get(signin.LINK_PATH + token)
    assert status == 400
    assert "已被使用过" in page
    assert "/web" in page  # how to get a new link
    assert (await other.get("/"))[0] == 401
    async with console.chat.sessionmaker() as session:
        stored = (await session.scalars(select(LoginLink.token_hash))).all()
    assert token not in stored  # only hashes are kept


async def test_expired_and_forged_links_say_which(console: Console) -> None:
    officer = await officer_id(console.chat.sessionmaker, "Officer One")
    token = await issue_link(console.chat.sessionmaker, officer, console.chat.now)
    console.chat.now += signin.LINK_VALID_FOR + timedelta(seconds=1)
    browser = await console.browser()
    status, page = await browser.get(signin.LINK_PATH + token, headers={"Accept-Language": "en"})
    assert status == 400
    assert "has expired" in page
    forged = ("y" if token[0] == "x" else "x") + token[1:]
    status, page = await browser.get(signin.LINK_PATH + forged + "?lang=en")
    assert status == 400
    assert "not valid" in page
    assert (await browser.get("/"))[0] == 401


async def test_failed_links_from_one_address_are_throttled(console: Console) -> None:
    officer = await officer_id(console.chat.sessionmaker, "Officer One")
    browser = await console.browser()
    for attempt in range(signin.MAX_FAILURES):
        status, _ = await browser.get(f"{signin.LINK_PATH}guess{attempt}")
        assert status == 400
    good = await issue_link(console.chat.sessionmaker, officer, console.chat.now)
    status, page = await browser.get(signin.LINK_PATH + good)
    assert status == 429
    assert "15 分钟后再试" in page
    console.chat.now += signin.FAILURE_WINDOW
    fresh = await issue_link(console.chat.sessionmaker, officer, console.chat.now)
    status, _ = await browser.get(signin.LINK_PATH + fresh)
    assert status == 200


async def test_a_link_preview_does_not_use_up_the_link(console: Console) -> None:
    officer = await officer_id(console.chat.sessionmaker, "Officer One")
    token = await issue_link(console.chat.sessionmaker, officer, console.chat.now)
    browser = await console.browser()
    preview = {"User-Agent": "TelegramBot (like TwitterBot)"}
    status, _ = await browser.get(signin.LINK_PATH + token, headers=preview)
    assert status == 200
    assert (await browser.get("/"))[0] == 401
    status, inbox = await browser.get(signin.LINK_PATH + token)
    assert status == 200
    assert "Officer One" in inbox


async def test_logout_idle_time_and_deactivation_end_sessions(console: Console) -> None:
    chat = console.chat
    officer = await officer_id(chat.sessionmaker, "Officer One")
    browser = await console.browser()
    await browser.sign_in(officer)
    status, page = await browser.post("/logout", {"csrf": browser.csrf})
    assert status == 200
    assert "已退出登录" in page
    assert (await browser.get("/"))[0] == 401

    await browser.sign_in(officer)
    chat.now += timedelta(minutes=119)
    assert (await browser.get("/"))[0] == 200  # a request keeps the session alive
    chat.now += timedelta(minutes=100)
    # An open page refreshing itself does not keep the session alive.
    assert (await browser.get("/", headers={"HX-Request": "true"}))[0] == 200
    chat.now += timedelta(minutes=21)
    assert (await browser.get("/"))[0] == 401

    await browser.sign_in(officer)
    async with chat.sessionmaker() as session, session.begin():
        await admin.deactivate_officer(session, officer)
    assert (await browser.get("/"))[0] == 401
    async with chat.sessionmaker() as session:
        assert (await session.scalars(select(WebSession))).all() == []
    async with chat.sessionmaker() as session, session.begin():
        await admin.activate_officer(session, officer, now=chat.now)
    assert (await browser.get("/"))[0] == 401  # reactivation does not revive a session


async def test_the_bot_sends_an_officer_a_link_with_web(console: Console) -> None:
    messages = await console.chat.send("officer", "/web")
    (message,) = [m for m in messages if m.chat_id == "officer"]
    url = message.text.rsplit("\n", 1)[-1]
    assert url.startswith("http://console.test/signin/")
    browser = await console.browser()
    status, inbox = await browser.get(url.removeprefix("http://console.test"))
    assert status == 200
    assert "Officer One" in inbox
    assert "workerbot_session" not in inbox


async def test_a_worker_gets_no_link(console: Console) -> None:
    messages = await console.chat.send("w", "/web")
    assert "signin" not in messages[0].text
