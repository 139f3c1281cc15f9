"""The whole bot with the web chat as its messenger, served on 127.0.0.1, for tests.

`web_chat_stage` builds what `workerbot web` runs (core, delivery, scheduler, console and
/chat) on the test's database, adds an officer for every queue, and gives `Worker`s: each
is one browser (its own cookies) speaking HTTP to the page, its forms and event stream.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
from sqlalchemy import select

from bot.app import App, build_app
from bot.runner import Runner
from bot.settings import Settings
from bot.transports.web import PLATFORM, WebChat
from bot.web.server import ConsoleServer, beside
from db.models import Officer, Ticket
from handlers import admin
from handlers.core import officer_work
from handlers.messages import Incoming
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor

OFFICER_NAME = "Officer"
# A 1x1 JPEG as a phone would send it: with an EXIF segment saying where it was taken.
PIXELS = base64.b64decode(
    "/9j/4AAQSkZJRgABAQEASABIAAD/2wBDAP////////////////////////////////////////////////////"
    "//////////////////////////////////wgALCAABAAEBAREA/8QAFBABAAAAAAAAAAAAAAAAAAAAAP/aAAgBAQ"
    "ABPxA="
)
_EXIF = b"Exif\x00\x00GPS 31.2304N 121.4737E"
JPEG = PIXELS[:2] + b"\xff\xe1" + (len(_EXIF) + 2).to_bytes(2, "big") + _EXIF + PIXELS[2:]


@dataclass
class Stage:
    app: App
    chat: WebChat
    server: ConsoleServer
    officer_id: int

    @property
    def base(self) -> str:
        return self.server.url

    async def officer_acts(self, reference: str, verb: str, text: str = "") -> None:
        await officer_acts(self.app, reference, verb, text)

    async def tickets(self) -> list[Ticket]:
        async with self.app.sessionmaker() as session:
            return list((await session.scalars(select(Ticket).order_by(Ticket.id))).all())


async def officer_acts(app: App, reference: str, verb: str, text: str = "") -> None:
    """The queue's officer claims or works the ticket, as the console does."""
    async with app.sessionmaker() as session, session.begin():
        officer = await session.scalar(select(Officer).where(Officer.name == OFFICER_NAME))
        assert officer is not None
        actor = OfficerActor(officer_id=officer.id, via="console")
        ticket = await service.get_ticket(session, actor, reference)
        desk = officer_work.Desk(
            session=session,
            officer=officer,
            now=datetime.now(UTC),
            zone=ZoneInfo("Asia/Shanghai"),
            group_lang="zh-CN",
        )
        if verb == "claim":
            changed = await officer_work.claim(desk, actor, ticket.id)
        else:
            changed = await officer_work.change(desk, actor, verb, ticket.id, text, None)
        await officer_work.tell(desk, changed, verb, text)
    app.delivery.wake()


async def add_officer(app: App) -> int:
    """An officer of every queue (on the terminal, where nothing is delivered here)."""
    async with app.sessionmaker() as session, session.begin():
        keys = [q.key for q in app.routing.queues] + ["default"]
        officer, _ = await admin.add_officer(
            session,
            name=OFFICER_NAME,
            queue_keys=keys,
            platform="terminal",
            platform_user_id="officer",
            now=datetime.now(UTC),
        )
        return officer.id


@asynccontextmanager
async def web_chat_stage(database_url: str, **values: Any) -> AsyncIterator[Stage]:
    settings = Settings(_env_file=None, database_url=database_url, **values)
    app: App | None = None

    async def handle(incoming: Incoming) -> bool:
        assert app is not None
        return await app.handle(incoming)

    chat = WebChat(handle)
    app = await build_app(settings, {PLATFORM: chat}, per_chat_interval=0.0)
    chat.bind(app.sessionmaker)
    officer_id = await add_officer(app)
    runner = Runner(app, [chat])
    server = beside(app, "127.0.0.1:0", chat)
    await runner.start()
    await server.start()
    try:
        yield Stage(app, chat, server, officer_id)
    finally:
        await chat.stop()
        await server.stop()
        await runner.stop()


_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_EVENT = re.compile(r"event: (\w+)\nid: (\d+)\n((?:data: .*\n)*)")


