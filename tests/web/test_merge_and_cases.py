"""Merging duplicates and collective cases in the console: through HTTP, on the same
database and outbox as the chat, with the same authorisation and anonymity."""

from __future__ import annotations

import re

from sqlalchemy import select

from db.models import Case, CaseStatus, OutboxMessage, Ticket, TicketEvent, TicketStatus
from handlers import admin
from handlers.messages import Outgoing
from tests.web.conftest import Browser, Console, file_grievance, officer_id


async def _outbox_to(console: Console, chat_id: str) -> str:
    async with console.chat.sessionmaker() as session:
        payloads = await session.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.chat_id == chat_id)
            .order_by(OutboxMessage.id)
        )
        return "\n".join(Outgoing.from_json(p).text for p in payloads)


async def _ticket(console: Console, ticket_id: int) -> Ticket:
    async with console.chat.sessionmaker() as session:
        found = await session.get(Ticket, ticket_id)
    assert found is not None
    return found


async def _events(console: Console, ticket_id: int) -> list[TicketEvent]:
    async with console.chat.sessionmaker() as session:
        rows = await session.scalars(
            select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
        )
        return list(rows)


async def _case_form(browser: Browser, number: int, path: str, **fields: str) -> tuple[int, str]:
    """Posts a form of the case page as it is now (its CSRF token and version)."""
    status, page = await browser.get(f"/cases/{number}")
    assert status == 200, page
    seen = re.search(r'name="seen"(?: id="[^"]+")? value="([^"]+)"', page)
    assert seen is not None
    return await browser.post(
        f"/cases/{number}/{path}", {"csrf": browser.csrf, "seen": seen.group(1), **fields}
    )


async def test_a_duplicate_is_merged_from_the_ticket_page(console: Console) -> None:
    chat = console.chat
    first = await file_grievance(chat, "w", "宿舍热水器坏了", anonymous=False)
    again = await file_grievance(chat, "w", "热水器还是坏的", anonymous=False)
    browser = await console.browser()
    await browser.sign_in(await officer_id(chat.sessionmaker, "Officer One"))

    status, page = await browser.act(again.reference or "", "merge", text=first.ref)
    assert status == 200
    assert f"{again.ref} 已作为重复工单合并并关闭" in page
    assert f'href="/tickets/{first.ref}"' in page
    assert (await _ticket(console, again.id)).status == TicketStatus.CLOSED
    assert f"以后请在 {first.ref} 中查看进度" in await _outbox_to(console, "w")
    _, target_page = await browser.get(f"/tickets/{first.ref}")
    assert f"将重复工单 {again.ref} 并入此单" in target_page
    assert "（工作台）" in target_page
    # The closed duplicate offers no merge any more.
    assert "act-merge" not in page


async def test_merging_another_workers_ticket_reveals_neither(console: Console) -> None:
    chat = console.chat
    target = await file_grievance(chat, "w2", "食堂卫生太差", anonymous=False)
    secret = await file_grievance(chat, "secret-w", "食堂有老鼠", anonymous=True)
    before = await _outbox_to(console, "w2")
    browser = await console.browser()
    await browser.sign_in(await officer_id(chat.sessionmaker, "Officer One"))

    status, _ = await browser.act(secret.ref, "merge", text=target.ref)
    assert status == 200
    told = await _outbox_to(console, "secret-w")
    assert secret.ref in told
    assert target.ref not in told
    assert "Name of w2" not in told
    assert await _outbox_to(console, "w2") == before
    for path in (f"/tickets/{target.ref}", f"/tickets/{secret.ref}"):
        _, page = await browser.get(path)
        assert "secret-w" not in page


async def test_a_merge_the_officer_may_not_make_changes_nothing(console: Console) -> None:
    chat = console.chat
    mine = await file_grievance(chat, "w", "车间太热", anonymous=False)
    other = await file_grievance(chat, "w2", "车间太热了", anonymous=False)
    async with chat.sessionmaker() as session, session.begin():
        legal, _ = await admin.add_officer(
            session, name="Legal Only", queue_keys=["city-legal-aid"], now=chat.now
        )
    browser = await console.browser()
    await browser.sign_in(await officer_id(chat.sessionmaker, "Officer One"))
    # Into itself, into nonsense: the page says why and keeps what was typed.
    status, page = await browser.act(mine.ref, "merge", text=mine.ref)
    assert status == 400
    assert "不能把工单并入它自己" in page
    status, page = await browser.act(mine.ref, "merge", text="GR-2099-999999")
    assert status == 400
    assert "没有这张工单" in page
    assert 'value="GR-2099-999999"' in page
    # An officer of another queue: 404, and a forged merge changes nothing.
    outsider = await console.browser()
    await outsider.sign_in(legal.id)
    status, _ = await outsider.post(
        f"/tickets/{mine.ref}/merge", {"csrf": outsider.csrf, "seen": "0", "text": other.ref}
    )
    assert status == 404
    # Without the CSRF token: 403.
    status, _ = await browser.post(
        f"/tickets/{mine.ref}/merge", {"csrf": "forged", "seen": "0", "text": other.ref}
    )
    assert status == 403
    for ticket in (mine, other):
        assert (await _ticket(console, ticket.id)).status == ticket.status


