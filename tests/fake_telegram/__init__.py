"""A fake Telegram Bot API server for tests and benchmarks (see ``server.FakeTelegram``)."""

from tests.fake_telegram.faults import (
    BadRequest,
    Delay,
    Fault,
    Forbidden,
    RateLimits,
    RetryAfter,
    ServerError,
)
from tests.fake_telegram.html import HtmlParseError, parse_html, utf16_len
from tests.fake_telegram.params import Upload
from tests.fake_telegram.server import Call, FakeTelegram, WebhookAttempt
from tests.fake_telegram.world import JSON, FakeChat, FakeUser, tiny_png

__all__ = [
    "JSON",
    "BadRequest",
    "Call",
    "Delay",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "Fault",
    "Forbidden",
    "HtmlParseError",
    "RateLimits",
    "RetryAfter",
    "ServerError",
    "Upload",
    "WebhookAttempt",
    "parse_html",
    "tiny_png",
    "utf16_len",
]
