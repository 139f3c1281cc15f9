"""The README's deploy steps, run in its order as separate `workerbot` processes on a fresh
database: what a deployer types must work the first time.

The file checks of step 4 (`faq check`, `routing check`) touch no database and have their
own tests; each process here costs seconds of imports, so only the steps that write run.
"""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from db.engine import create_engine, create_sessionmaker
from db.models import Base, OfficerRole
from faq import SAMPLE_KB_PATH
from handlers import SAMPLE_ROUTING_PATH, admin


async def _drop_everything(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
            await conn.run_sync(Base.metadata.drop_all)
    finally:
        await engine.dispose()


@pytest.fixture
def fresh_database(database_url: str, tmp_path: Path) -> str:
    """A database nothing has touched: on SQLite a file not there yet, on PostgreSQL the
    run's database with every table dropped."""
    if make_url(database_url).get_backend_name() == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'workerbot.db'}"
    asyncio.run(_drop_everything(database_url))
    return database_url


def _workerbot(url: str, cwd: Path, *argv: str) -> str:
    env = {
        **os.environ,
        "WORKERBOT_DATABASE_URL": url,
        "WORKERBOT_FAQ_PATH": str(SAMPLE_KB_PATH),
        "WORKERBOT_ROUTING_PATH": str(SAMPLE_ROUTING_PATH),
    }
    done = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "bot", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, ""), f"workerbot {' '.join(argv)}"
    return done.stdout


def test_the_readme_deploy_steps_work_in_order_on_a_fresh_database(
    fresh_database: str, tmp_path: Path
) -> None:
    # Step 4: create the tables.
    _workerbot(fresh_database, tmp_path, "db", "upgrade")
    # Step 5: add officers, before the bot has ever started.
    officer = _workerbot(
        fresh_database, tmp_path, "officer", "add", "--name", "张三", "--queue", "city-grievances"
    )
    assert re.search(r"/start [A-Z0-9]{16}$", officer.strip()), officer
    admin = _workerbot(fresh_database, tmp_path, "officer", "add", "--name", "李四", "--admin")
    assert "/start" in admin

    assert asyncio.run(_officers(fresh_database)) == [
        ("张三", OfficerRole.OFFICER, ["city-grievances"]),
        ("李四", OfficerRole.ADMIN, ["default"]),
    ]


async def _officers(url: str) -> list[tuple[str, OfficerRole, list[str]]]:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            officers = await admin.list_officers(session)
            return [(o.name, o.role, sorted(q.key for q in o.queues)) for o in officers]
    finally:
        await engine.dispose()
