"""Serving the console: alone (`workerbot web`) or beside the bot (`workerbot run --web`)."""

from __future__ import annotations

from aiohttp import web

from bot.web.app import ConsoleContext, create_app
from bot.webhook import listen_address

DEFAULT_LISTEN = "127.0.0.1:8080"


class ConsoleServer:
    def __init__(self, context: ConsoleContext, listen: str = DEFAULT_LISTEN) -> None:
        # Raises ValueError for a malformed HOST:PORT before anything starts.
        self.host, self.port = listen_address("", listen)
        self._context = context
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(
            create_app(self._context), access_log=None, shutdown_timeout=5.0
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        sockets = getattr(site._server, "sockets", None) or ()  # the bound port, for port 0
        if sockets:
            self.port = int(sockets[0].getsockname()[1])

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
