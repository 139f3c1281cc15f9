"""Announcements in the core: who gets one, once each, after conversation messages, and
what pausing, resuming, cancelling and unsubscribing do."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from db.models import AnnouncementStatus, OutboxMessage, Person, Unit
from db.repositories import outbox
from handlers import announcements
from handlers.messages import Outgoing
from tests.flows.conftest import Chat, to


async def _people(chat: Chat) -> None:
    """Workers w-east (hitech-park, zh-CN), w-west (riverside, en), w-none, w-off."""
    for user in ("w-east", "w-west", "w-none", "w-off"):
        await chat.send(user, "/start")
    await chat.send("w-off", "/unsubscribe")
    async with chat.sessionmaker() as session, session.begin():
        units = {u.key: u.id for u in await session.scalars(select(Unit))}
        await session.execute(
            update(Person)
            .where(Person.platform_user_id == "w-east")
            .values(unit_id=units["acme-logistics"])
        )
        await session.execute(
            update(Person)
            .where(Person.platform_user_id == "w-west")
            .values(unit_id=units["riverside-textiles"], language="en")
        )


async def _announce(chat: Chat, **audience: str) -> int:
    async with chat.sessionmaker() as session, session.begin():
        made = await announcements.create(
            session,
            text="互助保障 <报名> 开始了",
            links=[("报名入口", "https://example.org/enrol")],
            send_at=chat.now,
            now=chat.now,
            **audience,
        )
        return made.id


async def _feed(chat: Chat, room: int = 100) -> int:
    async with chat.sessionmaker() as session, session.begin():
        await announcements.start_due(session, chat.now)
        return await announcements.feed(session, chat.now, room)


async def _bulk(chat: Chat) -> dict[str, Outgoing]:
    async with chat.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.priority == announcements.BULK_PRIORITY)
        )
        return {row.chat_id: Outgoing.from_json(row.payload) for row in rows}


async def test_everyone_subscribed_gets_it_once_with_links_and_unsubscribe(chat: Chat) -> None:
    await _people(chat)
    announcement = await _announce(chat)
    assert await _feed(chat, room=2) == 2
    assert await _feed(chat) == 1
    assert await _feed(chat) == 0  # nobody twice

    sent = await _bulk(chat)
    # Officers and the unsubscribed are left out.
    assert sorted(sent) == ["w-east", "w-none", "w-west"]
    message = sent["w-west"]
    assert message.text == "互助保障 &lt;报名&gt; 开始了"
    (link,), (unsubscribe,) = message.buttons
    assert link.url == "https://example.org/enrol"
    assert unsubscribe.label == "Unsubscribe from announcements"
    async with chat.sessionmaker() as session:
        shown = await announcements.progress(session, announcement)
    assert (shown.total, shown.left, shown.announcement.status) == (
        3,
        3,
        AnnouncementStatus.DONE,
    )

    await chat.send("w-east", action=unsubscribe.action)
    async with chat.sessionmaker() as session:
        person = await session.scalar(select(Person).where(Person.platform_user_id == "w-east"))
        assert person is not None
        assert not person.subscribed


async def test_audience_by_unit_subtree_and_by_language(chat: Chat) -> None:
    await _people(chat)
    await _announce(chat, unit_key="east-district")
    await _feed(chat)
    assert sorted(await _bulk(chat)) == ["w-east"]
    await _announce(chat, language="en")
    await _feed(chat)
    assert sorted(await _bulk(chat)) == ["w-east", "w-west"]


async def test_conversation_goes_before_announcements(chat: Chat) -> None:
    await _people(chat)
    await _announce(chat)
    await _feed(chat)
    await chat.send("w-none", "/help")
    async with chat.sessionmaker() as session, session.begin():
        claimed = await outbox.claim_due(session, chat.now + timedelta(seconds=1), 10)
    first = Outgoing.from_json(claimed[0].payload)
    assert first.chat_id != "w-none" or "互助保障" not in first.text
    assert claimed[0].priority == 0
    assert [row.priority for row in claimed] == sorted(row.priority for row in claimed)


async def test_pause_resume_and_cancel(chat: Chat) -> None:
    await _people(chat)
    announcement = await _announce(chat)
    async with chat.sessionmaker() as session, session.begin():
        await announcements.pause(session, announcement, chat.now)
    assert await _feed(chat) == 0
    async with chat.sessionmaker() as session, session.begin():
        await announcements.resume(session, announcement, chat.now)
    assert await _feed(chat, room=1) == 1
    async with chat.sessionmaker() as session, session.begin():
        await announcements.cancel(session, announcement, chat.now)
    assert await _feed(chat) == 0
    async with chat.sessionmaker() as session:
        shown = await announcements.progress(session, announcement)
    # The one handed over was not claimed by delivery yet: it was taken back too.
    assert (shown.sent, shown.left, shown.announcement.status) == (
        0,
        3,
        AnnouncementStatus.CANCELLED,
    )
    assert await _bulk(chat) == {}


async def test_unsubscribe_and_subscribe_commands(chat: Chat) -> None:
    off = await chat.send("w", "/unsubscribe")
    assert "不再" in to(off, "w")
    on = await chat.send("w", "/subscribe")
    assert "重新" in to(on, "w")
    async with chat.sessionmaker() as session:
        person = await session.scalar(select(Person).where(Person.platform_user_id == "w"))
        assert person is not None
        assert person.subscribed


async def test_progress_counts_sent_failed_and_blocked(chat: Chat) -> None:
    await _people(chat)
    announcement = await _announce(chat)
    await _feed(chat)
    async with chat.sessionmaker() as session, session.begin():
        rows = {
            row.chat_id: row
            for row in await session.scalars(
                select(OutboxMessage).where(OutboxMessage.priority == announcements.BULK_PRIORITY)
            )
        }
        await outbox.mark_sent(session, rows["w-east"].id, "7", chat.now)
        await outbox.mark_failed(session, rows["w-west"].id, "Forbidden: bot was blocked")
        await session.execute(
            update(Person).where(Person.platform_user_id == "w-west").values(reachable=False)
        )
    async with chat.sessionmaker() as session:
        shown = await announcements.progress(session, announcement)
    assert (shown.total, shown.sent, shown.failed, shown.blocked, shown.left) == (3, 1, 1, 1, 1)


async def test_a_text_longer_than_a_caption_keeps_its_photo(chat: Chat) -> None:
    # Too long to be the photo's caption on Telegram (1024): the transport sends it as its
    # own message before the photo (tests/telegram/test_transport_contract.py).
    text = "互助保障报名须知。" * 170
    await _people(chat)
    async with chat.sessionmaker() as session, session.begin():
        await announcements.create(
            session, text=text, photo="AgADposter", send_at=chat.now, now=chat.now
        )
    await _feed(chat)

    message = (await _bulk(chat))["w-east"]
    assert message.text == text
    assert [(a.kind, a.file_id) for a in message.attachments] == [("photo", "AgADposter")]
