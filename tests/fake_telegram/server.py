"""A fake Telegram Bot API server on 127.0.0.1 for tests and benchmarks.

Real bot libraries talk to it over HTTP exactly as to api.telegram.org: ``/bot<token>/<method>``
and ``/file/bot<token>/<path>``, answers in the ``{ok, result}`` envelope. Updates reach the bot
by long polling (getUpdates) or by webhook POSTs, and the test injects faults, plays users and
reads every call.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import math
import re
import ssl
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from tests.fake_telegram.faults import (
    ApiError,
    Delay,
    Fault,
    FaultRule,
    RateLimits,
    bad_request,
    fault_error,
)
from tests.fake_telegram.methods import BotApi
from tests.fake_telegram.params import Params, Upload, read_params
from tests.fake_telegram.world import JSON, World

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from types import TracebackType

_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_TOKEN_SHAPE_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_NGINX_PAGE = (
    "<html>\r\n<head><title>{status}</title></head>\r\n<body>\r\n"
    "<center><h1>{status}</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n"
    "</body>\r\n</html>\r\n"
)
_DEFAULT_UPDATES = {"message", "edited_message", "callback_query", "channel_post"}
_SEND_METHODS = {"sendMessage", "sendPhoto", "sendDocument", "copyMessage"}
_RATE_SLACK = 0.05  # seconds of timer jitter forgiven before flood control answers 429

# Webhook posts under way: update id -> (its task, its chat).
_InFlight = dict[int, tuple[asyncio.Task[None], int | None]]


@dataclass(frozen=True)
class Call:
    """One Bot API request as the fake received and answered it."""

    method: str  # canonical spelling, e.g. "sendMessage"
    params: dict[str, Any]  # as sent: form values are strings, JSON bodies keep their types
    at: float  # time.monotonic() when the request arrived
    status: int  # HTTP status of the answer
    result: Any  # the result on success, else None
    description: str | None  # the error description, else None
    uploads: dict[str, Upload] = field(default_factory=dict)  # multipart files by part name

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        try:
            return int(value) if value is not None else None
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True)
class WebhookAttempt:
    update_id: int
    at: float  # time.monotonic()
    status: int | None  # HTTP status the bot answered, None when the connection failed
    error: str | None


class FakeTelegram(World):
    """``async with FakeTelegram(token=...) as tg:`` serves the Bot API at ``tg.base_url``."""

    def __init__(
        self,
        token: str = "123456789:AAFakeTokenForTestsOnly_0123456789ab",  # noqa: S107
        *,
        bot_username: str = "workerbot_test_bot",
        webhook_retry_delay: float = 0.05,
        webhook_max_attempts: int = 20,
        webhook_timeout: float = 10.0,
        webhook_parallel: bool = False,
        webhook_ssl: ssl.SSLContext | None = None,
        rate_limits: RateLimits | None = None,
    ) -> None:
        super().__init__(token, bot_username)
        self.calls: list[Call] = []
        self.internal_errors: list[Exception] = []  # bugs of the fake itself; tests expect none
        self.webhook_attempts: list[WebhookAttempt] = []
        self.dropped_updates: list[JSON] = []  # given up after webhook_max_attempts
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_max_attempts = webhook_max_attempts
        self.webhook_timeout = webhook_timeout
        self.webhook_parallel = webhook_parallel
        # Trusts the test's self-signed certificate for an https:// webhook (e.g. nginx).
        self.webhook_ssl = webhook_ssl
        self._webhook_failures: dict[int, int] = {}  # update id -> failed posts so far
        self.webhook_url: str | None = None
        self.webhook_secret: str | None = None
        self._webhook_allowed: list[str] | None = None
        self._webhook_max_connections = 40
        self._webhook_last_error: tuple[int, str] | None = None
        self._webhook_task: asyncio.Task[None] | None = None
        self._allowed_updates: set[str] = set(_DEFAULT_UPDATES)
        self._poll_generation = 0
        self._faults: list[FaultRule] = []
        self.rate_limits = rate_limits  # None: no flood control (the default)
        self._sends: dict[int, deque[float]] = defaultdict(deque)
        self._all_sends: deque[float] = deque()
        self._closing = False
        self._api = BotApi(self)
        self._methods: dict[str, tuple[str, Callable[[Params], Awaitable[Any]]]] = {
            name.lower(): (name, handler) for name, handler in self._api.methods().items()
        }
        for name, handler in {
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
        }.items():
            self._methods[name.lower()] = (name, handler)
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self.port = 0

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: aiogram's TelegramAPIServer.from_base(base_url);
        PTB's base_url(f"{base_url}/bot") and base_file_url(f"{base_url}/file/bot")."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> None:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server  # aiohttp exposes the bound port nowhere else
        assert isinstance(server, asyncio.base_events.Server)
        self.port = int(server.sockets[0].getsockname()[1])
        self._client = aiohttp.ClientSession()

    async def stop(self) -> None:
        self._closing = True
        self.changed()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._webhook_task
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # --- faults and observations ---------------------------------------------------------

    def fail_next(
        self,
        method: str | None = None,
        *,
        chat_id: int | None = None,
        times: int = 1,
        error: Fault,
    ) -> FaultRule:
        """The next ``times`` calls of ``method`` (any method if None) to ``chat_id`` (any chat
        if None) fail with ``error``; a ``Delay`` holds them, then they run normally.

        The rule's ``times`` counts down as calls arrive: at 0 the last one is in hand."""
        rule = FaultRule(method, chat_id, times, error)
        self._faults.append(rule)
        return rule

    def clear_faults(self) -> None:
        self._faults.clear()

    def calls_to(self, method: str, *, chat_id: int | None = None) -> list[Call]:
        """The calls of one method (case-insensitive), optionally to one chat, in order."""
        wanted = method.lower()
        return [
            call
            for call in self.calls
            if call.method.lower() == wanted and (chat_id is None or call.chat_id == chat_id)
        ]

    @property
    def pending_update_count(self) -> int:
        return len(self.pending)

    # --- HTTP ----------------------------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        at = time.monotonic()
        token = request.match_info["token"]
        method = request.match_info["method"]
        params: dict[str, Any] = {}
        files: dict[str, Upload] = {}
        name = method
        try:
            if token != self.token:
                if _TOKEN_SHAPE_RE.fullmatch(token):
                    raise ApiError(401, "Unauthorized")
                raise ApiError(404, "Not Found")
            entry = self._methods.get(method.lower())
            if entry is None:
                raise ApiError(404, "Not Found")
            name, handler = entry
            params, files = await read_params(request)
            result = await self._execute(name, handler, Params(params, files))
        except ApiError as exc:
            return self._reply_error(name, params, files, at, exc)
        except ConnectionResetError:
            # The bot went away mid-request (killed, in the fault tests): not the fake's bug.
            raise
        except Exception as exc:
            # A bug in the fake must not pass for a Telegram outage the bot would retry.
            self.internal_errors.append(exc)
            raise
        self.calls.append(Call(name, params, at, 200, result, None, files))
        self.changed()
        body: JSON = {"ok": True, "result": result}
        return web.Response(
            text=json.dumps(body, ensure_ascii=False), content_type="application/json"
        )

    async def _execute(
        self, name: str, handler: Callable[[Params], Awaitable[Any]], params: Params
    ) -> Any:
        chat_id: int | None = None
        with contextlib.suppress(ApiError):
            chat_id = params.int_("chat_id")
        for rule in list(self._faults):
            if not rule.matches(name, chat_id):
                continue
            rule.times -= 1
            if rule.times <= 0:
                self._faults.remove(rule)
            self.changed()
            if isinstance(rule.fault, Delay):
                await asyncio.sleep(rule.fault.seconds)
                continue
            raise fault_error(rule.fault)
        if name in _SEND_METHODS and self.rate_limits is not None and chat_id is not None:
            self._flood_control(self.rate_limits, chat_id)
        return await handler(params)

    def _flood_control(self, limits: RateLimits, chat_id: int) -> None:
        now = time.monotonic()
        checks: list[tuple[deque[float], float, float]] = []
        if chat_id < 0 and limits.per_group_per_minute is not None:
            checks.append((self._sends[chat_id], limits.per_group_per_minute, 60.0))
        elif chat_id > 0 and limits.per_chat_per_second is not None:
            checks.append((self._sends[chat_id], limits.per_chat_per_second, 1.0))
        if limits.global_per_second is not None:
            checks.append((self._all_sends, limits.global_per_second, 1.0))
        for times, allowed, window in checks:
            while times and times[0] <= now - window + _RATE_SLACK:
                times.popleft()
            if len(times) >= allowed:
                wait = times[0] + window - _RATE_SLACK - now
                seconds = max(1, math.ceil(wait))
                raise ApiError(
                    429, f"Too Many Requests: retry after {seconds}", {"retry_after": seconds}
                )
        self._sends[chat_id].append(now)
        self._all_sends.append(now)

    def _reply_error(
        self,
        name: str,
        params: dict[str, Any],
        files: dict[str, Upload],
        at: float,
        exc: ApiError,
    ) -> web.Response:
        self.calls.append(Call(name, params, at, exc.status, None, exc.description, files))
        self.changed()
        if exc.html:
            page = _NGINX_PAGE.format(status=f"{exc.status} {exc.description}")
            return web.Response(status=exc.status, text=page, content_type="text/html")
        body: JSON = {"ok": False, "error_code": exc.status, "description": exc.description}
        if exc.parameters:
            body["parameters"] = exc.parameters
        return web.Response(
            status=exc.status,
            text=json.dumps(body, ensure_ascii=False),
            content_type="application/json",
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.Response(status=401, text="Unauthorized")
        stored = self.files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.Response(status=404, text="Not Found")
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    # --- updates: long polling -----------------------------------------------------------

    async def _get_updates(self, p: Params) -> Any:
        if self.webhook_url is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.int_("offset")
        limit = min(max(p.int_("limit") or 100, 1), 100)
        timeout = max(p.int_("timeout") or 0, 0)
        allowed = p.json_("allowed_updates", "can't parse allowed updates")
        if isinstance(allowed, list):
            self._allowed_updates = {str(kind) for kind in allowed} or set(_DEFAULT_UPDATES)
        if offset is not None:
            self._confirm(offset)
        # Like Telegram, a newer getUpdates ends an older one still waiting, with 409.
        self._poll_generation += 1
        generation = self._poll_generation
        self.changed()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            batch = self._deliverable(limit)
            remaining = deadline - loop.time()
            if batch or remaining <= 0 or self._closing:
                return batch
            await self.wait_change(remaining)
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    def _confirm(self, offset: int) -> None:
        if offset < 0:
            self.pending = self.pending[offset:]
        else:
            self.pending = [u for u in self.pending if u["update_id"] >= offset]

    def _deliverable(self, limit: int) -> list[JSON]:
        # Updates of kinds the bot did not ask for are never delivered (Telegram drops them).
        kept = [u for u in self.pending if self._update_kind(u) in self._allowed_updates]
        if len(kept) != len(self.pending):
            self.pending = kept
        return kept[:limit]

    @staticmethod
    def _update_kind(update: JSON) -> str:
        return next(key for key in update if key != "update_id")

    # --- updates: webhook ----------------------------------------------------------------

    async def _set_webhook(self, p: Params) -> Any:
        url = p.str_("url")
        if not url:
            return await self._delete_webhook(p)
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.str_("secret_token")
        if secret is not None and not _SECRET_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        max_connections = p.int_("max_connections") or 40
        if not 1 <= max_connections <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        allowed = p.json_("allowed_updates", "can't parse allowed updates")
        if isinstance(allowed, list):
            self._allowed_updates = {str(kind) for kind in allowed} or set(_DEFAULT_UPDATES)
            self._webhook_allowed = [str(kind) for kind in allowed]
        if p.bool_("drop_pending_updates"):
            self.pending.clear()
        self.webhook_url = url
        self.webhook_secret = secret
        self._webhook_max_connections = max_connections
        self._webhook_last_error = None
        self._poll_generation += 1  # a waiting getUpdates ends with 409
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._webhook_loop())
        self.changed()
        return True

    async def _delete_webhook(self, p: Params) -> Any:
        if p.bool_("drop_pending_updates"):
            self.pending.clear()
        self.webhook_url = None
        self.webhook_secret = None
        self._webhook_allowed = None
        self.changed()
        return True

    async def _get_webhook_info(self, p: Params) -> Any:
        info: JSON = {
            "url": self.webhook_url or "",
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }
        if self.webhook_url:
            info["max_connections"] = self._webhook_max_connections
            info["ip_address"] = "127.0.0.1"
            if self._webhook_allowed is not None:
                info["allowed_updates"] = self._webhook_allowed
        if self._webhook_last_error is not None:
            info["last_error_date"], info["last_error_message"] = self._webhook_last_error
        return info

    async def _webhook_loop(self) -> None:
        """Post pending updates until the webhook is deleted; redeliver what got no 2xx.

        By default one update at a time, in order. With ``webhook_parallel`` up to the
        webhook's ``max_connections`` at once, but never two of one chat at a time, as
        Telegram does for a busy bot (a chat's updates stay in order).
        """
        in_flight: _InFlight = {}
        try:
            while self.webhook_url is not None and not self._closing:
                limit = self._webhook_max_connections if self.webhook_parallel else 1
                busy = {chat for _, chat in in_flight.values()}
                for update in self._deliverable(len(self.pending)):
                    if len(in_flight) >= limit:
                        break
                    update_id, chat = update["update_id"], _update_chat(update)
                    if update_id in in_flight or (chat is not None and chat in busy):
                        continue
                    busy.add(chat)
                    task = asyncio.create_task(self._deliver_update(self.webhook_url, update))
                    in_flight[update_id] = (task, chat)
                    task.add_done_callback(functools.partial(self._posted, in_flight, update_id))
                await self.wait_change(1.0)
        finally:
            for task, _ in list(in_flight.values()):
                task.cancel()

    def _posted(self, in_flight: _InFlight, key: int, _task: asyncio.Task[None]) -> None:
        in_flight.pop(key, None)
        self.changed()

    async def _deliver_update(self, url: str, update: JSON) -> None:
        """One attempt; on failure wait the retry delay before the update is due again."""
        update_id = update["update_id"]
        if await self._post_update(url, update):
            self._webhook_failures.pop(update_id, None)
            self.pending = [u for u in self.pending if u is not update]
            return
        failures = self._webhook_failures.get(update_id, 0) + 1
        self._webhook_failures[update_id] = failures
        if failures >= self.webhook_max_attempts:
            del self._webhook_failures[update_id]
            self.pending = [u for u in self.pending if u is not update]
            self.dropped_updates.append(update)
            return
        await asyncio.sleep(self.webhook_retry_delay)

    async def _post_update(self, url: str, update: JSON) -> bool:
        assert self._client is not None
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        status: int | None = None
        error: str | None = None
        reply: Any = None
        try:
            async with self._client.post(
                url,
                data=json.dumps(update, ensure_ascii=False).encode(),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                ssl=self.webhook_ssl if self.webhook_ssl is not None else True,
            ) as response:
                status = response.status
                if 200 <= status < 300:
                    if response.content_type == "application/json":
                        with contextlib.suppress(ValueError):
                            reply = await response.json()
                else:
                    error = f"Wrong response from the webhook: {status} {response.reason}"
        except (aiohttp.ClientError, TimeoutError) as exc:
            error = f"Connection failed: {type(exc).__name__}: {exc}"
        self.webhook_attempts.append(
            WebhookAttempt(update["update_id"], time.monotonic(), status, error)
        )
        if error is not None:
            self._webhook_last_error = (int(time.time()), error)
            self.changed()
            return False
        if isinstance(reply, dict) and isinstance(reply.get("method"), str):
            await self._run_webhook_reply(reply)
        return True

    async def _run_webhook_reply(self, reply: JSON) -> None:
        """A bot may answer a webhook with one method call; Telegram runs it, answer unseen."""
        entry = self._methods.get(str(reply["method"]).lower())
        params = {k: v for k, v in reply.items() if k != "method"}
        at = time.monotonic()
        if entry is None:
            self.calls.append(Call(str(reply["method"]), params, at, 404, None, "Not Found"))
            return
        name, handler = entry
        try:
            result = await self._execute(name, handler, Params(params, {}))
        except ApiError as exc:
            self.calls.append(Call(name, params, at, exc.status, None, exc.description))
            return
        self.calls.append(Call(name, params, at, 200, result, None))


def _update_chat(update: JSON) -> int | None:
    """The chat an update belongs to (None for kinds without one)."""
    for key, payload in update.items():
        if key == "update_id" or not isinstance(payload, dict):
            continue
        message = payload.get("message", payload)
        chat = message.get("chat") if isinstance(message, dict) else None
        if isinstance(chat, dict) and isinstance(chat.get("id"), int):
            return int(chat["id"])
        sender = payload.get("from")
        if isinstance(sender, dict) and isinstance(sender.get("id"), int):
            return int(sender["id"])
    return None
