"""The web chat as a messenger: workers in a phone browser, served at /chat.

What the worker does on the page (type, press a button of a message the bot sent them,
attach a photo) becomes an `Incoming` for the core, exactly as a Telegram update does;
every `Outgoing` for them is written by delivery into their conversation (`WebChatEntry`),
which the open page receives at once (Server-Sent Events, bot.web.pages.chat) and which
loads again when they come back. So a worker with the page closed is not unreachable: the
message waits in the conversation, as it would in a messenger's chat.

Who the worker is: their person's id on this platform (`user_id`), named by the browser's
cookie session (bot.web.chat_identity). A button press names the entry and the button's
place in it, never the action itself: only a button the bot really sent to this worker can
be pressed, and the core re-checks whatever it does. Photos are kept in the database
(`WebChatFile`) under a random token, the attachment's file id on this platform.

Sending is a local write, so the messenger is not paced by delivery's rate limits
(`Messenger.paced`); the page's own limits are on input (bot.web.pages.chat). Open pages of
this process are woken at once; pages served by another replica find new entries at their
next poll (`POLL_SECONDS`).

Registered as the transport `web`: `workerbot web`, `workerbot run --transport web --web
HOST:PORT`, or beside another transport with `workerbot run --web HOST:PORT`. Its pages
are the console's (`--web` is required); the runner binds it to the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import SYSTEM_CLOCK, Clock
from bot.settings import Settings
from bot.transports.base import Core, Handle, Messenger, Registration, RunOptions
from db.models import WebChatEntry
from db.repositories import web_chat
from handlers.messages import Attachment, Incoming, Outgoing

PLATFORM = "web"
# A phone screen reads a long answer better in parts, as on Telegram; buttons stay in the
# database (a press names the entry and the button, never the payload).
_PART = 4096
WEB = Messenger(
    PLATFORM,
    re.compile(r"w[0-9a-f]{24}"),
    "w and 24 hexadecimal digits (as the web chat makes them)",
    max_text_length=_PART,
    max_caption_length=_PART,
    max_action_bytes=_PART,
    paced=False,
)
# A page served by another process learns of new entries this often.
POLL_SECONDS = 5.0
IN, OUT, EDIT = "in", "out", "edit"


def new_user_id() -> str:
    return "w" + secrets.token_hex(12)


@dataclass(frozen=True, slots=True)
class Photo:
    content: bytes
    mime_type: str


class WebChat:
    """The runner's `Transport` for the web chat, and the page's way into the core."""

    messenger = WEB

    def __init__(self, handle: Handle, clock: Clock = SYSTEM_CLOCK) -> None:
        self._database: async_sessionmaker[AsyncSession] | None = None
        self._handle = handle
        self._clock = clock
        self._listeners: dict[str, set[asyncio.Event]] = {}
        self.closing = asyncio.Event()

    def bind(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """The database to keep conversations in: the app's, once it is built (the app is
        built with this transport as a sender, so it cannot be given at construction)."""
        self._database = sessionmaker

    @property
    def _sessionmaker(self) -> async_sessionmaker[AsyncSession]:
        if self._database is None:
            msg = "the web chat was used before it was bound to a database"
            raise RuntimeError(msg)
        return self._database

    # -- the runner's Transport ------------------------------------------------------------

    async def start(self) -> None:
        _ = self._sessionmaker  # bound before it starts, or it fails now rather than later
        self.closing.clear()

    async def stop(self) -> None:
        """Open pages' event streams end; a page reconnects by itself to a live server."""
        self.closing.set()
        for events in self._listeners.values():
            for event in events:
                event.set()

    async def close(self) -> None:
        return None

    async def send(self, message: Outgoing) -> str:
        now = self._clock.now()
        async with self._sessionmaker() as session, session.begin():
            payload = await _payload(session, message, now)
            target = None
            if message.edit_message_id is not None and message.edit_message_id.isdigit():
                target = await web_chat.get_entry(
                    session, message.chat_id, int(message.edit_message_id)
                )
            if target is not None and target.kind == OUT:
                target.payload = payload
                await web_chat.add_entry(
                    session, message.chat_id, EDIT, json.dumps({"target": target.id}), now
                )
                sent_id = target.id
            else:
                sent_id = (
                    await web_chat.add_entry(session, message.chat_id, OUT, payload, now)
                ).id
        self._wake(message.chat_id)
        return str(sent_id)

    # -- the page's side --------------------------------------------------------------------

    async def type(self, user_id: str, language: str, text: str) -> None:
        await self._log(user_id, {"text": text})
        await self._handle(self._incoming(user_id, language, text=text))

    async def press(self, user_id: str, language: str, entry_id: int, index: int) -> bool:
        """Press the `index`th button of the bot's entry `entry_id`; False (and nothing
        happens) if this worker was never sent such a button."""
        async with self._sessionmaker() as session:
            entry = await web_chat.get_entry(session, user_id, entry_id)
        if entry is None or entry.kind != OUT:
            return False
        buttons = [b for row in json.loads(entry.payload)["buttons"] for b in row]
        if not 0 <= index < len(buttons) or not buttons[index]["action"]:
            return False
        button = buttons[index]
        await self._log(user_id, {"label": button["label"]})
        incoming = self._incoming(user_id, language, action=button["action"])
        await self._handle(replace(incoming, message_id=str(entry.id)))
        return True

    async def attach(self, user_id: str, language: str, photo: Photo) -> None:
        token = secrets.token_urlsafe(24)
        now = self._clock.now()
        async with self._sessionmaker() as session, session.begin():
            web_chat.add_file(session, token, user_id, photo.content, photo.mime_type, now)
        await self._log(user_id, {"photo": token})
        attachment = Attachment("photo", token, mime_type=photo.mime_type, size=len(photo.content))
        await self._handle(self._incoming(user_id, language, attachments=(attachment,)))

    async def wait(self, user_id: str, seconds: float) -> None:
        """Until something is written to `user_id`'s conversation here, `seconds` pass,
        or the transport stops."""
        if self.closing.is_set():
            return
        event = asyncio.Event()
        self._listeners.setdefault(user_id, set()).add(event)
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await event.wait()
        finally:
            listeners = self._listeners.get(user_id)
            if listeners is not None:
                listeners.discard(event)
                if not listeners:
                    del self._listeners[user_id]

    def _wake(self, user_id: str) -> None:
        for event in self._listeners.get(user_id, ()):
            event.set()

    async def _log(self, user_id: str, what: dict[str, Any]) -> None:
        async with self._sessionmaker() as session, session.begin():
            await web_chat.add_entry(
                session, user_id, IN, json.dumps(what, ensure_ascii=False), self._clock.now()
            )
        self._wake(user_id)

    def _incoming(
        self,
        user_id: str,
        language: str,
        *,
        text: str | None = None,
        action: str | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> Incoming:
        return Incoming(
            platform=PLATFORM,
            update_id=secrets.token_hex(16),
            chat_id=user_id,
            user_id=user_id,
            language=language,
            text=text,
            action=action,
            attachments=tuple(attachments),
        )


async def _payload(session: AsyncSession, message: Outgoing, now: datetime) -> str:
    """What the page shows of `message`: its text, buttons, photos, and a file to download
    (kept like a worker's photo, for this worker only)."""
    download = None
    if message.upload is not None:
        token = secrets.token_urlsafe(24)
        web_chat.add_file(
            session,
            token,
            message.chat_id,
            message.upload.content,
            message.upload.mime_type,
            now,
        )
        download = {"token": token, "name": message.upload.file_name}
    # Another messenger's files are not in the web chat's store: the text says where they are.
    own = [a for a in message.attachments if a.platform in {None, PLATFORM}]
    return json.dumps(
        {
            "text": message.text,
            "buttons": [
                [{"label": b.label, "action": b.action, "url": b.url} for b in row]
                for row in message.buttons
            ],
            "photos": [a.file_id for a in own if a.kind == "photo"],
            "files": len([a for a in own if a.kind != "photo"]),
            "download": download,
        },
        ensure_ascii=False,
    )


def read(entry: WebChatEntry) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(entry.payload)
    return data


async def build(_settings: Settings, core: Core, options: RunOptions) -> WebChat:
    if options.web is None:
        msg = "the web chat is served with the console: add --web HOST:PORT"
        raise ValueError(msg)
    return WebChat(core.handle)


REGISTRATION = Registration("web", WEB, build)
