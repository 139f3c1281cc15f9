"""Processed update ids: what makes handling an update exactly-once across replicas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CursorResult
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ProcessedUpdate
from db.repositories._upsert import insert_for


async def record_update(
    session: AsyncSession, platform: str, update_id: str, now: datetime
) -> bool:
    """True if this update is new, False if it was processed (or is being processed) already.

    ON CONFLICT DO NOTHING is decided by the database: when two replicas record the same
    id, PostgreSQL makes the second wait for the first transaction and then skips the row,
    so exactly one goes on; if the first rolls back, the second gets the update instead.
    """
    result: CursorResult[Any] = await session.execute(  # type: ignore[assignment]
        insert_for(session, ProcessedUpdate)
        .values(platform=platform, update_id=update_id, processed_at=now)
        .on_conflict_do_nothing(index_elements=["platform", "update_id"])
    )
    return result.rowcount == 1
