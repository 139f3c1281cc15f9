"""Job leases: only the replica holding an unexpired lease runs a scheduled job."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import JobLease
from db.repositories._upsert import insert_for


async def try_acquire(
    session: AsyncSession, name: str, holder: str, now: datetime, ttl: timedelta
) -> bool:
    """Take or renew the lease `name` until now + ttl; False while somebody else holds it.

    One INSERT ... ON CONFLICT DO UPDATE ... WHERE: the database decides, so two
    replicas asking at the same moment cannot both win.
    """
    statement = insert_for(session, JobLease).values(
        name=name, holder=holder, expires_at=now + ttl
    )
    statement = statement.on_conflict_do_update(
        index_elements=["name"],
        set_={"holder": statement.excluded.holder, "expires_at": statement.excluded.expires_at},
        where=or_(JobLease.expires_at <= now, JobLease.holder == holder),
    )
    taken = await session.scalar(
        statement.returning(JobLease.name),
        execution_options={"populate_existing": True},
    )
    return taken is not None
