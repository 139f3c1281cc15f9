"""Announcements in the console at /announcements (admins only): write one (text, an
optional photo, link buttons), choose who gets it and when, follow its progress (the
page refreshes itself), pause, resume or cancel it.

The same use cases as `workerbot announce ...` (handlers.announcements); the running bot
sends it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession

from bot.web.app import CONTEXT, see_other, unit_of_work
from bot.web.pages.outreach import (
    FormError,
    admin_change,
    audience,
    audience_choices,
    check_admin,
    local_time,
    number,
)
from bot.web.render import not_found, render
from db.models import AnnouncementStatus
from handlers import announcements
from handlers.announcements import AnnouncementError
from handlers.tickets.errors import TicketError

routes = web.RouteTableDef()
# Link buttons the form offers.
LINK_FIELDS = 3
_MOVES = {
    AnnouncementStatus.SCHEDULED: ("pause", "cancel"),
    AnnouncementStatus.SENDING: ("pause", "cancel"),
    AnnouncementStatus.PAUSED: ("resume", "cancel"),
}


async def _page(request: web.Request, *, status: int = 200, **extra: Any) -> web.StreamResponse:
    async with unit_of_work(request) as session:
        try:
            await check_admin(request, session)
        except TicketError:
            return not_found(request)
        shown = [
            await announcements.progress(session, a.id)
            for a in reversed(await announcements.list_all(session))
        ]
        choices = await audience_choices(session)
    extra.setdefault("typed", {})
    return render(
        request,
        "announcements.html",
        status=status,
        shown=shown,
        moves=_MOVES,
        link_fields=range(1, LINK_FIELDS + 1),
        **choices,
        **extra,
    )


@routes.get("/announcements")
async def show(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@routes.post("/announcements")
async def write(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    now = request.app[CONTEXT].clock.now()
    links = [
        (str(form.get(f"label{i}", "")).strip(), str(form.get(f"url{i}", "")).strip())
        for i in range(1, LINK_FIELDS + 1)
    ]
    try:
        at = local_time(request, str(form.get("at", "")))
        async with unit_of_work(request) as session:
            await check_admin(request, session)
            made = await announcements.create(
                session,
                text=str(form.get("text", "")),
                photo=str(form.get("photo", "")).strip() or None,
                links=[(label, url) for label, url in links if label or url],
                send_at=at or now,
                now=now,
                **audience(form),
            )
    except TicketError:
        return not_found(request)
    except (AnnouncementError, FormError) as exc:
        return await _page(request, status=400, problem=str(exc), typed=dict(form))
    return see_other(f"/announcements#announcement-{made.id}")


def _mover(verb: str) -> Any:
    use_case = {
        "pause": announcements.pause,
        "resume": announcements.resume,
        "cancel": announcements.cancel,
    }[verb]

    async def move(request: web.Request) -> web.StreamResponse:
        async def change(session: AsyncSession, now: datetime) -> None:
            await use_case(session, number(request), now)

        return await admin_change(
            request,
            change,
            refused=AnnouncementError,
            again=_page,
            done=f"/announcements#announcement-{number(request)}",
        )

    return move


for _verb in ("pause", "resume", "cancel"):
    routes.post(f"/announcements/{{number}}/{_verb}")(_mover(_verb))
