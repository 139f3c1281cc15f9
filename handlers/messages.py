"""What crosses the border between a transport and the core.

A transport turns a platform update into an `Incoming`; the core answers by writing
`Outgoing` messages into the outbox, which delivery later hands back to a transport.
Nothing here knows about any particular messenger.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Literal

# The core's budget for a button's payload. Every messenger must carry at least this much
# (the transport registry checks); Telegram's callback_data, the tightest, carries 64.
MAX_ACTION_BYTES = 64

AttachmentKind = Literal["photo", "document"]


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file that stays on the messenger's side; we keep only its reference."""

    kind: AttachmentKind
    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    # The messenger that holds the file, when known: its id means nothing on another one
    # (a web chat photo is not sent to Telegram by id; its transport uploads the bytes the
    # project keeps, if it can). None: the messenger the message goes to.
    platform: str | None = None


@dataclass(frozen=True, slots=True)
class Upload:
    """A file sent from its bytes: one the core made (an export, say), sent as a document,
    or a photo the project keeps that the messenger does not hold yet.

    Unlike an `Attachment`, it is not on the messenger yet; the transport uploads it.
    """

    file_name: str
    content: bytes
    mime_type: str = "application/octet-stream"
    kind: AttachmentKind = "document"


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update from a person, in messenger-neutral form."""

    platform: str
    update_id: str
    chat_id: str
    user_id: str
    language: str | None = None
    display_name: str | None = None
    text: str | None = None
    # Token of a pressed button; None for a typed message.
    action: str | None = None
    # The message that carried the update; for a button press, the bot's own message.
    message_id: str | None = None
    # Forum topic inside a group chat (officers' group, one topic per ticket).
    thread_id: str | None = None
    is_group: bool = False
    attachments: tuple[Attachment, ...] = ()
    # What the update carries, as the messenger names it (on Telegram the chat, message
    # id and date of a message, or a button press's own id): the same for a redelivery,
    # different for another update given a used id again. Empty where ids are never reused.
    event: str = ""


@dataclass(frozen=True, slots=True)
class Button:
    """A button that sends `action` back to the core when pressed, or, with `url` (and an
    empty action), a link the messenger opens itself."""

    label: str
    action: str
    url: str | None = None

    def __post_init__(self) -> None:
        if self.url is not None:
            if self.action or not self.url.startswith("https://"):
                msg = f"a link button has an https url and no action: {self!r}"
                raise ValueError(msg)
            return
        size = len(self.action.encode("utf-8"))
        if not 1 <= size <= MAX_ACTION_BYTES:
            msg = f"button action must be 1-{MAX_ACTION_BYTES} bytes, got {size}: {self.action!r}"
            raise ValueError(msg)


@dataclass(frozen=True, slots=True)
class Topic:
    """The forum topic of a ticket in an officers' group.

    The core does not know whether the topic exists yet: delivery opens it, titled `title`
    (plain text), the first time the ticket has a message for the group, and puts this and
    every later message for the ticket into it.
    """

    ticket_id: int
    title: str


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to send (or an earlier bot message to edit).

    `text` uses the small HTML subset every transport understands (<b>, <i>, <code>,
    <a href>); anything a person typed is already escaped by the core.
    """

    chat_id: str
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    edit_message_id: str | None = None
    thread_id: str | None = None
    attachments: tuple[Attachment, ...] = field(default=())
    # Set on messages for a ticket's topic in an officers' group (`chat_id` is the group).
    topic: Topic | None = None
    # A file made by the core, sent with the message (after it, or captioned by a short one).
    upload: Upload | None = None

    def to_json(self) -> str:
        """The outbox's payload, read back by `from_json` (rows outlive an upgrade: the
        keys are those of the fields, as they have always been written)."""
        # Spelled out rather than `dataclasses.asdict`, which deep-copies every value:
        # every answer is written this way, and asdict was a tenth of a millisecond of it.
        upload = self.upload
        data = {
            "chat_id": self.chat_id,
            "text": self.text,
            "buttons": [[_fields(b) for b in row] for row in self.buttons],
            "edit_message_id": self.edit_message_id,
            "thread_id": self.thread_id,
            "attachments": [_fields(a) for a in self.attachments],
            "topic": None if self.topic is None else _fields(self.topic),
            "upload": None
            if upload is None
            else _fields(upload) | {"content": base64.b64encode(upload.content).decode("ascii")},
        }
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> Outgoing:
        data: dict[str, Any] = json.loads(raw)
        return cls(
            chat_id=data["chat_id"],
            text=data["text"],
            buttons=tuple(tuple(Button(**b) for b in row) for row in data.get("buttons", ())),
            edit_message_id=data.get("edit_message_id"),
            thread_id=data.get("thread_id"),
            attachments=tuple(Attachment(**a) for a in data.get("attachments", ())),
            topic=Topic(**data["topic"]) if data.get("topic") else None,
            upload=_upload(data.get("upload")),
        )


def _fields(value: Button | Attachment | Topic | Upload) -> dict[str, Any]:
    """A flat message part's fields by name, in order (its slots are its fields)."""
    return {name: getattr(value, name) for name in value.__slots__}


def _upload(data: dict[str, Any] | None) -> Upload | None:
    if not data:
        return None
    return Upload(
        file_name=data["file_name"],
        content=base64.b64decode(data["content"]),
        mime_type=data.get("mime_type", "application/octet-stream"),
        kind=data.get("kind", "document"),
    )
