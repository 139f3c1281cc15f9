"""The outbox: messages written in the same transaction as the change that caused them.

Delivery claims due rows, sends them, and settles each: sent, failed, rescheduled (the
attempt counts) or released (it does not). A row's payload is opaque here: the layers
above serialise their message type into it, so storage knows no message shape. A row is
queued in the session (`db.queued`) and written before the session's next statement or at
its commit; `enqueue_many` writes rows at once, for callers that need their ids.

A claim names its owner (one delivery loop of one process) and holds the row for a short
lease, which the owner renews while it lives (`renew`). A process that dies mid-send stops
renewing, and its rows can be claimed again by anyone once the lease runs out: a restarted
process or a surviving replica sends them seconds later, and nothing waits for minutes
behind them in their chat.

Every settle names the owner too, and changes a row only while that owner still holds it:
an owner that stalled past its lease (a long pause, a frozen VM) and comes back must not
mark sent, hand back or cut short a row that another owner has claimed and is sending.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Integer, and_, bindparam, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import BindParameter

from db import queued
from db.models import OutboxMessage, OutboxStatus

# How long a claim keeps a row from other claimers unless its owner renews it. The row lock
# (PostgreSQL) covers only the claim's own transaction; the lease covers the send that
# follows it. Short, because a dead owner's rows wait this long, and its chats with them;
# the owner renews it every few seconds (bot.delivery), so a slow send is not taken away.
CLAIM_LEASE = timedelta(seconds=10)

# Lower goes first; conversation (answers, cards, notices) at the top, bulk after it.
CONVERSATION = 0


# Built once: every update queues its answer with it.
_INSERT = insert(OutboxMessage)
_INSERT_RETURNING_IDS = _INSERT.returning(OutboxMessage.id, sort_by_parameter_order=True)


def _row(
    platform: str,
    chat_id: str,
    payload: str,
    *,
    person_id: int | None,
    ticket_id: int | None,
    now: datetime,
    priority: int,
) -> dict[str, Any]:
    return {
        "platform": platform,
        "chat_id": chat_id,
        "payload": payload,
        "status": OutboxStatus.PENDING,
        "attempts": 0,
        "not_before": now,
        "created_at": now,
        "person_id": person_id,
        "ticket_id": ticket_id,
        "priority": priority,
    }


def enqueue(
    session: AsyncSession,
    platform: str,
    chat_id: str,
    payload: str,
    *,
    person_id: int | None = None,
    ticket_id: int | None = None,
    now: datetime,
    priority: int = CONVERSATION,
) -> None:
    """Queue a message in the session (`db.queued`): written before its next statement,
    flush or commit, and sent once the transaction commits."""
    queued.queue(
        session,
        _INSERT,
        _row(
            platform,
            chat_id,
            payload,
            person_id=person_id,
            ticket_id=ticket_id,
            now=now,
            priority=priority,
        ),
    )


class Message(NamedTuple):
    """A message for `enqueue_many`: where it goes, what it says, whom it is for."""

    platform: str
    chat_id: str
    payload: str
    person_id: int | None = None
    ticket_id: int | None = None


async def enqueue_many(
    session: AsyncSession,
    messages: Sequence[Message],
    *,
    now: datetime,
    priority: int = CONVERSATION,
) -> list[int]:
    """Write the messages now, in one statement; their row ids, in the same order.

    For a caller that records which row carries which message (an announcement's
    recipients); `enqueue` for everyone else.
    """
    if not messages:
        return []
    connection = await session.connection()
    result = await connection.execute(
        _INSERT_RETURNING_IDS,
        [
            _row(
                m.platform,
                m.chat_id,
                m.payload,
                person_id=m.person_id,
                ticket_id=m.ticket_id,
                now=now,
                priority=priority,
            )
            for m in messages
        ],
    )
    return list(result.scalars())


def _claim(*, by_platform: bool) -> Any:
    """The claim statement of `claim_due`, with its values as bind parameters."""
    candidate = aliased(OutboxMessage)
    earlier = aliased(OutboxMessage)
    columns = OutboxMessage.__table__.c
    older_pending = (
        select(earlier.id)
        .where(
            earlier.platform == candidate.platform,
            earlier.chat_id == candidate.chat_id,
            earlier.status == OutboxStatus.PENDING,
            earlier.id < candidate.id,
        )
        .exists()
    )
    due = (
        select(candidate.id)
        .where(
            candidate.status == OutboxStatus.PENDING,
            candidate.not_before <= bindparam("now", type_=columns.not_before.type),
            ~older_pending,
        )
        .order_by(candidate.priority, candidate.id)
        .limit(bindparam("limit", type_=Integer))
        .with_for_update(skip_locked=True, of=candidate)
    )
    if by_platform:
        due = due.where(
            candidate.platform.in_(
                bindparam("platforms", type_=columns.platform.type, expanding=True)
            )
        )
    claim = (
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due.scalar_subquery()))
        .values(
            attempts=OutboxMessage.attempts + 1,
            not_before=bindparam("until", type_=columns.not_before.type),
            claimed_by=bindparam("owner", type_=columns.claimed_by.type),
        )
        .returning(OutboxMessage)
    )
    # Loaded as a SELECT from the statement: the ORM runs an UPDATE it is given through its
    # bulk path, which copies the statement on every execution and so works out its cache
    # key every time; a SELECT it runs as it is.
    return select(OutboxMessage).from_statement(claim).execution_options(populate_existing=True)


# Built once, by whether the claim names its platforms: delivery claims after every
# update, and building this statement (two aliases adapted into a subquery) cost several
# times more CPU than running it.
_CLAIM = {by_platform: _claim(by_platform=by_platform) for by_platform in (False, True)}


async def claim_due(
    session: AsyncSession,
    now: datetime,
    limit: int,
    *,
    platforms: Collection[str] | None = None,
    lease: timedelta = CLAIM_LEASE,
    owner: str | None = None,
) -> list[OutboxMessage]:
    """Up to `limit` pending rows due at `now`, claimed for this caller: by priority
    (conversation before bulk such as announcements), oldest first within one.

    Only the oldest pending row of each chat can be claimed, whether or not that row is
    due: while one row of a chat is in flight with another sender, or waits out a 429,
    the chat's later rows wait behind it, so every chat gets its messages in order.

    One UPDATE ... WHERE id IN (SELECT ... FOR UPDATE SKIP LOCKED) RETURNING: on
    PostgreSQL concurrent claimers skip each other's rows instead of waiting; on SQLite
    the statement runs under the database write lock, which serialises claimers. Each
    claim starts an attempt (`attempts` + 1; `release` takes it back), records `owner`
    and moves `not_before` to now + `lease`, so nobody else claims the row until it is
    settled, or its owner stopped renewing the lease and is presumed dead.
    """
    values: dict[str, object] = {"now": now, "limit": limit, "until": now + lease, "owner": owner}
    if platforms is not None:
        values["platforms"] = list(platforms)
    claimed = await session.scalars(
        _CLAIM[platforms is not None],
        values,
    )
    return sorted(claimed, key=lambda row: row.id)


async def renew(
    session: AsyncSession, owner: str, row_ids: Collection[int], until: datetime
) -> int:
    """Extend `owner`'s claims on these rows to `until`; returns how many it still held.

    A row handed back meanwhile (released, rescheduled, settled) or claimed by another
    owner after the lease ran out is left alone, and so is a row another transaction is
    writing right now (its settle): waiting for it, while that settle waited for a row
    renewed here first, was a deadlock, and the side PostgreSQL failed sent its messages
    twice. Such a row is being settled, or is renewed at the next beat.
    """
    if not row_ids:
        return 0
    held = (
        select(OutboxMessage.id)
        .where(
            OutboxMessage.id.in_(sorted(row_ids)),
            OutboxMessage.claimed_by == owner,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .with_for_update(skip_locked=True)
    )
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.id.in_(held)).values(not_before=until),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0))


def _held_by(owner: str | BindParameter[str | None] | None) -> ColumnElement[bool]:
    """The row is still out with `owner` (None: claimed without naming one, or never)."""
    return and_(
        OutboxMessage.status == OutboxStatus.PENDING,
        OutboxMessage.claimed_by.is_not_distinct_from(owner),
    )


async def record_progress(
    session: AsyncSession, row_id: int, payload: str, *, owner: str | None = None
) -> bool:
    """Part of a split message went out: `payload` is what is left, the row stays claimed.

    A crash after this sends only the rest again, not the parts already sent. False when
    `owner` no longer holds the row: whoever does now sends the rest.
    """
    return await _change(session, row_id, owner, **_unsent(payload))


async def _change(session: AsyncSession, row_id: int, owner: str | None, **values: object) -> bool:
    """Change the row if `owner` still holds it; whether it did."""
    result = await session.execute(
        update(OutboxMessage).where(OutboxMessage.id == row_id, _held_by(owner)).values(**values),
        execution_options={"synchronize_session": "fetch"},
    )
    return int(getattr(result, "rowcount", 0)) == 1


def _unsent(payload: str | None) -> dict[str, object]:
    # Parts of a split message that already went out are not sent again.
    return {} if payload is None else {"payload": payload}


class Sent(NamedTuple):
    """A row the messenger took: the id it gave the message, and when."""

    row_id: int
    sent_message_id: str | None
    sent_at: datetime


async def mark_sent(
    session: AsyncSession,
    row_id: int,
    sent_message_id: str | None,
    now: datetime,
    *,
    owner: str | None = None,
) -> None:
    """The messenger took the row. Its `last_error`, if any, stays: it tells why it was late.

    A row `owner` no longer holds is left to the owner that has it (it may arrive twice).
    """
    await mark_sent_many(session, [Sent(row_id, sent_message_id, now)], owner=owner)


# Built once: delivery settles sent rows after nearly every update.
_MARK_SENT = (
    update(OutboxMessage)
    .where(
        OutboxMessage.id == bindparam("row_id"),
        _held_by(bindparam("owner", type_=OutboxMessage.__table__.c.claimed_by.type)),
    )
    .values(
        status=OutboxStatus.SENT,
        sent_at=bindparam("at", type_=OutboxMessage.__table__.c.sent_at.type),
        sent_message_id=bindparam(
            "message_id", type_=OutboxMessage.__table__.c.sent_message_id.type
        ),
    )
)


async def mark_sent_many(
    session: AsyncSession, sent: Sequence[Sent], *, owner: str | None = None
) -> None:
    """Settle several sent rows with one statement (executemany), as `mark_sent` does each."""
    if not sent:
        return
    # Through the connection: a list of parameters is an executemany there, where the
    # session would read it as an ORM bulk update by primary key.
    connection = await session.connection()
    await connection.execute(
        _MARK_SENT,
        # In id order, as every other writer of several rows locks them.
        [
            {"row_id": s.row_id, "at": s.sent_at, "message_id": s.sent_message_id, "owner": owner}
            for s in sorted(sent, key=lambda s: s.row_id)
        ],
    )
    # A copy of a row already loaded in this session shows the new values, as after
    # an ORM update with synchronize_session (as far as the copy tells who held it).
    for s in sent:
        loaded = session.identity_map.get(session.identity_key(OutboxMessage, s.row_id))
        if (
            loaded is not None
            and loaded.status == OutboxStatus.PENDING
            and loaded.claimed_by == owner
        ):
            set_committed_value(loaded, "status", OutboxStatus.SENT)
            set_committed_value(loaded, "sent_at", s.sent_at)
            set_committed_value(loaded, "sent_message_id", s.sent_message_id)


async def sent_since(session: AsyncSession, since: datetime, limit: int) -> list[datetime]:
    """When the latest rows sent after `since` were sent (at most `limit`), by any owner.

    A delivery loop that starts counts them against the messenger's rate window: a process
    restarted mid-announcement, or started beside a busy one, must not send a full window
    on top of what was sent a moment ago.
    """
    found = await session.scalars(
        select(OutboxMessage.sent_at)
        .where(
            OutboxMessage.status == OutboxStatus.SENT,
            # Implied by sent_at (a row's lease, renewed while it was sent, ends after its
            # sending) and indexed with the status, so the whole sent history is not read.
            OutboxMessage.not_before > since,
            OutboxMessage.sent_at > since,
        )
        .order_by(OutboxMessage.sent_at.desc())
        .limit(limit)
    )
    return [at for at in found if at is not None]


async def reschedule(
    session: AsyncSession,
    row_id: int,
    not_before: datetime,
    error: str,
    *,
    payload: str | None = None,
    owner: str | None = None,
) -> bool:
    """The attempt failed for now (a 5xx, a timeout): try again at `not_before`.

    The attempt counts; `payload`, when given, is what is left to send. False when `owner`
    no longer holds the row (nothing changed).
    """
    return await _change(
        session,
        row_id,
        owner,
        status=OutboxStatus.PENDING,
        not_before=not_before,
        last_error=error,
        claimed_by=None,
        **_unsent(payload),
    )


async def release(
    session: AsyncSession,
    row_id: int,
    not_before: datetime,
    *,
    error: str | None = None,
    payload: str | None = None,
    owner: str | None = None,
) -> bool:
    """Hand a claimed row back without counting its claim as an attempt: the sender stopped,
    or the messenger asked it to wait (429). Due again at `not_before`.

    `error`, when given, replaces the last one; `payload`, when given, is what is left to send.
    False when `owner` no longer holds the row (nothing changed).
    """
    values: dict[str, object] = {
        "attempts": OutboxMessage.attempts - 1,
        "claimed_by": None,
        **_unsent(payload),
    }
    if error is not None:
        values["last_error"] = error
    return await _change(
        session, row_id, owner, status=OutboxStatus.PENDING, not_before=not_before, **values
    )


async def mark_failed(
    session: AsyncSession, row_id: int, error: str, *, owner: str | None = None
) -> bool:
    """Give up on the row; it stays in the table with the error for whoever looks.

    False when `owner` no longer holds the row (nothing changed).
    """
    return await _change(session, row_id, owner, status=OutboxStatus.FAILED, last_error=error)
