"""Merging a duplicate from the officer's card in the chat: the worker is told, and their
later words about the duplicate go where they belong."""

from __future__ import annotations

from sqlalchemy import select

from db.models import Ticket, TicketMessage, TicketStatus
from handlers.core.buttons import OfficerButton, WorkerButton
from tests.flows.conftest import Chat, to


async def _file(chat: Chat, user: str, text: str) -> Ticket:
    await chat.send(user, "/start")
    await chat.press(user, "反映问题")
    await chat.press(user, "其他问题")
    await chat.send(user, text)
    await chat.press(user, "不方便透露")
    await chat.press(user, "完成")
    await chat.press(user, "实名提交")
    await chat.press(user, "确认提交")
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).order_by(Ticket.id.desc()).limit(1))
    assert ticket is not None
    return ticket


async def test_an_officer_merges_a_duplicate_from_the_card(chat: Chat) -> None:
    first = await _file(chat, "w", "电梯坏了")
    again = await _file(chat, "w", "电梯又坏了")
    await chat.send("officer", f"/ticket {again.ref}")
    await chat.press("officer", "合并重复")
    assert "请输入要并入的工单编号" in chat.last["officer"].text
    sent = await chat.send("officer", first.ref.lower())
    assert f"{again.ref} 已作为重复工单合并并关闭" in to(sent, "officer")
    assert f"以后请在 {first.ref} 中查看进度" in to(sent, "w")

    # The worker's "add" on the duplicate now writes to the ticket it was merged into.
    await chat.send("w", action=WorkerButton("add", again.id).pack())
    sent = await chat.send("w", "三号楼的电梯")
    async with chat.sessionmaker() as session:
        merged = await session.get(Ticket, again.id)
        bodies = (
            await session.scalars(
                select(TicketMessage.body).where(TicketMessage.ticket_id == first.id)
            )
        ).all()
    assert merged is not None
    assert merged.status == TicketStatus.CLOSED
    assert bodies == ["三号楼的电梯"]
    assert "三号楼的电梯" in to(sent, "officer")


async def test_a_merge_into_another_workers_ticket_tells_where_to_go(chat: Chat) -> None:
    theirs = await _file(chat, "w2", "食堂太贵")
    mine = await _file(chat, "w", "食堂饭菜贵")
    await chat.send("officer", action=OfficerButton("merge", mine.id).pack())
    sent = await chat.send("officer", theirs.ref)
    told = to(sent, "w")
    assert mine.ref in told
    assert theirs.ref not in told
    assert to(sent, "w2") == ""
    sent = await chat.send("w", action=WorkerButton("add", mine.id).pack())
    assert "已与工会正在处理的同一事项合并" in to(sent, "w")
    assert theirs.ref not in to(sent, "w")
