"""Filing a grievance, and the officer working it, in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from db.models import Ticket, TicketStatus
from handlers.messages import Outgoing
from tests.flows.conftest import Chat, to

LABELS = {
    "zh-CN": {
        "report": "反映问题",
        "safety": "安全隐患",
        "skip": "跳过",
        "unit": "顺达物流",
        "done": "完成",
        "anon": "匿名提交",
        "named": "实名提交",
        "submit": "确认提交",
        "masked": "提交人：匿名",
    },
    "en": {
        "report": "Report a problem",
        "safety": "Workplace safety",
        "skip": "Skip",
        "unit": "顺达物流",
        "done": "Done",
        "anon": "Anonymously",
        "named": "With my name",
        "submit": "Submit",
        "masked": "Filed by: anonymous",
    },
}


@pytest.mark.parametrize("lang", ["zh-CN", "en"])
async def test_anonymous_grievance_reaches_officer_masked(chat: Chat, lang: str) -> None:
    chat.languages["officer"] = lang
    await chat.send("officer", "/start")  # the officer's messenger reports their language
    messages = await _file_and_collect(chat, lang)
    worker_text = to(messages, "w")
    officer_text = to(messages, "officer")
    assert "GR-2026-000001" in worker_text
    assert "GR-2026-000001" in officer_text
    assert LABELS[lang]["masked"] in officer_text
    assert "Name of w" not in officer_text
    # What the worker typed is escaped wherever it is shown.
    assert "&lt;b&gt;broken&lt;/b&gt;" in officer_text
    assert "<b>broken</b>" not in officer_text


async def _file_and_collect(chat: Chat, lang: str) -> list[Outgoing]:
    chat.languages["w"] = lang
    words = LABELS[lang]
    collected = await chat.send("w", "/start")
    collected += await chat.press("w", words["report"])
    collected += await chat.press("w", words["safety"])
    collected += await chat.send("w", "The street light by gate 3 is <b>broken</b>")
    for label in ("skip", "unit", "done", "anon", "submit"):
        collected += await chat.press("w", words[label])
    return collected


async def test_named_grievance_shows_worker_and_remembers_workplace(chat: Chat) -> None:
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "设施")
    await chat.send("w", "食堂没有热水")
    await chat.press("w", "跳过")
    await chat.send("w", "顺达物流二号仓库")
    await chat.press("w", "完成")
    await chat.press("w", "实名提交")
    messages = await chat.press("w", "确认提交")
    assert "Name of w" in to(messages, "officer")
    # Next time the workplace is offered again.
    detail = to(await chat.press("w", "查看诉求"), "w")
    assert "单位/地点：顺达物流二号仓库" in detail  # the worker sees what they said, too
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "设施")
    await chat.send("w", "厕所坏了")
    await chat.press("w", "跳过")
    assert "同上次：顺达物流二号仓库" in str(chat.last["w"].buttons)


async def test_a_workplace_with_markup_characters_comes_back_literally(chat: Chat) -> None:
    """Message texts are HTML, so the person's words are escaped there; a button label is
    plain text and shows them as typed."""
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "设施")
    await chat.send("w", "食堂没有热水")
    await chat.press("w", "跳过")
    await chat.send("w", "A&B <Co>")
    await chat.press("w", "完成")
    await chat.press("w", "实名提交")
    await chat.press("w", "确认提交")
    card = to(chat.sent_to("officer"), "officer")
    assert "A&amp;B &lt;Co&gt;" in card
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "设施")
    await chat.send("w", "厕所坏了")
    await chat.press("w", "跳过")

    labels = [b.label for row in chat.last["w"].buttons for b in row]
    assert "同上次：A&B <Co>" in labels
    await chat.press("w", "同上次")
    await chat.press("w", "完成")
    await chat.press("w", "实名提交")
    await chat.press("w", "确认提交")
    async with chat.sessionmaker() as session:
        workplaces = (await session.scalars(select(Ticket.workplace))).all()
    assert workplaces == ["A&B <Co>", "A&B <Co>"]


async def test_officer_works_ticket_and_worker_rates(chat: Chat) -> None:
    await _file_and_collect(chat, "zh-CN")
    await chat.send("officer", "/queue")
    await chat.press("officer", "GR-2026-000001")
    claimed = await chat.press("officer", "受理")
    assert "已有工会干部受理" in to(claimed, "w")

    await chat.press("officer", "内部备注")
    noted = await chat.send("officer", "工人可能是二号仓的")
    assert to(noted, "w") == ""  # notes never reach the worker

    await chat.press("officer", "询问职工")
    asked = await chat.send("officer", "灯杆编号是多少？")
    assert "灯杆编号是多少？" in to(asked, "w")
    # While the ticket waits for the worker, what they write goes into it.
    answered = await chat.send("w", "编号 A-17")
    assert "编号 A-17" in to(answered, "officer")
    assert "Name of w" not in to(answered, "officer")

    await chat.send("officer", "/ticket gr-2026-000001")
    history = to(list(chat.last.values()), "officer")
    assert "工人可能是二号仓的" in history  # officers see internal notes in the history
    await chat.press("officer", "办结")
    resolved = await chat.send("officer", "已修好")
    assert "已修好" in to(resolved, "w")
    await chat.press("w", "已解决")
    rated = await chat.press("w", "⭐⭐⭐⭐⭐")
    assert "5 星" in to(rated, "w")
    assert "5 星" in to(rated, "officer")
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None
    assert ticket.status == TicketStatus.CLOSED
    assert ticket.satisfaction == 5


async def test_answer_reaches_a_waiting_ticket_older_than_the_workers_newest_fifty(
    chat: Chat,
) -> None:
    await _file_and_collect(chat, "zh-CN")
    await chat.send("officer", "/queue")
    await chat.press("officer", "GR-2026-000001")
    await chat.press("officer", "询问职工")
    await chat.send("officer", "灯杆编号是多少？")
    async with chat.sessionmaker() as session, session.begin():
        waiting = (await session.scalars(select(Ticket))).one()
        newer = [
            {
                "reference": f"GR-2026-{n:06d}",
                "kind": waiting.kind,
                "category": waiting.category,
                "status": TicketStatus.CLOSED,
                "worker_id": waiting.worker_id,
                "queue_id": waiting.queue_id,
                "summary": f"older matter {n}",
                "fields": {},
                "language": "zh-CN",
                "created_at": waiting.created_at + timedelta(minutes=n),
                "updated_at": waiting.created_at + timedelta(minutes=n),
            }
            for n in range(2, 62)
        ]
        await session.execute(insert(Ticket), newer)

    answered = await chat.send("w", "编号 A-17")

    assert "编号 A-17" in to(answered, "officer")
    async with chat.sessionmaker() as session:
        ticket = await session.get(Ticket, waiting.id)
    assert ticket is not None
    assert ticket.status == TicketStatus.IN_PROGRESS