async def test_a_collective_case_is_resolved_once_for_every_worker(console: Console) -> None:
    chat = console.chat
    first = await file_grievance(chat, "w", "厂区路灯坏了", anonymous=False)
    second = await file_grievance(chat, "anon-w", "晚上厂区太黑", anonymous=True)
    third = await file_grievance(chat, "w3", "路灯不亮", anonymous=False)
    browser = await console.browser()
    await browser.sign_in(await officer_id(chat.sessionmaker, "Officer One"))

    # Open a case from the first ticket's page, add the others, take one out again.
    _, page = await browser.get(f"/tickets/{first.ref}")
    status, page = await browser.post(
        "/cases", {"csrf": browser.csrf, "ticket": first.ref, "title": "厂区照明"}
    )
    assert status == 200
    assert "集体案件已建立" in page
    async with chat.sessionmaker() as session:
        number = await session.scalar(select(Case.id))
    assert number is not None
    for ticket in (second, third):
        status, page = await _case_form(browser, number, "add", ticket=ticket.ref)
        assert status == 200, page
    status, page = await _case_form(browser, number, "add", ticket=first.ref)
    assert status == 400
    assert "这张工单已在本案件中" in page
    status, page = await _case_form(browser, number, "remove", ticket=third.ref)
    assert status == 200
    assert third.ref not in page.split("act-add")[0]
    _, ticket_page = await browser.get(f"/tickets/{second.ref}")
    assert f'href="/cases/{number}"' in ticket_page

    before = {user: await _outbox_to(console, user) for user in ("w", "anon-w", "w3")}
    status, page = await _case_form(browser, number, "resolve", text="已更换全部路灯")
    assert status == 200
    assert "结果已发给 2 名职工" in page
    for ticket, user in ((first, "w"), (second, "anon-w")):
        assert (await _ticket(console, ticket.id)).status == TicketStatus.RESOLVED
        told = (await _outbox_to(console, user)).removeprefix(before[user])
        assert "已更换全部路灯" in told
        assert ticket.ref in told
        # Nobody learns who else is in the case.
        for other in (first, second, third):
            if other.id != ticket.id:
                assert other.ref not in told
        assert "Name of" not in told
        resolved = [e for e in await _events(console, ticket.id) if e.event == "resolve"]
        assert resolved[-1].data["case"] == number
        assert resolved[-1].data["via"] == "console"
    assert await _outbox_to(console, "w3") == before["w3"]
    assert (await _ticket(console, third.id)).status != TicketStatus.RESOLVED
    async with chat.sessionmaker() as session:
        case = await session.get(Case, number)
    assert case is not None
    assert case.status == CaseStatus.RESOLVED
    assert "anon-w" not in page


async def test_a_case_with_a_ticket_outside_my_queues_is_404(console: Console) -> None:
    chat = console.chat
    ticket = await file_grievance(chat, "w", "宿舍停水", anonymous=False)
    async with chat.sessionmaker() as session, session.begin():
        legal, _ = await admin.add_officer(
            session, name="Legal Only", queue_keys=["city-legal-aid"], now=chat.now
        )
    browser = await console.browser()
    await browser.sign_in(await officer_id(chat.sessionmaker, "Officer One"))
    await browser.get(f"/tickets/{ticket.ref}")
    await browser.post("/cases", {"csrf": browser.csrf, "ticket": ticket.ref, "title": "停水"})
    async with chat.sessionmaker() as session:
        number = await session.scalar(select(Case.id))
    outsider = await console.browser()
    await outsider.sign_in(legal.id)
    status, page = await outsider.get(f"/cases/{number}")
    assert status == 404
    assert "停水" not in page
    status, _ = await outsider.post(
        f"/cases/{number}/resolve", {"csrf": outsider.csrf, "seen": "x", "text": "偷偷办结"}
    )
    assert status == 404
    status, _ = await outsider.post(
        "/cases", {"csrf": outsider.csrf, "ticket": ticket.ref, "title": "偷看"}
    )
    assert status == 404
    # Without the CSRF token: 403, and nothing is resolved.
    status, _ = await browser.post(
        f"/cases/{number}/resolve", {"csrf": "", "seen": "x", "text": "偷偷办结"}
    )
    assert status == 403
    assert "偷偷办结" not in await _outbox_to(console, "w")
    assert (await _ticket(console, ticket.id)).status != TicketStatus.RESOLVED


async def test_two_officers_on_one_case_one_wins_the_other_keeps_their_text(
    console: Console,
) -> None:
    chat = console.chat
    first = await file_grievance(chat, "w", "宿舍没有暖气", anonymous=False)
    second = await file_grievance(chat, "w2", "宿舍太冷", anonymous=False)
    one, admin_browser = await console.browser(), await console.browser()
    await one.sign_in(await officer_id(chat.sessionmaker, "Officer One"))
    await admin_browser.sign_in(await officer_id(chat.sessionmaker, "Admin"))
    await one.get(f"/tickets/{first.ref}")
    await one.post("/cases", {"csrf": one.csrf, "ticket": first.ref, "title": "暖气"})
    async with chat.sessionmaker() as session:
        number = await session.scalar(select(Case.id))
    assert number is not None
    await _case_form(one, number, "add", ticket=second.ref)
    # The admin opens the case page; meanwhile Officer One answers the case.
    _, stale = await admin_browser.get(f"/cases/{number}")
    seen = re.search(r'id="seen-resolve" value="([^"]+)"', stale)
    assert seen is not None
    status, _ = await _case_form(one, number, "reply", text="明天检修锅炉")
    assert status == 200
    status, page = await admin_browser.post(
        f"/cases/{number}/resolve",
        {"csrf": admin_browser.csrf, "seen": seen.group(1), "text": "暖气已恢复"},
    )
    assert status == 409
    assert "其他人刚刚改动了此案件" in page
    assert "暖气已恢复" in page  # nothing typed is lost
    assert "暖气已恢复" not in await _outbox_to(console, "w")
    assert (await _ticket(console, first.id)).status != TicketStatus.RESOLVED
