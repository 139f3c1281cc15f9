"""What the knowledge base did with each question: misses (with or without suggestions)
and answers (with the person's helpful / not helpful feedback), kept for the reports and
for turning misses into answers. The rows of each question are queued in the session
(`db.queued`), written before its next statement or at its commit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db import queued
from db.models import FaqAnswer, UnansweredQuestion

# Built once: every question writes one of them (queued, see `db.queued`).
_UNANSWERED = insert(UnansweredQuestion)
_ANSWERED = insert(FaqAnswer)


def record_unanswered(
    session: AsyncSession,
    *,
    person_id: int | None,
    language: str,
    text: str,
    score: float,
    best_entry_id: str | None,
    now: datetime,
    suggested: bool = False,
) -> None:
    queued.queue(
        session,
        _UNANSWERED,
        {
            "person_id": person_id,
            "language": language,
            "text": text,
            "score": score,
            "best_entry_id": best_entry_id,
            "band": "suggest" if suggested else "none",
            "created_at": now,
        },
    )


def record_answer(
    session: AsyncSession,
    *,
    person_id: int | None,
    language: str,
    text: str,
    entry_id: str,
    via: str,
    now: datetime,
) -> None:
    queued.queue(
        session,
        _ANSWERED,
        {
            "person_id": person_id,
            "language": language,
            "text": text,
            "entry_id": entry_id,
            "via": via,
            "created_at": now,
        },
    )


async def record_feedback(
    session: AsyncSession, *, person_id: int, entry_id: str, helpful: bool
) -> bool:
    """Marks the person's latest answer from `entry_id`; False when there is none.

    A second press on the same answer's buttons changes the verdict: the person's last
    word counts.
    """
    answer = await session.scalar(
        select(FaqAnswer)
        .where(FaqAnswer.person_id == person_id, FaqAnswer.entry_id == entry_id)
        .order_by(FaqAnswer.id.desc())
        .limit(1)
    )
    if answer is None:
        return False
    answer.helpful = helpful
    await session.flush()
    return True
