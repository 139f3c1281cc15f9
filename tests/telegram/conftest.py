"""Fixtures: a fake Telegram server, and which transport and mode a test runs with."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.transports.telegram_receiver import TransportName
from tests.fake_telegram import FakeTelegram
from tests.telegram.harness import MODES, TRANSPORTS


@pytest.fixture(autouse=True)
def _ptb_timedelta(monkeypatch: pytest.MonkeyPatch) -> None:
    # PTB warns about its coming switch to timedelta durations unless opted in; pytest
    # turns warnings into errors.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram(webhook_retry_delay=0.02) as fake:
        yield fake


@pytest.fixture(params=TRANSPORTS)
def transport_name(request: pytest.FixtureRequest) -> TransportName:
    name: TransportName = request.param
    return name


@pytest.fixture(params=MODES)
def mode(request: pytest.FixtureRequest) -> str:
    value: str = request.param
    return value
