"""What the admin pages of outreach share: the admin check, local times typed in a
form and the audience choices.

Every request re-checks that the officer is an active admin (`authz.active_admin`);
anyone else gets 404, as for a page that does not exist.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.web.app import CONTEXT, actor
from handlers import admin
from handlers.core.texts import LANGUAGES
from handlers.tickets.authz import active_admin


class FormError(ValueError):
    """A form field an admin can correct; the message says which and how."""


async def check_admin(request: web.Request, session: AsyncSession) -> None:
    """NotAllowed (a TicketError) unless the signed-in officer is an active admin."""
    await active_admin(session, actor(request), "admin")


def number(request: web.Request) -> int:
    value = request.match_info["number"]
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else 0


def local_time(request: web.Request, typed: str) -> datetime | None:
    """A `datetime-local` field (YYYY-MM-DDTHH:MM, the union's time zone) in UTC; None
    when left empty."""
    typed = typed.strip()
    if not typed:
        return None
    zone = ZoneInfo(request.app[CONTEXT].settings.timezone)
    try:
        moment = datetime.strptime(typed.replace(" ", "T")[:16], "%Y-%m-%dT%H:%M").replace(
            tzinfo=zone
        )
    except ValueError:
        msg = f"{typed!r} is not a time (YYYY-MM-DD HH:MM)"
        raise FormError(msg) from None
    return moment.astimezone(UTC)


async def audience_choices(session: AsyncSession) -> dict[str, Any]:
    """The units and languages an announcement or survey can be sent to."""
    return {"units": await admin.list_units(session), "languages_all": LANGUAGES}


def audience(form: Any) -> dict[str, str | None]:
    unit = str(form.get("unit", "")).strip()
    language = str(form.get("language", "")).strip()
    return {"unit_key": unit or None, "language": language or None}
