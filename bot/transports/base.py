"""What the runtime needs from a transport, and how a transport reports a failed send.

A `Transport` is one messenger as the runner runs it: it receives updates and hands each
to the core as an `Incoming` (through `Core.handle`), and as a `Sender` it maps each
`Outgoing` to its messenger's API call (send, or edit when `edit_message_id` is set) and
translates the messenger's refusals into the errors below, so delivery can decide what to
do without knowing any messenger. What a messenger has or lacks is its `Messenger`: the
form of its person ids, what a group chat is, how long a text, a caption and a button's
payload may be. Delivery reads those from the sender; nothing outside a transport knows a
messenger's numbers. Group topics are an extra (`TopicSender`).

Adding a messenger is one module and one line:

1. the module declares its `Messenger`, a class meeting `Transport`, and a `Build`
   (settings, `Core`, `RunOptions` -> the transport; a bad setting or option raises
   ValueError with a message for the operator) and wraps them in a `Registration` named
   as `WORKERBOT_TRANSPORT` / `workerbot run --transport` will spell it;
2. `bot/transports/registry.py` lists that `Registration`.

`workerbot run` then assembles the core, delivery and the scheduler around it
(`bot/launch.py`), and `officer add --messenger-id PLATFORM:ID` accepts its ids.
A transport that reads one person at this machine (`in_turns`) is run so that each
update is delivered before the next is read, with nothing running beside it. One that
keeps its conversations in the bot's database (`UsesDatabase`) is given it before start;
one whose sends are local writes says so (`Messenger.paced`).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from handlers.messages import Incoming, Outgoing

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

    from bot.settings import Settings

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
    # Longest text one message may carry, in `text_length` units of the visible text,
    # after markup is parsed. Delivery splits longer texts.
    max_text_length: int
    # Longest text that may go with a file as its caption; a longer one is sent as a
    # message of its own before the file.
    max_caption_length: int
    # Longest button payload (`Button.action`) in UTF-8 bytes. The core's own tokens keep
    # within `handlers.messages.MAX_ACTION_BYTES`; the registry refuses a messenger that
    # could not carry them.
    max_action_bytes: int
    # Whether a chat id names a group (several people, its own rate limit), not a person.
    is_group_chat: Callable[[str], bool] = lambda _chat_id: False
    # How it counts a text's length against its limits (Telegram: UTF-16 code units).
    text_length: Callable[[str], int] = len
    # Whether delivery paces sends to it with the DELIVERY_* limits (a messenger's flood
    # control); a messenger whose send is a local write (the web chat) is not paced.
    paced: bool = True

    def is_user_id(self, value: str) -> bool:
        return self.user_id.fullmatch(value) is not None


@dataclass(frozen=True, slots=True)
class Core:
    """What the runner gives the transport it builds."""

    # Hand one update to the core; acknowledge it to the messenger only after it returned.
    handle: Handle
    # The transport will receive nothing more (the terminal's input ended): the runner
    # stops, as on SIGTERM.
    end: Callable[[], None]


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How `workerbot run` was asked to receive; a transport refuses what it cannot do."""

    # A public URL to have updates posted to, instead of fetching them (Telegram).
    webhook: str | None = None
    # Where to listen for them (HOST:PORT); by default derived from `webhook`.
    listen: str | None = None
    # Where the console is served (HOST:PORT), and with it the web chat's pages.
    web: str | None = None


class Sender(Protocol):
    # The messenger it sends to: delivery hands it the rows of `messenger.platform`, and
    # keeps to its limits.
    messenger: Messenger

    async def send(self, message: Outgoing) -> str | None:
        """Send (or edit) one message; return the messenger's id for it, if it has one.

        `message.text` is always the HTML subset described on `Outgoing`; a plain-text
        resend after `MarkupRejected` arrives as the same subset with no tags left.
        """
        ...


class Transport(Sender, Protocol):
    """A messenger as the runner runs it: updates in, messages out.

    Built by its `Registration.build` with the `Core` to hand updates to.
    """

    async def start(self) -> None:
        """Start receiving; return once updates flow to the core."""
        ...

    async def stop(self) -> None:
        """Take no more updates and wait for those already taken."""
        ...

    async def close(self) -> None:
        """Release the connections; after `stop`, or when `start` never ran."""
        ...


class Build(Protocol):
    def __call__(
        self, settings: Settings, core: Core, options: RunOptions, /
    ) -> Awaitable[Transport]:
        """The transport, not started; ValueError says what is missing or not supported.

        Nothing is connected yet when it raises.
        """
        ...


@dataclass(frozen=True, slots=True)
class Registration:
    """A transport as `WORKERBOT_TRANSPORT` and `workerbot run --transport` name it."""

    name: str
    messenger: Messenger
    build: Build
    # One person at this machine, one update at a time: each update is delivered before
    # the next is read, the knowledge base is looked at before each, nothing runs in the
    # background (no scheduler), and no flood control applies.
    in_turns: bool = False
    # Other spellings still accepted (names from earlier releases).
    aliases: tuple[str, ...] = ()


@runtime_checkable
class UsesDatabase(Protocol):
    """A transport that keeps its conversations in the bot's own database (the web chat).

    The runner hands it the database once the app is built, before it starts.
    """

    def bind(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None: ...


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
