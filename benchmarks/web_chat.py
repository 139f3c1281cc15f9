"""How long a web chat worker waits for the answer, and what of it the web chat adds.

One browser on the whole bot as `workerbot web` runs it (core, delivery, the page's
forms and its event stream on 127.0.0.1), on a fresh SQLite file: the worker asks the
sample knowledge base a question (a form POST) and waits for the answer on the open
event stream; the time from the POST to the answer's event is the row "web chat". The
baseline, measured in the same run on the same database, is the core alone handling the
same question (`App.handle`, its one transaction) with no HTTP and no delivery.

    python benchmarks/web_chat.py [--questions N]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.launch import assemble
from bot.settings import Settings
from bot.transports import web
from bot.transports.base import RunOptions
from bot.transports.web import WebChat
from bot.web.server import beside
from handlers.messages import Incoming

QUESTIONS = ("医疗互助保障每年交多少钱？", "住院报销起付线是多少", "法律援助怎么申请")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered) * 1000, p95 * 1000


async def _web_chat(base: str, questions: int) -> list[float]:
    waits: list[float] = []
    async with aiohttp.ClientSession(
        base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True)
    ) as http:
        async with http.get("/chat") as page:
            html = await page.text()
        csrf = html.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        async with http.get("/chat/events") as stream:
            answers: asyncio.Queue[float] = asyncio.Queue()

            async def read() -> None:
                buffer = ""
                async for chunk in stream.content.iter_any():
                    buffer += chunk.decode()
                    while "\n\n" in buffer:
                        block, buffer = buffer.split("\n\n", 1)
                        if 'class="bot"' in block:
                            answers.put_nowait(time.perf_counter())

            reader = asyncio.create_task(read())
            try:
                for number in range(questions):
                    asked = time.perf_counter()
                    data = {"csrf": csrf, "text": QUESTIONS[number % len(QUESTIONS)]}
                    async with http.post("/chat/send", data=data, headers={"X-Chat": "1"}) as r:
                        if r.status != 204:
                            raise RuntimeError(await r.text())
                    waits.append(await asyncio.wait_for(answers.get(), 30) - asked)
                    while not answers.empty():  # a second message of the same answer
                        answers.get_nowait()
            finally:
                reader.cancel()
    return waits


async def main(questions: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite+aiosqlite:///{folder}/web.db",
            # Flood control would slow one worker asking this fast.
            flood_messages=10_000,
            web_chat_session_requests=10_000,
            web_chat_address_requests=10_000,
        )
        runner = await assemble(settings, [web.REGISTRATION], RunOptions(web="127.0.0.1:0"))
        chat = next(t for t in runner.transports if isinstance(t, WebChat))
        server = beside(runner.app, "127.0.0.1:0", chat)
        await runner.start()
        await server.start()
        try:
            await _web_chat(server.url, 5)  # warm up: caches, first session
            page = await _web_chat(server.url, questions)
            core: list[float] = []
            for number in range(questions):
                incoming = Incoming(
                    platform="web",
                    update_id=f"core-{number}",
                    chat_id="w" + "0" * 24,
                    user_id="w" + "0" * 24,
                    language="zh-CN",
                    text=QUESTIONS[number % len(QUESTIONS)],
                )
                started = time.perf_counter()
                await runner.app.handle(incoming)
                core.append(time.perf_counter() - started)
        finally:
            await chat.stop()
            await server.stop()
            await runner.stop()
    print(f"{questions} questions from one worker, SQLite, one process\n")
    print("| path | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for name, samples in (
        ("web chat: form POST to the answer's event", page),
        ("baseline: the core's transaction alone", core),
    ):
        p50, p95 = _percentiles(samples)
        print(f"| {name} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--questions", type=int, default=100)
    asyncio.run(main(parser.parse_args().questions))
