"""Telegram through aiogram 3: updates in as `Incoming`, `Outgoing` out as Bot API calls.

No flow logic: what to answer is the core's business. This module only wires aiogram's
Bot and Dispatcher to the Telegram rules in `bot.transports.telegram`, calls aiogram's
methods and turns aiogram's exceptions into delivery errors. Long polling is our own loop
(`bot.transports.polling`) over aiogram's getUpdates, which acknowledges an update only
after the core is done with it; aiogram's Dispatcher serves the webhook.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiogram import Bot, Dispatcher, methods
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    AiogramError,
    ClientDecodeError,
    RestartingTelegram,
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods.base import Response
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

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
    is_forbidden_description,
    is_not_modified,
    send_through,
)
from handlers.messages import Attachment, Outgoing

log = logging.getLogger(__name__)

HTML = "HTML"

# aiogram reads every Bot API answer through `Response[T]`, T the method's result type.
# pydantic keeps such parametrised models in a weak cache only, so each garbage collection
# drops them and the next answer builds the whole schema again (a few ms each, about one
# answer in five under load). Holding one of each for the life of the process stops that.
_RESPONSE_MODELS = tuple(
    Response[method.__returning__]  # type: ignore[name-defined]
    for method in (
        methods.AnswerCallbackQuery,
        methods.CreateForumTopic,
        methods.DeleteWebhook,
        methods.EditMessageText,
        methods.GetMe,
        methods.GetUpdates,
        methods.SendDocument,
        methods.SendMessage,
        methods.SendPhoto,
        methods.SetWebhook,
    )
)


class AiogramTransport:
    """One bot account through aiogram: receives (polling or webhook) and sends."""

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
        session = AiohttpSession(
            api=TelegramAPIServer.from_base(api_base), timeout=request_timeout
        )
        self.bot = Bot(token.get_secret_value(), session=session)
        self._handle = handle
        self._held: HeldFiles | None = None
        self._gate = UpdateGate(concurrency)
        self._username: str | None = None
        self._poller = Poller(self._fetch, self._take_polled, timeout=polling_timeout)
        self._polling: asyncio.Task[None] | None = None
        self.dispatcher = Dispatcher()
        self.dispatcher.message.register(self._on_message)
        self.dispatcher.callback_query.register(self._on_callback)

    # -- lifecycle ---------------------------------------------------------------------

    async def start(self) -> None:
        """Check the token with getMe and learn the bot's username (for group commands)."""
        me = await self.bot.me()
        self._username = me.username

    async def start_polling(self) -> None:
        # A webhook left over from an earlier run would make getUpdates fail with 409.
        await self.bot.delete_webhook(drop_pending_updates=False)
        self._polling = asyncio.create_task(self._poller.run())

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.bot.set_webhook(url, secret_token=secret, allowed_updates=list(ALLOWED_UPDATES))

    async def feed_webhook(self, update: dict[str, Any]) -> None:
        """Handle one update posted to our webhook; raises if the core failed on it."""
        await self.dispatcher.feed_webhook_update(self.bot, update)

    async def stop_receiving(self) -> None:
        """Stop taking updates and wait for those already taken to be handled."""
        if self._polling is not None:
            self._poller.stop()
            await self._polling
            self._polling = None
        await self._gate.wait_idle()

    async def close(self) -> None:
        await self.bot.session.close()

    # -- updates in --------------------------------------------------------------------

    async def _fetch(self, offset: int | None, wait: int) -> list[Json]:
        try:
            updates = await self.bot.get_updates(
                offset=offset,
                timeout=wait,
                allowed_updates=list(ALLOWED_UPDATES),
                # The long poll itself must not count against the request timeout.
                request_timeout=int(self.bot.session.timeout + wait),
            )
        except (AiogramError, TimeoutError) as exc:
            raise delivery_error(exc) from exc
        return [_as_json(update) for update in updates]

    async def _take_polled(self, update: Json) -> None:
        try:
            await self._take_json(update)
        finally:
            if (query := update.get("callback_query")) is not None:
                await self._answer(query["id"])

    async def _on_message(self, _message: Message, event_update: Update) -> None:
        await self._take(event_update)

    async def _on_callback(self, query: CallbackQuery, event_update: Update) -> None:
        try:
            await self._take(event_update)
        finally:
            await self._answer(query.id)

    async def _answer(self, query_id: str) -> None:
        # Stops the button's spinner; a late or failed answer changes nothing else.
        try:
            await self.bot.answer_callback_query(query_id)
        except (TelegramAPIError, AiogramError, TimeoutError) as exc:
            log.warning("could not answer a button press: %s", exc)

    async def _take(self, update: Update) -> None:
        await self._take_json(_as_json(update))

    async def _take_json(self, raw: Json) -> None:
        incoming = incoming_from_update(raw, self._username)
        if incoming is not None:
            await self._gate.run(incoming.chat_id, lambda: self._handle(incoming))

    def bind(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        """The database whose web chat photos go to officers here as uploads."""
        self._held = HeldFiles(sessionmaker)

    # -- messages out (the Sender) -----------------------------------------------------

    async def send(self, message: Outgoing) -> str | None:
        try:
            return await send_through(message, self._edit, self._send_step, self._held)
        except (AiogramError, TimeoutError) as exc:
            raise delivery_error(exc) from exc

    async def create_topic(self, chat_id: str, name: str) -> str:
        """Open a forum topic in an officers' group; returns its message_thread_id."""
        try:
            topic = await self.bot.create_forum_topic(api_chat_id(chat_id), name)
        except (AiogramError, TimeoutError) as exc:
            raise delivery_error(exc) from exc
        return str(topic.message_thread_id)

    async def _edit(self, message: Outgoing, message_id: str) -> None:
        try:
            await self.bot.edit_message_text(
                text=message.text,
                chat_id=api_chat_id(message.chat_id),
                message_id=int(message_id),
                parse_mode=HTML,
                reply_markup=_markup(message),
            )
        except TelegramBadRequest as exc:
            if not is_not_modified(exc.message):
                raise

    async def _send_step(self, message: Outgoing, step: SendStep) -> Sent:
        chat = api_chat_id(message.chat_id)
        thread = None if message.thread_id is None else int(message.thread_id)
        markup = _markup(message) if step.with_buttons else None
        if step.attachment is None:
            sent = await self.bot.send_message(
                chat,
                step.text or "",
                parse_mode=HTML,
                reply_markup=markup,
                message_thread_id=thread,
            )
        else:
            send_file = (
                self.bot.send_photo if step.method == "sendPhoto" else self.bot.send_document
            )
            attachment = step.attachment
            sent = await send_file(
                chat,
                attachment.file_id
                if isinstance(attachment, Attachment)
                else BufferedInputFile(attachment.content, filename=attachment.file_name),
                caption=step.text or None,
                parse_mode=HTML,
                reply_markup=markup,
                message_thread_id=thread,
            )
        return Sent(sent.message_id, sent.photo[-1].file_id if sent.photo else None)


def delivery_error(exc: BaseException) -> DeliveryError:
    """What delivery should do about an aiogram failure."""
    if isinstance(exc, TelegramRetryAfter):
        return RetryAfter(float(exc.retry_after))
    if isinstance(exc, TelegramForbiddenError):
        return Unreachable(exc.message)
    if isinstance(exc, TelegramBadRequest):
        return bad_request_error(exc.message)
    if isinstance(
        exc,
        TelegramServerError | RestartingTelegram | TelegramNetworkError | TimeoutError,
    ):
        return TransientError(str(exc))
    if isinstance(exc, ClientDecodeError):
        # Telegram's front end answers some 502/504 with an HTML page, not JSON.
        return TransientError(f"unreadable answer from the Bot API: {exc.message}")
    if isinstance(exc, TelegramAPIError) and is_forbidden_description(exc.message):
        return Unreachable(exc.message)
    return PermanentError(str(exc))


def _as_json(update: Update) -> Json:
    # Back to the Bot API's JSON, which the shared mapping reads (about 10 µs an update).
    return update.model_dump(mode="json", exclude_none=True, by_alias=True)


def _markup(message: Outgoing) -> InlineKeyboardMarkup | None:
    if not message.buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [
                InlineKeyboardButton(text=b.label, url=b.url)
                if b.url
                else InlineKeyboardButton(text=b.label, callback_data=b.action)
                for b in row
            ]
            for row in message.buttons
        ]
    )
