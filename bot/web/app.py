"""The console application: its context, the middlewares every page passes through, and
the list of page modules (see bot/web/__init__.py for adding one).

Middlewares, outermost first:
- security headers on every response (a Content-Security-Policy without inline script
  and with frame-ancestors 'none', no referrer, no sniffing, no caching of pages);
- language: `?lang=` (remembered in a cookie) over the cookie over Accept-Language;
- sign-in: every handler not marked `@public` needs a live session; its officer goes in
  `request[OFFICER]` and the session's CSRF token in `request[CSRF]`, and a POST whose
  `csrf` field does not match is refused with 403 before the handler runs.
"""

from __future__ import annotations

import hmac
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from importlib import import_module
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SYSTEM_CLOCK, Clock
from bot.knowledge_sync import KnowledgeSync
from bot.settings import Settings
from bot.transports.web import WebChat
from bot.web.files import FileSource
from db.models import Officer
from faq.matcher import Matcher
from faq.schema import KnowledgeBase
from handlers import signin
from handlers.core.texts import LANGUAGES, language_from_code
from handlers.routing import RoutingConfig
from handlers.tickets.authz import OfficerActor

PAGES: tuple[str, ...] = (
    "bot.web.pages.signin",
    "bot.web.pages.inbox",
    "bot.web.pages.ticket",
    "bot.web.pages.cases",
    "bot.web.pages.admin",
    "bot.web.pages.reports",
    "bot.web.pages.knowledge",
    "bot.web.pages.announcements",
    "bot.web.pages.surveys",
    "bot.web.pages.retention",
    "bot.web.pages.chat",
)
STATIC = Path(__file__).parent / "static"
HEALTH_PATH = "/healthz"
# Open inbox and ticket pages fetch themselves again this often (htmx polling), so a new
# ticket or a worker's message shows without a reload.
LIVE_SECONDS = 3
SESSION_COOKIE = "workerbot_session"
LANG_COOKIE = "workerbot_lang"
# What the middlewares leave on the request for the pages.
OFFICER = web.RequestKey("officer", Officer)
CSRF = web.RequestKey("csrf", str)
LANG = web.RequestKey("lang", str)
SESSION_TOKEN = web.RequestKey("session_token", str)

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    # A sign-in link carries its token in the path: never pass it on as a referrer.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
H = TypeVar("H", bound=Handler)


@dataclass
class ConsoleContext:
    """What the console needs from the running bot (or from `workerbot web`)."""

    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    routing: RoutingConfig
    clock: Clock = SYSTEM_CLOCK
    # Called after a commit that wrote to the outbox (the bot wakes its delivery).
    on_commit: Callable[[], None] | None = None
    # Where workers' files come from, by platform (see bot.web.files.file_sources).
    files: Mapping[str, FileSource] = field(default_factory=dict)
    # The knowledge base the bot answers from now, for "try it" and the entry search, and
    # the process's sync, which says why a saved version is not in use. None: the
    # knowledge-base pages say the console has no knowledge base.
    knowledge: Callable[[], tuple[KnowledgeBase, Matcher]] | None = None
    knowledge_sync: KnowledgeSync | None = None
    # The workers' web chat at /chat, when this process runs it (else /chat is not found).
    chat: WebChat | None = None

    @property
    def idle(self) -> timedelta:
        return timedelta(minutes=self.settings.web_session_idle_minutes)

    @property
    def secure_cookies(self) -> bool:
        base = self.settings.web_base_url
        return base is not None and urlsplit(base).scheme == "https"


CONTEXT = web.AppKey("context", ConsoleContext)


def public(handler: H) -> H:
    """Mark a handler as reachable without signing in."""
    handler.public = True  # type: ignore[attr-defined]
    return handler


@asynccontextmanager
async def unit_of_work(request: web.Request) -> AsyncIterator[AsyncSession]:
    """One transaction for the request's use cases; committed when the block ends without
    an error, then the bot's delivery is woken for what it wrote to the outbox."""
    context = request.app[CONTEXT]
    async with context.sessionmaker() as session, session.begin():
        yield session
    if context.on_commit is not None:
        context.on_commit()


