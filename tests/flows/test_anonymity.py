"""An anonymous worker stays unknown to every officer, over a ticket's whole life: the
card, the history, relayed words, photos and files, reassignment, escalation, a worker
who blocked the bot, ratings and reopening; and the worker's text stays plain text."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.settings import Settings
from db.models import Officer, Ticket, TicketStatus
from handlers import admin
from handlers.core.buttons import OfficerButton, WorkerButton
from handlers.core.jobs import run_due_jobs
from handlers.core.reachability import person_unreachable
from handlers.messages import Attachment, Outgoing
from tests.flows.conftest import Chat, file_anonymously, to

WORKER = "worker-4711"  # the harness names them "Name of worker-4711"
HOSTILE = "<script>alert(1)</script> & <b>x</b>"


def officer_side(messages: list[Outgoing]) -> list[Outgoing]:
    return [m for m in messages if m.chat_id != WORKER]


def assert_masked(messages: list[Outgoing]) -> None:
    for message in officer_side(messages):
        shown = [message.text, *(b.label + b.action for row in message.buttons for b in row)]
        shown += [f"{a.file_id} {a.file_name}" for a in message.attachments]
        if message.topic is not None:
            shown.append(message.topic.title)
        assert not any("4711" in part for part in shown), message
        assert "<script>" not in message.text, message


async def test_an_anonymous_worker_is_never_revealed_to_officers(chat: Chat) -> None:
    await chat.send(WORKER, "/start")
    await chat.press(WORKER, "反映问题")
    await chat.press(WORKER, "工资")
    await chat.send(WORKER, f"工头欠薪 {HOSTILE}")
    await chat.send(WORKER, "快送骑手站点")
    await chat.send(WORKER, "五千块")
    await chat.press(WORKER, "跳过")
    await chat.press(WORKER, "不方便透露")
    await chat.send(WORKER, attachments=[Attachment("photo", "PHOTO-1")])
    await chat.send(
        WORKER, attachments=[Attachment("document", "DOC-1", file_name="worker-4711.pdf")]
    )
    await chat.press(WORKER, "完成")
    await chat.press(WORKER, "匿名提交")
    await chat.press(WORKER, "确认提交")
    async with chat.sessionmaker() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None
    assert ticket.anonymous
    reference = ticket.reference

    await chat.send("officer", f"/ticket {reference}")
    await chat.send("officer", action=OfficerButton("claim", ticket.id).pack())
    await chat.send("officer", action=OfficerButton("ask", ticket.id).pack())
    await chat.send("officer", "哪个站点？")
    await chat.send(WORKER, f"就是那个站 {HOSTILE}", attachments=[Attachment("photo", "P-2")])
    await chat.send(WORKER, action=WorkerButton("add", ticket.id).pack())
    await chat.send(
        WORKER, attachments=[Attachment("document", "DOC-2", file_name="身份证 4711.jpg")]
    )
    await chat.send("officer", f"/ticket {reference}")
    await chat.send("officer", action=OfficerButton("reassign", ticket.id).pack())
    await chat.press("officer", "法律")
    await chat.send("officer", "需要法律援助")
    settings = Settings(_env_file=None)
    async with chat.sessionmaker() as session, session.begin():
        await run_due_jobs(session, chat.now + timedelta(days=30), settings, chat.routing)
        await person_unreachable(session, ticket.worker_id, chat.now)
    await chat.new_messages()
    await chat.send("admin", f"/ticket {reference}")
    await chat.send("admin", action=OfficerButton("resolve", ticket.id).pack())
    await chat.send("admin", "已协调发放")
    await chat.press(WORKER, "没解决")
    await chat.send(WORKER, f"只发了一半 {HOSTILE}")

    assert_masked(chat.history)
    officer_texts = "\n".join(m.text for m in officer_side(chat.history))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;" in officer_texts
    assert "文件未显示" in officer_texts  # documents are held back, photos go through
    # A message of files alone is marked as such, not shown as an empty line.
    assert "补充：\n（照片或文件）" in officer_texts
    assert "] 职工：（照片或文件）" in officer_texts
    assert to(chat.history, WORKER).count("<script>") == 0


async def test_a_deactivated_officer_can_no_longer_act_or_read(chat: Chat) -> None:
    ticket = await file_anonymously(chat)
    await chat.send(
        "officer", action=OfficerButton("ask", ticket.id).pack()
    )  # halfway through a question
    async with chat.sessionmaker() as session, session.begin():
        officer = await session.scalar(select(Officer).where(Officer.name == "Officer One"))
        assert officer is not None
        await admin.deactivate_officer(session, officer.id)
    for attempt in (
        chat.send("officer", "还在吗？"),
        chat.send("officer", action=OfficerButton("claim", ticket.id).pack()),
        chat.send("officer", f"/ticket {ticket.reference}"),
        chat.send("officer", "/queue"),
    ):
        reply = to(await attempt, "officer")
        assert "停车场没有照明" not in reply
        assert "只对工会干部开放" in reply or "找不到这个诉求" in reply
    assert to(chat.history, "w").count("还在吗") == 0
    async with chat.sessionmaker() as session:
        fresh = await session.get(Ticket, ticket.id)
    assert fresh is not None
    assert fresh.status == TicketStatus.ASSIGNED
