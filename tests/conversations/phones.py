"""One worker's phone on each messenger, driven the same way: the terminal, Telegram (the
real aiogram transport against the fake Bot API server) and the web chat (its page over
HTTP). Each runs the whole bot (`build_app`: core, database, delivery) on the test's
database; a scenario types, presses buttons by their label and waits to see a text, and
never knows which messenger it is on. The officer acts through the use cases, as the
console does, so every scenario's worker side is what differs.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Protocol

from pydantic import SecretStr
from sqlalchemy import select

from bot.app import App, build_app
from bot.settings import Settings
from bot.telegram_bot import TelegramBot
from bot.transports.terminal import PLATFORM as TERMINAL
from bot.transports.terminal import TerminalInput, TerminalSender
from db.models import Ticket
from tests.fake_telegram import FakeTelegram
from tests.webchat.stage import Worker, add_officer, web_chat_stage

MESSENGERS = ("terminal", "telegram", "web")
WAIT = 15.0


class Phone(Protocol):
    """What a scenario does as the worker; `sees` waits for a text in what the bot sent
    since the worker's last action."""

    app: App

    async def say(self, text: str) -> None: ...
    async def press(self, label: str) -> None: ...
    async def sees(self, text: str) -> str: ...


async def newest_reference(app: App) -> str:
    async with app.sessionmaker() as session:
        found = await session.scalar(select(Ticket.reference).order_by(Ticket.id.desc()))
    assert found is not None
    return found


class TerminalPhone:
    """The terminal chat's sender and line reader, a line at a time as `workerbot chat`."""

    def __init__(self, app: App, sender: TerminalSender, out: io.StringIO) -> None:
        self.app = app
        self._sender = sender
        self._out = out
        self._lines = TerminalInput(sender, "worker", "zh-CN")
        self._mark = 0

    async def say(self, text: str) -> None:
        self._mark = len(self._out.getvalue())
        await self.app.handle(self._lines.incoming(text))
        await self.app.delivery.drain()

    async def press(self, label: str) -> None:
        numbers = [n for n, b in enumerate(self._sender.last_buttons, start=1) if label in b.label]
        assert numbers, f"no button {label!r} in {self._sender.last_buttons}"
        await self.say(str(numbers[-1]))

    async def sees(self, text: str) -> str:
        await self.app.delivery.drain()
        shown = self._out.getvalue()[self._mark :]
        assert text in shown, shown
        return shown


class TelegramPhone:
    def __init__(self, app: App, tg: FakeTelegram) -> None:
        self.app = app
        self._tg = tg
        self._user = tg.user("Worker")
        self._mark = 0

    def _messages(self) -> list[dict[str, Any]]:
        return self._tg.sent_to(self._user.id)

    async def say(self, text: str) -> None:
        self._mark = len(self._messages())
        self._tg.user_sends_text(self._user, text)

    async def press(self, label: str) -> None:
        def button() -> tuple[dict[str, Any], str] | None:
            for message in reversed(self._messages()):
                for row in message.get("reply_markup", {}).get("inline_keyboard", []):
                    for b in row:
                        if label in b.get("text", "") and "callback_data" in b:
                            return message, b["callback_data"]
            return None

        found = await self._tg.wait_for(button, WAIT, f"a button {label!r}")
        assert found is not None  # wait_for returns only a truthy value
        self._mark = len(self._messages())
        self._tg.user_presses(self._user, *found)

    async def sees(self, text: str) -> str:
        def shown() -> str | None:
            read = "\n".join(_telegram_text(m) for m in self._messages()[self._mark :])
            return read if text in read else None

        read = await self._tg.wait_for(shown, WAIT, f"{text!r} in the worker's chat")
        assert read is not None  # wait_for returns only a truthy value
        return read


def _telegram_text(message: dict[str, Any]) -> str:
    parts = [message.get("text", ""), message.get("caption", "")]
    for row in message.get("reply_markup", {}).get("inline_keyboard", []):
        parts.extend(b.get("text", "") for b in row)
    return "\n".join(parts)


class WebPhone:
    def __init__(self, app: App, browser: Worker) -> None:
        self.app = app
        self._browser = browser

    async def say(self, text: str) -> None:
        status, body = await self._browser.say(text)
        assert status == 204, body

    async def press(self, label: str) -> None:
        status, body = await self._browser.press(label)
        assert status == 204, body

    async def sees(self, text: str) -> str:
        return await self._browser.events(text, seconds=WAIT)


@asynccontextmanager
async def phone(messenger: str, database_url: str) -> AsyncIterator[Phone]:
    """A worker's phone on `messenger`, with the whole bot behind it."""
    if messenger == "terminal":
        out = io.StringIO()
        sender = TerminalSender("worker", out)
        settings = Settings(_env_file=None, database_url=database_url)
        app = await build_app(settings, {TERMINAL: sender}, per_chat_interval=0.0)
        try:
            await add_officer(app)
            yield TerminalPhone(app, sender, out)
        finally:
            await app.close()
    elif messenger == "telegram":
        async with FakeTelegram() as tg:
            settings = Settings(
                _env_file=None,
                database_url=database_url,
                telegram_token=SecretStr(tg.token),
                telegram_api_base=tg.base_url,
                delivery_poll_interval=0.2,
            )
            bot = await TelegramBot.create(
                settings, transport_name="aiogram", polling_timeout=1, per_chat_interval=0
            )
            await bot.start()
            try:
                await add_officer(bot.app)
                yield TelegramPhone(bot.app, tg)
            finally:
                await bot.stop()
    else:
        async with web_chat_stage(database_url) as stage:
            browser = Worker(stage)
            try:
                await browser.open()
                yield WebPhone(stage.app, browser)
            finally:
                await browser.close()
