"""Console sign-in rows: one-time links, browser sessions, failed attempts by address."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import LoginLink, Officer, SigninFailure, WebSession


def add_link(
    session: AsyncSession, officer_id: int, token_hash: str, now: datetime, expires_at: datetime
) -> None:
    session.add(
        LoginLink(
            officer_id=officer_id, token_hash=token_hash, created_at=now, expires_at=expires_at
        )
    )


async def find_link(session: AsyncSession, token_hash: str) -> LoginLink | None:
    return await session.scalar(select(LoginLink).where(LoginLink.token_hash == token_hash))


async def use_link(session: AsyncSession, link_id: int, now: datetime) -> bool:
    """Mark the link used; False if another request used it first."""
    result = cast(
        CursorResult[Any],
        await session.execute(
            update(LoginLink)
            .where(LoginLink.id == link_id, LoginLink.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session=False)
        ),
    )
    return result.rowcount == 1


def add_session(  # noqa: PLR0917 - one row's columns
    session: AsyncSession,
    officer_id: int,
    token_hash: str,
    csrf_token: str,
    address: str | None,
    now: datetime,
) -> None:
    session.add(
        WebSession(
            officer_id=officer_id,
            token_hash=token_hash,
            csrf_token=csrf_token,
            address=address,
            created_at=now,
            last_seen_at=now,
        )
    )


async def find_session(
    session: AsyncSession, token_hash: str
) -> tuple[WebSession, Officer] | None:
    row = (
        await session.execute(
            select(WebSession, Officer)
            .join(Officer, Officer.id == WebSession.officer_id)
            .where(WebSession.token_hash == token_hash)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def touch_session(session: AsyncSession, session_id: int, now: datetime) -> None:
    await session.execute(
        update(WebSession)
        .where(WebSession.id == session_id)
        .values(last_seen_at=now)
        .execution_options(synchronize_session=False)
    )


async def delete_session(session: AsyncSession, token_hash: str) -> None:
    await session.execute(delete(WebSession).where(WebSession.token_hash == token_hash))


async def delete_sessions_of_officer(session: AsyncSession, officer_id: int) -> None:
    await session.execute(delete(WebSession).where(WebSession.officer_id == officer_id))


def add_failure(session: AsyncSession, address: str, now: datetime) -> None:
    session.add(SigninFailure(address=address, at=now))


async def failures_since(session: AsyncSession, address: str, since: datetime) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(SigninFailure)
        .where(SigninFailure.address == address, SigninFailure.at > since)
    )
    return int(count or 0)
