from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Person, UnansweredQuestion
from db.repositories.faq_misses import record_unanswered

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


async def test_unanswered_questions_are_kept_for_the_report(session: AsyncSession) -> None:
    person = Person(platform="telegram", platform_user_id="1", chat_id="1", language="zh-CN")
    session.add(person)
    await session.flush()

    record_unanswered(
        session,
        person_id=person.id,
        language="zh-CN",
        text="丧假有几天",
        score=31.5,
        best_entry_id="annual-leave",
        now=NOW,
    )
    record_unanswered(
        session,
        person_id=None,
        language="en",
        text="x" * 10_000,
        score=0.0,
        best_entry_id=None,
        now=NOW,
    )
    await session.commit()

    rows = (
        await session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id))
    ).all()
    assert [(r.person_id, r.language, r.text, r.score, r.best_entry_id) for r in rows] == [
        (person.id, "zh-CN", "丧假有几天", 31.5, "annual-leave"),
        (None, "en", "x" * 10_000, 0.0, None),
    ]
    assert rows[0].created_at == NOW
