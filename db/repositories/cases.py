"""Collective cases: the case row and which tickets are in it.

Adds, queries and flushes; never commits (the caller of the use case does).
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, Ticket


async def get_case(
    session: AsyncSession, case_id: int, *, for_change: bool = False
) -> Case | None:
    """The case; `for_change` locks its row (PostgreSQL) so that changes to one case, such
    as adding a ticket while another officer resolves it, happen one after the other."""
    query = select(Case).where(Case.id == case_id).execution_options(populate_existing=True)
    if for_change:
        query = query.with_for_update()
    return (await session.execute(query)).scalar_one_or_none()


async def leave_case(session: AsyncSession, ticket_id: int, case_id: int) -> bool:
    """Take the ticket out of the case; False if it was not in it any more."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id, Ticket.case_id == case_id)
            .values(case_id=None)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1
