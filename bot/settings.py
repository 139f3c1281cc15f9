"""Deployment settings, read from `WORKERBOT_*` environment variables and a `.env` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings

from db.settings import DEFAULT_DATABASE_URL, SETTINGS_SOURCES
from faq import SAMPLE_KB_PATH
from faq.cache import DEFAULT_CACHE_DIR
from handlers import SAMPLE_ROUTING_PATH


class Settings(BaseSettings):
    model_config = SETTINGS_SOURCES

    telegram_token: SecretStr | None = None
    telegram_api_base: str = "https://api.telegram.org"
    database_url: str = DEFAULT_DATABASE_URL
    # What `workerbot run` runs: a name of `bot.transports.registry` (telegram-aiogram,
    # telegram-ptb, terminal, ...); checked when it starts.
    transport: str = "telegram-aiogram"
    faq_path: Path = SAMPLE_KB_PATH
    routing_path: Path = SAMPLE_ROUTING_PATH
    timezone: str = "Asia/Shanghai"
    default_language: Literal["zh-CN", "en"] = "zh-CN"
    webhook_secret: SecretStr | None = None
    # Tables built once from the knowledge base and language data, reused by every process
    # on the machine; empty: build them in memory on every start.
    cache_dir: Path | None = DEFAULT_CACHE_DIR
    # The console's public address, for sign-in links (e.g. https://union.example.org).
    web_base_url: str | None = None
    # A console session ends after this many minutes without a request.
    web_session_idle_minutes: int = Field(default=120, ge=1)
    # Behind a reverse proxy: take the client's address from X-Forwarded-For (its last
    # entry, the one the proxy added) for rate limiting; off when the console is exposed.
    web_forwarded_for: bool = False
    # The workers' web chat at /chat, served with the console; false turns it off.
    web_chat: bool = True
    # Its limits: requests a minute from one address (many workers may share one, behind a
    # workplace's router) and from one browser, and new browser sessions an hour per address.
    web_chat_address_requests: int = Field(default=120, ge=1)
    web_chat_session_requests: int = Field(default=30, ge=1)
    web_chat_address_sessions: int = Field(default=60, ge=1)

    # Shown at once to a person who writes about self-harm, violence or an injury now.
    crisis_hotlines: dict[str, str] = {
        "zh-CN": "报警 110 · 急救 120 · 心理援助热线 12356 · 职工服务热线 12351",
        "en": "Police 110 · Ambulance 120 · Mental health hotline 12356 · "
        "Union workers' hotline 12351",
    }
    # A resolved ticket closes by itself after this many days unless the worker reopens it.
    auto_close_days: int = Field(default=7, ge=1)
    # A worker may reopen a resolved ticket for this many days after it was resolved.
    reopen_window_days: int = Field(default=7, ge=1)
    # Personal data of tickets closed this many days ago (and of workers not heard from
    # for as long) is erased by the scheduler.
    retention_days: int = Field(default=365, ge=1)

    # A score at or above `faq_answer_score` is answered; between the two, up to three
    # entries are offered as "did you mean"; below `faq_suggest_score`, nothing is guessed.
    faq_answer_score: float = Field(default=36.0, ge=0, le=100)
    faq_suggest_score: float = Field(default=20.0, ge=0, le=100)
    # Seconds between two looks for a knowledge base saved in the console (one tiny query).
    faq_reload_interval: float = Field(default=3.0, gt=0)

    # Telegram's published limits: one message a second per chat, about thirty a second in
    # all, twenty a minute per group. Failed sends are retried up to the attempt limit.
    delivery_per_chat_interval: float = Field(default=1.0, ge=0)
    delivery_global_rate: float = Field(default=30.0, gt=0)
    delivery_group_per_minute: int = Field(default=20, gt=0)
    delivery_max_attempts: int = Field(default=5, ge=1)
    delivery_poll_interval: float = Field(default=1.0, gt=0)
    scheduler_interval: float = Field(default=60.0, gt=0)

    # Flood control: one person may send `flood_messages` updates at once and that many
    # every `flood_window` seconds; more are dropped before they reach the database.
    flood_messages: int = Field(default=20, ge=1)
    flood_window: float = Field(default=60.0, gt=0)

    @field_validator("cache_dir", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        ZoneInfo(value)  # raises for an unknown zone, so a typo fails at start-up
        return value
