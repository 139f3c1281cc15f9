"""Announcements: the announcements, their recipients (once per person), the workers'
subscription, and an outbox priority so announcements go after conversation messages.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing rows get a value through a server default, dropped again: the models set it.
    with op.batch_alter_table("people") as batch:
        batch.add_column(
            sa.Column("subscribed", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("people") as batch:
        batch.alter_column("subscribed", server_default=None)
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("priority", sa.Integer(), nullable=False, server_default=sa.text("0"))
        )
    with op.batch_alter_table("outbox") as batch:
        batch.alter_column("priority", server_default=None)
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("photo", sa.String(length=1024), nullable=True),
        sa.Column("links", sa.JSON(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("send_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["units.id"], name=op.f("fk_announcements_unit_id_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_table(
        "announcement_recipients",
        sa.Column("announcement_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column(
            "outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_recipients_announcement_id_announcements"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_announcement_recipients_person_id_people"),
        ),
        sa.PrimaryKeyConstraint(
            "announcement_id", "person_id", name=op.f("pk_announcement_recipients")
        ),
    )
    op.create_index(
        "ix_announcement_recipients_status",
        "announcement_recipients",
        ["announcement_id", "status"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_announcement_recipients_status", table_name="announcement_recipients")
    op.drop_table("announcement_recipients")
    op.drop_table("announcements")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("priority")
    with op.batch_alter_table("people") as batch:
        batch.drop_column("subscribed")
