"""What the runtime needs from a transport, and how a transport reports a failed send.

A `Transport` is one messenger as the runner runs it: it receives updates and hands each
to the core as an `Incoming` (through the `Handle` it was built with), and as a `Sender`
it maps each `Outgoing` to its messenger's API call (send, or edit when `edit_message_id`
is set) and translates the messenger's refusals into the errors below, so delivery can
decide what to do without knowing any messenger. What a messenger has or lacks is said
here too: group topics (`TopicSender`), its text limit, the form of its person ids
(`Messenger`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from handlers.messages import Incoming, Outgoing

# The core's entry for one update; a transport calls it for each update it receives and
# acknowledges the update to its messenger only after it returned.
Handle = Callable[[Incoming], Awaitable[object]]


@dataclass(frozen=True, slots=True)
class Messenger:
    """What the runtime knows about a messenger without starting it."""

    # Name stored in `Person.platform` and `OutboxMessage.platform`.
    platform: str
    # A person's id there (`Incoming.user_id`, always a string), e.g. digits on Telegram.
    user_id: re.Pattern[str]
    user_id_hint: str
    # Whether a chat id names a group (several people, its own rate limit), not a person.
    is_group_chat: Callable[[str], bool] = lambda _chat_id: False
    # How it counts a text's length against its limit (Telegram: UTF-16 code units).
    text_length: Callable[[str], int] = len
    # Whether delivery paces sends to it with the DELIVERY_* limits (a messenger's flood
    # control); a messenger whose send is a local write (the web chat) is not paced.
    paced: bool = True

    def is_user_id(self, value: str) -> bool:
        return self.user_id.fullmatch(value) is not None


class Sender(Protocol):
    # Name stored in `OutboxMessage.platform`; delivery hands each row to the sender of its
    # platform.
    platform: str
    # Longest text one message may carry, in its messenger's `text_length` units of the
    # visible text, after markup is parsed. Delivery splits longer texts.
    max_text_length: int

    async def send(self, message: Outgoing) -> str | None:
        """Send (or edit) one message; return the messenger's id for it, if it has one.

        `message.text` is always the HTML subset described on `Outgoing`; a plain-text
        resend after `MarkupRejected` arrives as the same subset with no tags left.
        """
        ...


class Transport(Sender, Protocol):
    """A messenger as the runner runs it: updates in, messages out."""

    async def start(self) -> None:
        """Start receiving; return once updates flow to the core."""
        ...

    async def stop(self) -> None:
        """Take no more updates and wait for those already taken."""
        ...

    async def close(self) -> None:
        """Release the connections; after `stop`, or when `start` never ran."""
        ...


@runtime_checkable
class TopicSender(Sender, Protocol):
    """A sender for a messenger whose group chats have forum topics (Telegram).

    Delivery opens a ticket's topic through it before the ticket's first message for an
    officers' group. With a sender that lacks it, such messages go to the group itself,
    headed by the topic's title.
    """

    async def create_topic(self, chat_id: str, name: str) -> str:
        """Open a topic named `name` (plain text) in the group; return its thread id.

        Failures raise the errors below, as `send` does.
        """
        ...


class DeliveryError(Exception):
    """A send the messenger refused or that did not complete."""


class RetryAfter(DeliveryError):  # noqa: N818 (named for what the messenger said)
    """Flood control (Telegram 429): the chat accepts nothing for `seconds`."""

    def __init__(self, seconds: float, detail: str = "") -> None:
        super().__init__(detail or f"retry after {seconds:g}s")
        self.seconds = seconds


class Unreachable(DeliveryError):  # noqa: N818 (named for what the messenger said)
    """The person blocked the bot, or the chat is gone (Telegram 403)."""


class MarkupRejected(DeliveryError):  # noqa: N818 (named for what the messenger said)
    """The messenger could not parse the markup; the text is resent as plain text."""


class TransientError(DeliveryError):
    """Server error (5xx), network failure or timeout: worth retrying later."""


class PermanentError(DeliveryError):
    """Any other refusal (4xx): retrying would fail the same way."""


class TopicGone(PermanentError):  # noqa: N818 (named for what happened)
    """The group's topic the message was sent into is gone (its officers deleted it).

    Delivery opens the ticket a new topic and sends there; where it cannot, it is final.
    """
