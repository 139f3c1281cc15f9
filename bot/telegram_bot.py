"""The bot on Telegram: either transport, by long polling or by webhook, with the core.

`build_transport` picks the framework; `Receiver` is Telegram's `Transport` (updates in by
polling or webhook, messages out); `TelegramBot` puts it in the `Runner` with the core,
delivery and the scheduler.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import SecretStr
from sqlalchemy import make_url

from bot import killpoints
from bot.app import App, build_app
from bot.runner import Runner
from bot.settings import Settings
from bot.transports.base import Handle, Transport
from bot.transports.telegram import PLATFORM, TelegramTransport
from bot.webhook import WebhookServer, listen_address, webhook_path
from handlers.messages import Incoming, Outgoing

TransportName = Literal["aiogram", "ptb"]


def build_transport(
    name: TransportName,
    *,
    token: SecretStr,
    api_base: str,
    handle: Handle,
    concurrency: int = 1,
    polling_timeout: int = 10,
) -> TelegramTransport:
    # Only the framework in use is imported: aiogram alone takes seconds of CPU to import,
    # and a restart is that much longer a silence for every chat.
    if name == "aiogram":
        from bot.transports.aiogram_transport import AiogramTransport  # noqa: PLC0415

        return AiogramTransport(
            token=token,
            api_base=api_base,
            handle=handle,
            concurrency=concurrency,
            polling_timeout=polling_timeout,
        )
    from bot.transports.ptb_transport import PtbTransport  # noqa: PLC0415

    return PtbTransport(
        token=token,
        api_base=api_base,
        handle=handle,
        concurrency=concurrency,
        polling_timeout=polling_timeout,
    )


class Receiver:
    """Telegram as the runner's `Transport`: updates in by long polling, or by a webhook
    registered with Telegram and served here; messages out through the framework."""

    def __init__(
        self,
        transport: TelegramTransport,
        *,
        webhook_url: str | None = None,
        webhook_secret: SecretStr | None = None,
        listen: str | None = None,
    ) -> None:
        self.transport = transport
        self.platform = transport.platform
        self.max_text_length = transport.max_text_length
        self.webhook: WebhookServer | None = None
        # (public URL, secret) to register with Telegram once we listen.
        self._registration: tuple[str, str] | None = None
        if webhook_url is not None:
            if webhook_secret is None or not webhook_secret.get_secret_value():
                msg = "WORKERBOT_WEBHOOK_SECRET must be set to serve a webhook"
                raise ValueError(msg)
            host, port = listen_address(webhook_url, listen)
            self.webhook = WebhookServer(
                transport.feed_webhook,
                secret=webhook_secret.get_secret_value(),
                path=webhook_path(webhook_url),
                host=host,
                port=port,
            )
            self._registration = (webhook_url, webhook_secret.get_secret_value())

    async def start(self) -> None:
        await self.transport.start()
        if self.webhook is None or self._registration is None:
            await self.transport.start_polling()
            return
        # Listen first, so the first update Telegram posts finds us ready.
        await self.webhook.start()
        await self.transport.set_webhook(*self._registration)

    async def stop(self) -> None:
        """Take no more updates and wait for those already taken; the session stays open."""
        if self.webhook is not None:
            await self.webhook.stop()
        await self.transport.stop_receiving()

    async def close(self) -> None:
        await self.transport.close()

    async def send(self, message: Outgoing) -> str | None:
        return await self.transport.send(message)

    async def create_topic(self, chat_id: str, name: str) -> str:
        return await self.transport.create_topic(chat_id, name)


class TelegramBot:
    """The running bot: Telegram's transport in the runner, with the core and delivery."""

    def __init__(
        self,
        app: App,
        transport: TelegramTransport,
        receiver: Receiver,
        others: Sequence[Transport] = (),
    ) -> None:
        self.app = app
        self.transport = transport
        self.receiver = receiver
        self.runner = Runner(app, [receiver, *others])
        self.scheduler = self.runner.scheduler

    @classmethod
    async def create(
        cls,
        settings: Settings,
        *,
        transport_name: TransportName,
        webhook_url: str | None = None,
        listen: str | None = None,
        concurrency: int | None = None,
        polling_timeout: int = 10,
        per_chat_interval: float | None = None,
        others: Sequence[Transport] = (),
    ) -> TelegramBot:
        """Assemble everything; raises ValueError for a missing token or webhook secret.

        `others`: more messengers run beside Telegram (the web chat), each with its own
        way of calling the core."""
        if settings.telegram_token is None or not settings.telegram_token.get_secret_value():
            msg = "WORKERBOT_TELEGRAM_TOKEN is not set"
            raise ValueError(msg)
        if concurrency is None:
            # SQLite has one writer: concurrent updates would only queue for its lock.
            sqlite = make_url(settings.database_url).get_backend_name() == "sqlite"
            concurrency = 1 if sqlite else 4
        app: App | None = None

        async def handle(incoming: Incoming) -> bool:
            if app is None:  # the transport receives only after start()
                msg = "an update arrived before the bot was assembled"
                raise RuntimeError(msg)
            handled = await app.handle(incoming)
            killpoints.reached("committed")
            return handled

        transport = build_transport(
            transport_name,
            token=settings.telegram_token,
            api_base=settings.telegram_api_base,
            handle=handle,
            concurrency=concurrency,
            polling_timeout=polling_timeout,
        )
        try:
            receiver = Receiver(
                transport,
                webhook_url=webhook_url,
                webhook_secret=settings.webhook_secret,
                listen=listen,
            )
            app = await build_app(
                settings,
                {PLATFORM: receiver, **{other.platform: other for other in others}},
                per_chat_interval=per_chat_interval,
            )
        except BaseException:
            await transport.close()
            raise
        return cls(app, transport, receiver, others)

    async def start(self) -> None:
        await self.runner.start()

    async def stop(self) -> None:
        """Stop receiving, finish the updates in flight, stop delivery, close sessions.

        Messages not yet sent stay in the outbox for the next start.
        """
        await self.runner.stop()

    async def close(self) -> None:
        await self.runner.close()
