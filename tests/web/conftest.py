"""The console on a real database, through HTTP, beside the chat harness of tests/flows.

`console` serves the real aiohttp application on 127.0.0.1 (a free port) over the same
database the `chat` harness writes, with one clock for both, so a worker files through
the chat flow and an officer works the ticket in the console.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import datetime

import pytest
from aiohttp import ClientResponse, web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.knowledge_sync import KnowledgeSync
from bot.settings import Settings
from bot.web.app import ConsoleContext, create_app
from bot.web.files import FileSource
from db.models import Officer, Ticket
from handlers import signin
from tests.flows.conftest import Chat, chat

__all__ = ["chat"]


class ChatClock:
    """The chat harness's time, so links and sessions age with the conversation."""

    def __init__(self, chat: Chat) -> None:
        self.chat = chat

    def now(self) -> datetime:
        return self.chat.now

    def monotonic(self) -> float:
        return self.chat.now.timestamp()

    async def sleep(self, seconds: float) -> None:
        raise NotImplementedError


def web_settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


class Browser:
    """One officer's browser: its own cookies, talking to the console."""

    def __init__(self, client: TestClient[web.Request, web.Application], chat: Chat) -> None:
        self.client = client
        self.chat = chat
        self.csrf = ""

    async def get(self, path: str, **kwargs: object) -> tuple[int, str]:
        response = await self.client.get(path, **kwargs)  # type: ignore[arg-type]
        return response.status, await self._read(response)

    async def post(self, path: str, data: dict[str, str]) -> tuple[int, str]:
        response = await self.client.post(path, data=data, allow_redirects=True)
        return response.status, await self._read(response)

    async def _read(self, response: ClientResponse) -> str:
        body = await response.text()
        found = re.search(r'name="csrf" value="([^"]+)"', body)
        if found:
            self.csrf = found.group(1)
        return body

    async def sign_in(self, officer_id: int) -> str:
        """Opens a fresh one-time link; returns the inbox page."""
        token = await issue_link(self.chat.sessionmaker, officer_id, self.chat.now)
        status, body = await self.get(signin.LINK_PATH + token)
        assert status == 200, body
        return body

    async def act(self, reference: str, verb: str, **fields: str) -> tuple[int, str]:
        """Presses a form of the ticket page as it is now (with its CSRF token and version)."""
        status, page = await self.get(f"/tickets/{reference}")
        assert status == 200, page
        seen = re.search(rf'id="seen-{verb}" value="([^"]+)"', page)
        assert seen is not None
        return await self.post(
            f"/tickets/{reference}/{verb}", {"csrf": self.csrf, "seen": seen.group(1), **fields}
        )


async def issue_link(
    sessionmaker: async_sessionmaker[AsyncSession], officer_id: int, now: datetime
) -> str:
    async with sessionmaker() as session, session.begin():
        return await signin.issue_link(session, officer_id, now)


async def officer_id(sessionmaker: async_sessionmaker[AsyncSession], name: str) -> int:
    async with sessionmaker() as session:
        found = await session.scalar(select(Officer.id).where(Officer.name == name))
    assert found is not None
    return found


async def file_grievance(chat: Chat, user: str, text: str, *, anonymous: bool) -> Ticket:
    """`user` files a grievance of the "other" category through the chat flow."""
    await chat.send(user, "/start")
    await chat.press(user, "反映问题")
    await chat.press(user, "其他问题")
    await chat.send(user, text)
    await chat.press(user, "不方便透露")
    await chat.press(user, "完成")
    await chat.press(user, "匿名提交" if anonymous else "实名提交")
    await chat.press(user, "确认提交")
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert ticket is not None
    return ticket


class Console:
    def __init__(self, server: TestServer, chat: Chat) -> None:
        self.server = server
        self.chat = chat
        self.browsers: list[TestClient[web.Request, web.Application]] = []

    async def browser(self) -> Browser:
        client: TestClient[web.Request, web.Application] = TestClient(self.server)
        await client.start_server()
        self.browsers.append(client)
        return Browser(client, self.chat)


CONSOLE_URL = "http://console.test"


@pytest.fixture(autouse=True)
def _console_address(monkeypatch: pytest.MonkeyPatch) -> None:
    """The public address /web links point at, for the bot and the console alike."""
    monkeypatch.setenv("WORKERBOT_WEB_BASE_URL", CONSOLE_URL)


@asynccontextmanager
async def serve_console(
    chat: Chat,
    files: Mapping[str, FileSource] | None = None,
    settings: Settings | None = None,
    knowledge_sync: KnowledgeSync | None = None,
) -> AsyncIterator[Console]:
    """The console beside the chat, answering "try it" from the chat's knowledge base."""
    context = ConsoleContext(
        settings or web_settings(),
        chat.sessionmaker,
        chat.routing,
        clock=ChatClock(chat),
        files=files or {},
        knowledge=lambda: chat.dispatcher.knowledge,
        knowledge_sync=knowledge_sync,
    )
    server = TestServer(create_app(context), host="127.0.0.1", port=0)
    await server.start_server()
    console = Console(server, chat)
    try:
        yield console
    finally:
        for client in console.browsers:
            await client.close()
        await server.close()


@pytest.fixture
async def console(chat: Chat) -> AsyncIterator[Console]:
    async with serve_console(chat) as console:
        yield console
