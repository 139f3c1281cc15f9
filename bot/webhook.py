"""The webhook endpoint Telegram posts updates to, shared by both Telegram transports.

The secret token is checked before anything else is looked at: a request without it, or
with a wrong one, is refused and nothing in it is processed. A good request's update is
handed to the transport and answered 200 once the core has committed it; if the core
failed, 500 tells Telegram to deliver the update again. While stopping, new requests get
503 (Telegram retries later, possibly at another replica) and those in flight finish.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot import killpoints

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
HEALTH_PATH = "/healthz"

Feed = Callable[[dict[str, Any]], Awaitable[None]]


def listen_address(url: str, listen: str | None) -> tuple[str, int]:
    """Where to listen: `--listen HOST:PORT`, else all interfaces on the URL's port."""
    if listen is not None:
        host, sep, number = listen.rpartition(":")
        if not sep or not number.isdigit():
            msg = f"--listen must be HOST:PORT, got {listen!r}"
            raise ValueError(msg)
        return host.strip("[]") or "0.0.0.0", int(number)  # noqa: S104
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        msg = f"the webhook URL must be an http(s) URL with a host, got {url!r}"
        raise ValueError(msg)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    # Behind a TLS proxy or a load balancer the bot listens on every interface.
    return "0.0.0.0", port  # noqa: S104


async def serve_app(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Start serving `app`; returns its runner (to clean up) and the port it got (for 0)."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or ()
    return runner, int(sockets[0].getsockname()[1]) if sockets else port


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


class WebhookServer:
    def __init__(self, feed: Feed, *, secret: str, path: str, host: str, port: int) -> None:
        if not secret:
            msg = "a webhook needs a secret token"
            raise ValueError(msg)
        self._feed = feed
        self._secret = secret.encode()
        self._path = path
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._stopping = False
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self.port = port

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(self._path, self._on_update)
        app.router.add_get(HEALTH_PATH, self._on_health)
        self._runner, self.port = await serve_app(app, self._host, self._port)

    async def stop(self) -> None:
        """Refuse new updates, let those in flight finish, then close the listener."""
        self._stopping = True
        await self._idle.wait()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _on_health(self, _request: web.Request) -> web.Response:
        status = 503 if self._stopping else 200
        return web.json_response({"status": "stopping" if self._stopping else "ok"}, status=status)

    async def _on_update(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER)
        if given is None:
            return web.Response(status=401, text="secret token missing")
        if not hmac.compare_digest(given.encode(), self._secret):
            return web.Response(status=403, text="wrong secret token")
        if self._stopping:
            return web.Response(status=503, text="stopping")
        self._in_flight += 1
        self._idle.clear()
        try:
            return await self._process(request)
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def _process(self, request: web.Request) -> web.Response:
        try:
            update = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400, text="not JSON")
        if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
            return web.Response(status=400, text="not a Telegram update")
        killpoints.reached("received")
        try:
            await self._feed(update)
        except Exception:
            log.exception("webhook update %s failed; Telegram will retry", update["update_id"])
            return web.Response(status=500, text="not processed")
        return web.Response(status=200)
