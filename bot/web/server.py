"""Serving the console: alone (`workerbot web`) or beside the bot (`workerbot run --web`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.transports.web import WebChat
from bot.web.app import ConsoleContext, create_app
from bot.web.files import file_sources
from bot.webhook import listen_address, serve_app

if TYPE_CHECKING:
    from bot.app import App

DEFAULT_LISTEN = "127.0.0.1:8080"


class ConsoleServer:
    def __init__(self, context: ConsoleContext, listen: str = DEFAULT_LISTEN) -> None:
        # Raises ValueError for a malformed HOST:PORT before anything starts.
        self.host, self.port = listen_address("", listen)
        self._context = context
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner, self.port = await serve_app(create_app(self._context), self.host, self.port)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def beside(app: App, listen: str, chat: WebChat | None = None) -> ConsoleServer:
    """The console served from the bot's own process (`workerbot run --web`, `workerbot
    web`): its database and routing, its delivery woken by every commit the console makes,
    and the workers' web chat when `chat` is given."""
    context = ConsoleContext(
        app.settings,
        app.sessionmaker,
        app.routing,
        on_commit=app.delivery.wake,
        files=file_sources(app.settings, app.sessionmaker),
        knowledge=lambda: app.dispatcher.knowledge,
        knowledge_sync=app.knowledge,
        chat=chat,
    )
    return ConsoleServer(context, listen)
