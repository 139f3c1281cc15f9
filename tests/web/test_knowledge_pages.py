"""The knowledge base learns from the console: the chat harness's bot and the console in
one process, on one database, with the bot's knowledge-base sync running as it does in
`workerbot run`. A question gets "not sure" in the chat; an admin adds it to an entry in
the console (in Chromium); the same question in the same chat is then answered, with no
restart. Broken changes are refused with the reason and lose nothing typed."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote

import aiohttp
import pytest
from playwright.async_api import BrowserContext
from sqlalchemy import func, make_url, select

from bot.app import matcher_builder
from bot.knowledge_sync import KnowledgeSync
from db.models import KnowledgeBaseRevision
from faq import SAMPLE_KB_PATH
from handlers import signin
from handlers.knowledge import CONSOLE_FILE
from tests.flows.conftest import Chat, to
from tests.web.conftest import (
    Browser,
    Console,
    file_grievance,
    issue_link,
    officer_id,
    serve_console,
    web_settings,
)
from tests.web.test_browser import chromium

__all__ = ["chromium"]

MARS = "火星上的停车位怎么申请"
NOT_SURE = "知识库里暂时没有"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the sample knowledge base, as a deployment's own folder."""
    target = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB_PATH, target)
    return target


@pytest.fixture
async def learning(chat: Chat, folder: Path) -> AsyncIterator[tuple[Console, KnowledgeSync]]:
    """The console on the chat's database and knowledge base, and the bot's sync polling
    for saved versions every 0.1 s, as `workerbot run` does every FAQ_RELOAD_INTERVAL."""
    settings = web_settings(faq_path=folder, faq_reload_interval=0.1)
    sync = KnowledgeSync(
        chat.sessionmaker,
        folder,
        build=matcher_builder(settings),
        apply=chat.dispatcher.use_knowledge,
        interval=settings.faq_reload_interval,
    )
    following = asyncio.create_task(sync.run())
    try:
        async with serve_console(chat, settings=settings, knowledge_sync=sync) as console:
            yield console, sync
    finally:
        sync.stop()
        await following


async def _followed(sync: KnowledgeSync, revisions: int) -> None:
    """Until the bot answers from the `revisions`-th saved version (at most 20 s)."""
    for _ in range(200):
        if sync.version == revisions:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"the bot still answers from version {sync.version}: {sync.error}")


async def _revisions(chat: Chat) -> int:
    async with chat.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(KnowledgeBaseRevision)) or 0


async def test_a_question_the_bot_was_not_sure_of_is_answered_once_an_admin_adds_it(
    chat: Chat,
    learning: tuple[Console, KnowledgeSync],
    chromium: BrowserContext,
    folder: Path,
    tmp_path: Path,
) -> None:
    console, sync = learning
    kb, _ = chat.dispatcher.knowledge
    union_join = kb.get("union-join")
    assert union_join is not None
    assert NOT_SURE in to(await chat.send("w", MARS), "w")
    base = str(console.server.make_url("")).rstrip("/")
    token = await issue_link(
        chat.sessionmaker, await officer_id(chat.sessionmaker, "Admin"), chat.now
    )
    page = await chromium.new_page()
    try:
        await page.goto(base + signin.LINK_PATH + token)
        # From the home's glance, which counts the question the bot failed.
        await page.get_by_role("link", name="补充知识库（1 个问题未答好）").click()
        group = page.locator("form.gap", has_text=MARS)
        assert "共 1 次，1 人" in await group.inner_text()
        # Before: the bot does not know.
        await page.get_by_role("searchbox", name="试一试").fill(MARS)
        await page.get_by_role("button", name="试答").click()
        assert "不知道" in await page.locator(".tried").inner_text()
        # The entry is found by the matcher from a question worded as workers ask it.
        group = page.locator("form.gap", has_text=MARS)
        await group.get_by_role("searchbox").fill("我要入工会")
        choice = group.locator('input[name="entry"][value="union-join"]')
        await choice.check()
        await group.get_by_role("button", name="加为其他问法").click()
        saved = page.locator(".notice.saved")
        await saved.wait_for()
        # After: answered from the version just saved, said before the bot loads it.
        assert "union-join" in await saved.locator("td.after").inner_text()
        assert "直接回答" in await saved.locator("td.after").inner_text()
        assert await page.locator("form.gap", has_text=MARS).count() == 0
        history = await page.locator("section.history").inner_text()
        assert "Admin" in history
        assert "添加其他问法" in history
        # No restart: the running bot loads it at its next look, and answers.
        await _followed(sync, 1)
        answer = to(await chat.send("w", MARS), "w")
        assert union_join.answer.strip()[:20] in answer
        assert NOT_SURE not in answer
        await page.get_by_role("searchbox", name="试一试").fill(MARS)
        await page.get_by_role("button", name="试答").click()
        assert "union-join" in await page.locator(".tried").inner_text()
    except Exception as exc:
        shot = tmp_path / "knowledge-failure.png"
        await page.screenshot(path=str(shot), full_page=True)
        exc.add_note(f"screenshot of the page: {shot}")
        raise
    # Written to the console's own file; the hand-edited files are as they were.
    assert MARS in (folder / CONSOLE_FILE).read_text(encoding="utf-8")
    for original in SAMPLE_KB_PATH.glob("*.yaml"):
        assert (folder / original.name).read_bytes() == original.read_bytes()


