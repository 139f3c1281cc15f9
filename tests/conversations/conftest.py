"""The web chat's tests run on SQLite and PostgreSQL, each on an empty database."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine


@pytest.fixture
def chat_database(database_url: str, engine: AsyncEngine) -> str:
    """`database_url`, emptied (the `engine` fixture truncates PostgreSQL's tables)."""
    del engine
    return database_url
