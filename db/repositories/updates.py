"""Processed updates: what makes handling an update exactly-once across replicas.

A messenger delivers an update again when it was not told the update arrived (a crash, a
lost webhook answer); Telegram keeps an unconfirmed update for 24 hours. A row is kept for
`REDELIVERY_WINDOW`, twice that, and then forgotten (`forget_before`, which the scheduler
runs in batches), so the table holds two days of traffic instead of all of it.

Update ids are not unique for ever: after a week without updates Telegram picks the next id
at random, and a new token starts a sequence of its own. So a row also keeps the update's
`event` (what it carried: chat, message and date, or a button press's own id; see
`handlers.messages.Incoming.event`). An id seen before with another event is a new update
and takes the row over; with the same event it is a redelivery and is skipped, and so is
any id whose row has no event (the messenger gives none, or the row predates them).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, CursorResult, and_, bindparam, delete, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProcessedUpdate

# Telegram keeps an update it was not told about for 24 hours; twice that leaves room for
# a bot that was down a while before it came back for its updates.
REDELIVERY_WINDOW = timedelta(hours=48)
# Rows deleted per scheduler run: short enough a statement not to hold up arrivals, and
# far more than a busy bot records in a run's interval.
FORGET_BATCH = 10_000

Insert = postgresql.Insert | sqlite.Insert


def recording(
    insert: Insert,
    platform: str | ColumnElement[str],
    update_id: str | ColumnElement[str],
    event: str | ColumnElement[str],
    now: datetime | ColumnElement[datetime],
) -> Insert:
    """`insert` (of `ProcessedUpdate`) made to record the update: it writes a row when
    the update is new and none when it was processed (or is being processed) already.
    The values may be bind parameters, for a statement built once.

    The conflict is decided by the database: when two replicas record the same update,
    PostgreSQL makes the second wait for the first transaction and then finds the row
    with the same event and writes nothing, so exactly one goes on; if the first rolls
    back, the second gets the update instead.
    """
    fresh = insert.values(platform=platform, update_id=update_id, event=event, processed_at=now)
    known = ProcessedUpdate.event
    return fresh.on_conflict_do_update(
        index_elements=["platform", "update_id"],
        set_={"event": fresh.excluded.event, "processed_at": fresh.excluded.processed_at},
        where=and_(known != "", known != fresh.excluded.event),
    )


def _record(insert: Callable[[Any], Insert]) -> Insert:
    columns = ProcessedUpdate.__table__.c
    values = [
        bindparam(name, type_=columns[name].type)
        for name in ("platform", "update_id", "event", "processed_at")
    ]
    return recording(insert(ProcessedUpdate), *values)


# Built once, and run as a Core statement: on SQLite every private update records its id
# this way (see `db.repositories.arrival`), and building the upsert, or the ORM copying it
# on each run, cost more CPU than running it.
_RECORD = {"postgresql": _record(postgresql.insert), "sqlite": _record(sqlite.insert)}


async def record_update(
    session: AsyncSession, platform: str, update_id: str, now: datetime, *, event: str = ""
) -> bool:
    """True if this update is new, False if it was processed (or is being processed) already."""
    connection = await session.connection()
    result = await connection.execute(
        _RECORD[connection.dialect.name],
        {"platform": platform, "update_id": update_id, "event": event, "processed_at": now},
    )
    return result.rowcount == 1


async def forget_before(
    session: AsyncSession, before: datetime, *, limit: int = FORGET_BATCH
) -> int:
    """Forget up to `limit` of the oldest updates processed before `before`; how many went."""
    key = tuple_(ProcessedUpdate.platform, ProcessedUpdate.update_id)
    oldest = (
        select(ProcessedUpdate.platform, ProcessedUpdate.update_id)
        .where(ProcessedUpdate.processed_at < before)
        .order_by(ProcessedUpdate.processed_at)
        .limit(limit)
    )
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        delete(ProcessedUpdate).where(
            key.in_(oldest),
            # Checked again on the row itself: an id taken over meanwhile by a new update
            # (its time renewed) stays.
            ProcessedUpdate.processed_at < before,
        ),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount
