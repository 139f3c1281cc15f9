"""What the admin pages of outreach share: the admin check, a change made by an admin,
local times typed in a form and the audience choices.

Every request re-checks that the officer is an active admin (`authz.active_admin`);
anyone else gets 404, as for a page that does not exist.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.web.app import CONTEXT, actor, see_other, unit_of_work
from bot.web.render import not_found
from handlers import admin
from handlers.core.texts import LANGUAGES
from handlers.tickets.authz import active_admin
from handlers.tickets.errors import TicketError

# A page shown again, with `problem` said, when a change was refused.
Again = Callable[..., Awaitable[web.StreamResponse]]


class FormError(ValueError):
    """A form field an admin can correct; the message says which and how."""


async def check_admin(request: web.Request, session: AsyncSession) -> None:
    """NotAllowed (a TicketError) unless the signed-in officer is an active admin."""
    await active_admin(session, actor(request), "admin")


async def admin_change(
    request: web.Request,
    change: Callable[[AsyncSession, datetime], Awaitable[object]],
    *,
    refused: type[Exception] | tuple[type[Exception], ...],
    again: Again,
    done: str,
) -> web.StreamResponse:
    """Make `change` as the signed-in admin and go to `done`; a `refused` error shows the
    page again with status 400 and what was wrong, nothing changed."""
    now = request.app[CONTEXT].clock.now()
    try:
        async with unit_of_work(request) as session:
            await check_admin(request, session)
            await change(session, now)
    except TicketError:
        return not_found(request)
    except refused as exc:
        return await again(request, status=400, problem=str(exc))
    return see_other(done)


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
