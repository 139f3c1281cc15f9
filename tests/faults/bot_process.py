"""The real bot process (`python -m bot run`) against the fake Bot API server, to be killed.

A test starts the bot as an operator would, with its settings in the environment, lets
fake people write to it, and kills it with SIGKILL: at a kill point it reaches by itself
(`WORKERBOT_KILL_AT`, see bot/killpoints.py) or from outside. Then it starts it again and
reads what the people's chats show.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

from tests.fake_telegram import FakeTelegram
from tests.telegram.harness import WEBHOOK_SECRET, free_port

ROOT = Path(__file__).resolve().parents[2]


class BotProcess:
    """One `workerbot run` process; `webhook` mode listens on a free port of 127.0.0.1."""

    def __init__(
        self,
        tg: FakeTelegram,
        database_url: str,
        workdir: Path,
        *,
        transport: str,
        mode: str,
        faq_path: Path | None = None,
        name: str = "bot",
    ) -> None:
        self.tg = tg
        self.database_url = database_url
        self.workdir = workdir
        self.transport = transport
        self.webhook = f"http://127.0.0.1:{free_port()}/tg" if mode == "webhook" else None
        self.faq_path = faq_path
        self.name = name
        self.runs = 0
        self.process: asyncio.subprocess.Process | None = None
        self.started_at = 0.0  # time.monotonic() of the last start, as the fake's clock
        self.ready_at = 0.0  # when it last began to take updates

    async def start(self, kill_at: str | None = None) -> None:
        self.runs += 1
        env = {key: value for key, value in os.environ.items() if not key.startswith("WORKERBOT_")}
        env.update(
            WORKERBOT_TELEGRAM_TOKEN=self.tg.token,
            WORKERBOT_TELEGRAM_API_BASE=self.tg.base_url,
            WORKERBOT_DATABASE_URL=self.database_url,
            WORKERBOT_WEBHOOK_SECRET=WEBHOOK_SECRET,
            WORKERBOT_DELIVERY_PER_CHAT_INTERVAL="0",
            WORKERBOT_DELIVERY_POLL_INTERVAL="0.5",
            PTB_TIMEDELTA="true",
            PYTHONPATH=str(ROOT),
        )
        if self.faq_path is not None:
            env["WORKERBOT_FAQ_PATH"] = str(self.faq_path)
        if kill_at is not None:
            env["WORKERBOT_KILL_AT"] = kill_at
        args = [sys.executable, "-m", "bot", "run", "--transport", self.transport]
        if self.webhook is not None:
            args += ["--webhook", self.webhook, "--listen", self.webhook.split("/")[2]]
        log = (self.workdir / f"{self.name}-{self.runs}.log").open("wb")
        self.started_at = time.monotonic()
        # The work directory holds no .env, so only the settings above apply.
        self.process = await asyncio.create_subprocess_exec(
            *args, cwd=self.workdir, env=env, stdout=log, stderr=log
        )
        log.close()

    async def ready(self, timeout: float = 120.0) -> None:  # noqa: ASYNC109
        """Wait until it takes updates: polls, or has registered its webhook with the fake.

        Generous: on a busy machine importing the frameworks alone takes many seconds."""
        method = "getUpdates" if self.webhook is None else "setWebhook"

        def taking() -> bool:
            return any(c.at >= self.started_at for c in self.tg.calls_to(method))

        await self.tg.wait_for(taking, timeout, f"{self.name} to take updates")
        self.ready_at = time.monotonic()

    async def killed(self, timeout: float = 30.0) -> float:  # noqa: ASYNC109
        """Wait for the process to kill itself at its kill point; when it died."""
        assert self.process is not None
        async with asyncio.timeout(timeout):
            code = await self.process.wait()
        assert code == -signal.SIGKILL, f"{self.name} exited with {code}: {self.log()}"
        return time.monotonic()

    def kill(self) -> float:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        return time.monotonic()

    async def stop(self) -> None:
        """SIGTERM, as systemd stops it; SIGKILL if it does not stop in time."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            async with asyncio.timeout(20):
                await self.process.wait()
        except TimeoutError:
            self.process.kill()
            await self.process.wait()

    def log(self) -> str:
        path = self.workdir / f"{self.name}-{self.runs}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""
