"""Fixtures of the fault-injection suite: a fake Telegram that keeps retrying a webhook as
long as Telegram would (a bot being restarted must not lose what was posted meanwhile)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.fake_telegram import FakeTelegram


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(webhook_retry_delay=0.1, webhook_max_attempts=100_000) as fake:
        yield fake
        assert fake.internal_errors == []
