"""Blocks: workers an officer stopped from writing, named by the ticket they came from.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 11:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "blocks",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column(
            "ticket_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_blocks_officer_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_blocks_person_id_people")
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"], ["tickets.id"], name=op.f("fk_blocks_ticket_id_tickets")
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_blocks")),
    )
    op.create_index(op.f("ix_blocks_ticket_id"), "blocks", ["ticket_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_blocks_ticket_id"), table_name="blocks")
    op.drop_table("blocks")
