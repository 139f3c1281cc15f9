"""Announcements and their recipients: who gets one, who is still to get it, how it went.

Recipients are chosen once, when sending starts, as one row per person (the primary key
makes it once per person); each is then handed to the outbox in small batches and marked
queued in the same transaction, with the outbox row that carries it. How a queued one
went is read from that row.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, exists, func, insert, literal, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Announcement,
    AnnouncementRecipient,
    AnnouncementStatus,
    Officer,
    OutboxMessage,
    OutboxStatus,
    Person,
    RecipientStatus,
)


@dataclass(frozen=True, slots=True)
class Addressee:
    person_id: int
    platform: str
    chat_id: str
    language: str


async def choose_recipients(
    session: AsyncSession, announcement: Announcement, unit_ids: Collection[int] | None
) -> int:
    """Insert the announcement's recipients; returns how many there are.

    Workers only (officers' accounts are left out), reachable, not erased, subscribed,
    of the units `unit_ids` (None: any, also none) and of the announcement's language.
    """
    officer = exists().where(Officer.person_id == Person.id)
    chosen = select(
        literal(announcement.id), Person.id, literal(RecipientStatus.PENDING.value)
    ).where(
        Person.subscribed.is_(True),
        Person.reachable.is_(True),
        Person.erased_at.is_(None),
        ~officer,
        Person.unit_id.in_(sorted(unit_ids)) if unit_ids is not None else true(),
        Person.language == announcement.language if announcement.language else true(),
    )
    await session.execute(
        insert(AnnouncementRecipient).from_select(
            ["announcement_id", "person_id", "status"], chosen
        )
    )
    count = await session.scalar(
        select(func.count()).where(AnnouncementRecipient.announcement_id == announcement.id)
    )
    return int(count or 0)


async def next_addressees(
    session: AsyncSession, announcement_id: int, limit: int
) -> list[Addressee]:
    """Up to `limit` recipients not yet handed to delivery, locked against another feeder."""
    rows = await session.execute(
        select(Person.id, Person.platform, Person.chat_id, Person.language)
        .join(AnnouncementRecipient, AnnouncementRecipient.person_id == Person.id)
        .where(
            AnnouncementRecipient.announcement_id == announcement_id,
            AnnouncementRecipient.status == RecipientStatus.PENDING,
        )
        .order_by(AnnouncementRecipient.person_id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=AnnouncementRecipient)
    )
    return [Addressee(*row) for row in rows]


async def mark_queued(
    session: AsyncSession, announcement_id: int, outbox_ids: Mapping[int, int]
) -> None:
    """Record that each person (key) was handed to delivery as outbox row (value)."""
    if not outbox_ids:
        return
    # Through the connection: a list of parameters is an executemany there (as in
    # outbox.mark_sent_many).
    connection = await session.connection()
    await connection.execute(
        update(AnnouncementRecipient)
        .where(
            AnnouncementRecipient.announcement_id == announcement_id,
            AnnouncementRecipient.person_id == bindparam("person"),
        )
        .values(status=RecipientStatus.QUEUED, outbox_id=bindparam("row")),
        [{"person": person, "row": row} for person, row in outbox_ids.items()],
    )


async def bulk_backlog(session: AsyncSession, priority: int) -> int:
    """Outbox rows of `priority` still waiting to be sent."""
    count = await session.scalar(
        select(func.count()).where(
            OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.priority == priority
        )
    )
    return int(count or 0)


async def with_status(
    session: AsyncSession, statuses: Sequence[AnnouncementStatus]
) -> list[Announcement]:
    return list(
        await session.scalars(
            select(Announcement)
            .where(Announcement.status.in_(list(statuses)))
            .order_by(Announcement.send_at, Announcement.id)
        )
    )


async def left_to_queue(session: AsyncSession, announcement_id: int) -> int:
    count = await session.scalar(
        select(func.count()).where(
            AnnouncementRecipient.announcement_id == announcement_id,
            AnnouncementRecipient.status == RecipientStatus.PENDING,
        )
    )
    return int(count or 0)


@dataclass(frozen=True, slots=True)
class Tally:
    total: int
    sent: int
    failed: int
    # Failed because the person blocked the bot.
    blocked: int
    # Not handed to delivery yet, or handed and not sent yet.
    left: int


async def tally(session: AsyncSession, announcement_id: int) -> Tally:
    rows = await session.execute(
        select(
            AnnouncementRecipient.status,
            OutboxMessage.status,
            Person.reachable,
            func.count(),
        )
        .join(Person, Person.id == AnnouncementRecipient.person_id)
        .outerjoin(OutboxMessage, OutboxMessage.id == AnnouncementRecipient.outbox_id)
        .where(AnnouncementRecipient.announcement_id == announcement_id)
        .group_by(AnnouncementRecipient.status, OutboxMessage.status, Person.reachable)
    )
    total = sent = failed = blocked = left = 0
    for recipient, row_status, reachable, count in rows:
        total += count
        if recipient == RecipientStatus.PENDING or row_status == OutboxStatus.PENDING:
            left += count
        elif row_status == OutboxStatus.FAILED:
            failed += count
            if not reachable:
                blocked += count
        else:
            # Sent, or its row is gone: erasure deletes what was sent to an erased person.
            sent += count
    return Tally(total, sent, failed, blocked, left)


async def set_status(
    session: AsyncSession, announcement_id: int, status: AnnouncementStatus, **values: object
) -> None:
    await session.execute(
        update(Announcement)
        .where(Announcement.id == announcement_id)
        .values(status=status, **values),
        execution_options={"synchronize_session": "fetch"},
    )


async def withdraw_unclaimed(session: AsyncSession, announcement_id: int) -> None:
    """Take back the announcement's outbox rows delivery has not claimed yet (on cancel):
    their recipients count as not sent."""
    unclaimed = (
        select(OutboxMessage.id)
        .join(AnnouncementRecipient, AnnouncementRecipient.outbox_id == OutboxMessage.id)
        .where(
            AnnouncementRecipient.announcement_id == announcement_id,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.attempts == 0,
        )
    )
    ids = list(await session.scalars(unclaimed))
    if not ids:
        return
    await session.execute(
        update(AnnouncementRecipient)
        .where(
            AnnouncementRecipient.announcement_id == announcement_id,
            AnnouncementRecipient.outbox_id.in_(ids),
        )
        .values(status=RecipientStatus.PENDING, outbox_id=None),
        execution_options={"synchronize_session": False},
    )
    await session.execute(
        delete(OutboxMessage).where(OutboxMessage.id.in_(ids)),
        execution_options={"synchronize_session": False},
    )


async def set_subscribed(session: AsyncSession, person_id: int, subscribed: bool) -> None:
    await session.execute(
        update(Person).where(Person.id == person_id).values(subscribed=subscribed),
        execution_options={"synchronize_session": "fetch"},
    )
