"""The worker's own data: when a person was erased, when a ticket's worker content was
purged, and an index for retention's search of tickets closed long ago.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_tickets_closed_at", "tickets", ["closed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tickets_closed_at", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("purged_at")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("erased_at")
