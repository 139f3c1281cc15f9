"""Officers' groups: the messenger of a queue's group, and the group of a ticket's topic.

A ticket's topic is looked up by (group chat, thread) for every officer message written
in a group, hence the index.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("queues") as batch:
        batch.add_column(sa.Column("group_platform", sa.String(length=32), nullable=True))
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(sa.Column("topic_chat_id", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_tickets_topic", "tickets", ["topic_chat_id", "topic_thread_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_topic", table_name="tickets")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("topic_chat_id")
    with op.batch_alter_table("queues") as batch:
        batch.drop_column("group_platform")
