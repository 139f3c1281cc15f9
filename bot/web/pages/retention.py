"""Retention in the console at /retention (admins only): the retention period and the
closed tickets whose worker's personal data the scheduler purges next, soonest first,
each with the day it goes (as `workerbot retention due`).
"""

from __future__ import annotations

from aiohttp import web

from bot.web.app import CONTEXT, unit_of_work
from bot.web.pages.outreach import check_admin
from bot.web.render import not_found, render
from handlers import privacy
from handlers.tickets.errors import TicketError

routes = web.RouteTableDef()
SHOWN = 100


@routes.get("/retention")
async def show(request: web.Request) -> web.StreamResponse:
    context = request.app[CONTEXT]
    days = context.settings.retention_days
    async with unit_of_work(request) as session:
        try:
            await check_admin(request, session)
        except TicketError:
            return not_found(request)
        due = await privacy.due_for_purge(session, context.clock.now(), days, limit=SHOWN)
    return render(request, "retention.html", due=due, days=days, shown_at_most=SHOWN)
