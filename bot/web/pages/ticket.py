"""One ticket at /tickets/REFERENCE: card, thread, files, audit trail, and the officer's
actions as POST forms (claim, reply, ask, note, resolve, reassign, merge into another
ticket), with the collective case it is in or a form to open one (bot.web.pages.cases).

A ticket the officer may not see is 404, exactly like one that does not exist. Each form
carries the version of the ticket the officer was looking at (its newest event); if the
ticket changed since, nothing is done and the page comes back showing the ticket as it is
now, with what the officer typed kept in its box, so of two officers acting at once one
wins and the other sees what changed and loses nothing.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.web.app import CONTEXT, LANG, OFFICER, actor, see_other, unit_of_work
from bot.web.render import not_found, render
from db.models import Ticket
from handlers import admin, saved_replies
from handlers.core import notices, officer_work
from handlers.core.texts import has, t
from handlers.tickets import cases, merging, service
from handlers.tickets.errors import IllegalTransition, TicketError, TicketNotFound
from handlers.tickets.views import officer_view

routes = web.RouteTableDef()

VERBS = ("claim", *officer_work.TEXT_VERBS)


class _ChangedError(Exception):
    """The ticket is not the one the officer was looking at any more."""


def version(ticket: Ticket) -> str:
    return str(max((event.id for event in ticket.events), default=0))


async def _page_values(
    request: web.Request, session: AsyncSession, ticket: Ticket
) -> dict[str, Any]:
    context = request.app[CONTEXT]
    lang: str = request[LANG]
    zone = ZoneInfo(context.settings.timezone)
    view = officer_view(ticket)
    names = await service.trail_names(session, ticket)
    shown, withheld = notices.shown_files(view.anonymous, view.files)
    queues = [q for q in await admin.list_queues(session) if q.id != ticket.queue_id]
    return {
        "ticket": view,
        "version": version(ticket),
        "names": names,
        "files": shown,
        "withheld": withheld,
        "queues": queues,
        "trail": notices.officer_trail(lang, ticket, names),
        "status_label": Markup(notices.status_label(lang, view.status)),  # noqa: S704
        "category_label": Markup(notices.category_label(lang, view.category)),  # noqa: S704
        "kind_label": Markup(t(lang, f"kind.{view.kind}")),  # noqa: S704
        "channel_label": Markup(notices.channel_label(lang, view.channel)),  # noqa: S704
        "fields": Markup(notices.field_lines(lang, view.category, view.fields)),  # noqa: S704
        "due": Markup(notices.due_label(lang, ticket, zone, context.clock.now())),  # noqa: S704
        "can_claim": view.status.value in {"new", "assigned", "reopened"},
        "closed": view.status.value in {"resolved", "closed"},
        "verbs_all": VERBS,
        "merged_into": await merging.merged_into_reference(session, ticket),
        "case": await cases.case_of(session, ticket),
        "saved_replies": await saved_replies.list_replies(session, actor(request)),
    }


async def _show(
    request: web.Request,
    reference: str,
    *,
    status: int = 200,
    saved: int | None = None,
    **extra: Any,
) -> web.StreamResponse:
    """The ticket page; with `saved`, that saved reply filled in, ready in the reply box."""
    async with unit_of_work(request) as session:
        try:
            ticket = await service.get_ticket(session, actor(request), reference)
            if saved is not None:
                chosen = await saved_replies.get_reply(session, actor(request), saved)
                zone = ZoneInfo(request.app[CONTEXT].settings.timezone)
                text = saved_replies.fill(chosen, ticket, request[OFFICER], zone)
                extra["typed"] = {"reply": text}
        except TicketError:
            return not_found(request)
        values = await _page_values(request, session, ticket)
    return render(request, "ticket.html", status=status, **values, **extra)


@routes.get("/tickets/{reference}")
async def show(request: web.Request) -> web.StreamResponse:
    done = request.query.get("done", "")
    notice = f"officer.done_{done}" if done in VERBS and done != "claim" else None
    if done == "claim":
        notice = "officer.claimed"
    chosen = request.query.get("saved", "")
    saved = int(chosen) if chosen.isascii() and chosen.isdigit() else None
    return await _show(request, request.match_info["reference"], notice=notice, saved=saved)


@routes.post("/tickets/{reference}/{verb}")
async def work(request: web.Request) -> web.StreamResponse:
    reference = request.match_info["reference"]
    verb = request.match_info["verb"]
    if verb not in VERBS:
        return not_found(request)
    form = await request.post()
    text = str(form.get("text", ""))
    context = request.app[CONTEXT]
    officer = request[OFFICER]
    try:
        async with unit_of_work(request) as session:
            ticket = await service.get_ticket(session, actor(request), reference)
            if str(form.get("seen", "")) != version(ticket):
                raise _ChangedError
            desk = officer_work.Desk(
                session=session,
                officer=officer,
                now=context.clock.now(),
                zone=ZoneInfo(context.settings.timezone),
                group_lang=context.settings.default_language,
            )
            if verb == "claim":
                changed = await officer_work.claim(desk, actor(request), ticket.id)
            else:
                queue = str(form.get("queue", "")) or None
                changed = await officer_work.change(
                    desk, actor(request), verb, ticket.id, text, queue
                )
            await officer_work.tell(desk, changed, verb, text)
    except TicketNotFound:
        return not_found(request)
    except (_ChangedError, IllegalTransition):
        return await _show(request, reference, status=409, changed=True, typed={verb: text})
    except TicketError as exc:
        key = exc.key if has(request[LANG], exc.key) else "error.ticket_generic"
        return await _show(request, reference, status=400, error=key, typed={verb: text})
    target = "/" if verb == "rq" else f"/tickets/{reference}?done={verb}"
    return see_other(target)


@routes.get("/tickets/{reference}/files/{index}")
async def file(request: web.Request) -> web.StreamResponse:
    """A worker's photo or file, fetched from the messenger here, so the browser never
    sees a messenger URL or token; anonymous workers' documents are never served."""
    index = request.match_info["index"]
    async with unit_of_work(request) as session:
        try:
            ticket = await service.get_ticket(
                session, actor(request), request.match_info["reference"]
            )
        except TicketError:
            return not_found(request)
        view = officer_view(ticket)
        shown, _ = notices.shown_files(view.anonymous, view.files)
        platform = ticket.worker.platform
    if not index.isascii() or not index.isdigit() or int(index) >= len(shown):
        return not_found(request)
    attachment = shown[int(index)]
    source = request.app[CONTEXT].files.get(platform)
    fetched = None if source is None else await source.fetch(attachment.file_id)
    if fetched is None:
        return not_found(request)
    body, content_type = fetched
    is_image = attachment.kind == "photo"
    return web.Response(
        body=body,
        content_type=content_type if is_image else "application/octet-stream",
        headers={"Content-Disposition": "inline" if is_image else "attachment"},
    )
