"""Running a real Telegram transport against the fake Bot API server."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from pydantic import SecretStr

from bot.transports.base import Handle
from bot.transports.telegram_receiver import Receiver, TransportName, build_transport
from tests.fake_telegram import FakeTelegram

TRANSPORTS: tuple[TransportName, ...] = ("aiogram", "ptb")
MODES = ("polling", "webhook")
WEBHOOK_SECRET = "s3cret-token_for-tests"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@asynccontextmanager
async def receiving(
    tg: FakeTelegram, name: TransportName, mode: str, handle: Handle, *, concurrency: int = 1
) -> AsyncIterator[Receiver]:
    """A started receiver; stopped and closed on exit."""
    transport = build_transport(
        name,
        token=SecretStr(tg.token),
        api_base=tg.base_url,
        handle=handle,
        concurrency=concurrency,
        polling_timeout=1,
    )
    webhook_url = None
    if mode == "webhook":
        webhook_url = f"http://127.0.0.1:{free_port()}/telegram/hook"
    receiver = Receiver(
        transport,
        webhook_url=webhook_url,
        webhook_secret=SecretStr(WEBHOOK_SECRET),
        listen=None if webhook_url is None else webhook_url.split("/")[2],
    )
    await receiver.start()
    try:
        yield receiver
    finally:
        await receiver.stop()
        await transport.close()
