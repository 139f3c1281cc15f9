"""The admin pages: the setup tasks of the README without a shell, for admins only."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from db.models import Officer, Queue, Unit
from tests.web.conftest import Browser, Console, officer_id


async def _admin(console: Console) -> Browser:
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Admin"))
    return browser


async def test_an_officer_who_is_no_admin_gets_404(console: Console) -> None:
    browser = await console.browser()
    await browser.sign_in(await officer_id(console.chat.sessionmaker, "Officer One"))
    assert (await browser.get("/admin"))[0] == 404
    status, _ = await browser.post(
        "/admin/officers", {"csrf": browser.csrf, "name": "Intruder", "queue": "default"}
    )
    assert status == 404
    async with console.chat.sessionmaker() as session:
        assert await session.scalar(select(Officer).where(Officer.name == "Intruder")) is None


async def test_an_officer_added_in_the_console_links_with_the_code_shown(
    console: Console,
) -> None:
    browser = await _admin(console)
    status, page = await browser.get("/admin")
    assert status == 200
    assert "Officer One" in page
    assert "<code>city-legal-aid</code>" in page  # a routing rule in force
    status, page = await browser.post(
        "/admin/officers",
        {"csrf": browser.csrf, "name": "<i>陈律师</i>", "queue": "city-legal-aid"},
    )
    assert status == 200
    code = re.search(r"/start ([A-Z0-9]{16})", page)
    assert code is not None
    assert "&lt;i&gt;陈律师&lt;/i&gt;" in page
    assert code.group(1) not in (await browser.get("/admin"))[1]  # shown only once
    messages = await console.chat.send("lawyer", f"/start {code.group(1)}")
    assert any("陈律师" in m.text for m in messages if m.chat_id == "lawyer")


async def test_units_queues_and_an_officers_queues(console: Console) -> None:
    browser = await _admin(console)
    await browser.get("/admin")
    status, _ = await browser.post(
        "/admin/units",
        {
            "csrf": browser.csrf,
            "key": "port-union",
            "name": "港口工会",
            "kind": "enterprise",
            "parent": "east-district",
        },
    )
    assert status == 200
    status, _ = await browser.post(
        "/admin/queues",
        {
            "csrf": browser.csrf,
            "key": "port-grievances",
            "name": "港口 诉求",
            "unit": "port-union",
        },
    )
    assert status == 200
    status, page = await browser.post(
        "/admin/queues",
        {"csrf": browser.csrf, "key": "port-grievances", "name": "again", "unit": "port-union"},
    )
    assert status == 400
    assert "代码为“port-grievances”的队列已存在" in page
    officer = await officer_id(console.chat.sessionmaker, "Officer One")
    status, _ = await browser.post(
        f"/admin/officers/{officer}/queues",
        {"csrf": browser.csrf, "queue": "port-grievances"},
    )
    assert status == 200
    async with console.chat.sessionmaker() as session:
        unit = await session.scalar(select(Unit).where(Unit.key == "port-union"))
        queue = await session.scalar(select(Queue).where(Queue.key == "port-grievances"))
        found = await session.scalar(
            select(Officer).where(Officer.id == officer).options(selectinload(Officer.queues))
        )
    assert unit is not None
    assert queue is not None
    assert found is not None
    assert [q.key for q in found.queues] == ["port-grievances"]


async def test_deactivating_signs_the_officer_out_and_activating_restores(
    console: Console,
) -> None:
    chat = console.chat
    officer = await officer_id(chat.sessionmaker, "Officer One")
    theirs = await console.browser()
    await theirs.sign_in(officer)
    browser = await _admin(console)
    await browser.get("/admin")
    status, page = await browser.post(
        f"/admin/officers/{officer}/deactivate", {"csrf": browser.csrf}
    )
    assert status == 200
    assert "已停用" in page
    assert (await theirs.get("/"))[0] == 401
    status, _ = await browser.post(f"/admin/officers/{officer}/activate", {"csrf": browser.csrf})
    assert status == 200
    async with chat.sessionmaker() as session:
        found = await session.get(Officer, officer)
    assert found is not None
    assert found.active


async def test_what_an_admin_must_correct_is_said_in_the_pages_language(
    console: Console,
) -> None:
    browser = await _admin(console)
    await browser.get("/admin")
    bad_unit = {
        "csrf": browser.csrf,
        "key": "Port Union",
        "name": "港口工会",
        "kind": "enterprise",
        "parent": "",
    }
    status, page = await browser.post("/admin/units", bad_unit)
    assert status == 400
    assert "代码“Port Union”无效" in page
    assert "invalid" not in page
    await browser.get("/admin?lang=en")
    for path, form, said in (
        ("/admin/units", {**bad_unit, "csrf": browser.csrf}, "The key “Port Union” is not valid"),
        (
            "/admin/units",
            {**bad_unit, "csrf": browser.csrf, "key": "port", "kind": "galaxy"},
            "There is no such kind of unit.",
        ),
        (
            "/admin/queues",
            {"csrf": browser.csrf, "key": "q", "name": "Q", "unit": "nowhere"},
            "There is no unit with the key “nowhere”.",
        ),
        (
            "/admin/saved",
            {"csrf": browser.csrf, "language": "en", "title": " ", "body": "hi"},
            "A saved reply needs a title and a text.",
        ),
        ("/admin/officers/999/activate", {"csrf": browser.csrf}, "There is no officer #999."),
    ):
        status, page = await browser.post(path, form)
        assert status == 400, path
        assert said in page
        assert "workerbot" not in page  # the command line's hints stay on the command line
    # Units are shown by their kind's name, in the page's language.
    assert "enterprise union" in page
    assert "企业工会" in (await browser.get("/admin?lang=zh-CN"))[1]
