"""The console's search through the gram index finds exactly what the substring scan
found, on tricky terms, for every officer; erasure leaves none of the erased words in it."""

from __future__ import annotations

from unittest.mock import patch
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import TicketSearchGram
from db.repositories import search
from handlers import privacy
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor
from handlers.tickets.inbox import InboxFilter, list_inbox
from tests.tickets.conftest import NOW, World, open_ticket

ZONE = ZoneInfo("Asia/Shanghai")

SUMMARIES = (
    "叉车刹车失灵，车间很危险",
    "宿舍空调坏了 Wi-Fi 很慢",
    "The FORKLIFT is broken; 100% sure",
    "车间噪音太大",
    r"路径是 a_b\c 吗",
    "Ärger mit dem Schichtplan",
)
TERMS = (
    "车", "叉车", "刹车", "车间", "车间噪", "坏了 w", "wi-fi", "WI-FI", "Forklift", "forklift",
    "100%", "%", "_", "a_b", "\\", "a", "Ä", "ärger", "ı", "İ", "師傅", "师傅", "MONDAY",
    "gr-", " ", "；", ";", "y;", "，车", "istanbul", "出差", "x", "失灵，车间很危险吗",
)  # fmt: skip


async def _found(session: AsyncSession, actor: OfficerActor, term: str) -> list[str]:
    session.expunge_all()
    inbox = await list_inbox(
        session, actor, InboxFilter(status="all", search=term), now=NOW, zone=ZONE
    )
    return [ticket.ref for ticket in inbox.tickets]


async def _no_index(*_: object) -> None:
    return None


async def _scanned(session: AsyncSession, actor: OfficerActor, term: str) -> list[str]:
    # The index stepped aside, as for a term it cannot serve: the substring scan alone.
    with patch.object(search, "candidates", _no_index):
        return await _found(session, actor, term)


async def test_the_index_finds_what_the_substring_scan_finds(
    session: AsyncSession, world: World
) -> None:
    opened = [
        await open_ticket(session, world, summary=text, anonymous=i % 2 == 1)
        for i, text in enumerate(SUMMARIES)
    ]
    # Thread text: an officer's reply and the worker's own words.
    await service.claim(session, world.officer("acme1"), opened[0].ticket.id, NOW)
    await service.reply(
        session, world.officer("acme1"), opened[0].ticket.id, "维修师傅 Monday 到", NOW
    )
    await service.worker_message(
        session, world.me, opened[1].ticket.id, "İstanbul 出差回来再说", [], NOW
    )
    # Filed elsewhere: a unit whose queue acme1 does not work.
    elsewhere = await open_ticket(
        session, world, summary="叉车又坏了", unit_key="riverside-textiles"
    )
    await session.commit()
    references = [o.ticket.ref for o in opened]
    every_term = (*TERMS, references[2].lower(), references[3][-4:])

    for name in ("admin", "acme1", "park1"):
        actor = world.officer(name)
        for term in every_term:
            assert await _found(session, actor, term) == await _scanned(session, actor, term), (
                name,
                term,
            )

    admin, acme = world.officer("admin"), world.officer("acme1")
    # Where every gram of a term is common the index steps aside by itself.
    with patch.object(search, "COMMON", 2):
        for term in every_term:
            assert await _found(session, admin, term) == await _scanned(session, admin, term)
    assert set(await _found(session, admin, "叉车")) == {references[0], elsewhere.ticket.ref}
    assert await _found(session, acme, "叉车") == [references[0]]
    assert await _found(session, admin, "师傅") == [references[0]]
    assert await _found(session, admin, "出差回来") == [references[1]]
    assert await _found(session, admin, "forklift") == [references[2]]
    assert await _found(session, world.officer("park1"), "车") == []


async def test_erased_words_leave_nothing_in_the_index(
    session: AsyncSession, world: World
) -> None:
    opened = await open_ticket(session, world, summary="王小明在三号仓库被叉车撞伤")
    await service.worker_message(
        session, world.me, opened.ticket.id, "我的电话是13912345678", [], NOW
    )
    await session.commit()
    admin = world.officer("admin")
    assert await _found(session, admin, "王小明") == [opened.ticket.ref]

    await privacy.forget(session, world.me.person_id, NOW, group_language="zh-CN")
    await session.commit()

    held = set(
        await session.scalars(
            select(TicketSearchGram.gram).where(TicketSearchGram.ticket_id == opened.ticket.id)
        )
    )
    erased = search.grams("王小明在三号仓库被叉车撞伤") | search.grams("我的电话是13912345678")
    left = {row["gram"] for row in search.rows(0, [opened.ticket.ref, privacy.ERASED_NOTE])}
    assert held == left
    assert not (erased - left) & held
    assert await _found(session, admin, "王小明") == []
    assert await _found(session, admin, "1391234") == []
