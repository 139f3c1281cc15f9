"""Conversation state: where each person is in a flow, kept across restarts and replicas."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import ConversationState
from db.repositories._upsert import insert_for


async def load_state(session: AsyncSession, person_id: int) -> ConversationState | None:
    return await session.scalar(
        select(ConversationState)
        .where(ConversationState.person_id == person_id)
        .execution_options(populate_existing=True)
    )


async def save_state(  # noqa: PLR0917 - positional order is the published API
    session: AsyncSession,
    person_id: int,
    flow: str,
    step: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """Replace the person's state (an upsert, so two updates racing never collide)."""
    statement = insert_for(session, ConversationState).values(
        person_id=person_id, flow=flow, step=step, data=data, updated_at=now
    )
    statement = statement.on_conflict_do_update(
        index_elements=["person_id"],
        set_={"flow": flow, "step": step, "data": statement.excluded.data, "updated_at": now},
    )
    # RETURNING the entity with populate_existing refreshes a copy already in the session.
    await session.scalars(
        statement.returning(ConversationState),
        execution_options={"populate_existing": True},
    )


async def clear_state(session: AsyncSession, person_id: int) -> None:
    await session.execute(
        delete(ConversationState).where(ConversationState.person_id == person_id),
        execution_options={"synchronize_session": "fetch"},
    )
