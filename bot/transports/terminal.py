"""The terminal as a messenger: one person types lines, the bot's messages are printed.

A line that is the number of a button of the last message sent to this person presses it;
anything else, other numbers included, is text. Messages to other people (an officer's
ticket card while you play the worker) are printed too, marked with who they are for, so
a newcomer sees the whole exchange.

`TerminalTransport` is the terminal as the runner's `Transport`: it reads lines until
stdin ends, then tells the runner it is done. It runs `in_turns`: the runner's `handle`
returns only once the answer has been printed, so the conversation keeps its order.
`workerbot run --transport terminal` chats as the worker; `workerbot chat` adds sample
officers and `--as-officer`.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import re
import sys
import uuid
from dataclasses import replace
from html import unescape
from pathlib import Path
from typing import TextIO

from bot.settings import Settings
from bot.transports.base import Core, Messenger, Registration, RunOptions
from handlers.messages import Button, Incoming, Outgoing, Upload

PLATFORM = "terminal"
# Printed, not sent: no limit worth splitting or captioning for; buttons stay in memory.
_ROOMY = 100_000
TERMINAL = Messenger(
    PLATFORM,
    re.compile(r"[0-9A-Za-z_-]{1,64}"),
    "letters, digits, _ or -",
    max_text_length=_ROOMY,
    max_caption_length=_ROOMY,
    max_action_bytes=_ROOMY,
)
# Who types, unless `workerbot chat --as-officer` says otherwise.
WORKER_ID = "worker"
_TAG = re.compile(r"</?(?:b|i|u|s|code|pre|a)(?:\s[^>]*)?>")


def plain(html_text: str) -> str:
    """The small HTML subset of Outgoing, shown as plain terminal text."""
    return unescape(_TAG.sub("", html_text))


class TerminalSender:
    """Prints outbox messages; remembers the buttons of the last one for the chat user."""

    messenger = TERMINAL

    def __init__(self, chat_id: str, out: TextIO) -> None:
        self.chat_id = chat_id
        self._out = out
        # Who each other chat belongs to, for the header of messages addressed to them.
        self.names: dict[str, str] = {}
        self._ids = itertools.count(1)
        self.last_buttons: tuple[Button, ...] = ()
        self.last_message_id: str | None = None

    async def send(self, message: Outgoing) -> str:
        message_id = str(next(self._ids))
        mine = message.chat_id == self.chat_id
        if mine:
            header = "── bot" + (" (updated)" if message.edit_message_id else "")
        else:
            who = self.names.get(message.chat_id, message.chat_id)
            header = f"── to {who}"
        lines = [header, plain(message.text)]
        flat = [button for row in message.buttons for button in row if button.url is None]
        lines.extend(
            f"  ↗ {plain(button.label)}: {button.url}"
            for row in message.buttons
            for button in row
            if button.url is not None
        )
        for number, button in enumerate(flat, start=1):
            lines.append(f"  [{number}] {plain(button.label)}" if mine else f"  · {button.label}")
        lines.extend(
            f"  ({attachment.kind}: {attachment.file_name or attachment.file_id})"
            for attachment in message.attachments
        )
        if message.upload is not None:
            lines.append(self._save(message.upload))
        self._out.write("\n".join(lines) + "\n\n")
        self._out.flush()
        if mine:
            self.last_buttons = tuple(flat)
            self.last_message_id = message_id
        return message_id

    def _save(self, upload: Upload) -> str:
        """A file sent to the terminal is written to the working folder, as a download."""
        path = Path.cwd() / Path(upload.file_name).name
        path.write_bytes(upload.content)
        return f"  (file: {upload.file_name}, {len(upload.content)} bytes, saved as {path})"


class TerminalInput:
    """Turns typed lines into updates for one terminal user."""

    def __init__(self, sender: TerminalSender, user_id: str, language: str | None) -> None:
        self._sender = sender
        self._user_id = user_id
        self._language = language
        # Update ids must stay unique across runs: processed ids are kept in the database.
        self._run = uuid.uuid4().hex[:12]
        self._count = itertools.count(1)

    def incoming(self, line: str) -> Incoming:
        """The update for a typed line: a press of the last message's button with that
        number, or else the text as typed (an amount, a household size, an answer)."""
        text = line.rstrip("\r\n")
        typed = Incoming(
            platform=PLATFORM,
            update_id=f"{self._run}-{next(self._count)}",
            chat_id=self._user_id,
            user_id=self._user_id,
            language=self._language,
            text=text,
        )
        stripped = text.strip()
        buttons = self._sender.last_buttons
        if not (stripped.isdigit() and stripped.isascii() and 1 <= int(stripped) <= len(buttons)):
            return typed
        return replace(
            typed,
            text=None,
            action=buttons[int(stripped) - 1].action,
            message_id=self._sender.last_message_id,
        )


def is_interactive(stream: TextIO = sys.stdin) -> bool:
    return stream.isatty()


class TerminalTransport(TerminalSender):
    """Lines typed on stdin in, messages printed out; ends when stdin does.

    `chat_id` (who types) and `language` may be changed until `start`.
    """

    def __init__(
        self,
        chat_id: str,
        out: TextIO,
        core: Core,
        language: str | None = None,
        *,
        prompt: bool = False,
        lines: TextIO = sys.stdin,
    ) -> None:
        super().__init__(chat_id, out)
        self._core = core
        self.language = language
        self._prompt = prompt
        self._lines = lines
        self._reading: asyncio.Task[None] | None = None

    async def start(self) -> None:
        typed = TerminalInput(self, self.chat_id, self.language)
        self._reading = asyncio.create_task(self._read(typed))

    async def _read(self, typed: TerminalInput) -> None:
        try:
            while True:
                if self._prompt:
                    self._out.write("> ")
                    self._out.flush()
                line = await asyncio.to_thread(self._lines.readline)
                if not line:
                    return
                if line.strip():
                    await self._core.handle(typed.incoming(line))
        finally:
            self._core.end()

    async def stop(self) -> None:
        if self._reading is not None and not self._reading.done():
            self._reading.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reading

    async def close(self) -> None:
        return None


async def build(_settings: Settings, core: Core, options: RunOptions) -> TerminalTransport:
    if options.webhook is not None or options.listen is not None:
        msg = "the terminal reads this terminal: --webhook and --listen are not for it"
        raise ValueError(msg)
    interactive = is_interactive()
    return TerminalTransport(WORKER_ID, sys.stdout, core, prompt=interactive)


REGISTRATION = Registration("terminal", TERMINAL, build, in_turns=True)
