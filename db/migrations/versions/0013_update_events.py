"""Processed updates remember what each update carried, so an update id Telegram gives out
again (after a week without updates, or with a new token) is not taken for a duplicate.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rows already there get "" (their event unknown: a redelivery of them is still one),
    # through a server default dropped again: the models set it.
    with op.batch_alter_table("processed_updates") as batch:
        batch.add_column(
            sa.Column("event", sa.String(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("processed_updates") as batch:
        batch.alter_column("event", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("processed_updates") as batch:
        batch.drop_column("event")
