"""Receiving Telegram updates with either transport, by long polling or by webhook.

`build_transport` picks the framework; `Receiver` starts and stops the flow of updates in
the order a clean shutdown needs: stop taking updates, finish those in flight, and only
then let the caller stop delivery and close the HTTP sessions.
"""

from __future__ import annotations

from typing import Literal

from pydantic import SecretStr

from bot.transports.aiogram_transport import AiogramTransport
from bot.transports.ptb_transport import PtbTransport
from bot.transports.telegram import Handle, TelegramTransport
from bot.webhook import WebhookServer, listen_address, webhook_path

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
    if name == "aiogram":
        return AiogramTransport(
            token=token,
            api_base=api_base,
            handle=handle,
            concurrency=concurrency,
            polling_timeout=polling_timeout,
        )
    return PtbTransport(
        token=token,
        api_base=api_base,
        handle=handle,
        concurrency=concurrency,
        polling_timeout=polling_timeout,
    )


class Receiver:
    """Updates in: long polling, or a webhook registered with Telegram and served here."""

    def __init__(
        self,
        transport: TelegramTransport,
        *,
        webhook_url: str | None = None,
        webhook_secret: SecretStr | None = None,
        listen: str | None = None,
    ) -> None:
        self.transport = transport
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
