"""Surveys, who may answer and who has, unfinished answers, and the stored answers.

What a person answered and that they answered are kept in tables with nothing in common
but the survey: `SurveyParticipant` (person, no time) and `SurveyResponse` (a random id,
no person, no time). Both are written in the same transaction, so not even the order of
ids or times ties one to the other.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Announcement,
    AnnouncementRecipient,
    OutboxMessage,
    Survey,
    SurveyDraft,
    SurveyParticipant,
    SurveyResponse,
    SurveyStatus,
)


async def all_surveys(session: AsyncSession) -> list[Survey]:
    return list(await session.scalars(select(Survey).order_by(Survey.id.desc())))


async def open_past(session: AsyncSession, now: Any) -> list[Survey]:
    """Open surveys whose closing time has passed."""
    return list(
        await session.scalars(
            select(Survey).where(Survey.status == SurveyStatus.OPEN, Survey.closes_at <= now)
        )
    )


async def invitation(session: AsyncSession, survey_id: int) -> Announcement | None:
    """The announcement that invites workers to the survey (None while it is a draft)."""
    found: Announcement | None = await session.scalar(
        select(Announcement)
        .where(Announcement.survey_id == survey_id)
        .order_by(Announcement.id)
        .limit(1)
    )
    return found


async def is_invited(session: AsyncSession, survey_id: int, person_id: int) -> bool:
    """Whether the person is among the recipients of the survey's invitation."""
    found = await session.scalar(
        select(
            exists().where(
                AnnouncementRecipient.person_id == person_id,
                AnnouncementRecipient.announcement_id == Announcement.id,
                Announcement.survey_id == survey_id,
            )
        )
    )
    return bool(found)


async def has_answered(session: AsyncSession, survey_id: int, person_id: int) -> bool:
    found = await session.get(SurveyParticipant, (survey_id, person_id))
    return found is not None


async def draft(session: AsyncSession, survey_id: int, person_id: int) -> SurveyDraft:
    """The person's unfinished answers, made empty if there are none."""
    found = await session.get(SurveyDraft, (survey_id, person_id))
    if found is None:
        found = SurveyDraft(survey_id=survey_id, person_id=person_id, answers={})
        session.add(found)
        await session.flush()
    return found


async def finish(
    session: AsyncSession, survey_id: int, person_id: int, answers: dict[str, Any]
) -> None:
    """Store the answers under a random id, mark the person as having answered, and drop
    their draft."""
    session.add(SurveyResponse(id=secrets.token_hex(16), survey_id=survey_id, answers=answers))
    session.add(SurveyParticipant(survey_id=survey_id, person_id=person_id))
    await session.execute(
        delete(SurveyDraft).where(
            SurveyDraft.survey_id == survey_id, SurveyDraft.person_id == person_id
        )
    )
    await session.flush()


async def drop_drafts(session: AsyncSession, survey_id: int) -> None:
    """Unfinished answers of a closed survey: never counted, so not kept."""
    await session.execute(delete(SurveyDraft).where(SurveyDraft.survey_id == survey_id))


async def responses(session: AsyncSession, survey_id: int) -> list[dict[str, Any]]:
    """The answers, in the order of their random ids (which says nothing)."""
    rows = await session.scalars(
        select(SurveyResponse.answers)
        .where(SurveyResponse.survey_id == survey_id)
        .order_by(SurveyResponse.id)
    )
    return list(rows)


async def count_responses(session: AsyncSession, survey_id: int) -> int:
    count = await session.scalar(select(func.count()).where(SurveyResponse.survey_id == survey_id))
    return int(count or 0)


async def participated(session: AsyncSession, person_id: int) -> list[tuple[Survey, bool]]:
    """The surveys the person answered (True) or began to (False), newest first."""
    done = await session.scalars(
        select(Survey)
        .join(SurveyParticipant, SurveyParticipant.survey_id == Survey.id)
        .where(SurveyParticipant.person_id == person_id)
    )
    begun = await session.scalars(
        select(Survey)
        .join(SurveyDraft, SurveyDraft.survey_id == Survey.id)
        .where(SurveyDraft.person_id == person_id)
    )
    found = [(s, True) for s in done] + [(s, False) for s in begun]
    return sorted(found, key=lambda pair: -pair[0].id)


async def messages_containing(
    session: AsyncSession, person_id: int, marker: str
) -> list[OutboxMessage]:
    """Outbox rows to the person whose payload contains `marker`."""
    return list(
        await session.scalars(
            select(OutboxMessage).where(
                OutboxMessage.person_id == person_id,
                OutboxMessage.payload.contains(marker, autoescape=True),
            )
        )
    )
