"""Outbox index for the per-chat order of claims.

A row is claimed only when its chat has no older pending row; this index answers that
lookup without reading the chat's sent history.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 12:47:45.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_outbox_chat", "outbox", ["platform", "chat_id", "status", "id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_chat", table_name="outbox")