def actor(request: web.Request) -> OfficerActor:
    """The signed-in officer as the use cases' actor; they re-check the officer."""
    officer = request[OFFICER]
    return OfficerActor(officer_id=officer.id, via="console")


def client_address(request: web.Request) -> str:
    context = request.app[CONTEXT]
    forwarded = request.headers.get("X-Forwarded-For", "")
    if context.settings.web_forwarded_for and forwarded:
        return forwarded.rsplit(",", 1)[-1].strip()[:64]
    return (request.remote or "unknown")[:64]


@web.middleware
async def _security_headers(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        response = await handler(request)
    except web.HTTPException as exc:
        _secure(request, exc)
        raise
    _secure(request, response)
    return response


def _secure(request: web.Request, response: web.StreamResponse) -> None:
    response.headers.update(SECURITY_HEADERS)
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"


def see_other(location: str) -> web.Response:
    """The answer to a POST that worked, and to a sign-in: go to `location` with GET."""
    return web.Response(status=303, headers={"Location": location})


@web.middleware
async def _language(request: web.Request, handler: Handler) -> web.StreamResponse:
    chosen = request.query.get("lang")
    if chosen in LANGUAGES:
        request[LANG] = chosen
    elif request.cookies.get(LANG_COOKIE) in LANGUAGES:
        request[LANG] = request.cookies[LANG_COOKIE]
    else:
        accept = request.headers.get("Accept-Language", "")
        first = accept.split(",", 1)[0].split(";", 1)[0]
        default = request.app[CONTEXT].settings.default_language
        request[LANG] = language_from_code(first or None, default)
    response = await handler(request)
    if chosen in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, chosen, max_age=365 * 24 * 3600, httponly=True, samesite="Lax"
        )
    return response


@web.middleware
async def _signed_in(request: web.Request, handler: Handler) -> web.StreamResponse:
    if getattr(handler, "public", False) or request.path.startswith("/static/"):
        return await handler(request)
    from bot.web.render import render  # noqa: PLC0415 - render imports the keys above

    context = request.app[CONTEXT]
    token = request.cookies.get(SESSION_COOKIE, "")
    async with context.sessionmaker() as session, session.begin():
        found = await signin.current(
            session,
            token,
            now=context.clock.now(),
            idle=context.idle,
            # A page refreshing itself is not the officer at work: it keeps no session alive.
            touch="HX-Request" not in request.headers,
        )
    if found is None:
        response = render(request, "message.html", status=401, key="web.need_signin")
        if token:
            response.del_cookie(SESSION_COOKIE)
        return response
    request[OFFICER] = found.officer
    request[CSRF] = found.csrf_token
    request[SESSION_TOKEN] = token
    if request.method not in {"GET", "HEAD", "OPTIONS"}:
        form = await request.post()
        given = str(form.get("csrf", ""))
        if not hmac.compare_digest(given.encode(), found.csrf_token.encode()):
            return render(request, "message.html", status=403, key="web.forbidden")
    return await handler(request)


@public
async def _health(_request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def _not_found(request: web.Request) -> web.Response:
    from bot.web.render import not_found  # noqa: PLC0415

    return not_found(request)


def create_app(context: ConsoleContext) -> web.Application:
    app = web.Application(
        middlewares=[_security_headers, _language, _signed_in], client_max_size=1024**2
    )
    app[CONTEXT] = context
    app.router.add_get(HEALTH_PATH, _health)
    app.router.add_static("/static/", STATIC, name="static", append_version=True)
    for name in PAGES:
        module: Any = import_module(name)
        app.router.add_routes(module.routes)
        # A page with state of its own (the web chat's rate limits) sets it up here.
        if hasattr(module, "setup"):
            module.setup(app)
    app.router.add_route("*", "/{tail:.*}", public(_not_found))
    return app


def set_session_cookie(response: web.StreamResponse, request: web.Request, token: str) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        httponly=True,
        samesite="Lax",
        secure=request.app[CONTEXT].secure_cookies,
        path="/",
    )
