"""Rows a transaction writes and does not read back (outbox messages, FAQ outcomes), queued
in the session and written by Core statements built once, instead of ORM objects flushed by
the unit of work: an update writes two or three of them, and the unit of work cost more CPU
per row than the statement that writes it.

The contract is that of a pending ORM object, as far as the callers can tell:

- A queued row is written before the session next runs a statement through
  `Session.execute` (any ORM query, a `get` that misses the identity map, a lazy load),
  flushes ORM changes, or commits, releasing a savepoint included. So a query in the same
  transaction sees it, as autoflush would have made it see a pending object.
- Rows are written in the order they were queued; consecutive rows of one statement go in
  one executemany.
- A rolled-back transaction or savepoint drops the rows queued in it that were not written
  yet, as it expunges pending objects; those written are rolled back by the database.
- Nothing comes back: a caller that needs a row's id inserts it itself.
- A row queued before the session began a transaction belongs to the one it begins next.

What autoflush would not have covered is not covered either: a statement run on
`session.connection()` directly does not write queued rows first. Nor does an explicit
`flush()` of a session without ORM changes (SQLAlchemy skips its flush events then); the
rows are written by the next statement or the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from sqlalchemy import Insert, event
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
    """Write `values` with `statement` (an INSERT built once) before the session's next
    statement, flush or commit. `values` must name the same columns on every call for one
    statement, so that its compiled form is reused."""
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
    for _, same_statement in groupby(rows, key=lambda row: id(row.statement)):
        same = list(same_statement)
        # A list, even of one row: an executemany needs no RETURNING of the new id.
        connection.execute(same[0].statement, [row.values for row in same])


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
