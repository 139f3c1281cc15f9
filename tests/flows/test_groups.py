"""Officers working from a group chat with one forum topic per ticket, and the worker's
photos reaching the officers."""

from __future__ import annotations

from sqlalchemy import select

from db.models import OutboxMessage, Queue, Ticket, TicketMessage, TicketStatus
from db.repositories import people
from handlers import admin
from handlers.core.buttons import OfficerButton
from handlers.messages import Attachment, Outgoing
from handlers.tickets import topics
from tests.flows.conftest import NOW, PLATFORM, Chat, file_anonymously, to

GROUP = "-100500"
QUEUE = "city-grievances"  # where a grievance from no particular unit goes
PHOTO = Attachment("photo", "PHOTO-FILE-ID-1")


async def link(chat: Chat) -> list[Outgoing]:
    return await chat.send("admin", f"/linkgroup {QUEUE}", group=GROUP)


async def open_topic(chat: Chat, ticket: Ticket, thread_id: str = "77") -> str:
    """What delivery does when it opens the ticket's topic."""
    async with chat.sessionmaker() as session, session.begin():
        assert await topics.remember_topic(session, ticket.id, GROUP, thread_id)
    return thread_id


def in_group(messages: list[Outgoing]) -> list[Outgoing]:
    return [m for m in messages if m.chat_id == GROUP]


async def test_an_admin_links_a_group_in_the_group_itself(chat: Chat) -> None:
    assert "干部群里发送 /linkgroup" in to(
        await chat.send("admin", f"/linkgroup {QUEUE}"), "admin"
    )
    refused = await chat.send("officer", f"/linkgroup {QUEUE}", group=GROUP)
    assert "只有机器人管理员" in to(refused, GROUP)
    stranger = await chat.send("w", f"/linkgroup {QUEUE}", group=GROUP)
    assert "只有机器人管理员" in to(stranger, GROUP)
    assert "可用队列" in to(await chat.send("admin", "/linkgroup", group=GROUP), GROUP)
    assert "没有这个代码的队列" in to(
        await chat.send("admin", "/linkgroup nope", group=GROUP), GROUP
    )
    async with chat.sessionmaker() as session:
        assert await session.scalar(select(Queue.group_chat_id).where(Queue.key == QUEUE)) is None

    assert "本群已接管队列" in to(await link(chat), GROUP)
    async with chat.sessionmaker() as session:
        queue = await session.scalar(select(Queue).where(Queue.key == QUEUE))
    assert queue is not None
    assert (queue.group_platform, queue.group_chat_id) == (PLATFORM, GROUP)

    assert QUEUE in to(await chat.send("admin", "/unlinkgroup", group=GROUP), GROUP)
    async with chat.sessionmaker() as session:
        assert await session.scalar(select(Queue.group_chat_id).where(Queue.key == QUEUE)) is None


async def topic_messages(chat: Chat) -> list[Outgoing]:
    """Everything queued for the group's ticket topics so far, oldest first."""
    async with chat.sessionmaker() as session:
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.chat_id == GROUP)
                .order_by(OutboxMessage.id)
            )
        ).all()
    messages = [Outgoing.from_json(row.payload) for row in rows]
    return [m for m in messages if m.topic is not None]


async def test_a_new_ticket_gets_its_topic_with_card_and_photo_and_no_worker(chat: Chat) -> None:
    await link(chat)
    ticket = await file_anonymously(chat, [PHOTO])
    card, files = await topic_messages(chat)
    assert card.topic is not None
    assert card.topic.ticket_id == ticket.id
    assert card.topic.title == "GR-2026-000001 · 其他问题"
    assert "停车场没有照明" in card.text
    assert "匿名" in card.text
    assert (
        next(b.action for row in card.buttons for b in row)
        == OfficerButton("claim", ticket.id).pack()
    )
    assert files.attachments == (Attachment("photo", PHOTO.file_id),)
    assert files.topic == card.topic
    # The officer's private card is followed by the photo too.
    officer_files = [m for m in chat.sent_to("officer") if m.attachments]
    assert [m.attachments for m in officer_files] == [(Attachment("photo", PHOTO.file_id),)]
    for message in [card, files, *chat.sent_to("officer")]:
        assert "Name of w" not in message.text + (message.topic.title if message.topic else "")


