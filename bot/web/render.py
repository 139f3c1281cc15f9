"""Templates: Jinja2 with autoescaping, texts from the bot's catalogs; and CSV downloads.

A catalog text is already safe HTML with its parameters escaped (`handlers.core.texts.t`),
so `_()` marks it safe; everything else a template prints is escaped by Jinja2, which is
how a worker's words are shown literally.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from handlers.core.texts import LANGUAGE_NAMES, t

TEMPLATES = Path(__file__).parent / "templates"

_environment = Environment(
    loader=FileSystemLoader(TEMPLATES),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(
    request: web.Request, template: str, *, status: int = 200, **values: Any
) -> web.Response:
    """The template as an HTML response, in the request's language."""
    from bot.web.app import CONTEXT, CSRF, LANG, LIVE_SECONDS, OFFICER  # noqa: PLC0415

    lang: str = request.get(LANG, "zh-CN")
    zone = ZoneInfo(request.app[CONTEXT].settings.timezone)

    def text(key: str, **params: object) -> Markup:
        return Markup(t(lang, key, **params))  # noqa: S704 - catalog text escapes its parameters

    def when(moment: datetime | None) -> str:
        return "—" if moment is None else moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")

    def static(filename: str) -> str:
        return str(request.app.router["static"].url_for(filename=filename))

    html = _environment.get_template(template).render(
        _=text,
        static=static,
        lang=lang,
        languages=LANGUAGE_NAMES,
        when=when,
        officer=request.get(OFFICER),
        csrf=request.get(CSRF, ""),
        path=request.path_qs,
        live_seconds=LIVE_SECONDS,
        **values,
    )
    return web.Response(text=html, content_type="text/html", status=status)


def not_found(request: web.Request) -> web.Response:
    """The page for what does not exist or may not be shown to this officer: the same."""
    return render(request, "message.html", status=404, key="web.not_found")


def csv_download(name: str, text: str) -> web.Response:
    """`text` (CSV) as the file `name`.csv to save."""
    return web.Response(
        # A byte-order mark, so a spreadsheet opens the Chinese text as UTF-8.
        body=("\ufeff" + text).encode(),
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )
