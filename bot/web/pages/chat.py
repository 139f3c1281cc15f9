"""The workers' web chat at /chat: the page, its live event stream, and its forms.

Everything here is public (no officer sign-in); the chat's own cookie session
(bot.web.chat_identity) says who the worker is, and every POST carries that session's CSRF
token. Input goes to the core through the web transport (bot.transports.web); what the
core sends back arrives over `/chat/events` (Server-Sent Events) as rendered entries, and
the page loads the recent conversation on every visit. Without JavaScript the forms still
work (each answers with a redirect to /chat).

Limits (in this process's memory, like flood control): per address, requests and new
sessions and recovery attempts; per session, requests; the core's flood control per
person comes on top. Photos are checked by their bytes, not their name: JPEG, PNG or WebP
up to `MAX_PHOTO_BYTES`, kept without their metadata (bot.web.photos). Another worker's
entries and photos are simply not found (404).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from typing import Any

from aiohttp import BodyPartReader, web
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flood import FloodGuard, Verdict
from bot.transports.web import EDIT, IN, POLL_SECONDS, Photo, WebChat, read
from bot.web import chat_identity, photos
from bot.web.app import CONTEXT, LANG, client_address, public, see_other, unit_of_work
from bot.web.render import render
from db.models import WebChatEntry, WebChatSession
from db.repositories import web_chat
from handlers.core.texts import t

routes = web.RouteTableDef()

CHAT_COOKIE = "workerbot_chat"
RECENT = 60
MAX_TEXT = 4000
MAX_PHOTO_BYTES = 10 * 1024 * 1024
# Keeps a proxy from closing a quiet event stream, and finds streams whose page is gone.
KEEPALIVE_SECONDS = 20.0


@dataclass
class Guards:
    """The page's limits, per address and per session (see the module docstring)."""

    address: FloodGuard
    session: FloodGuard
    new_sessions: FloodGuard
    recovery: FloodGuard


_GUARDS = web.AppKey("chat_guards", Guards)
# A urlencoded form's fields (empty for the photo's multipart form, read by its handler).
Form = Mapping[str, object]


def _chat(request: web.Request) -> WebChat:
    chat = request.app[CONTEXT].chat
    if chat is None or not request.app[CONTEXT].settings.web_chat:
        raise web.HTTPNotFound
    return chat


def _guards(request: web.Request) -> Guards:
    return request.app[_GUARDS]


def setup(app: web.Application) -> None:
    """Called by create_app: the limits live as long as the application."""
    settings = app[CONTEXT].settings
    monotonic = app[CONTEXT].clock.monotonic
    app[_GUARDS] = Guards(
        address=FloodGuard(settings.web_chat_address_requests, 60.0, monotonic),
        session=FloodGuard(settings.web_chat_session_requests, 60.0, monotonic),
        new_sessions=FloodGuard(settings.web_chat_address_sessions, 3600.0, monotonic),
        recovery=FloodGuard(10, 3600.0, monotonic),
    )


class _Refused(Exception):  # noqa: N818 (an answer, not a failure)
    def __init__(self, status: int, key: str, **params: object) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.params = params


async def _session(request: web.Request) -> WebChatSession | None:
    context = request.app[CONTEXT]
    async with context.sessionmaker() as session:
        return await chat_identity.find(session, request.cookies.get(CHAT_COOKIE, ""))


def _admit(request: web.Request, chat_session: WebChatSession | None) -> None:
    guards = _guards(request)
    if guards.address.admit("address", client_address(request)) is not Verdict.PASS:
        raise _Refused(429, "webchat.too_fast")
    if chat_session is not None and (
        guards.session.admit("session", str(chat_session.id)) is not Verdict.PASS
    ):
        raise _Refused(429, "webchat.too_fast")


def _check_csrf(chat_session: WebChatSession | None, given: str) -> WebChatSession:
    if chat_session is None or not hmac.compare_digest(
        given.encode(), chat_session.csrf_token.encode()
    ):
        raise _Refused(403, "webchat.expired")
    return chat_session


def _answer(
    request: web.Request, refused: _Refused | None = None, then: str | None = None
) -> web.StreamResponse:
    """The page's script gets a status and a text to show; a form without it, the page."""
    scripted = request.headers.get("X-Chat") == "1"
    if refused is None:
        return web.Response(status=204) if scripted else see_other(then or "/chat")
    text = str(t(request[LANG], refused.key, **refused.params))
    if scripted:
        return web.Response(status=refused.status, text=text)
    return render(
        request, "chat_message.html", status=refused.status, key=refused.key, params=refused.params
    )


# A form's work; it may name where a browser without the page's script goes next.
Handler = Callable[[web.Request, WebChatSession, Form], Awaitable[str | None]]


def _form_handler(
    handler: Handler, *, multipart: bool = False
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """A POST of the page: limits, then the CSRF check, then `handler`. A `multipart` form
    (the photo) is read by its handler, which checks its CSRF token, the first part."""

    async def run(request: web.Request) -> web.StreamResponse:
        _chat(request)
        chat_session = await _session(request)
        try:
            _admit(request, chat_session)
            if chat_session is None:
                raise _Refused(403, "webchat.expired")
            if multipart:
                if request.content_type != "multipart/form-data":
                    raise _Refused(400, "webchat.failed")
                then = await handler(request, chat_session, {})
            else:
                form = await request.post()
                checked = _check_csrf(chat_session, str(form.get("csrf", "")))
                then = await handler(request, checked, form)
        except _Refused as refused:
            return _answer(request, refused)
        return _answer(request, then=then)

    return public(run)


# -- the page -------------------------------------------------------------------------------


@routes.get("/chat")
@public
async def page(request: web.Request) -> web.StreamResponse:
    _chat(request)
    context = request.app[CONTEXT]
    now = context.clock.now()
    token = None
    async with context.sessionmaker() as session, session.begin():
        chat_session = await chat_identity.find(session, request.cookies.get(CHAT_COOKIE, ""))
        if chat_session is None:
            address = client_address(request)
            if _guards(request).new_sessions.admit("address", address) is not Verdict.PASS:
                return render(
                    request, "chat_message.html", status=429, key="webchat.too_fast", params={}
                )
            token, chat_session = chat_identity.open_session(session, address, now)
            await session.flush()
        entries = await web_chat.recent_entries(session, chat_session.user_id, RECENT)
        code = await chat_identity.code_if_due(session, chat_session.user_id, now)
        csrf = chat_session.csrf_token
    shown = [e for e in entries if e.kind != EDIT]
    response = render(
        request,
        "chat.html",
        entries=[_view(request, e) for e in shown],
        last_id=entries[-1].id if entries else 0,
        chat_csrf=csrf,
        code=code,
        recovered=request.query.get("recovered") == "1",
        max_text=MAX_TEXT,
    )
    if token is not None:
        response.set_cookie(
            CHAT_COOKIE,
            token,
            max_age=400 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=context.secure_cookies,
            path="/chat",
        )
    return response


@routes.get("/chat/events")
@public
async def events(request: web.Request) -> web.StreamResponse:
    """The conversation's new entries as they are written, as Server-Sent Events."""
    chat = _chat(request)
    chat_session = await _session(request)
    if chat_session is None:
        raise web.HTTPNotFound
    context = request.app[CONTEXT]
    user_id = chat_session.user_id
    given = request.headers.get("Last-Event-ID") or request.query.get("after", "0")
    after = int(given) if given.isascii() and given.isdigit() else 0
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/event-stream",
            "Cache-Control": "no-store",
            "X-Accel-Buffering": "no",
        }
    )
    await response.prepare(request)
    try:
        csrf = chat_session.csrf_token
        # Whether this stream has shown the recovery code; it looks when it starts and when
        # the bot wrote (after the first ticket).
        code_shown = False
        first = True
        quiet = 0.0
        while not chat.closing.is_set():
            # Reads, and at most a recovery code: nothing for delivery, which is not woken.
            async with context.sessionmaker() as session, session.begin():
                entries = await web_chat.entries_after(session, user_id, after, RECENT)
                targets = {e.id: e for e in await _edited(session, user_id, entries)}
                code = None
                if not code_shown and (first or any(e.kind != IN for e in entries)):
                    code = await chat_identity.code_if_due(session, user_id, context.clock.now())
            for entry in entries:
                after = entry.id
                if entry.kind == EDIT:
                    target = targets.get(read(entry)["target"])
                    if target is not None:
                        await _event(response, "edit", entry.id, _fragment(request, target, csrf))
                else:
                    await _event(response, "entry", entry.id, _fragment(request, entry, csrf))
            first = False
            if code is not None:
                code_shown = True
                html = render(request, "chat_code.html", code=code).text or ""
                await _event(response, "code", after, html)
            if entries:
                quiet = 0.0
                continue
            if quiet >= KEEPALIVE_SECONDS:
                await response.write(b": keepalive\n\n")
                quiet = 0.0
            await chat.wait(user_id, POLL_SECONDS)
            quiet += POLL_SECONDS
    except ConnectionResetError:
        pass  # the page was closed or reloaded: it reconnects from its last entry
    return response


async def _edited(
    session: AsyncSession, user_id: str, entries: Sequence[WebChatEntry]
) -> list[WebChatEntry]:
    """The entries the `edit` lines among `entries` name, as they read now."""
    found = []
    for entry in entries:
        if entry.kind == EDIT:
            target = await web_chat.get_entry(session, user_id, int(read(entry)["target"]))
            if target is not None:
                found.append(target)
    return found


async def _event(response: web.StreamResponse, name: str, event_id: int, html: str) -> None:
    data = "".join(f"data: {line}\n" for line in html.splitlines() or [""])
    await response.write(f"event: {name}\nid: {event_id}\n{data}\n".encode())


def _fragment(request: web.Request, entry: WebChatEntry, csrf: str) -> str:
    return (
        render(request, "chat_entry.html", entry=_view(request, entry), chat_csrf=csrf).text or ""
    )


def _view(request: web.Request, entry: WebChatEntry) -> dict[str, Any]:
    data = read(entry)
    view: dict[str, Any] = {"id": entry.id, "kind": entry.kind, "at": entry.created_at}
    if entry.kind == IN:
        view.update(text=data.get("text"), label=data.get("label"), photo=data.get("photo"))
        return view
    buttons = []
    index = 0
    for row in data["buttons"]:
        shown = []
        for button in row:
            shown.append({"label": button["label"], "url": button["url"], "index": index})
            index += 1
        buttons.append(shown)
    view.update(
        html=Markup(safe_html(data["text"])),  # noqa: S704 - rebuilt from an allow-list
        buttons=buttons,
        photos=data.get("photos", []),
        files=data.get("files", 0),
        download=data.get("download"),
    )
    return view


# -- forms ----------------------------------------------------------------------------------


async def _type(request: web.Request, chat_session: WebChatSession, form: Form) -> str | None:
    text = str(form.get("text", "")).strip()
    if not text:
        raise _Refused(400, "webchat.empty")
    if len(text) > MAX_TEXT:
        raise _Refused(400, "webchat.too_long", limit=MAX_TEXT)
    await _chat(request).type(chat_session.user_id, request[LANG], text)
    return None


async def _press(request: web.Request, chat_session: WebChatSession, form: Form) -> str | None:
    entry, index = str(form.get("entry", "")), str(form.get("button", ""))
    if entry.isascii() and entry.isdigit() and index.isascii() and index.isdigit():
        # A button this worker was never sent does nothing at all.
        await _chat(request).press(chat_session.user_id, request[LANG], int(entry), int(index))
    return None


