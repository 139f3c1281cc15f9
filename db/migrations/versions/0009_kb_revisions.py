"""The console's saved knowledge-base revisions: every process polls the newest and
rebuilds its matcher from it, and each row says who changed what and when.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 11:35:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "kb_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("author_officer_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("entry_id", sa.String(length=128), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_officer_id"],
            ["officers.id"],
            name=op.f("fk_kb_revisions_author_officer_id_officers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kb_revisions")),
    )


def downgrade() -> None:
    op.drop_table("kb_revisions")