class Worker:
    """One phone browser on the web chat: cookies of its own, HTTP like the page's script."""

    def __init__(self, stage: Stage) -> None:
        self.stage = stage
        self.http = aiohttp.ClientSession(
            base_url=stage.base, cookie_jar=aiohttp.CookieJar(unsafe=True)
        )
        self.csrf = ""
        self.last = 0
        self.page = ""

    async def close(self) -> None:
        await self.http.close()

    async def open(self, query: str = "") -> str:
        async with self.http.get("/chat" + query) as response:
            assert response.status == 200, await response.text()
            self.page = await response.text()
        found = _CSRF.search(self.page)
        assert found is not None
        self.csrf = found.group(1)
        last = re.search(r'data-last="(\d+)"', self.page)
        self.last = int(last.group(1)) if last else 0
        return self.page

    async def post(self, path: str, **fields: str) -> tuple[int, str]:
        data = {"csrf": self.csrf, **fields}
        async with self.http.post(path, data=data, headers={"X-Chat": "1"}) as response:
            return response.status, await response.text()

    async def say(self, text: str) -> tuple[int, str]:
        return await self.post("/chat/send", text=text)

    async def photo(self, content: bytes, name: str = "p.jpg") -> tuple[int, str]:
        form = aiohttp.FormData()
        form.add_field("csrf", self.csrf)
        form.add_field("photo", content, filename=name, content_type="image/jpeg")
        async with self.http.post("/chat/photo", data=form, headers={"X-Chat": "1"}) as r:
            return r.status, await r.text()

    async def events(self, *until: str, seconds: float = 15.0) -> str:
        """Reads the event stream from the last entry seen until every text of `until` has
        been shown; returns everything read (HTML unescaped, tags kept)."""
        seen: list[str] = []
        async with asyncio.timeout(seconds):
            async with self.http.get(f"/chat/events?after={self.last}") as response:
                assert response.status == 200
                buffer = ""
                async for chunk in response.content.iter_any():
                    buffer += chunk.decode()
                    while "\n\n" in buffer:
                        block, buffer = buffer.split("\n\n", 1)
                        found = _EVENT.match(block + "\n")
                        if found is None:
                            continue
                        name, event_id, data = found.groups()
                        html = "\n".join(line[6:] for line in data.splitlines())
                        if name != "code":
                            self.last = max(self.last, int(event_id))
                        seen.append(unescape(html))
                        read = "\n".join(seen)
                        if all(text in read for text in until):
                            return read
        raise AssertionError("unreachable")

    async def press(self, label: str) -> tuple[int, str]:
        """Presses the newest button labelled `label` the page shows, once it shows one."""
        page = await self.open()
        matching = _buttons(page, label)
        if not matching:
            await self.events(label)
            page = await self.open()
            matching = _buttons(page, label)
        assert matching, f"no button {label!r} on the page"
        entry, button = matching[-1]
        return await self.post("/chat/press", entry=entry, button=button)


def _buttons(page: str, label: str) -> list[tuple[str, str]]:
    forms = re.findall(
        r'name="entry" value="(\d+)">\s*<input type="hidden" name="button" value="(\d+)">'
        r"\s*<button type=\"submit\">([^<]*)</button>",
        page,
    )
    return [(e, b) for e, b, text in forms if label in unescape(text)]


@asynccontextmanager
async def worker(stage: Stage) -> AsyncIterator[Worker]:
    browser = Worker(stage)
    try:
        await browser.open()
        yield browser
    finally:
        with contextlib.suppress(Exception):
            await browser.close()


async def file_grievance(
    browser: Worker, text: str, *, photo: bytes | None = None, until: tuple[str, ...] = ()
) -> str:
    await browser.say("/start")
    await browser.events("反映问题")
    await browser.press("反映问题")
    await browser.events("其他问题")
    await browser.press("其他问题")
    await browser.events("请")
    await browser.say(text)
    await browser.events("不方便透露")
    await browser.press("不方便透露")
    seen = await browser.events("完成")
    if photo is not None:
        assert (await browser.photo(photo))[0] == 204
        seen = await browser.events("完成")
    await browser.press("完成")
    await browser.events("匿名提交")
    await browser.press("实名提交")
    await browser.events("确认提交")
    await browser.press("确认提交")
    """Files a named grievance of the "other" category through the page's buttons; returns
    its reference once the page shows it (and each text of `until`)."""
    # The confirmation, not "GR-" alone: the recovery code shown before it is random and
    # can hold "GR-" across its dashes (WBK8-AJGR-5Q53 did).
    seen = await browser.events("已提交，编号", *until)
    found = re.search(r"GR-\d{4}-\d{6}", seen)
    assert found is not None, seen
    return found.group(0)
