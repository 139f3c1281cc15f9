"""The HTTP side: the staff console (and, next, the workers' web chat).

`workerbot web` serves it alone, `workerbot run --web HOST:PORT` inside the bot; both build
it with `app.create_app(ConsoleContext)`. Pages are server-rendered Jinja2 templates with
autoescaping; every change is a POST form carrying the session's CSRF token. Pages call
the same use cases as the chat flows (handlers/), inside one unit of work per request,
with the officer as `OfficerActor(..., via="console")`, so authorisation is re-checked
there on every request and the audit trail says the act came from the console.

Adding a page is two files and one line:
1. `bot/web/pages/NAME.py` with `routes = web.RouteTableDef()` and handlers decorated by
   it. A handler gets the signed-in officer as `request[OFFICER]` (see `bot.web.app`);
   mark one that needs no sign-in with `@public`. Open a unit of work with
   `async with unit_of_work(request) as session:` and render with
   `render(request, "NAME.html", **values)`.
2. `bot/web/templates/NAME.html` extending "base.html" (block `content`); texts come from
   the bot's catalogs through `_("key", **params)`, so add the keys to both catalogs in
   handlers/core/texts/.
3. Add "bot.web.pages.NAME" to `PAGES` in bot/web/app.py.
Static files (CSS, vendored JS; no inline script: the Content-Security-Policy forbids it)
go in bot/web/static/ and are served under /static/.
"""
