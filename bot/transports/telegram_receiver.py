"""Telegram as the runner runs it: either framework, by long polling or by webhook.

`build_transport` picks the framework; `Receiver` is Telegram's `Transport` (updates in by
polling or webhook, messages out); `AIOGRAM` and `PTB` register them as the transports
`telegram-aiogram` and `telegram-ptb` (`aiogram` and `ptb` before).
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.transports.base import Build, Core, Handle, Registration, RunOptions
from bot.transports.telegram import TELEGRAM, TelegramTransport
from bot.webhook import WebhookServer, listen_address, webhook_path
from handlers.messages import Outgoing

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
        self.messenger = transport.messenger
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

    def bind(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self.transport.bind(sessionmaker)

    async def send(self, message: Outgoing) -> str | None:
        return await self.transport.send(message)

    async def create_topic(self, chat_id: str, name: str) -> str:
        return await self.transport.create_topic(chat_id, name)


def telegram_build(
    framework: TransportName, *, concurrency: int | None = None, polling_timeout: int = 10
) -> Build:
    """Telegram through `framework`; `concurrency`: updates of different chats handled at
    once (default: 1 on SQLite, which has one writer, else 4)."""

    async def build(settings: Settings, core: Core, options: RunOptions) -> Receiver:
        token = settings.telegram_token
        if token is None or not token.get_secret_value():
            msg = (
                "WORKERBOT_TELEGRAM_TOKEN is not set; put the bot token from @BotFather in "
                "the environment or in .env"
            )
            raise ValueError(msg)
        if options.listen is not None and options.webhook is None:
            msg = "--listen needs --webhook"
            raise ValueError(msg)
        secret = settings.webhook_secret
        if options.webhook is not None and (secret is None or not secret.get_secret_value()):
            msg = (
                "--webhook needs WORKERBOT_WEBHOOK_SECRET (1-256 characters of A-Z, a-z, "
                "0-9, _ and -), which Telegram sends with every update"
            )
            raise ValueError(msg)
        sqlite = make_url(settings.database_url).get_backend_name() == "sqlite"
        transport = build_transport(
            framework,
            token=token,
            api_base=settings.telegram_api_base,
            handle=core.handle,
            concurrency=concurrency or (1 if sqlite else 4),
            polling_timeout=polling_timeout,
        )
        try:
            return Receiver(
                transport,
                webhook_url=options.webhook,
                webhook_secret=secret,
                listen=options.listen,
            )
        except BaseException:
            await transport.close()
            raise

    return build


AIOGRAM = Registration(
    "telegram-aiogram", TELEGRAM, telegram_build("aiogram"), aliases=("aiogram",)
)
PTB = Registration("telegram-ptb", TELEGRAM, telegram_build("ptb"), aliases=("ptb",))
