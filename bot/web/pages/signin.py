"""Signing in with a one-time link, and signing out."""

from __future__ import annotations

from aiohttp import web

from bot.web.app import (
    CONTEXT,
    SESSION_COOKIE,
    SESSION_TOKEN,
    client_address,
    public,
    see_other,
    set_session_cookie,
    unit_of_work,
)
from bot.web.render import render
from handlers import signin

routes = web.RouteTableDef()

# Messengers fetch a link to show a preview of it; such a fetch must not use up the link.
_PREVIEW_AGENTS = ("bot", "preview", "facebookexternalhit", "whatsapp", "embedly")


@routes.get(signin.LINK_PATH + "{token}")
@public
async def redeem(request: web.Request) -> web.StreamResponse:
    agent = request.headers.get("User-Agent", "").lower()
    if any(name in agent for name in _PREVIEW_AGENTS):
        return render(request, "message.html", key="web.signin.open_in_browser")
    context = request.app[CONTEXT]
    async with unit_of_work(request) as session:
        result = await signin.redeem_link(
            session,
            request.match_info["token"],
            address=client_address(request),
            now=context.clock.now(),
        )
    if isinstance(result, signin.LinkProblem):
        status = 429 if result == signin.LinkProblem.THROTTLED else 400
        return render(request, "signin_problem.html", status=status, problem=result.value)
    response = see_other("/")
    set_session_cookie(response, request, result.session_token)
    return response


@routes.post("/logout")
async def logout(request: web.Request) -> web.StreamResponse:
    async with unit_of_work(request) as session:
        await signin.sign_out(session, request[SESSION_TOKEN])
    response = render(request, "message.html", key="web.signed_out", signed_out=True)
    response.del_cookie(SESSION_COOKIE)
    return response
