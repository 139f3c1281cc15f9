"""`workerbot officer login-link` and `workerbot web`, run as a person would."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import make_url

from bot.cli import main
from tests.flows.conftest import Chat
from tests.web.conftest import CONSOLE_URL, Console, officer_id


def test_login_link_prints_one_url(chat: Chat, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["officer", "login-link", "1"]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    (line,) = out.splitlines()
    assert line.startswith(CONSOLE_URL + "/signin/")
    assert main(["officer", "login-link", "1", "--base-url", "https://union.example/"]) == 0
    assert capsys.readouterr().out.startswith("https://union.example/signin/")
    assert main(["officer", "login-link", "99"]) == 1
    assert "no officer #99" in capsys.readouterr().err


async def test_a_printed_link_signs_in(
    console: Console, capsys: pytest.CaptureFixture[str]
) -> None:
    officer = await officer_id(console.chat.sessionmaker, "Officer One")
    code = await asyncio.to_thread(main, ["officer", "login-link", str(officer)])
    assert code == 0
    url = capsys.readouterr().out.strip()
    browser = await console.browser()
    status, inbox = await browser.get(url.removeprefix(CONSOLE_URL))
    assert status == 200
    assert "Officer One" in inbox


@pytest.fixture(autouse=True)
def _commands_use_the_test_database(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("WORKERBOT_DATABASE_URL", database_url)


@pytest.mark.parametrize("web_chat", ["true", "false"])
async def test_web_serves_the_console_and_the_web_chat_unless_it_is_off(
    database_url: str, tmp_path: Path, web_chat: str
) -> None:
    if make_url(database_url).get_backend_name() == "sqlite":
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'fresh' / 'workerbot.db'}"
    env = {**os.environ, "WORKERBOT_DATABASE_URL": database_url, "WORKERBOT_WEB_CHAT": web_chat}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", "--listen", "127.0.0.1:0",
        stdout=asyncio.subprocess.PIPE, cwd=tmp_path, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        assert line.startswith("Console on http://127.0.0.1:")
        url = line.split()[2]
        async with aiohttp.ClientSession() as client:
            async with client.get(url + "/healthz") as response:
                assert response.status == 200
            async with client.get(url + "/") as response:
                assert response.status == 401
            async with client.get(url + "/chat") as response:
                assert response.status == (200 if web_chat == "true" else 404)
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), timeout=30) == 0


def test_web_qr_writes_a_png_of_the_address_and_refuses_what_is_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "notice-board.png"
    assert main(["web", "qr", "https://union.example.org/chat", "--output", str(output)]) == 0
    assert output.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert str(output) in capsys.readouterr().out
    wrong = tmp_path / "wrong.png"
    assert main(["web", "qr", "union.example.org/chat", "--output", str(wrong)]) == 2
    assert "is not an http(s) address" in capsys.readouterr().err
    assert not wrong.exists()
