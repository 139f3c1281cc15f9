"""Telegram rules both Telegram transports (aiogram, python-telegram-bot) share.

Only what is about Telegram itself lives here: how a Bot API update becomes an `Incoming`,
how an `Outgoing` becomes Bot API calls, how commands addressed to the bot in a group are
read, which errors mean what, and the order in which updates are handed to the core. The
frameworks differ only in how they receive updates and make the calls.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, Protocol, TypeVar

from bot.markup import visible_length
from bot.transports.base import (
    DeliveryError,
    MarkupRejected,
    Messenger,
    PermanentError,
    TopicGone,
)
from handlers.messages import Attachment, Incoming, Outgoing, Upload

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

PLATFORM = "telegram"


def utf16_length(text: str) -> int:
    """How Telegram counts a text's length: UTF-16 code units, an emoji costing two."""
    return len(text.encode("utf-16-le")) // 2


TELEGRAM = Messenger(
    PLATFORM,
    re.compile(r"[0-9]{1,20}"),
    "digits only",
    max_text_length=4096,
    # Counted as Telegram counts it: the visible text after HTML parsing.
    max_caption_length=1024,
    # callback_data
    max_action_bytes=64,
    # Telegram (and the Bot API clones) give groups and channels negative chat ids.
    is_group_chat=lambda chat_id: chat_id.startswith("-"),
    text_length=utf16_length,
)
# Update kinds the transports map; asking Telegram for only these keeps polling light.
ALLOWED_UPDATES = ("message", "callback_query")
GROUP_CHAT_TYPES = frozenset({"group", "supergroup"})

T = TypeVar("T")
# A Bot API object as JSON, the form both frameworks can give their parsed objects back in.
Json = Mapping[str, Any]


def command_text(text: str, bot_username: str | None) -> str:
    """`/queue@OurBot 12` as typed in a group becomes `/queue 12`, as in a private chat.

    A command addressed to another bot is left as it is, so the core does not take it for
    one of ours.
    """
    if not text.startswith("/") or bot_username is None:
        return text
    head, sep, rest = text.partition(" ")
    command, at, target = head.partition("@")
    if not at or target.lower() != bot_username.lower():
        return text
    return command + sep + rest


def api_chat_id(chat_id: str) -> int | str:
    """Numeric chat ids go to the Bot API as numbers; "@channelname" stays text."""
    with contextlib.suppress(ValueError):
        return int(chat_id)
    return chat_id


def incoming_from_update(update: Json, bot_username: str | None) -> Incoming | None:
    """The `Incoming` for a Bot API update, or None when it carries nothing for the core.

    `update` is the update as the Bot API sends it (fields that are absent or null may be
    missing), so one mapping serves every framework.
    """
    update_id = str(update["update_id"])
    if (message := update.get("message")) is not None:
        return _incoming_from_message(update_id, message, bot_username)
    if (query := update.get("callback_query")) is not None:
        return _incoming_from_callback(update_id, query)
    return None


def _incoming_from_message(
    update_id: str, message: Json, bot_username: str | None
) -> Incoming | None:
    user = message.get("from")
    if user is None or user["is_bot"]:
        return None
    text: str | None = message.get("text")
    if text is None:
        text = message.get("caption")
    attachments = _attachments(message)
    if text is None and not attachments:
        return None  # service messages, stickers and the like carry nothing to read
    return _incoming(
        update_id,
        message,
        user,
        text=None if text is None else command_text(text, bot_username),
        attachments=attachments,
        event=f"{message['chat']['id']}:{message['message_id']}:{message['date']}",
    )


def _incoming_from_callback(update_id: str, query: Json) -> Incoming | None:
    message = query.get("message")
    user = query["from"]
    if query.get("data") is None or message is None or user["is_bot"]:
        return None
    return _incoming(update_id, message, user, action=query["data"], event=f"q:{query['id']}")