async def _admin(console: Console, chat: Chat) -> Browser:
    browser = await console.browser()
    await browser.sign_in(await officer_id(chat.sessionmaker, "Admin"))
    return browser


async def test_a_broken_entry_is_refused_with_the_reason_and_the_form_kept(
    chat: Chat, learning: tuple[Console, KnowledgeSync]
) -> None:
    console, _ = learning
    browser = await _admin(console, chat)
    await browser.get("/knowledge/entry")
    typed = {
        "csrf": browser.csrf,
        "id": "union-join",  # an entry of a hand-edited file has it
        "language": "zh-CN",
        "question": "怎么入会",
        "alternates": "入会手续\n怎么入工会",
        "keywords": "",
        "answer": "带身份证到工会办公室。",
        "tags": "",
    }
    status, page = await browser.post("/knowledge/entry", typed)
    assert status == 400
    assert "duplicate id &#39;union-join&#39;" in page
    assert "入会手续\n怎么入工会</textarea>" in page
    assert "带身份证到工会办公室。</textarea>" in page
    status, page = await browser.post("/knowledge/entry", {**typed, "id": "Bad Id"})
    assert status == 400
    assert "bad id &#39;Bad Id&#39;" in page
    status, page = await browser.post(
        "/knowledge/alternates", {"csrf": browser.csrf, "question": MARS}
    )
    assert (status, "请先选择要加入的条目" in page) == (400, True)
    assert await _revisions(chat) == 0
    # A good entry goes through, and the page says what the bot answers after it.
    status, page = await browser.post("/knowledge/entry", {**typed, "id": "union-join-how"})
    assert status == 200
    assert "已保存为第 1 版" in page
    after = re.search(r'<td class="after">(.*?)</td>', page, re.DOTALL)
    assert after is not None
    assert "union-join-how" in after.group(1), after.group(1)


async def test_only_admins_see_the_knowledge_pages(
    chat: Chat, learning: tuple[Console, KnowledgeSync]
) -> None:
    console, _ = learning
    browser = await console.browser()
    page = await browser.sign_in(await officer_id(chat.sessionmaker, "Officer One"))
    assert 'href="/knowledge"' not in page
    for path in ("/knowledge", "/knowledge/entry", "/knowledge/search?q=%E5%85%A5%E4%BC%9A"):
        assert (await browser.get(path))[0] == 404, path
    status, _ = await browser.post(
        "/knowledge/alternates",
        {"csrf": browser.csrf, "question": MARS, "entry": "union-join"},
    )
    assert status == 404
    assert await _revisions(chat) == 0


