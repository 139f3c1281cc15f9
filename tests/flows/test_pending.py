"""A command or another button ends a wait for text meant for one ticket, and says so, so
the next words never land on a ticket the person has moved away from; an open form is never
lost to a command or a button without the person choosing to discard it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.models import Ticket, TicketMessage
from handlers.core.buttons import LanguageButton, MenuButton, OfficerButton, WorkerButton
from tests.flows.conftest import Chat, to


async def _file(chat: Chat, worker: str, words: str) -> Ticket:
    await chat.send(worker, "/start")
    await chat.press(worker, "反映问题")
    await chat.press(worker, "其他问题")
    await chat.send(worker, words)
    await chat.press(worker, "不方便透露")
    await chat.press(worker, "完成")
    await chat.press(worker, "匿名提交")
    await chat.press(worker, "确认提交")
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket).where(Ticket.summary == words))
    assert ticket is not None
    return ticket


async def _thread(chat: Chat, ticket: Ticket) -> list[str]:
    async with chat.sessionmaker() as session:
        rows = await session.scalars(
            select(TicketMessage.body).where(TicketMessage.ticket_id == ticket.id)
        )
        return list(rows)


async def test_officer_command_cancels_a_pending_reply_and_names_its_ticket(chat: Chat) -> None:
    first = await _file(chat, "a", "停车场没有照明")
    second = await _file(chat, "b", "食堂没有热水")
    prompt = to(
        await chat.send("officer", action=OfficerButton("reply", first.id).pack()), "officer"
    )
    assert f"（{first.reference}）" in prompt  # the prompt names the ticket the text goes to

    moved = to(await chat.send("officer", f"/ticket {second.reference}"), "officer")
    assert f"已取消对 {first.reference} 的回复" in moved
    typed = await chat.send("officer", "热水器明天修")
    assert to(typed, "a") == ""
    assert "热水器明天修" not in await _thread(chat, first)


async def test_officer_button_of_another_ticket_cancels_a_pending_reply(chat: Chat) -> None:
    first = await _file(chat, "a", "停车场没有照明")
    await _file(chat, "b", "食堂没有热水")
    await chat.send("officer", action=OfficerButton("ask", first.id).pack())
    moved = to(await chat.send("officer", action=OfficerButton("queue").pack()), "officer")
    assert f"已取消向 {first.reference} 的职工提问" in moved
    assert to(await chat.send("officer", "哪个门？"), "a") == ""

    # Pressing the same button twice keeps the wait and says nothing about cancelling.
    await chat.send("officer", action=OfficerButton("reply", first.id).pack())
    again = to(
        await chat.send("officer", action=OfficerButton("reply", first.id).pack()), "officer"
    )
    assert "已取消" not in again
    assert "马上处理" in to(await chat.send("officer", "马上处理"), "a")


async def test_worker_command_cancels_adding_to_a_ticket(chat: Chat) -> None:
    ticket = await _file(chat, "a", "停车场没有照明")
    await chat.send("a", action=LanguageButton("en").pack())
    await chat.send("a", action=WorkerButton("add", ticket.id).pack())
    moved = to(await chat.send("a", "/tickets"), "a")
    assert f"Adding to {ticket.reference} is cancelled; nothing was sent." in moved
    await chat.send("a", "the lamp is number 17")
    assert "the lamp is number 17" not in await _thread(chat, ticket)


async def test_command_in_the_middle_of_a_form_reminds_that_the_form_is_open(
    chat: Chat,
) -> None:
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "其他问题")
    listed = await chat.send("w", "/tickets")
    assert "您还没有提交过诉求" in to(listed, "w")
    assert "您还有一份没填完的表单" in to(listed, "w")
    assert "继续填写" in str(chat.last["w"].buttons)


async def _in_form_with_a_summary(chat: Chat, worker: str, words: str) -> None:
    await chat.press(worker, "反映问题")
    await chat.press(worker, "其他问题")
    await chat.send(worker, words)


@pytest.mark.parametrize(
    "button",
    ["add", MenuButton("report").pack(), MenuButton("help").pack(), MenuButton("officer").pack()],
)
async def test_button_that_would_end_a_form_does_nothing_and_keeps_its_answers(
    chat: Chat, button: str
) -> None:
    first = await _file(chat, "a", "停车场没有照明")
    await chat.send("a", "/menu")
    await _in_form_with_a_summary(chat, "a", "食堂没有热水")
    action = WorkerButton("add", first.id).pack() if button == "add" else button

    refused = to(await chat.send("a", action=action), "a")

    assert "刚才那个按钮没有执行" in refused
    assert "请输入要补充到" not in refused
    assert "继续填写" in str(chat.last["a"].buttons)
    # Text now goes on with the form, not to the first ticket.
    await chat.send("a", "二号仓")
    await chat.press("a", "完成")
    await chat.press("a", "匿名提交")
    await chat.press("a", "确认提交")
    async with chat.sessionmaker() as session:
        filed = await session.scalar(select(Ticket).where(Ticket.summary == "食堂没有热水"))
    assert filed is not None
    assert filed.workplace == "二号仓"
    assert await _thread(chat, first) == []


async def test_after_discarding_the_form_the_same_button_works(chat: Chat) -> None:
    ticket = await _file(chat, "a", "停车场没有照明")
    await chat.send("a", "/menu")
    await _in_form_with_a_summary(chat, "a", "食堂没有热水")
    await chat.send("a", action=WorkerButton("add", ticket.id).pack())
    await chat.press("a", "放弃并回到菜单")

    prompt = to(await chat.send("a", action=WorkerButton("add", ticket.id).pack()), "a")

    assert f"请输入要补充到 {ticket.reference} 的内容" in prompt
    await chat.send("a", "灯杆是 17 号")
    assert await _thread(chat, ticket) == ["灯杆是 17 号"]


async def test_button_that_keeps_a_form_does_its_work_and_reminds(chat: Chat) -> None:
    ticket = await _file(chat, "a", "停车场没有照明")
    await chat.send("a", "/menu")
    await _in_form_with_a_summary(chat, "a", "食堂没有热水")

    listed = to(await chat.send("a", action=MenuButton("mine").pack()), "a")

    assert f"{ticket.reference}" in listed
    assert "您还有一份没填完的表单" in listed
    assert "刚才那个按钮没有执行" not in listed
    assert "继续填写" in str(chat.last["a"].buttons)
