"""The admin commands' database: what `workerbot ...` run in-process writes to."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from db.engine import create_engine
from db.models import Base


async def _truncate(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


ROUTING = """\
units:
  - {key: city, name: 市总工会, kind: city}
  - {key: nanshan, name: 南山区总工会, kind: district, parent: city}
queues:
  - {key: nanshan-help, name: 南山帮扶, unit: nanshan}
default_queue: {name: 综合, unit: city}
rules: []
"""


@pytest.fixture
def cli_database(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """WORKERBOT_DATABASE_URL for the commands: on SQLite a file that does not exist yet
    (the first command creates it), on PostgreSQL the run's database, emptied. The routing
    file (WORKERBOT_ROUTING_PATH, `routing.yaml` in `tmp_path`) has two units and two
    queues, `default` and `nanshan-help`; every command applies it."""
    if make_url(database_url).get_backend_name() == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'workerbot.db'}"
    else:
        asyncio.run(_truncate(database_url))
        url = database_url
    routing = tmp_path / "routing.yaml"
    routing.write_text(ROUTING, encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("WORKERBOT_DATABASE_URL", url)
    monkeypatch.setenv("WORKERBOT_ROUTING_PATH", str(routing))
    return url
