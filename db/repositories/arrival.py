"""What every update in a private chat starts with, in as few statements as the database allows:
record the update (as `db.repositories.updates` does), create or refresh the person, and
read what the first steps of the update need to know about them: their officer account,
where they are in a flow, whether they are blocked and which of their tickets waits for
their answer.

The person comes back as their row, not as an entity: most updates (a question) never
use the entity, and the ORM's loading of it cost a quarter of the statement's CPU.
`Arrival.person` builds it, attached to the session, when a step first needs it.

On PostgreSQL that is one statement: the update id is inserted in a CTE, and the person is
upserted only if that insert took the id (a redelivered update changes nothing and returns
no row). SQLite has no INSERT in a CTE, so there it is two: the update id first, then the
person. Either way the rest comes back with the person, as subqueries in RETURNING, instead
of four more round trips.

The statements are built once, at import, with bind parameters: every update runs under
its CPU budget, and building an INSERT with a CTE and five subqueries (and SQLAlchemy's
cache key for it) cost more than running it. Executing a statement object again lets
SQLAlchemy reuse its compiled form without looking at its structure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, event, exists, inspect, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.elements import BindParameter, ColumnClause

from db.models import (
    Block,
    ConversationState,
    Officer,
    Person,
    ProcessedUpdate,
    Ticket,
    TicketStatus,
)
from db.repositories import people, updates


@dataclass(frozen=True, slots=True)
class SavedState:
    flow: str
    step: str
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Arrival:
    officer_id: int | None  # the person's active officer account, if any
    state: SavedState | None
    # As of this update's start: whether an officer blocked the person, and the ticket an
    # officer most recently put back to them (`tickets.waiting_ticket_of_worker`).
    blocked: bool
    waiting_ticket_id: int | None
    # The person's row as the statement returned it, column by column.
    columns: Mapping[str, Any]

    @property
    def person_id(self) -> int:
        return int(self.columns["id"])

    @property
    def language(self) -> str:
        """The person's language as stored: their choice, or their messenger's."""
        return str(self.columns["language"])

    def person(self, session: AsyncSession) -> Person:
        """The person as an entity of `session`, as loading it would have given it:
        changes to it are written at the next flush. If a step loaded the person since the
        arrival, that entity, as the step left it."""
        return _entity(session.sync_session, self.person_id, self.columns)


# The arrival's person whose entity is not built yet, in the session's info: built before a
# statement changes people (below), so the change reaches it as it reaches loaded ones.
_UNBUILT = "db.arrival.unbuilt"
# Entities built here, held for the session's life: its identity map holds an unchanged
# entity only while something else does.
_BUILT = "db.arrival.built"


def _entity(session: Session, person_id: int, columns: Mapping[str, Any]) -> Person:
    """The person the session holds, else one built from `columns` and attached as loaded."""
    unbuilt = session.info.get(_UNBUILT)
    if unbuilt is not None and unbuilt[0] == person_id:
        del session.info[_UNBUILT]
    held = _held(session, person_id)
    if held is not None:
        return held
    person = Person(**columns)
    make_transient_to_detached(person)  # as loaded: nothing to write yet
    session.add(person)
    session.info.setdefault(_BUILT, []).append(person)
    return person


def _held(session: Session, person_id: int) -> Person | None:
    """The person's entity in the session's identity map, if it holds one."""
    held = session.identity_map.get(session.identity_key(Person, person_id))
    return held if isinstance(held, Person) else None


@event.listens_for(Session, "do_orm_execute")
def _build_before_people_change(state: ORMExecuteState) -> None:
    # An UPDATE or DELETE of people brings the entities the session holds up to date
    # (synchronize_session); an arrival's person not built yet would miss it and later be
    # built from the row as it was before.
    if not (state.is_update or state.is_delete) or state.bind_mapper is not _PEOPLE:
        return
    unbuilt = state.session.info.get(_UNBUILT)
    if unbuilt is not None:
        _entity(state.session, *unbuilt)


# Correlated to the row being upserted; `people.id` is spelled out because SQLAlchemy does
# not correlate a subquery in RETURNING to the INSERT's table.
_PERSON_ID: ColumnClause[int] = literal_column("people.id")
_RETURNED: list[ColumnElement[Any]] = [
    select(Officer.id)
    .where(Officer.person_id == _PERSON_ID, Officer.active.is_(True))
    .scalar_subquery()
    .label("officer_id"),
    *(
        select(column)
        .where(ConversationState.person_id == _PERSON_ID)
        .scalar_subquery()
        .label(name)
        for name, column in (
            ("state_flow", ConversationState.flow),
            ("state_step", ConversationState.step),
            ("state_data", ConversationState.data),
        )
    ),
    exists(select(Block.person_id).where(Block.person_id == _PERSON_ID)).label("blocked"),
    select(Ticket.id)
    .where(Ticket.worker_id == _PERSON_ID, Ticket.status == TicketStatus.WAITING_WORKER)
    .order_by(Ticket.updated_at.desc(), Ticket.id.desc())
    .limit(1)
    .scalar_subquery()
    .label("waiting_ticket_id"),
]

# One bind parameter per column of `people.person_row` (its values here only give the
# names), typed like the column.
_ROW: dict[str, BindParameter[Any]] = {
    name: bindparam(name, type_=Person.__table__.c[name].type)
    for name in people.person_row(
        platform="",
        platform_user_id="",
        chat_id="",
        language="",
        display_name=None,
        now=datetime.now(UTC),
    )
}
_RECORDED = {
    name: bindparam(name, type_=ProcessedUpdate.__table__.c[name].type)
    for name in ("update_id", "event")
}


def _postgresql(*, keep_name: bool) -> Any:
    fresh = (
        updates.recording(
            postgresql.insert(ProcessedUpdate),
            _ROW["platform"],
            _RECORDED["update_id"],
            _RECORDED["event"],
            _ROW["created_at"],
        )
        .returning(ProcessedUpdate.update_id)
        .cte("fresh_update")
    )
    only_if_new = select(*_ROW.values()).where(exists(select(fresh.c.update_id)))
    insert = postgresql.insert(Person).from_select(list(_ROW), only_if_new).add_cte(fresh)
    return people.refresh_on_conflict(insert, keep_name=keep_name).returning(Person, *_RETURNED)


def _sqlite(*, keep_name: bool) -> Any:
    insert = sqlite.insert(Person).values(_ROW)
    return people.refresh_on_conflict(insert, keep_name=keep_name).returning(Person, *_RETURNED)


# By dialect, then by whether the update carries no name (the stored one is kept). Run on
# the session's connection, not through the ORM: the ORM runs an INSERT it is given through
# its bulk path, which copies the statement on every execution and so works out its cache
# key (most of the CPU of a statement this size) every time.
_ARRIVE = {
    "postgresql": {keep: _postgresql(keep_name=keep) for keep in (False, True)},
    "sqlite": {keep: _sqlite(keep_name=keep) for keep in (False, True)},
}
_PERSON_COLUMNS = tuple(c.key for c in Person.__table__.columns)
_PEOPLE = inspect(Person)


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
    with what the update's first steps read about them; None if the update was processed
    before."""
    row = people.person_row(
        platform=platform,
        platform_user_id=platform_user_id,
        chat_id=chat_id,
        language=language,
        display_name=display_name,
        now=now,
    )
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        row |= {"update_id": update_id, "event": event}
    elif not await updates.record_update(session, platform, update_id, now, event=event):
        return None
    connection = await session.connection()
    found = (await connection.execute(_ARRIVE[dialect][display_name is None], row)).one_or_none()
    if found is None:
        return None
    values = found._mapping
    columns = {name: values[name] for name in _PERSON_COLUMNS}
    sync = session.sync_session
    held = _held(sync, values["id"])
    if held is not None:
        # The session read the person before this update (a caller's own session, not the
        # dispatcher's): refreshed with the row now, as loading it again would have.
        for name, value in columns.items():
            set_committed_value(held, name, value)
    else:
        sync.info[_UNBUILT] = (values["id"], columns)
    flow = values["state_flow"]
    return Arrival(
        officer_id=values["officer_id"],
        state=None
        if flow is None
        else SavedState(flow, values["state_step"], dict(values["state_data"] or {})),
        blocked=bool(values["blocked"]),
        waiting_ticket_id=values["waiting_ticket_id"],
        columns=columns,
    )