def _incoming(
    update_id: str,
    message: Json,
    user: Json,
    *,
    text: str | None = None,
    action: str | None = None,
    attachments: tuple[Attachment, ...] = (),
    event: str,
) -> Incoming:
    """Who wrote or pressed, and where: `message` is the one that carried the update."""
    return Incoming(
        platform=PLATFORM,
        update_id=update_id,
        chat_id=str(message["chat"]["id"]),
        user_id=str(user["id"]),
        language=user.get("language_code"),
        display_name=_full_name(user),
        text=text,
        action=action,
        message_id=str(message["message_id"]),
        thread_id=_thread_id(message),
        is_group=message["chat"]["type"] in GROUP_CHAT_TYPES,
        attachments=attachments,
        event=event,
    )


def _attachments(message: Json) -> tuple[Attachment, ...]:
    if photos := message.get("photo"):
        largest = max(photos, key=lambda p: (p["width"] * p["height"], p.get("file_size") or 0))
        return (Attachment("photo", largest["file_id"], size=largest.get("file_size")),)
    if (doc := message.get("document")) is not None:
        return (
            Attachment(
                "document",
                doc["file_id"],
                file_name=doc.get("file_name"),
                mime_type=doc.get("mime_type"),
                size=doc.get("file_size"),
            ),
        )
    return ()


def _thread_id(message: Json) -> str | None:
    # In a forum every message names a thread; only topic messages belong to a ticket's topic.
    # A button's message too old for the bot to read (date 0) has neither field: no thread.
    thread_id = message.get("message_thread_id")
    if message.get("is_topic_message") and thread_id is not None:
        return str(thread_id)
    return None


def _full_name(user: Json) -> str:
    first_name: str = user["first_name"]
    last_name: str | None = user.get("last_name")
    return f"{first_name} {last_name}" if last_name else first_name


def is_parse_error(description: str) -> bool:
    return "can't parse entities" in description.lower()


def is_topic_gone(description: str) -> bool:
    # A deleted forum topic; Telegram names it either way depending on the call.
    lowered = description.lower()
    return "message thread not found" in lowered or "topic_deleted" in lowered


def is_not_modified(description: str) -> bool:
    # Editing a message into what it already says is a no-op for the person, not a failure.
    return "message is not modified" in description.lower()


def is_forbidden_description(description: str) -> bool:
    return description.lower().startswith("forbidden")


class HeldFiles(Protocol):
    """Where the files the project keeps are read from (bot.transports.held_files)."""

    async def read(self, attachment: Attachment) -> Attachment | Upload | None: ...

    def remember(self, attachment: Attachment, file_id: str) -> None: ...


class Sent(NamedTuple):
    """What one call of a send made: the message, and Telegram's id of its photo if any."""

    message_id: int
    photo_id: str | None = None


@dataclass(frozen=True, slots=True)
class SendStep:
    """One Bot API call of a send: a text, a file by its Telegram file_id, or an upload."""

    method: Literal["sendMessage", "sendPhoto", "sendDocument"]
    text: str | None
    attachment: Attachment | Upload | None = None
    # The buttons go on one call only; its message id is what the core may edit later.
    with_buttons: bool = False


def send_steps(
    message: Outgoing, held: Sequence[Attachment | Upload] = ()
) -> tuple[SendStep, ...]:
    """The calls that deliver `message` (not an edit), in order, with `held`: what stands
    for its files another messenger holds (`Attachment.platform`), an upload of their
    bytes or Telegram's id of an earlier one.

    One file and a short text travel together as a captioned file with the buttons;
    otherwise the text (with the buttons) goes first and the files follow, uncaptioned,
    uploads last. With held files the text always goes first: it says where they are, so
    it arrives even if Telegram refuses one of them.
    """
    files: tuple[Attachment | Upload, ...] = (*_own(message.attachments), *held)
    if message.upload is not None:
        files = (*files, message.upload)
    if len(files) == 1 and not held and _fits_caption(message.text):
        return (SendStep(_file_method(files[0]), message.text, files[0], with_buttons=True),)
    steps = [SendStep("sendMessage", message.text, with_buttons=True)]
    steps.extend(SendStep(_file_method(f), None, f) for f in files)
    return tuple(steps)


def _fits_caption(text: str) -> bool:
    """Whether `text` is short enough to be a file's caption.

    The visible length never exceeds the raw one (tags are free, an entity is no longer
    than its spelling), so only a text whose raw length is over the limit is tokenized:
    tokenizing every message cost more CPU than the rest of its send.
    """
    limit = TELEGRAM.max_caption_length
    return (
        TELEGRAM.text_length(text) <= limit or visible_length(text, TELEGRAM.text_length) <= limit
    )


