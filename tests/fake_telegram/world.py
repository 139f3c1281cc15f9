"""What the fake Telegram knows: users, chats, topics, messages, files and pending updates.

Test code acts as Telegram users through this class (``user_sends_text``, ``user_presses``...)
and reads what each chat sees (``sent_to``). The HTTP side lives in ``server``.
"""

from __future__ import annotations

import asyncio
import itertools
import mimetypes
import re
import struct
import time
import zlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

JSON = dict[str, Any]
T = TypeVar("T")

_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")
_TOPIC_COLOR = 7322096


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid PNG image, for photo uploads (the fake refuses bytes that are not an image)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def image_size(content: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, JPEG, GIF or WebP image; None when it is not one."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content.startswith((b"GIF87a", b"GIF89a")) and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return 512, 512
    if content.startswith(b"\xff\xd8\xff"):
        return _jpeg_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    pos = 2
    while pos + 9 < len(content):
        if content[pos] != 0xFF:
            return None
        marker = content[pos + 1]
        length = int.from_bytes(content[pos + 2 : pos + 4], "big")
        if 0xC0 <= marker <= 0xCF and marker not in {0xC4, 0xC8, 0xCC}:
            height, width = struct.unpack(">HH", content[pos + 5 : pos + 9])
            return int(width), int(height)
        pos += 2 + length
    return None


@dataclass(frozen=True)
class FakeUser:
    """A Telegram user the test plays."""

    id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            data["last_name"] = self.last_name
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass(frozen=True)
class FakeChat:
    id: int
    type: str
    title: str | None = None
    is_forum: bool = False
    first_name: str | None = None
    last_name: str | None = None
    username: str | None = None

    def to_api(self) -> JSON:
        data: JSON = {"id": self.id, "type": self.type}
        for key in ("title", "first_name", "last_name", "username"):
            if (value := getattr(self, key)) is not None:
                data[key] = value
        if self.is_forum:
            data["is_forum"] = True
        return data


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: str  # "photo" or "document"
    content: bytes
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0

    def photo_sizes(self) -> list[JSON]:
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": len(self.content),
            }
        ]

    def document(self) -> JSON:
        data: JSON = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
        }
        if self.file_name:
            data["file_name"] = self.file_name
        if self.mime_type:
            data["mime_type"] = self.mime_type
        return data


@dataclass
class ChatState:
    chat: FakeChat
    next_message_id: int = 1
    messages: dict[int, JSON] = field(default_factory=dict)
    topics: dict[int, str] = field(default_factory=dict)
    started: bool = False  # private chats: the user has written to the bot
    blocked: bool = False


