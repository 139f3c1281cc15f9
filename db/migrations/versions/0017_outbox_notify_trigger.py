"""The outbox wakes every replica's delivery by itself (PostgreSQL): a statement trigger
sends `NOTIFY workerbot_outbox` for each statement that adds outbox rows, so the bot no
longer sends a NOTIFY of its own before each such commit (a round trip per update).
PostgreSQL delivers a notification only when, and if, its transaction commits, and one
transaction's identical notifications as one. SQLite: nothing (one process).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 15:30:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # OR REPLACE: a function outlives the tables of a database emptied by hand (drop_all,
    # a restore into an existing database), and the upgrade must still go through.
    op.execute(
        """
        CREATE OR REPLACE FUNCTION workerbot_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('workerbot_outbox', '');
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox "
        "FOR EACH STATEMENT EXECUTE FUNCTION workerbot_outbox_notify()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    op.execute("DROP FUNCTION IF EXISTS workerbot_outbox_notify()")
