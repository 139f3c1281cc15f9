"""Where every `WORKERBOT_*` setting is read from, and where the database is.

`DatabaseSettings` reads `WORKERBOT_DATABASE_URL` (or a `.env` file) for whoever needs only
that, such as the migrations' command line; the runtime's settings read the same
variable, from the same sources, with the same default. Kept apart from the engine so
that reading settings does not import SQLAlchemy: `workerbot faq match` reads settings
and needs no database.
"""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///workerbot.db"
SETTINGS_SOURCES = SettingsConfigDict(
    env_prefix="WORKERBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
)


class DatabaseSettings(BaseSettings):
    model_config = SETTINGS_SOURCES

    database_url: str = DEFAULT_DATABASE_URL