class World:
    """Telegram's state as the fake keeps it, and the test's hands on it."""

    def __init__(self, token: str, bot_username: str) -> None:
        self.token = token
        bot_id = int(token.split(":", 1)[0]) if token.split(":", 1)[0].isdigit() else 1
        self.bot_user: JSON = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "Workerbot",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.chats: dict[int, ChatState] = {}
        self.users: dict[int, FakeUser] = {}
        self.files: dict[str, StoredFile] = {}
        self.files_by_path: dict[str, StoredFile] = {}
        self.pending: list[JSON] = []
        self.updates: list[JSON] = []  # every update ever created, in order
        self.open_queries: dict[str, JSON] = {}  # callback queries not yet answered
        self.callback_answers: dict[str, JSON] = {}  # query id -> answerCallbackQuery params
        self._update_ids = itertools.count(100_001)
        self._user_ids = itertools.count(5_000_001)
        self._group_ids = itertools.count(1_000_000_001)
        self._file_ids = itertools.count(1)
        self._query_ids = itertools.count(4_200_000_000_001)
        self._change = asyncio.Event()

    # --- change notification -------------------------------------------------------------

    def changed(self) -> None:
        """Wake everyone waiting for the state to move (long polls, webhook, wait_for)."""
        self._change.set()
        self._change = asyncio.Event()

    # The timeout parameters below are the test-facing API (wait up to N seconds), not a
    # cancellation mechanism, hence ASYNC109 is silenced.
    async def wait_change(self, timeout: float) -> None:  # noqa: ASYNC109
        event = self._change
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except TimeoutError:
            return

    async def wait_for(
        self,
        predicate: Callable[[], T],
        timeout: float = 5.0,  # noqa: ASYNC109
        what: str | None = None,
    ) -> T:
        """Return the first truthy value of ``predicate()``, re-checked on every change."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"fake Telegram: timed out after {timeout}s waiting for {what or predicate}"
                )
            await self.wait_change(min(remaining, 0.5))

    async def wait_sent(
        self,
        chat_id: int,
        count: int = 1,
        *,
        thread_id: int | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> list[JSON]:
        """Wait until the bot has ``count`` visible messages in the chat (topic); return them."""

        def enough() -> list[JSON]:
            sent = self.sent_to(chat_id, thread_id=thread_id)
            return sent if len(sent) >= count else []

        return await self.wait_for(enough, timeout, f"{count} bot message(s) in chat {chat_id}")

    async def wait_delivered(self, update_id: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot confirmed the update (a later getUpdates offset, or webhook 2xx)."""
        await self.wait_for(
            lambda: self.is_delivered(update_id), timeout, f"update {update_id} to be confirmed"
        )

    def is_delivered(self, update_id: int) -> bool:
        return all(update["update_id"] != update_id for update in self.pending)

    # --- people and chats ----------------------------------------------------------------

    def user(
        self,
        first_name: str = "Worker",
        *,
        language_code: str | None = "zh-hans",
        username: str | None = None,
        last_name: str | None = None,
        user_id: int | None = None,
        started: bool = False,
    ) -> FakeUser:
        """A new user with a private chat (chat id == user id).

        Like Telegram, the bot cannot write to the user until the user has written to it,
        unless ``started`` says they already have.
        """
        user = FakeUser(
            id=user_id if user_id is not None else next(self._user_ids),
            first_name=first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
        )
        self.users[user.id] = user
        chat = FakeChat(
            id=user.id,
            type="private",
            first_name=first_name,
            last_name=last_name,
            username=username,
        )
        self.chats[user.id] = ChatState(chat, started=started)
        return user

    def supergroup(self, title: str = "Officers", *, forum: bool = True) -> FakeChat:
        """A supergroup the bot is a member of (a forum with topics unless ``forum`` is False)."""
        chat = FakeChat(
            id=-next(self._group_ids) - 1_000_000_000_000,
            type="supergroup",
            title=title,
            is_forum=forum,
        )
        self.chats[chat.id] = ChatState(chat, started=True)
        return chat

    def block(self, chat_id: int) -> None:
        """The user blocks the bot (or, for a group, removes it): sends there get 403."""
        self.chats[chat_id].blocked = True

    def unblock(self, chat_id: int) -> None:
        self.chats[chat_id].blocked = False

    def delete_topic(self, chat_id: int, thread_id: int) -> None:
        """An admin of the group deletes a forum topic with all its messages: sends into it
        fail with "Bad Request: message thread not found", as on Telegram."""
        state = self.chats[chat_id]
        del state.topics[thread_id]
        state.messages = {
            message_id: message
            for message_id, message in state.messages.items()
            if message.get("message_thread_id") != thread_id
        }

    def topics(self, chat_id: int) -> dict[int, str]:
        """Forum topics of a chat: message_thread_id -> name."""
        return dict(self.chats[chat_id].topics)

    # --- what chats see ------------------------------------------------------------------

    def sent_to(self, chat_id: int, *, thread_id: int | None = None) -> list[JSON]:
        """The bot's messages in a chat as the chat sees them now (edits applied, deletions
        gone, topic-creation service messages left out); only one topic's with ``thread_id``."""
        state = self.chats.get(chat_id)
        if state is None:
            return []
        bot_id = self.bot_user["id"]
        return [
            message
            for message in state.messages.values()
            if message["from"]["id"] == bot_id
            and "forum_topic_created" not in message
            and (thread_id is None or message.get("message_thread_id") == thread_id)
        ]

    def messages_in(self, chat_id: int) -> list[JSON]:
        """Every message still in the chat, the users' and the bot's, oldest first."""
        state = self.chats.get(chat_id)
        return list(state.messages.values()) if state else []

    def message(self, chat_id: int, message_id: int) -> JSON | None:
        state = self.chats.get(chat_id)
        return state.messages.get(message_id) if state else None

    def file_content(self, file_id: str) -> bytes:
        return self.files[file_id].content

    # --- building messages (shared with the Bot API side) --------------------------------

    def new_message(
        self, state: ChatState, sender: JSON, thread_id: int | None, content: JSON
    ) -> JSON:
        message_id = state.next_message_id
        state.next_message_id += 1
        message: JSON = {
            "message_id": message_id,
            "from": sender,
            "chat": state.chat.to_api(),
            "date": int(time.time()),
        }
        if thread_id is not None:
            message["message_thread_id"] = thread_id
            message["is_topic_message"] = True
        message.update(content)
        state.messages[message_id] = message
        return message

    def store_file(
        self,
        kind: str,
        content: bytes,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        number = next(self._file_ids)
        prefix = "AgACAgIAAx" if kind == "photo" else "BQACAgIAAx"
        size = image_size(content) if kind == "photo" else None
        if kind == "photo":
            path = f"photos/file_{number}.jpg"
        else:
            extension = (file_name or "").rsplit(".", 1)[-1] if "." in (file_name or "") else "bin"
            path = f"documents/file_{number}.{extension}"
        stored = StoredFile(
            file_id=f"{prefix}{number:010d}{self.bot_user['id'] % 100_000:05d}",
            file_unique_id=f"AQAD{number:08d}",
            kind=kind,
            content=content,
            file_path=path,
            file_name=file_name,
            mime_type=mime_type,
            width=size[0] if size else 0,
            height=size[1] if size else 0,
        )
        self.files[stored.file_id] = stored
        self.files_by_path[stored.file_path] = stored
        return stored

    def renumber_updates(self, next_id: int) -> None:
        """Give later updates ids from `next_id` on, as Telegram does after a week without
        updates (a random id) or for a new token."""
        self._update_ids = itertools.count(next_id)

    def add_update(self, kind: str, payload: JSON) -> int:
        update_id = next(self._update_ids)
        update = {"update_id": update_id, kind: payload}
        self.pending.append(update)
        self.updates.append(update)
        self.changed()
        return update_id

    # --- the test acting as users --------------------------------------------------------

    def _user_chat(self, user: FakeUser, chat: FakeChat | int | None) -> ChatState:
        chat_id = user.id if chat is None else chat if isinstance(chat, int) else chat.id
        state = self.chats[chat_id]
        if state.chat.type == "private":
            if chat_id != user.id:
                raise ValueError(f"user {user.id} cannot write in the private chat {chat_id}")
            state.started = True  # writing to the bot (re)starts it
            state.blocked = False
        return state

    def _user_message(
        self,
        user: FakeUser,
        chat: FakeChat | int | None,
        thread_id: int | None,
        reply_to: int | None,
        content: JSON,
    ) -> int:
        state = self._user_chat(user, chat)
        if thread_id is not None and thread_id not in state.topics:
            raise ValueError(f"chat {state.chat.id} has no topic {thread_id}")
        message = self.new_message(state, user.to_api(), thread_id, content)
        replied_id = reply_to if reply_to is not None else thread_id
        if replied_id is not None:
            replied = state.messages.get(replied_id)
            if replied is None:
                raise ValueError(f"chat {state.chat.id} has no message {replied_id}")
            message["reply_to_message"] = {
                k: v for k, v in replied.items() if k != "reply_to_message"
            }
        return self.add_update("message", message)

    def user_sends_text(
        self,
        user: FakeUser,
        text: str,
        *,
        chat: FakeChat | int | None = None,
        thread_id: int | None = None,
        reply_to: int | None = None,
    ) -> int:
        """The user writes ``text`` (in their private chat unless ``chat``); returns the
        update id. Commands (/start ...) carry bot_command entities as clients send them."""
        content: JSON = {"text": text}
        entities = [
            {
                "type": "bot_command",
                "offset": _utf16_offset(text, m.start()),
                "length": _utf16_offset(text, m.end()) - _utf16_offset(text, m.start()),
            }
            for m in _COMMAND_RE.finditer(text)
        ]
        if entities:
            content["entities"] = entities
        return self._user_message(user, chat, thread_id, reply_to, content)

    def user_sends_photo(
        self,
        user: FakeUser,
        *,
        caption: str | None = None,
        content: bytes | None = None,
        chat: FakeChat | int | None = None,
        thread_id: int | None = None,
    ) -> int:
        stored = self.store_file("photo", content if content is not None else tiny_png(64, 48))
        payload: JSON = {"photo": stored.photo_sizes()}
        if caption:
            payload["caption"] = caption
        return self._user_message(user, chat, thread_id, None, payload)

    def user_sends_document(
        self,
        user: FakeUser,
        *,
        content: bytes = b"%PDF-1.4\n%fake receipt\n",
        file_name: str = "receipt.pdf",
        mime_type: str | None = None,
        caption: str | None = None,
        chat: FakeChat | int | None = None,
        thread_id: int | None = None,
    ) -> int:
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        stored = self.store_file("document", content, file_name=file_name, mime_type=mime)
        payload: JSON = {"document": stored.document()}
        if caption:
            payload["caption"] = caption
        return self._user_message(user, chat, thread_id, None, payload)

    def user_creates_topic(self, user: FakeUser, chat: FakeChat | int, name: str) -> int:
        """A user opens a forum topic; returns its message_thread_id."""
        state = self._user_chat(user, chat)
        if not state.chat.is_forum:
            raise ValueError(f"chat {state.chat.id} is not a forum")
        message = self.new_message(
            state,
            user.to_api(),
            None,
            {"forum_topic_created": {"name": name, "icon_color": _TOPIC_COLOR}},
        )
        thread_id = int(message["message_id"])
        message["message_thread_id"] = thread_id
        message["is_topic_message"] = True
        state.topics[thread_id] = name
        self.add_update("message", message)
        return thread_id

    def user_presses(
        self, user: FakeUser, message: JSON, callback_data: str, *, forge: bool = False
    ) -> int:
        """The user presses the inline button carrying ``callback_data`` under a bot message.

        The button must really be on the message as the chat sees it now (edits applied).
        ``forge=True`` skips that check: a client sending arbitrary callback data.
        Returns the update id; the callback query id is ``update["callback_query"]["id"]``.
        """
        chat_id = int(message["chat"]["id"])
        current = self.message(chat_id, int(message["message_id"]))
        if current is None:
            raise ValueError(f"message {message['message_id']} is not in chat {chat_id}")
        if not forge:
            state = self.chats[chat_id]
            if state.chat.type == "private" and chat_id != user.id:
                raise ValueError(f"user {user.id} cannot see chat {chat_id}")
            buttons = [
                button
                for row in current.get("reply_markup", {}).get("inline_keyboard", [])
                for button in row
            ]
            if all(button.get("callback_data") != callback_data for button in buttons):
                raise ValueError(
                    f"message {current['message_id']} has no button {callback_data!r}"
                )
        query_id = str(next(self._query_ids))
        query: JSON = {
            "id": query_id,
            "from": user.to_api(),
            "message": dict(current),  # as the user saw it when pressing
            "chat_instance": str(abs(chat_id) * 7 + 13),
            "data": callback_data,
        }
        self.open_queries[query_id] = query
        return self.add_update("callback_query", query)


def _utf16_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-16-le")) // 2