def _own(attachments: Sequence[Attachment]) -> list[Attachment]:
    return [a for a in attachments if a.platform in {None, PLATFORM}]


def _file_method(attachment: Attachment | Upload) -> Literal["sendPhoto", "sendDocument"]:
    return "sendPhoto" if attachment.kind == "photo" else "sendDocument"


async def send_through(
    message: Outgoing,
    edit: Callable[[Outgoing, str], Awaitable[None]],
    send_step: Callable[[Outgoing, SendStep], Awaitable[Sent]],
    held: HeldFiles | None = None,
) -> str | None:
    """Deliver `message` with one framework's calls: `edit` changes the earlier message it
    names, `send_step` makes one call of `send_steps`; `held` gives the files another
    messenger holds that the project keeps (none without it: they are left out), and
    learns Telegram's id of each one uploaded.

    Returns the id of the message that carries the buttons, the one the core may edit later.
    """
    if message.edit_message_id is not None:
        await edit(message, message.edit_message_id)
        return message.edit_message_id
    standing: list[tuple[Attachment, Attachment | Upload]] = []
    if held is not None:
        for attachment in message.attachments:
            if attachment.platform not in {None, PLATFORM}:
                found = await held.read(attachment)
                if found is not None:
                    standing.append((attachment, found))
    sent_id: str | None = None
    for step in send_steps(message, [found for _, found in standing]):
        sent = await send_step(message, step)
        if step.with_buttons:
            sent_id = str(sent.message_id)
        if held is not None and isinstance(step.attachment, Upload) and sent.photo_id:
            for attachment, found in standing:
                if found is step.attachment:
                    held.remember(attachment, sent.photo_id)
    return sent_id


def bad_request_error(description: str) -> DeliveryError:
    """Telegram's 400: markup it could not parse is resent as plain text, a deleted topic is
    opened again; the rest is final."""
    if is_parse_error(description):
        return MarkupRejected(description)
    if is_topic_gone(description):
        return TopicGone(description)
    return PermanentError(description)


class UpdateGate:
    """Hands updates to the core in order per chat, a bounded number at a time.

    Updates of one chat are handled one after the other, in the order they arrived, so a
    form answered quickly is never read out of order; different chats may run side by
    side up to `concurrency` (1 on SQLite, which has a single writer). The gate also
    knows what is in flight, so a stop can wait for it to finish.
    """

    def __init__(self, concurrency: int) -> None:
        if concurrency < 1:
            msg = "concurrency must be at least 1"
            raise ValueError(msg)
        self._slots = asyncio.Semaphore(concurrency)
        self._chats: dict[str, tuple[asyncio.Lock, int]] = {}
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def run(self, chat_key: str, work: Callable[[], Awaitable[T]]) -> T:
        self._in_flight += 1
        self._idle.clear()
        lock, users = self._chats.get(chat_key, (asyncio.Lock(), 0))
        self._chats[chat_key] = (lock, users + 1)
        try:
            async with lock, self._slots:
                return await work()
        finally:
            lock, users = self._chats[chat_key]
            if users == 1:
                del self._chats[chat_key]
            else:
                self._chats[chat_key] = (lock, users - 1)
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def wait_idle(self) -> None:
        await self._idle.wait()


class TelegramTransport(Protocol):
    """What `workerbot run` needs from a Telegram transport; both frameworks provide it.

    A transport is also the delivery `Sender` for the platform "telegram".
    """

    messenger: Messenger

    async def start(self) -> None: ...

    async def start_polling(self) -> None: ...

    async def set_webhook(self, url: str, secret: str) -> None: ...

    async def feed_webhook(self, update: dict[str, Any]) -> None: ...

    async def stop_receiving(self) -> None: ...

    async def close(self) -> None: ...

    def bind(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """The database whose web chat photos go to officers here as uploads."""

    async def send(self, message: Outgoing) -> str | None: ...

    async def create_topic(self, chat_id: str, name: str) -> str: ...
