"""Surveys: the surveys, who has answered (apart from the answers), the answers under
random ids, unfinished answers, and the announcement that invites to a survey.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("intro", sa.Text(), nullable=False),
        sa.Column("questions", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("closes_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
    )
    op.create_table(
        "survey_participants",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_participants_survey_id_surveys")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_survey_participants_person_id_people")
        ),
        sa.PrimaryKeyConstraint("survey_id", "person_id", name=op.f("pk_survey_participants")),
    )
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_responses_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_survey_responses")),
    )
    op.create_index(
        op.f("ix_survey_responses_survey_id"), "survey_responses", ["survey_id"], unique=False
    )
    op.create_table(
        "survey_drafts",
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_survey_drafts_survey_id_surveys")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_survey_drafts_person_id_people")
        ),
        sa.PrimaryKeyConstraint("survey_id", "person_id", name=op.f("pk_survey_drafts")),
    )
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("survey_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_announcements_survey_id_surveys"), "surveys", ["survey_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.drop_constraint(op.f("fk_announcements_survey_id_surveys"), type_="foreignkey")
        batch.drop_column("survey_id")
    op.drop_table("survey_drafts")
    op.drop_index(op.f("ix_survey_responses_survey_id"), table_name="survey_responses")
    op.drop_table("survey_responses")
    op.drop_table("survey_participants")
    op.drop_table("surveys")
