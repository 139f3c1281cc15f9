"""Web chat: workers' browser sessions, recovery codes, conversation entries and photos.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_chat_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_chat_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_chat_sessions_token_hash")),
    )
    op.create_index(
        op.f("ix_web_chat_sessions_user_id"), "web_chat_sessions", ["user_id"], unique=False
    )
    op.create_table(
        "web_chat_recovery",
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_web_chat_recovery")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_web_chat_recovery_code_hash")),
    )
    op.create_table(
        "web_chat_entries",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_chat_entries")),
    )
    op.create_index("ix_web_chat_entries_user", "web_chat_entries", ["user_id", "id"])
    op.create_table(
        "web_chat_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("mime_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_chat_files")),
        sa.UniqueConstraint("token", name=op.f("uq_web_chat_files_token")),
    )
    op.create_index(op.f("ix_web_chat_files_user_id"), "web_chat_files", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_web_chat_files_user_id"), table_name="web_chat_files")
    op.drop_table("web_chat_files")
    op.drop_index("ix_web_chat_entries_user", table_name="web_chat_entries")
    op.drop_table("web_chat_entries")
    op.drop_table("web_chat_recovery")
    op.drop_index(op.f("ix_web_chat_sessions_user_id"), table_name="web_chat_sessions")
    op.drop_table("web_chat_sessions")
