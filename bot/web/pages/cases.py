"""Collective cases at /cases/NUMBER: the case's tickets, adding and removing tickets, and
answering or resolving the whole case once; a case is opened from a ticket's page.

A case the officer may not see (it does not exist, or has a ticket outside their queues)
is 404. Each form carries the version of the case the officer was looking at; if the case
or one of its tickets changed since, nothing is done and the page comes back as it is now,
with what the officer typed kept, as on a ticket's page. The answer and the result reach
each ticket's worker through `officer_work.work_case`, each about their own ticket only.
"""

from __future__ import annotations

import hashlib
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.web.app import CONTEXT, LANG, OFFICER, actor, see_other, unit_of_work
from bot.web.render import not_found, render
from handlers.core import notices, officer_work
from handlers.core.texts import has
from handlers.tickets import cases, service
from handlers.tickets.errors import CaseNotFound, IllegalTransition, TicketError, TicketNotFound

routes = web.RouteTableDef()

# What the page confirms after a change, by the `done` in its address.
DONE = {
    "created": "web.case.done_created",
    "added": "web.case.done_added",
    "removed": "web.case.done_removed",
    "reply": "web.case.done_reply",
    "resolve": "web.case.done_resolve",
}


class _ChangedError(Exception):
    """The case is not the one the officer was looking at any more."""


def version(view: cases.CaseView) -> str:
    """Changes whenever the case or any of its tickets changes status, holder or members."""
    parts = [view.case.status.value] + [
        f"{t.id}:{t.status.value}:{t.assignee_id}:{t.updated_at.timestamp()}" for t in view.tickets
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _number(request: web.Request) -> int | None:
    value = request.match_info["number"]
    return int(value) if value.isascii() and value.isdigit() else None


def _page_values(request: web.Request, view: cases.CaseView) -> dict[str, Any]:
    lang: str = request[LANG]
    zone = ZoneInfo(request.app[CONTEXT].settings.timezone)
    now = request.app[CONTEXT].clock.now()
    return {
        "case": view.case,
        "tickets": view.tickets,
        "open_count": len(view.open_tickets),
        "version": version(view),
        "is_open": view.case.status.value == "open",
        # Catalog texts are escaped HTML already.
        "status_label": lambda status: Markup(notices.status_label(lang, status)),  # noqa: S704
        "category_label": lambda key: Markup(notices.category_label(lang, key)),  # noqa: S704
        "due_label": lambda ticket: Markup(notices.due_label(lang, ticket, zone, now)),  # noqa: S704
    }


async def _show(
    request: web.Request, number: int | None, *, status: int = 200, **extra: Any
) -> web.StreamResponse:
    async with unit_of_work(request) as session:
        try:
            if number is None:
                raise CaseNotFound(request.match_info["number"])
            view = await cases.get_case(session, actor(request), number)
        except TicketError:
            return render(request, "message.html", status=404, key="web.case.not_found")
        values = _page_values(request, view)
    return render(request, "case.html", status=status, **values, **extra)


@routes.get("/cases/{number}")
async def show(request: web.Request) -> web.StreamResponse:
    notice = DONE.get(request.query.get("done", ""))
    count = request.query.get("count", "")
    return await _show(
        request, _number(request), notice=notice, count=int(count) if count.isdigit() else 0
    )


@routes.post("/cases")
async def create(request: web.Request) -> web.StreamResponse:
    """A new case from the ticket page's form: the ticket and a title."""
    form = await request.post()
    reference = str(form.get("ticket", ""))
    now = request.app[CONTEXT].clock.now()
    try:
        async with unit_of_work(request) as session:
            ticket = await service.get_ticket(session, actor(request), reference)
            case = await cases.create_case(
                session, actor(request), ticket.id, str(form.get("title", "")), now
            )
            number = case.id
    except TicketNotFound:
        return not_found(request)
    except TicketError as exc:
        return render(request, "message.html", status=400, key=_known(request, exc))
    return see_other(f"/cases/{number}?done=created")


def _known(request: web.Request, exc: TicketError) -> str:
    return exc.key if has(request[LANG], exc.key) else "error.ticket_generic"


async def _change(
    request: web.Request, session: AsyncSession, number: int, what: str, form: Any
) -> int:
    """Do `what` to the case; how many tickets it reached (answers and results)."""
    context = request.app[CONTEXT]
    now = context.clock.now()
    view = await cases.get_case(session, actor(request), number)
    if str(form.get("seen", "")) != version(view):
        raise _ChangedError
    if what == "add":
        await cases.add_ticket(session, actor(request), number, str(form.get("ticket", "")), now)
        return 1
    if what == "remove":
        chosen = str(form.get("ticket", ""))
        ticket_id = next((t.id for t in view.tickets if t.ref == chosen), 0)
        await cases.remove_ticket(session, actor(request), number, ticket_id, now)
        return 1
    desk = officer_work.Desk(
        session=session,
        officer=request[OFFICER],
        now=now,
        zone=ZoneInfo(context.settings.timezone),
        group_lang=context.settings.default_language,
    )
    reached = await officer_work.work_case(
        desk, actor(request), what, number, str(form.get("text", ""))
    )
    return len(reached)


def _handler(what: str) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        number = _number(request)
        if number is None:
            return render(request, "message.html", status=404, key="web.case.not_found")
        form = await request.post()
        typed = {what: str(form.get("text", form.get("ticket", "")))}
        try:
            async with unit_of_work(request) as session:
                count = await _change(request, session, number, what, form)
        except CaseNotFound:
            return render(request, "message.html", status=404, key="web.case.not_found")
        except (_ChangedError, IllegalTransition):
            return await _show(request, number, status=409, changed=True, typed=typed)
        except TicketError as exc:
            return await _show(
                request, number, status=400, error=_known(request, exc), typed=typed
            )
        done = {"add": "added", "remove": "removed"}.get(what, what)
        return see_other(f"/cases/{number}?done={done}&count={count}")

    return handle


routes.post("/cases/{number}/add")(_handler("add"))
routes.post("/cases/{number}/remove")(_handler("remove"))
for _verb in officer_work.CASE_VERBS:
    routes.post(f"/cases/{{number}}/{_verb}")(_handler(_verb))
