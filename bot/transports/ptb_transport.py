"""Telegram through python-telegram-bot 22: updates in as `Incoming`, `Outgoing` out.

No flow logic: what to answer is the core's business. This module only wires PTB's
Application to the Telegram rules in `bot.transports.telegram`, calls PTB's methods and
turns PTB's exceptions into delivery errors. Long polling is our own loop
(`bot.transports.polling`) over PTB's getUpdates, which acknowledges an update only after
the core is done with it; PTB's Application serves the webhook.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputFile,
    Update,
)
from telegram.error import (
    BadRequest,
    Forbidden,
    NetworkError,
    TelegramError,
)
from telegram.error import RetryAfter as PtbRetryAfter
from telegram.ext import Application, ContextTypes, ExtBot, TypeHandler
from telegram.request import HTTPXRequest
from telegram.warnings import PTBDeprecationWarning

from bot.transports.base import (
    DeliveryError,
    Handle,
    PermanentError,
    RetryAfter,
    TransientError,
    Unreachable,
)
from bot.transports.held_files import HeldFiles
from bot.transports.polling import Poller
from bot.transports.telegram import (
    ALLOWED_UPDATES,
    TELEGRAM,
    Json,
    SendStep,
    Sent,
    UpdateGate,
    api_chat_id,
    bad_request_error,
    incoming_from_update,
    is_not_modified,
    send_through,
)
from handlers.messages import Attachment, Incoming, Outgoing

log = logging.getLogger(__name__)

HTML = "HTML"
# Connections kept open for sending: more than delivery ever has in flight at once.
_SEND_CONNECTIONS = 16

PtbApplication = Application[Any, Any, Any, Any, Any, Any]


class CoreFailedError(Exception):
    """The core failed on a webhook update; the webhook answers 500 so Telegram retries."""


@dataclass
class _Feeding:
    """One webhook request's update on its way through PTB: did the core fail on it?"""

    failed: bool = False


# PTB's process_update reports a handler's failure to the error handler, not to its caller;
# the handler marks the request it runs for, found in its context. Keyed by request, not by
# update id: the same update posted twice at once is two requests, each answered for itself.
_FEEDING: ContextVar[_Feeding | None] = ContextVar("ptb_webhook_feeding", default=None)


