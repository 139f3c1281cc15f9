"""Knowledge-base figures: answered questions with the person's feedback, and whether a
miss was offered suggestions.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.add_column(sa.Column("band", sa.String(length=16), nullable=True))
    op.create_table(
        "faq_answers",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("entry_id", sa.String(length=128), nullable=False),
        sa.Column("via", sa.String(length=16), nullable=False),
        sa.Column("helpful", sa.Boolean(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_faq_answers_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_faq_answers")),
    )
    op.create_index("ix_faq_answers_person", "faq_answers", ["person_id", "entry_id"])


def downgrade() -> None:
    op.drop_index("ix_faq_answers_person", table_name="faq_answers")
    op.drop_table("faq_answers")
    with op.batch_alter_table("unanswered_questions") as batch:
        batch.drop_column("band")
