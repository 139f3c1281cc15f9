"""Console sign-in: one-time links instead of passwords, and browser sessions.

An officer gets a link from `workerbot officer login-link ID` or by sending /web to the
bot. The link works once, for `LINK_VALID_FOR`, and only while the officer is active; the
database keeps only hashes of link and session tokens, so a dump signs nobody in. A link
that does not work says which way it failed (forged, used, expired) so the officer knows
to ask for a new one; an address with `MAX_FAILURES` failed links within
`FAILURE_WINDOW` is refused without looking the link up, which makes guessing useless.

A session is a row: it ends on logout, after `idle` without a request, and at once when
the officer is deactivated (the officer's `active` flag is read on every request, and
deactivation deletes the rows). Use cases flush; the caller commits.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer
from db.repositories import web_sessions as repo
from handlers.admin import AdminError

LINK_VALID_FOR = timedelta(minutes=10)
MAX_FAILURES = 10
FAILURE_WINDOW = timedelta(minutes=15)
# Writing last-seen on every request would make each page view a write; a minute's
# precision is plenty for an idle timeout counted in minutes or hours.
TOUCH_EVERY = timedelta(minutes=1)
LINK_PATH = "/signin/"


class LinkProblem(enum.StrEnum):
    FORGED = "forged"
    USED = "used"
    EXPIRED = "expired"
    INACTIVE = "inactive"
    THROTTLED = "throttled"


@dataclass(frozen=True, slots=True)
class SignedIn:
    officer_id: int
    # For the cookie only: never stored, never logged.
    session_token: str


@dataclass(frozen=True, slots=True)
class Current:
    """The officer behind a session cookie, and the session's CSRF token."""

    officer: Officer
    csrf_token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def link_url(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + LINK_PATH + token


async def issue_link(session: AsyncSession, officer_id: int, now: datetime) -> str:
    """A fresh one-time token for an active officer (AdminError otherwise)."""
    officer = await session.get(Officer, officer_id)
    if officer is None:
        msg = f"no officer #{officer_id}"
        raise AdminError(msg, "admin.error.unknown_officer", number=officer_id)
    if not officer.active:
        msg = f"officer #{officer.id} ({officer.name}) is deactivated"
        raise AdminError(msg, "admin.error.inactive", name=officer.name)
    token = secrets.token_urlsafe(32)
    repo.add_link(session, officer.id, _hash(token), now, now + LINK_VALID_FOR)
    await session.flush()
    return token


async def redeem_link(
    session: AsyncSession, token: str, *, address: str, now: datetime
) -> SignedIn | LinkProblem:
    """Start a session from a link, or say why the link does not work."""
    if await repo.failures_since(session, address, now - FAILURE_WINDOW) >= MAX_FAILURES:
        return LinkProblem.THROTTLED
    link = await repo.find_link(session, _hash(token)) if len(token) <= 128 else None
    problem: LinkProblem | None = None
    if link is None:
        problem = LinkProblem.FORGED
    elif link.used_at is not None:
        problem = LinkProblem.USED
    elif link.expires_at <= now:
        problem = LinkProblem.EXPIRED
    else:
        officer = await session.get(Officer, link.officer_id)
        if officer is None or not officer.active:
            problem = LinkProblem.INACTIVE
        elif not await repo.use_link(session, link.id, now):
            problem = LinkProblem.USED
    if problem is not None or link is None:
        repo.add_failure(session, address, now)
        await session.flush()
        return problem or LinkProblem.FORGED
    session_token = secrets.token_urlsafe(32)
    repo.add_session(
        session, link.officer_id, _hash(session_token), secrets.token_urlsafe(32), address, now
    )
    await session.flush()
    return SignedIn(link.officer_id, session_token)


async def current(
    session: AsyncSession,
    session_token: str,
    *,
    now: datetime,
    idle: timedelta,
    touch: bool = True,
) -> Current | None:
    """The active officer signed in with this token, or None (and an idle session ends).

    With `touch` the request counts as activity and keeps the session alive."""
    if not session_token or len(session_token) > 128:
        return None
    token_hash = _hash(session_token)
    found = await repo.find_session(session, token_hash)
    if found is None:
        return None
    row, officer = found
    if not officer.active or row.last_seen_at + idle <= now:
        await repo.delete_session(session, token_hash)
        return None
    if touch and row.last_seen_at + TOUCH_EVERY <= now:
        await repo.touch_session(session, row.id, now)
    return Current(officer, row.csrf_token)


async def sign_out(session: AsyncSession, session_token: str) -> None:
    await repo.delete_session(session, _hash(session_token))


async def end_sessions_of(session: AsyncSession, officer_id: int) -> None:
    """Sign the officer out of every browser (on deactivation)."""
    await repo.delete_sessions_of_officer(session, officer_id)
