"""Who a web chat worker is: a cookie session, and a recovery code to take it elsewhere.

No sign-up: the first visit makes a session whose cookie names a new identity (a person's
id on the "web" platform, bot.transports.web). After their first ticket the worker is
shown a recovery code once, like a receipt; entering it in another browser moves that
browser's session to the same identity, so the conversation and the tickets follow. Only
the hashes of the cookie token and of the code are stored. A worker who loses the code
can still ask for a new one while their session lives; the union's side loses nothing.

The code is 12 characters of Crockford's base32 (60 bits), shown in groups of four;
typing is forgiving (case, spaces and dashes, O for 0, I and L for 1). Guessing is held
back by the per-address limit on attempts (bot.web.pages.chat).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.transports.web import PLATFORM, new_user_id
from db.models import WebChatSession
from db.repositories import web_chat

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_CODE_LENGTH = 12
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(session: AsyncSession, address: str, now: datetime) -> tuple[str, WebChatSession]:
    """A new browser session for a new identity; returns the cookie token and the row."""
    token = secrets.token_urlsafe(32)
    row = web_chat.add_session(
        session, _hash(token), new_user_id(), secrets.token_urlsafe(32), address, now
    )
    return token, row


async def find(session: AsyncSession, token: str) -> WebChatSession | None:
    if not token:
        return None
    return await web_chat.find_session(session, _hash(token))


def new_code() -> str:
    raw = "".join(secrets.choice(_ALPHABET) for _ in range(_CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


def normalise(typed: str) -> str | None:
    """The code as issued, or None if `typed` cannot be one."""
    raw = "".join(c for c in typed.upper() if c not in " -").translate(_TYPO)
    if len(raw) != _CODE_LENGTH or any(c not in _ALPHABET for c in raw):
        return None
    return "-".join(raw[i : i + 4] for i in range(0, _CODE_LENGTH, 4))


async def code_if_due(session: AsyncSession, user_id: str, now: datetime) -> str | None:
    """A recovery code to show now: once, after the identity's first ticket."""
    if await web_chat.has_recovery(session, user_id):
        return None
    if not await web_chat.has_ticket(session, PLATFORM, user_id):
        return None
    return await replace_code(session, user_id, now)


async def replace_code(session: AsyncSession, user_id: str, now: datetime) -> str:
    """A new code for the identity; the old one no longer works."""
    code = new_code()
    await web_chat.set_recovery(session, user_id, _hash(code), now)
    return code


async def recover(session: AsyncSession, chat_session: WebChatSession, typed: str) -> bool:
    """Move the browser session to the identity the code names; False if it names none."""
    code = normalise(typed)
    if code is None:
        return False
    found = await web_chat.find_recovery(session, _hash(code))
    if found is None:
        return False
    await web_chat.move_session(session, chat_session.id, found.user_id)
    return True