async def _photo(request: web.Request, chat_session: WebChatSession, _form: Form) -> str | None:
    # The form sends its CSRF token first, then the file, read in parts within the limit.
    reader = await request.multipart()
    csrf_part = await reader.next()
    if not isinstance(csrf_part, BodyPartReader) or csrf_part.name != "csrf":
        raise _Refused(403, "webchat.expired")
    _check_csrf(chat_session, (await csrf_part.read(decode=True)).decode(errors="replace"))
    part = await reader.next()
    mb = MAX_PHOTO_BYTES // (1024 * 1024)
    if not isinstance(part, BodyPartReader) or part.name != "photo":
        raise _Refused(400, "webchat.photo_bad", mb=mb)
    content = bytearray()
    while chunk := await part.read_chunk(64 * 1024):
        content.extend(chunk)
        if len(content) > MAX_PHOTO_BYTES:
            raise _Refused(413, "webchat.photo_bad", mb=mb)
    photo = photos.clean(bytes(content))
    if photo is None:
        raise _Refused(400, "webchat.photo_bad", mb=mb)
    await _chat(request).attach(chat_session.user_id, request[LANG], Photo(*photo))
    return None


async def _recover(request: web.Request, chat_session: WebChatSession, form: Form) -> str | None:
    if _guards(request).recovery.admit("address", client_address(request)) is not Verdict.PASS:
        raise _Refused(429, "webchat.too_fast")
    async with unit_of_work(request) as session:
        found = await chat_identity.recover(session, chat_session, str(form.get("code", "")))
    if not found:
        raise _Refused(400, "webchat.recover_bad")
    return "/chat?recovered=1"


routes.post("/chat/send")(_form_handler(_type))
routes.post("/chat/press")(_form_handler(_press))
routes.post("/chat/photo")(_form_handler(_photo, multipart=True))
routes.post("/chat/recover")(_form_handler(_recover))


@routes.post("/chat/code")
@public
async def new_code(request: web.Request) -> web.StreamResponse:
    """A new recovery code, shown on a page of its own (the old one stops working)."""
    _chat(request)
    chat_session = await _session(request)
    try:
        _admit(request, chat_session)
        form = await request.post()
        checked = _check_csrf(chat_session, str(form.get("csrf", "")))
    except _Refused as refused:
        return _answer(request, refused)
    async with unit_of_work(request) as session:
        code = await chat_identity.replace_code(
            session, checked.user_id, request.app[CONTEXT].clock.now()
        )
    return render(request, "chat_code_page.html", code=code)


@routes.get("/chat/files/{token}")
@public
async def file(request: web.Request) -> web.StreamResponse:
    """A photo or download of this worker's conversation; anyone else's is not found."""
    _chat(request)
    chat_session = await _session(request)
    async with request.app[CONTEXT].sessionmaker() as session:
        found = await web_chat.find_file(session, request.match_info["token"])
    if chat_session is None or found is None or found.user_id != chat_session.user_id:
        raise web.HTTPNotFound
    image = found.mime_type.startswith("image/")
    return web.Response(
        body=found.content,
        content_type=found.mime_type if image else "application/octet-stream",
        headers={"Content-Disposition": "inline" if image else "attachment"},
    )


# -- the bot's markup, shown safely -----------------------------------------------------------

_ALLOWED = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre"})


class _AllowList(HTMLParser):
    """Rebuilds the small HTML subset of `Outgoing` from its tags; everything else is text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self._links: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _ALLOWED:
            self.out.append(f"<{tag}>")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            ok = href.startswith(("https://", "http://"))
            self._links.append(ok)
            if ok:
                self.out.append(f'<a href="{escape(href)}" rel="noopener noreferrer">')

    def handle_endtag(self, tag: str) -> None:
        if tag in _ALLOWED:
            self.out.append(f"</{tag}>")
        elif tag == "a" and self._links and self._links.pop():
            self.out.append("</a>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))


def safe_html(text: str) -> str:
    parser = _AllowList()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)
