"""The outbox: messages written in the same transaction as the change that caused them.

Delivery claims due rows, sends them, and marks each sent, rescheduled or failed.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OutboxMessage, OutboxStatus
from handlers.messages import Outgoing

# How long a claimed row stays out of other claims. The row lock (PostgreSQL) already
# covers a claim whose transaction is still open; this also covers a sender that commits
# the claim first, and gives a crashed sender's rows back after the lease runs out.
CLAIM_LEASE = timedelta(minutes=2)


def enqueue(
    session: AsyncSession,
    platform: str,
    message: Outgoing,
    *,
    person_id: int | None = None,
    ticket_id: int | None = None,
    now: datetime,
) -> OutboxMessage:
    row = OutboxMessage(
        platform=platform,
        chat_id=message.chat_id,
        payload=message.to_json(),
        status=OutboxStatus.PENDING,
        attempts=0,
        not_before=now,
        created_at=now,
        person_id=person_id,
        ticket_id=ticket_id,
    )
    session.add(row)
    return row


async def claim_due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    *,
    platform: str | None = None,
    lease: timedelta = CLAIM_LEASE,
) -> list[OutboxMessage]:
    """Up to `limit` pending rows due at `now`, oldest first, claimed for this caller.

    One UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING: on
    PostgreSQL concurrent claimers skip each other's rows instead of waiting; on SQLite
    the statement runs under the database write lock, which serialises claimers. Each
    claim counts as an attempt and moves `not_before` to now + `lease`.
    """
    due = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.not_before <= now)
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if platform is not None:
        due = due.where(OutboxMessage.platform == platform)
    claimed = await session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(attempts=OutboxMessage.attempts + 1, not_before=now + lease)
        .returning(OutboxMessage),
        execution_options={"populate_existing": True, "synchronize_session": False},
    )
    return sorted(claimed, key=lambda row: row.id)


async def _change(session: AsyncSession, row_id: int, **values: object) -> None:
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values),
        execution_options={"synchronize_session": "fetch"},
    )


async def mark_sent(
    session: AsyncSession, row_id: int, sent_message_id: str | None, now: datetime
) -> None:
    await _change(
        session,
        row_id,
        status=OutboxStatus.SENT,
        sent_at=now,
        sent_message_id=sent_message_id,
        last_error=None,
    )


async def reschedule(session: AsyncSession, row_id: int, not_before: datetime, error: str) -> None:
    """Try again at `not_before` (429 retry_after, a 5xx, a timeout), keeping the error."""
    await _change(
        session, row_id, status=OutboxStatus.PENDING, not_before=not_before, last_error=error
    )


async def mark_failed(session: AsyncSession, row_id: int, error: str) -> None:
    """Give up on the row; it stays in the table with the error for whoever looks."""
    await _change(session, row_id, status=OutboxStatus.FAILED, last_error=error)
