"""Web chat rows: browser sessions, recovery codes, conversation entries and photos."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Ticket, WebChatEntry, WebChatFile, WebChatRecovery, WebChatSession
from db.repositories.people import find_person


def add_session(  # noqa: PLR0917 - one row's columns
    session: AsyncSession,
    token_hash: str,
    user_id: str,
    csrf_token: str,
    address: str | None,
    now: datetime,
) -> WebChatSession:
    row = WebChatSession(
        token_hash=token_hash,
        user_id=user_id,
        csrf_token=csrf_token,
        address=address,
        created_at=now,
        last_seen_at=now,
    )
    session.add(row)
    return row


async def find_session(session: AsyncSession, token_hash: str) -> WebChatSession | None:
    return await session.scalar(
        select(WebChatSession).where(WebChatSession.token_hash == token_hash)
    )


async def move_session(session: AsyncSession, session_id: int, user_id: str) -> None:
    await session.execute(
        update(WebChatSession)
        .where(WebChatSession.id == session_id)
        .values(user_id=user_id)
        .execution_options(synchronize_session=False)
    )


async def find_recovery(session: AsyncSession, code_hash: str) -> WebChatRecovery | None:
    return await session.scalar(
        select(WebChatRecovery).where(WebChatRecovery.code_hash == code_hash)
    )


async def has_recovery(session: AsyncSession, user_id: str) -> bool:
    return await session.get(WebChatRecovery, user_id) is not None


async def set_recovery(session: AsyncSession, user_id: str, code_hash: str, now: datetime) -> None:
    row = await session.get(WebChatRecovery, user_id)
    if row is None:
        session.add(WebChatRecovery(user_id=user_id, code_hash=code_hash, created_at=now))
    else:
        row.code_hash = code_hash
        row.created_at = now
    await session.flush()


async def has_ticket(session: AsyncSession, platform: str, user_id: str) -> bool:
    person = await find_person(session, platform, user_id)
    if person is None:
        return False
    found = await session.scalar(select(Ticket.id).where(Ticket.worker_id == person.id).limit(1))
    return found is not None


async def add_entry(
    session: AsyncSession, user_id: str, kind: str, payload: str, now: datetime
) -> WebChatEntry:
    entry = WebChatEntry(user_id=user_id, kind=kind, payload=payload, created_at=now)
    session.add(entry)
    await session.flush()
    return entry


async def get_entry(session: AsyncSession, user_id: str, entry_id: int) -> WebChatEntry | None:
    """The entry if it belongs to `user_id`'s conversation."""
    entry = await session.get(WebChatEntry, entry_id)
    return entry if entry is not None and entry.user_id == user_id else None


async def entries_after(
    session: AsyncSession, user_id: str, after: int, limit: int
) -> Sequence[WebChatEntry]:
    """Up to `limit` entries newer than `after`, oldest first."""
    return (
        await session.scalars(
            select(WebChatEntry)
            .where(WebChatEntry.user_id == user_id, WebChatEntry.id > after)
            .order_by(WebChatEntry.id)
            .limit(limit)
        )
    ).all()


async def recent_entries(session: AsyncSession, user_id: str, limit: int) -> list[WebChatEntry]:
    """The newest `limit` entries, oldest first."""
    rows = (
        await session.scalars(
            select(WebChatEntry)
            .where(WebChatEntry.user_id == user_id)
            .order_by(WebChatEntry.id.desc())
            .limit(limit)
        )
    ).all()
    return list(reversed(rows))


def add_file(  # noqa: PLR0917 - one row's columns
    session: AsyncSession, token: str, user_id: str, content: bytes, mime_type: str, now: datetime
) -> None:
    session.add(
        WebChatFile(
            token=token,
            user_id=user_id,
            content=content,
            mime_type=mime_type,
            size=len(content),
            created_at=now,
        )
    )


async def find_file(session: AsyncSession, token: str) -> WebChatFile | None:
    return await session.scalar(select(WebChatFile).where(WebChatFile.token == token))


async def has_file(session: AsyncSession, token: str) -> bool:
    """Whether the file is still kept, without reading its bytes."""
    found = await session.scalar(select(WebChatFile.id).where(WebChatFile.token == token))
    return found is not None
