"""The transport registry: names, older spellings, and what it refuses to register."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from bot.settings import Settings
from bot.transports import terminal, web
from bot.transports.base import Core, Registration, RunOptions, Transport
from bot.transports.registry import MESSENGERS, NAMES, find, index
from bot.transports.telegram import TELEGRAM
from bot.transports.telegram_receiver import AIOGRAM, PTB


async def _never(_settings: Settings, _core: Core, _options: RunOptions) -> Transport:
    raise AssertionError("not built in these tests")


def test_names_and_older_spellings_find_their_transport() -> None:
    assert NAMES == ("telegram-aiogram", "telegram-ptb", "terminal", "web")
    assert find("telegram-aiogram") is AIOGRAM
    assert find("aiogram") is AIOGRAM
    assert find("ptb") is PTB
    assert find("terminal") is terminal.REGISTRATION
    assert find("web") is web.REGISTRATION
    assert set(MESSENGERS) == {"telegram", "terminal", "web"}


def test_an_unknown_name_is_refused_with_the_names_to_choose_from() -> None:
    names = "telegram-aiogram, telegram-ptb, terminal, web"
    with pytest.raises(ValueError, match=f"unknown transport 'wechat'; transports: {names}"):
        find("wechat")


def test_a_messenger_whose_buttons_cannot_carry_the_cores_tokens_is_refused() -> None:
    tight = replace(TELEGRAM, platform="tight", max_action_bytes=32)
    with pytest.raises(ValueError, match="'tight-chat' carries buttons of 32 bytes"):
        index((Registration("tight-chat", tight, _never),))


def test_two_transports_may_not_share_a_name() -> None:
    other = replace(
        TELEGRAM, platform="wecom", user_id=re.compile(r"[a-z]+"), user_id_hint="letters"
    )
    with pytest.raises(ValueError, match="two transports are named 'aiogram'"):
        index((AIOGRAM, Registration("wecom", other, _never, aliases=("aiogram",))))
