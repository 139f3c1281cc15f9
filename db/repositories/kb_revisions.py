"""Saved versions of the console's knowledge-base file: the newest id is the version every
process answers from."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import KnowledgeBaseRevision, Officer


async def add_revision(
    session: AsyncSession,
    *,
    content: str,
    author_officer_id: int | None,
    action: str,
    entry_id: str | None,
    now: datetime,
) -> int:
    revision = KnowledgeBaseRevision(
        content=content,
        author_officer_id=author_officer_id,
        action=action,
        entry_id=entry_id,
        created_at=now,
    )
    session.add(revision)
    await session.flush()
    return revision.id


async def latest_id(session: AsyncSession) -> int | None:
    """The current version; cheap enough to poll every few seconds from every process."""
    found: int | None = await session.scalar(select(func.max(KnowledgeBaseRevision.id)))
    return found


async def latest(session: AsyncSession) -> KnowledgeBaseRevision | None:
    return await session.scalar(
        select(KnowledgeBaseRevision).order_by(KnowledgeBaseRevision.id.desc()).limit(1)
    )


async def history(
    session: AsyncSession, limit: int = 50
) -> Sequence[tuple[KnowledgeBaseRevision, str | None]]:
    """The newest revisions first, each with its author's name."""
    rows = await session.execute(
        select(KnowledgeBaseRevision, Officer.name)
        .outerjoin(Officer, Officer.id == KnowledgeBaseRevision.author_officer_id)
        .order_by(KnowledgeBaseRevision.id.desc())
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]
