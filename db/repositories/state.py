"""Conversation state: where each person is in a flow, kept across restarts and replicas."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from db import queued
from db.models import ConversationState


async def load_state(session: AsyncSession, person_id: int) -> ConversationState | None:
    return await session.scalar(
        select(ConversationState)
        .where(ConversationState.person_id == person_id)
        .execution_options(populate_existing=True)
    )


def _upsert(insert: Callable[[Any], postgresql.Insert | sqlite.Insert]) -> Any:
    statement = insert(ConversationState)
    new = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=["person_id"],
        set_={name: new[name] for name in ("flow", "step", "data", "updated_at")},
    )


# Built once: saved on every update that leaves a person in a flow (see db.repositories.arrival).
_SAVE = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


async def save_state(  # noqa: PLR0917 - positional order is the published API
    session: AsyncSession,
    person_id: int,
    flow: str,
    step: str,
    data: dict[str, Any],
    now: datetime,
) -> None:
    """Replace the person's state (an upsert, so two updates racing never collide).

    Queued in the session (`db.queued`), as the update's other writes: a query in the
    same transaction sees it, and on PostgreSQL it goes to the database in one statement
    with them, at the commit.
    """
    values = {"person_id": person_id, "flow": flow, "step": step, "data": data, "updated_at": now}
    statement = _SAVE[session.get_bind().dialect.name]
    queued.queue(session, statement, values)
    # A copy already loaded in this session shows the new state, as after a refresh.
    loaded = session.identity_map.get(session.identity_key(ConversationState, person_id))
    if loaded is not None:
        for name in ("flow", "step", "data", "updated_at"):
            set_committed_value(loaded, name, values[name])


async def clear_state(session: AsyncSession, person_id: int) -> None:
    await session.execute(
        delete(ConversationState).where(ConversationState.person_id == person_id),
        execution_options={"synchronize_session": "fetch"},
    )
