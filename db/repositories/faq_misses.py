"""Questions the knowledge base could not answer, kept for the knowledge-base report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import UnansweredQuestion


def record_unanswered(
    session: AsyncSession,
    *,
    person_id: int | None,
    language: str,
    text: str,
    score: float,
    best_entry_id: str | None,
    now: datetime,
) -> None:
    session.add(
        UnansweredQuestion(
            person_id=person_id,
            language=language,
            text=text,
            score=score,
            best_entry_id=best_entry_id,
            created_at=now,
        )
    )
