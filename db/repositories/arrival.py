"""What every update in a private chat starts with, in as few statements as the database allows:
record the update (as `db.repositories.updates` does), create or refresh the person, and read
whether they are an officer and where they are in a flow.

On PostgreSQL that is one statement: the update id is inserted in a CTE, and the person is
upserted only if that insert took the id (a redelivered update changes nothing and returns
no row). SQLite has no INSERT in a CTE, so there it is two: the update id first, then the
person. Either way the officer's id and the saved state come back with the person, as
subqueries in RETURNING, instead of two more round trips.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import exists, literal, literal_column, select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnClause

from db.models import ConversationState, Officer, Person, ProcessedUpdate
from db.repositories import people, updates
from db.repositories._upsert import insert_for


@dataclass(frozen=True, slots=True)
class SavedState:
    flow: str
    step: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Arrival:
    person: Person
    officer_id: int | None  # the person's active officer account, if any
    state: SavedState | None


# Correlated to the row being upserted; `people.id` is spelled out because SQLAlchemy does
# not correlate a subquery in RETURNING to the INSERT's table.
_PERSON_ID: ColumnClause[int] = literal_column("people.id")
_OFFICER_ID = (
    select(Officer.id)
    .where(Officer.person_id == _PERSON_ID, Officer.active.is_(True))
    .scalar_subquery()
    .label("officer_id")
)
_STATE = [
    select(column).where(ConversationState.person_id == _PERSON_ID).scalar_subquery().label(name)
    for name, column in (
        ("state_flow", ConversationState.flow),
        ("state_step", ConversationState.step),
        ("state_data", ConversationState.data),
    )
]


async def arrive(
    session: AsyncSession,
    *,
    platform: str,
    update_id: str,
    event: str = "",
    platform_user_id: str,
    chat_id: str,
    language: str,
    display_name: str | None,
    now: datetime,
) -> Arrival | None:
    """The person behind a new update, refreshed as `people.get_or_create_person` does,
    with their officer id and saved state; None if the update was processed before."""
    row = people.person_row(
        platform=platform,
        platform_user_id=platform_user_id,
        chat_id=chat_id,
        language=language,
        display_name=display_name,
        now=now,
    )
    if session.get_bind().dialect.name == "postgresql":
        fresh = (
            updates.recording(postgresql.insert(ProcessedUpdate), platform, update_id, event, now)
            .returning(ProcessedUpdate.update_id)
            .cte("fresh_update")
        )
        columns = Person.__table__.c
        only_if_new = select(*(literal(v, columns[k].type) for k, v in row.items())).where(
            exists(select(fresh.c.update_id))
        )
        insert = postgresql.insert(Person).from_select(list(row), only_if_new).add_cte(fresh)
        statement = people.refresh_on_conflict(insert, display_name)
    else:
        if not await updates.record_update(session, platform, update_id, now, event=event):
            return None
        insert_ = insert_for(session, Person).values(**row)
        statement = people.refresh_on_conflict(insert_, display_name)
    rows = await session.execute(
        statement.returning(Person, _OFFICER_ID, *_STATE),
        execution_options={"populate_existing": True},
    )
    found = rows.one_or_none()
    if found is None:
        return None
    person, officer_id, flow, step, data = found
    state = None if flow is None else SavedState(flow, step, dict(data or {}))
    return Arrival(person, officer_id, state)