class PtbTransport:
    """One bot account through python-telegram-bot: receives (polling or webhook), sends."""

    messenger = TELEGRAM

    def __init__(
        self,
        *,
        token: SecretStr,
        api_base: str,
        handle: Handle,
        concurrency: int = 1,
        request_timeout: float = 30.0,
        polling_timeout: int = 10,
    ) -> None:
        base = api_base.rstrip("/")
        # Our own request objects, so they can be closed even when start() failed half-way.
        self._requests = (
            HTTPXRequest(
                # PTB's own default is one connection: delivery's concurrent sends would
                # queue behind each other for it.
                connection_pool_size=_SEND_CONNECTIONS,
                read_timeout=request_timeout,
                write_timeout=request_timeout,
                connect_timeout=request_timeout,
                pool_timeout=request_timeout,
            ),
            HTTPXRequest(
                connection_pool_size=1,
                read_timeout=request_timeout + polling_timeout,
                connect_timeout=request_timeout,
                pool_timeout=request_timeout,
            ),
        )
        self.application: PtbApplication = (
            Application.builder()
            .token(token.get_secret_value())
            .base_url(f"{base}/bot")
            .base_file_url(f"{base}/file/bot")
            .request(self._requests[0])
            .get_updates_request(self._requests[1])
            # Ordering per chat and the overall bound are the gate's job.
            .concurrent_updates(True)
            .build()
        )
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self._handle = handle
        self._held: HeldFiles | None = None
        self._gate = UpdateGate(concurrency)
        self._poller = Poller(self._fetch, self._take_polled, timeout=polling_timeout)
        self._polling: asyncio.Task[None] | None = None

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """getMe (checks the token), then start processing updates."""
        await self.application.initialize()
        await self.application.start()

    async def start_polling(self) -> None:
        # A webhook left over from an earlier run would make getUpdates fail with 409.
        await self.application.bot.delete_webhook(drop_pending_updates=False)
        self._polling = asyncio.create_task(self._poller.run())

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.application.bot.set_webhook(
            url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES)
        )

    async def feed_webhook(self, update: dict[str, Any]) -> None:
        """Handle one update posted to our webhook; raises if the core failed on it."""
        parsed = Update.de_json(update, self.application.bot)
        feeding = _Feeding()
        token = _FEEDING.set(feeding)
        try:
            await self.application.process_update(parsed)
        finally:
            _FEEDING.reset(token)
        if feeding.failed:
            msg = f"update {parsed.update_id} was not handled"
            raise CoreFailedError(msg)

    async def stop_receiving(self) -> None:
        """Stop taking updates and wait for those already taken to be handled."""
        if self._polling is not None:
            self._poller.stop()
            await self._polling
            self._polling = None
        if self.application.running:
            await self.application.stop()
        await self._gate.wait_idle()

    async def close(self) -> None:
        await self.application.shutdown()
        # After a failed start PTB considers itself never started and closes nothing.
        for request in self._requests:
            await request.shutdown()

    # -- updates in --------------------------------------------------------------------

    async def _fetch(self, offset: int | None, wait: int) -> list[Json]:
        try:
            # PTB adds the long-poll timeout to the request's read timeout itself.
            updates = await self.application.bot.get_updates(
                offset=offset,
                timeout=timedelta(seconds=wait),
                allowed_updates=list(ALLOWED_UPDATES),
            )
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        return [update.to_dict() for update in updates]

    async def _take_polled(self, update: Json) -> None:
        try:
            incoming = incoming_from_update(update, self.application.bot.username)
            if incoming is not None:
                await self._gate.run(incoming.chat_id, lambda: self._handle(incoming))
        finally:
            if (query := update.get("callback_query")) is not None:
                await _answer(self.application.bot, query["id"])

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = incoming_from_update(update.to_dict(), self.application.bot.username)
        try:
            if incoming is not None:
                await self._run(incoming)
        finally:
            if update.callback_query is not None:
                await _answer(self.application.bot, update.callback_query.id)

    async def _run(self, incoming: Incoming) -> None:
        try:
            await self._gate.run(incoming.chat_id, lambda: self._handle(incoming))
        except Exception:
            feeding = _FEEDING.get()
            if feeding is not None:
                feeding.failed = True
            raise

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed", update_id, exc_info=context.error)

    def bind(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """The database whose web chat photos go to officers here as uploads."""
        self._held = HeldFiles(sessionmaker)

    # -- messages out (the Sender) -----------------------------------------------------

    async def send(self, message: Outgoing) -> str | None:
        try:
            return await send_through(message, self._edit, self._send_step, self._held)
        except TelegramError as exc:
            raise delivery_error(exc) from exc

    async def create_topic(self, chat_id: str, name: str) -> str:
        """Open a forum topic in an officers' group; returns its message_thread_id."""
        try:
            topic = await self.application.bot.create_forum_topic(api_chat_id(chat_id), name)
        except TelegramError as exc:
            raise delivery_error(exc) from exc
        return str(topic.message_thread_id)

    async def _edit(self, message: Outgoing, message_id: str) -> None:
        try:
            await self.application.bot.edit_message_text(
                text=message.text,
                chat_id=api_chat_id(message.chat_id),
                message_id=int(message_id),
                parse_mode=HTML,
                reply_markup=_markup(message),
            )
        except BadRequest as exc:
            if not is_not_modified(exc.message):
                raise

    async def _send_step(self, message: Outgoing, step: SendStep) -> Sent:
        bot: ExtBot[None] = self.application.bot
        chat = api_chat_id(message.chat_id)
        thread = None if message.thread_id is None else int(message.thread_id)
        markup = _markup(message) if step.with_buttons else None
        if step.attachment is None:
            sent = await bot.send_message(
                chat,
                step.text or "",
                parse_mode=HTML,
                reply_markup=markup,
                message_thread_id=thread,
            )
        else:
            send_file = bot.send_photo if step.method == "sendPhoto" else bot.send_document
            attachment = step.attachment
            sent = await send_file(
                chat,
                attachment.file_id
                if isinstance(attachment, Attachment)
                else InputFile(attachment.content, filename=attachment.file_name),
                caption=step.text or None,
                parse_mode=HTML,
                reply_markup=markup,
                message_thread_id=thread,
            )
        return Sent(sent.message_id, sent.photo[-1].file_id if sent.photo else None)


def delivery_error(exc: TelegramError) -> DeliveryError:
    """What delivery should do about a python-telegram-bot failure."""
    if isinstance(exc, PtbRetryAfter):
        with warnings.catch_warnings():
            # PTB warns that retry_after will become a timedelta; both forms are read here.
            warnings.simplefilter("ignore", PTBDeprecationWarning)
            wait = exc.retry_after
        seconds = wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
        return RetryAfter(seconds)
    if isinstance(exc, Forbidden):
        return Unreachable(exc.message)
    # BadRequest is a NetworkError in PTB, so it is sorted out first.
    if isinstance(exc, BadRequest):
        return bad_request_error(exc.message)
    if isinstance(exc, NetworkError):  # 5xx, HTML error pages, timeouts, broken connections
        return TransientError(exc.message)
    return PermanentError(exc.message)


async def _answer(bot: ExtBot[None], query_id: str) -> None:
    # Stops the button's spinner; a late or failed answer changes nothing else.
    try:
        await bot.answer_callback_query(query_id)
    except TelegramError as exc:
        log.warning("could not answer a button press: %s", exc)


def _markup(message: Outgoing) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(b.label, callback_data=b.action)
                for b in row
            ]
            for row in message.buttons
        ]
    )
