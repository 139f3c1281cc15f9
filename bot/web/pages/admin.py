"""Admin pages at /admin: officers (add with the invite code shown once, deactivate,
activate, queues), units and queues (add), saved replies (add, remove), and the routing
rules in force (read-only).

Every request re-checks that the officer is an active admin (`authz.active_admin`);
anyone else gets 404, as for a page that does not exist. The work is done by the same
use cases as `workerbot officer|unit|queue ...` (handlers.admin).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from markupsafe import Markup
from multidict import MultiDictProxy
from sqlalchemy.ext.asyncio import AsyncSession

from bot.web.app import CONTEXT, LANG, actor, unit_of_work
from bot.web.render import not_found, render
from db.models import UnitKind
from handlers import admin, saved_replies
from handlers.core.texts import t
from handlers.tickets.authz import active_admin
from handlers.tickets.errors import TicketError

routes = web.RouteTableDef()


async def _values(request: web.Request, session: AsyncSession) -> dict[str, Any]:
    return {
        "officers": await admin.list_officers(session),
        "units": await admin.list_units(session),
        "queues": await admin.list_queues(session),
        "unit_kinds": [kind.value for kind in UnitKind],
        "rules": request.app[CONTEXT].routing.rules,
        "saved": await saved_replies.list_replies(session, actor(request)),
    }


async def _page(request: web.Request, *, status: int = 200, **extra: Any) -> web.StreamResponse:
    async with unit_of_work(request) as session:
        try:
            await active_admin(session, actor(request), "admin")
        except TicketError:
            return not_found(request)
        values = await _values(request, session)
    return render(request, "admin.html", status=status, **values, **extra)


@routes.get("/admin")
async def show(request: web.Request) -> web.StreamResponse:
    return await _page(request)


def _number(request: web.Request) -> int:
    value = request.match_info["number"]
    return int(value) if value.isascii() and value.isdigit() else 0


def _unit_kind(value: str) -> UnitKind:
    try:
        return UnitKind(value)
    except ValueError:
        msg = f"unknown unit kind {value!r}"
        raise admin.AdminError(msg, "admin.error.unknown_kind") from None


async def _change(request: web.Request, form: MultiDictProxy[Any], what: str) -> dict[str, Any]:
    """Do the admin change `what` from the form; what the page should say about it."""
    now = request.app[CONTEXT].clock.now()
    async with unit_of_work(request) as session:
        await active_admin(session, actor(request), "admin")
        if what == "add_officer":
            officer, code = await admin.add_officer(
                session,
                name=str(form.get("name", "")),
                queue_keys=[str(key) for key in form.getall("queue", [])] or ["default"],
                is_admin=form.get("admin") == "1",
                now=now,
            )
            return {"done": "web.admin.officer_added", "name": officer.name, "code": code}
        if what == "add_unit":
            unit = await admin.add_unit(
                session,
                str(form.get("key", "")).strip(),
                str(form.get("name", "")),
                _unit_kind(str(form.get("kind", ""))),
                parent_key=str(form.get("parent", "")) or None,
            )
            return {"done": "web.admin.unit_added", "name": unit.name}
        if what == "add_queue":
            queue = await admin.add_queue(
                session,
                str(form.get("key", "")).strip(),
                str(form.get("name", "")),
                str(form.get("unit", "")),
            )
            return {"done": "web.admin.queue_added", "name": queue.name}
        if what == "add_saved":
            reply = await saved_replies.add_reply(
                session,
                actor(request),
                language=str(form.get("language", "")),
                title=str(form.get("title", "")),
                body=str(form.get("body", "")),
            )
            return {"done": "web.admin.saved_added", "name": reply.title}
        if what == "remove_saved":
            await saved_replies.remove_reply(session, actor(request), _number(request))
            return {"done": "web.admin.saved_removed", "name": ""}
        officer_id = _number(request)
        if what == "deactivate":
            officer = await admin.deactivate_officer(session, officer_id)
            return {"done": "web.admin.deactivated", "name": officer.name}
        if what == "activate":
            officer, code = await admin.activate_officer(session, officer_id, now=now)
            return {"done": "web.admin.activated", "name": officer.name, "code": code}
        current = {q.key for q in (await admin.officer_with_queues(session, officer_id)).queues}
        wanted = {str(key) for key in form.getall("queue", [])}
        change = await admin.change_officer_queues(
            session, officer_id, add=sorted(wanted - current), remove=sorted(current - wanted)
        )
        return {"done": "web.admin.queues_changed", "name": change.officer.name}


def _handler(what: str) -> Any:
    async def handle(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        try:
            said = await _change(request, form, what)
        except TicketError:
            return not_found(request)
        except admin.AdminError as exc:
            # In the page's language, from the catalogs; the English message is the CLI's.
            problem = Markup(t(request[LANG], exc.key, **exc.params))  # noqa: S704 - escaped
            return await _page(request, status=400, problem=problem)
        return await _page(request, **said)

    return handle


routes.post("/admin/officers")(_handler("add_officer"))
routes.post("/admin/units")(_handler("add_unit"))
routes.post("/admin/queues")(_handler("add_queue"))
routes.post("/admin/officers/{number}/deactivate")(_handler("deactivate"))
routes.post("/admin/officers/{number}/activate")(_handler("activate"))
routes.post("/admin/officers/{number}/queues")(_handler("queues"))
routes.post("/admin/saved")(_handler("add_saved"))
routes.post("/admin/saved/{number}/remove")(_handler("remove_saved"))
