"""The inbox at /: the tickets an officer may see, filtered, searched, counted and paged.

Query parameters are the filters; one that cannot be read is ignored rather than refused,
so a hand-edited URL still shows a page.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup
from multidict import MultiMapping

from bot.web.app import CONTEXT, LANG, actor, unit_of_work
from bot.web.render import render
from db.models import TicketStatus
from handlers.categories import CATEGORIES
from handlers.core import notices
from handlers.tickets.inbox import InboxFilter, list_inbox

routes = web.RouteTableDef()

FILTER_NAMES = (
    "q", "status", "queue", "unit", "category", "assignee", "overdue", "anonymous", "from", "to",
)  # fmt: skip


def _int(value: str | None) -> int | None:
    return int(value) if value is not None and value.isascii() and value.isdigit() else None


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_filter(query: MultiMapping[str]) -> InboxFilter:
    return InboxFilter(
        status=query.get("status", "open"),
        queue_key=query.get("queue") or None,
        unit_key=query.get("unit") or None,
        category=query.get("category") or None,
        assignee_id=_int(query.get("assignee")),
        overdue=query.get("overdue") == "1",
        anonymous=query.get("anonymous") == "1",
        created_from=_day(query.get("from")),
        created_to=_day(query.get("to")),
        search=query.get("q", ""),
        page=_int(query.get("page")) or 1,
    )


@routes.get("/")
async def inbox(request: web.Request) -> web.StreamResponse:
    context = request.app[CONTEXT]
    wanted = read_filter(request.query)
    zone = ZoneInfo(context.settings.timezone)
    now = context.clock.now()
    async with unit_of_work(request) as session:
        found = await list_inbox(session, actor(request), wanted, now=now, zone=zone)
    kept = {name: request.query[name] for name in FILTER_NAMES if request.query.get(name)}

    def page_link(page: int) -> str:
        return "/?" + urlencode({**kept, "page": str(page)})

    lang: str = request[LANG]
    return render(
        request,
        "inbox.html",
        inbox=found,
        wanted=wanted,
        values=kept,
        statuses=[s.value for s in TicketStatus],
        categories=sorted(CATEGORIES),
        page_link=page_link,
        # Catalog texts are escaped HTML already.
        status_label=lambda status: Markup(notices.status_label(lang, status)),  # noqa: S704
        category_label=lambda key: Markup(notices.category_label(lang, key)),  # noqa: S704
        due_label=lambda ticket: Markup(notices.due_label(lang, ticket, zone, now)),  # noqa: S704
    )