async def test_a_resolved_ticket_becomes_an_entry_without_names(
    chat: Chat, learning: tuple[Console, KnowledgeSync]
) -> None:
    console, sync = learning
    question = "我是Name of w，电话13912345678，夜班补贴怎么申请？"
    ticket = await file_grievance(chat, "w", question, anonymous=False)
    reference = ticket.reference or ""
    officer = await console.browser()
    await officer.sign_in(await officer_id(chat.sessionmaker, "Officer One"))
    assert (await officer.act(reference, "claim"))[0] == 200
    status, page = await officer.get(f"/tickets/{reference}")
    assert "/knowledge/entry?ticket=" not in page  # not for officers, nor before resolving
    answer = "我是Officer One：带工资条到工会办公室申请夜班补贴，电话13800001111"
    assert (await officer.act(reference, "resolve", text=answer))[0] == 200

    admin = await _admin(console, chat)
    status, page = await admin.get(f"/tickets/{reference}")
    link = f"/knowledge/entry?ticket={reference}"
    assert link in page
    status, form = await admin.get(link)
    assert status == 200
    assert 'value="我是***，电话***，夜班补贴怎么申请？"' in form
    assert "我是***：带工资条到工会办公室申请夜班补贴，电话***</textarea>" in form
    for secret in ("Name of w", "13912345678", "Officer One：", "13800001111"):
        assert secret not in form.split("<main>", 1)[1]
    entry_id = f"from-{reference.lower()}"
    assert f'value="{entry_id}"' in form
    status, page = await admin.post(
        "/knowledge/entry",
        {
            "csrf": admin.csrf,
            "id": entry_id,
            "language": "zh-CN",
            "question": "夜班补贴怎么申请？",
            "alternates": "",
            "keywords": "夜班补贴",
            "answer": "带工资条到工会办公室申请夜班补贴。",
            "tags": "",
        },
    )
    assert status == 200, page
    await _followed(sync, 1)
    assert "带工资条到工会办公室申请夜班补贴" in to(
        await chat.send("w2", "夜班补贴怎么申请"), "w2"
    )
    status, page = await admin.get("/knowledge?try=" + quote("夜班补贴怎么申请"))
    assert entry_id in page


async def test_the_console_says_why_a_saved_version_is_not_in_use(
    chat: Chat, folder: Path
) -> None:
    """A hand-edited file broken on this machine after a change was saved: the bot keeps
    answering from the knowledge base it has, and the knowledge page says why."""
    settings = web_settings(faq_path=folder)
    sync = KnowledgeSync(
        chat.sessionmaker,
        folder,
        build=matcher_builder(settings),
        apply=chat.dispatcher.use_knowledge,
        interval=60,
    )
    async with serve_console(chat, settings=settings, knowledge_sync=sync) as console:
        admin = await _admin(console, chat)
        await admin.get("/knowledge")
        status, _ = await admin.post(
            "/knowledge/alternates",
            {"csrf": admin.csrf, "question": MARS, "entry": "union-join"},
        )
        assert status == 200
        (folder / "broken.yaml").write_text("entries: [", encoding="utf-8")
        before = chat.dispatcher.knowledge
        assert not await sync.check()
        assert chat.dispatcher.knowledge is before
        assert NOT_SURE in to(await chat.send("w", MARS), "w")
        status, page = await admin.get("/knowledge")
    assert status == 200
    assert "最新保存的知识库版本没有生效" in page
    assert "broken.yaml: not valid YAML" in page


async def test_the_console_alone_starts_with_a_broken_knowledge_base(
    database_url: str, folder: Path, tmp_path: Path
) -> None:
    """`workerbot web` serves the rest of the console; the bot would refuse to start."""
    if make_url(database_url).get_backend_name() == "sqlite":
        database_url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    (folder / "broken.yaml").write_text("entries: [", encoding="utf-8")
    env = {
        **os.environ,
        "WORKERBOT_DATABASE_URL": database_url,
        "WORKERBOT_FAQ_PATH": str(folder),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "web", "--listen", "127.0.0.1:0",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=tmp_path, env=env,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout=60)).decode()
        assert line.startswith("Console on http://127.0.0.1:")
        async with (
            aiohttp.ClientSession() as client,
            client.get(line.split()[2] + "/healthz") as response,
        ):
            assert response.status == 200
    finally:
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0
    assert "broken.yaml: not valid YAML" in err.decode()
