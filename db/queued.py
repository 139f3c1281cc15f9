"""Rows a transaction writes and does not read back (outbox messages, FAQ outcomes, the
person's conversation state), queued in the session and written by Core statements built
once, instead of ORM objects flushed by the unit of work or statements run at once: an
update writes two or three of them, and the unit of work cost more CPU per row than the
statement that writes it.

The contract is that of a pending ORM object, as far as the callers can tell:

- A queued row is written before the session next runs a statement through
  `Session.execute` (any ORM query, a `get` that misses the identity map, a lazy load),
  flushes ORM changes, or commits, releasing a savepoint included. So a query in the same
  transaction sees it, as autoflush would have made it see a pending object.
- Rows are written in the order they were queued; consecutive rows of one statement go in
  one executemany. On PostgreSQL, rows for different tables, one row each (what most
  updates write: the answer, the question's outcome, the person's state), go in one
  statement instead, all but one as data-modifying CTEs: one round trip, not three. Their
  order does not matter there: each goes to its own table. (SQLite has no INSERT in a
  CTE; SQLAlchemy caches no multi-row VALUES, which several rows of one table would need
  to keep their order in one statement.)
- A rolled-back transaction or savepoint drops the rows queued in it that were not written
  yet, as it expunges pending objects; those written are rolled back by the database.
- Nothing comes back: a caller that needs a row's id inserts it itself.
- `values` name the same columns on every call for one statement, and every column with a
  default on the client side: two parts of one combined statement that left such a column
  to its default would both name its parameter after the column.
- A row queued before the session began a transaction belongs to the one it begins next.

What autoflush would not have covered is not covered either: a statement run on
`session.connection()` directly does not write queued rows first. Nor does an explicit
`flush()` of a session without ORM changes (SQLAlchemy skips its flush events then); the
rows are written by the next statement or the commit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import Insert, bindparam, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

_KEY = "db.queued"


@dataclass(frozen=True, slots=True)
class _Row:
    # The innermost transaction open when the row was queued (None: none had begun yet, so
    # the row belongs to the transaction the session begins next).
    transaction: SessionTransaction | None
    statement: Insert
    values: dict[str, Any]


def queue(session: AsyncSession, statement: Insert, values: dict[str, Any]) -> None:
    """Write `values` with `statement` (an INSERT built once, without values) before the
    session's next statement, flush or commit."""
    sync = session.sync_session
    innermost = sync.get_nested_transaction() or sync.get_transaction()
    sync.info.setdefault(_KEY, []).append(_Row(innermost, statement, values))


def _write(session: Session) -> None:
    rows: list[_Row] | None = session.info.get(_KEY)
    if not rows:
        return
    # Taken first: the statements below must not find the rows still queued.
    session.info[_KEY] = []
    connection = session.connection()
    if connection.dialect.name == "postgresql" and _one_per_table(rows):
        shape = tuple((row.statement, tuple(row.values)) for row in rows)
        connection.execute(
            _combined(shape),
            {
                _name(part, column): value
                for part, row in enumerate(rows)
                for column, value in row.values.items()
            },
        )
        return
    for _, same_statement in groupby(rows, key=lambda row: id(row.statement)):
        same = list(same_statement)
        connection.execute(same[0].statement, [row.values for row in same])


def _one_per_table(rows: list[_Row]) -> bool:
    """No two rows for one table: then the order they are written in does not matter."""
    return len({id(row.statement.table) for row in rows}) == len(rows)


# Shapes seen are few (what one kind of update writes): each built and compiled once.
_SHAPES_KEPT = 256


@functools.lru_cache(maxsize=_SHAPES_KEPT)
def _combined(shape: tuple[tuple[Insert, tuple[str, ...]], ...]) -> Insert:
    """The statement writing one row each with these INSERTs, naming these columns: all
    but the last as data-modifying CTEs of the last."""
    inserts = [
        statement.values(
            {
                column: bindparam(_name(part, column), type_=statement.table.c[column].type)
                for column in columns
            }
        )
        for part, (statement, columns) in enumerate(shape)
    ]
    *first, last = inserts
    for part, insert in enumerate(first):
        last = last.add_cte(insert.cte(f"queued_{part}"))
    # inline: no RETURNING of the new id (nobody reads it back).
    return last.inline()


def _name(part: int, column: str) -> str:
    return f"q{part}_{column}"


def _within(row: _Row, ended: SessionTransaction) -> bool:
    """Whether `row` was queued in `ended` or in a savepoint inside it."""
    if ended.parent is None:
        return True
    transaction = row.transaction
    while transaction is not None:
        if transaction is ended:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    _write(session)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    _write(session)


@event.listens_for(Session, "do_orm_execute")
def _before_execute(state: ORMExecuteState) -> None:
    _write(state.session)


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, ended: SessionTransaction) -> None:
    # A transaction that committed wrote its rows in before_commit; what is left of it
    # was queued in a transaction or savepoint that rolled back.
    rows: list[_Row] | None = session.info.get(_KEY)
    if rows:
        session.info[_KEY] = [row for row in rows if not _within(row, ended)]
