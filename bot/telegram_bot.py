"""The bot on Telegram assembled as `workerbot run` assembles it, with a handle on each
part, as tests and benchmarks drive it."""

from __future__ import annotations

from bot.app import App
from bot.launch import assemble
from bot.runner import Runner
from bot.settings import Settings
from bot.transports.base import Registration, RunOptions
from bot.transports.telegram_receiver import (
    AIOGRAM,
    PTB,
    Receiver,
    TransportName,
    telegram_build,
)


class TelegramBot:
    """The running bot: Telegram's transport in the runner, with the core and delivery."""

    def __init__(self, runner: Runner) -> None:
        receiver = runner.transports[0]
        if not isinstance(receiver, Receiver):
            msg = f"not Telegram's transport: {receiver!r}"
            raise TypeError(msg)
        self.runner = runner
        self.app: App = runner.app
        self.receiver = receiver
        self.transport = receiver.transport
        self.scheduler = runner.scheduler

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
    ) -> TelegramBot:
        """Assembled as `workerbot run` assembles it; ValueError for a missing token or
        webhook secret."""
        registration = AIOGRAM if transport_name == "aiogram" else PTB
        build = telegram_build(
            transport_name, concurrency=concurrency, polling_timeout=polling_timeout
        )
        runner = await assemble(
            settings,
            [Registration(registration.name, registration.messenger, build)],
            RunOptions(webhook=webhook_url, listen=listen),
            per_chat_interval=per_chat_interval,
        )
        return cls(runner)

    async def start(self) -> None:
        await self.runner.start()

    async def stop(self) -> None:
        """Stop receiving, finish the updates in flight, stop delivery, close sessions.

        Messages not yet sent stay in the outbox for the next start.
        """
        await self.runner.stop()

    async def close(self) -> None:
        await self.runner.close()
