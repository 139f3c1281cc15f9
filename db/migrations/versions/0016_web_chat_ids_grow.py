"""Web chat conversation ids only grow, also on SQLite after the newest rows were erased
(an open page asks for the lines after the last id it has): SQLite's AUTOINCREMENT.
PostgreSQL's sequence already never goes back.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 16:10:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table(
            "web_chat_entries", recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ):
            pass


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("web_chat_entries", recreate="always"):
            pass
