"""Merging duplicate tickets and collective cases: the ticket a duplicate was merged
into, the cases, and the case each ticket is worked in.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 14:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["officers.id"], name=op.f("fk_cases_created_by_id_officers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
    )
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(
            sa.Column(
                "merged_into_id",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_tickets_merged_into_id_tickets"), "tickets", ["merged_into_id"], ["id"]
        )
        batch.create_foreign_key(op.f("fk_tickets_case_id_cases"), "cases", ["case_id"], ["id"])
        batch.create_index(op.f("ix_tickets_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_index(op.f("ix_tickets_case_id"))
        batch.drop_constraint(op.f("fk_tickets_case_id_cases"), type_="foreignkey")
        batch.drop_constraint(op.f("fk_tickets_merged_into_id_tickets"), type_="foreignkey")
        batch.drop_column("case_id")
        batch.drop_column("merged_into_id")
    op.drop_table("cases")