async def test_an_officer_answers_the_worker_by_writing_in_the_topic(chat: Chat) -> None:
    await link(chat)
    ticket = await file_anonymously(chat, [PHOTO])
    thread = await open_topic(chat, ticket)

    sent = await chat.send("officer", "我们明天派电工去看", group=GROUP, thread_id=thread)
    assert "我们明天派电工去看" in to(sent, "w")
    assert "Officer One" not in to(sent, "w")  # the worker is not told who answered
    confirmation = [m for m in sent if m.chat_id == GROUP]
    assert [m.thread_id for m in confirmation] == [thread]
    assert "回复已转达给职工（GR-2026-000001）" in confirmation[0].text
    async with chat.sessionmaker() as session:
        fresh = await session.get(Ticket, ticket.id)
        bodies = (await session.scalars(select(TicketMessage.body))).all()
    assert fresh is not None
    assert fresh.status == TicketStatus.IN_PROGRESS
    assert "我们明天派电工去看" in bodies

    # The worker's answer appears in the topic, without their name.
    await chat.press("w", "回复")
    answer = await chat.send("w", "靠近B区入口")
    into_topic = [m for m in answer if m.chat_id == GROUP]
    assert len(into_topic) == 1
    assert into_topic[0].topic is not None
    assert into_topic[0].topic.ticket_id == ticket.id
    assert "靠近B区入口" in into_topic[0].text
    assert "Name of w" not in into_topic[0].text


async def test_only_officers_of_the_queue_may_write_in_a_ticket_topic(chat: Chat) -> None:
    await link(chat)
    ticket = await file_anonymously(chat, [PHOTO])
    thread = await open_topic(chat, ticket)
    async with chat.sessionmaker() as session, session.begin():
        await admin.add_officer(
            session,
            name="Other Queue",
            queue_keys=["acme-grievances"],
            platform=PLATFORM,
            platform_user_id="elsewhere",
            now=NOW,
        )
    for user in ("w", "stranger", "elsewhere"):
        refused = await chat.send(user, "我来回复", group=GROUP, thread_id=thread)
        assert "只有该诉求所在队列的干部" in to(refused, GROUP), user
        assert to(refused, "w") == ""
    # Talk outside the ticket topics is left alone: nothing is sent, nobody is created.
    assert await chat.send("stranger", "大家好", group=GROUP) == []
    assert await chat.send("officer", "开会了", group=GROUP) == []
    assert await chat.send("officer", "随便聊聊", group=GROUP, thread_id="999") == []
    async with chat.sessionmaker() as session:
        bodies = (await session.scalars(select(TicketMessage.body))).all()
        fresh = await session.get(Ticket, ticket.id)
    assert "我来回复" not in bodies
    assert fresh is not None
    assert fresh.status == TicketStatus.ASSIGNED


async def test_card_buttons_pressed_in_the_group_act_as_the_presser(chat: Chat) -> None:
    await link(chat)
    ticket = await file_anonymously(chat, [PHOTO])
    thread = await open_topic(chat, ticket)
    claim = OfficerButton("claim", ticket.id).pack()
    # A worker who is in the group cannot press an officer's button.
    refused = await chat.send("w", action=claim, group=GROUP, thread_id=thread)
    assert "只有该诉求所在队列的干部" in to(refused, GROUP)

    claimed = await chat.send("admin", action=claim, group=GROUP, thread_id=thread)
    assert "GR-2026-000001" in to(claimed, GROUP)
    async with chat.sessionmaker() as session:
        fresh = await session.get(Ticket, ticket.id)
        holder = await admin.officer_for_person(session, await chat_person(chat, "admin"))
    assert fresh is not None
    assert holder is not None
    assert fresh.assignee_id == holder.id

    # "Ask the worker" from the topic: the next words in the topic are the question.
    await chat.send(
        "admin", action=OfficerButton("ask", ticket.id).pack(), group=GROUP, thread_id=thread
    )
    asked = await chat.send("admin", "是哪个停车场？", group=GROUP, thread_id=thread)
    assert "是哪个停车场？" in to(asked, "w")
    async with chat.sessionmaker() as session:
        fresh = await session.get(Ticket, ticket.id)
    assert fresh is not None
    assert fresh.status == TicketStatus.WAITING_WORKER


async def test_work_done_in_a_private_chat_is_told_to_the_topic(chat: Chat) -> None:
    await link(chat)
    ticket = await file_anonymously(chat)
    await chat.send("officer", f"/ticket {ticket.reference}")
    await chat.press("officer", "受理")
    await chat.press("officer", "回复")
    await chat.send("officer", "已安排维修")
    told = [m.text for m in await topic_messages(chat)]
    assert any("Officer One 受理了 GR-2026-000001" in text for text in told)
    assert any("已安排维修" in text for text in told)


async def chat_person(chat: Chat, user: str) -> int:
    async with chat.sessionmaker() as session:
        person = await people.find_person(session, PLATFORM, user)
    assert person is not None
    return person.id
