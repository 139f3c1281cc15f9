"""`workerbot run` picks its transport by name: the terminal through the same runner as
Telegram, and clear refusals for what a transport cannot do, in real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.terminal.test_chat_session import chat


def workerbot(
    database: Path, args: list[str], lines: list[str], **env: str
) -> subprocess.CompletedProcess[str]:
    unset = {"WORKERBOT_TELEGRAM_TOKEN", "WORKERBOT_TRANSPORT"}
    environment = {k: v for k, v in os.environ.items() if k not in unset}
    environment.update(env, WORKERBOT_DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    return subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "bot", *args],
        input="".join(f"{line}\n" for line in lines),
        capture_output=True,
        text=True,
        env=environment,
        cwd=database.parent,
        timeout=120,
        check=False,
    )


def test_the_terminal_named_in_the_settings_files_a_ticket_an_officer_then_sees(
    tmp_path: Path,
) -> None:
    database = tmp_path / "bot.db"
    chat(database, [])  # `workerbot chat` adds the sample officers
    # menu, report a problem, safety, description, location, first unit, photos done,
    # anonymous, submit
    filing = ["/start", "2", "1", "路灯坏了好几天，晚上很黑", "3号门", "1", "1", "1", "1"]
    done = workerbot(database, ["run"], filing, WORKERBOT_TRANSPORT="terminal")

    assert done.returncode == 0, done.stderr
    assert "GR-2026-000001" in done.stdout
    officer = chat(database, ["/queue"], "--as-officer", "1")
    assert "GR-2026-000001" in officer


def test_an_unknown_transport_is_refused_with_the_names_to_choose_from(tmp_path: Path) -> None:
    done = workerbot(tmp_path / "bot.db", ["run", "--transport", "wechat"], [])

    assert done.returncode == 2
    assert (
        "unknown transport 'wechat'; transports: telegram-aiogram, telegram-ptb, terminal, web"
        in (done.stderr)
    )


def test_the_terminal_refuses_a_webhook_before_touching_the_database(tmp_path: Path) -> None:
    database = tmp_path / "bot.db"
    args = ["run", "--transport", "terminal", "--webhook", "https://bot.example.org/hook"]
    done = workerbot(database, args, ["/start"])

    assert done.returncode == 2
    assert "--webhook and --listen are not for it" in done.stderr
    assert not database.exists()


@pytest.mark.parametrize("name", ["telegram-aiogram", "telegram-ptb", "aiogram", "ptb"])
def test_telegram_under_any_of_its_names_asks_for_its_token(tmp_path: Path, name: str) -> None:
    database = tmp_path / "bot.db"
    done = workerbot(database, ["run"], [], WORKERBOT_TRANSPORT=name)

    assert done.returncode == 2
    assert "WORKERBOT_TELEGRAM_TOKEN is not set" in done.stderr
    assert not database.exists()
