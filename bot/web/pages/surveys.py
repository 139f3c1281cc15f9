"""Surveys in the console at /surveys (admins only): build one (title, intro, closing
time, questions), send it to an audience now or later, close it, and read its results:
a chart per choice or scale question (server-side SVG), free-text answers grouped by what
they say, and the CSV of `workerbot survey results --format csv`. While too few have
answered (`handlers.survey_results.RESULTS_MIN_RESPONSES`), the page says so instead of
the results, and the CSV is refused with 409 and the same words.

The same use cases as `workerbot survey ...` (handlers.surveys, handlers.survey_results);
the results name nobody.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.svg_charts import svg
from bot.web.app import CONTEXT, LANG, see_other, unit_of_work
from bot.web.pages.outreach import (
    FormError,
    admin_change,
    audience,
    audience_choices,
    check_admin,
    local_time,
    number,
)
from bot.web.render import csv_download, not_found, render
from handlers import survey_results, surveys
from handlers.core.texts import t
from handlers.surveys import Kind, SurveyError
from handlers.tickets.errors import TicketError

routes = web.RouteTableDef()
# Question blocks the build form offers; blank ones are left out.
QUESTION_FIELDS = 8


async def _list_page(
    request: web.Request, *, status: int = 200, **extra: Any
) -> web.StreamResponse:
    now = request.app[CONTEXT].clock.now()
    async with unit_of_work(request) as session:
        try:
            await check_admin(request, session)
        except TicketError:
            return not_found(request)
        shown = [await surveys.status(session, s.id) for s in await surveys.list_all(session)]
    extra.setdefault("typed", {})
    return render(
        request,
        "surveys.html",
        status=status,
        shown=shown,
        is_open=lambda survey: surveys.is_open(survey, now),
        kinds=[kind.value for kind in Kind],
        question_fields=range(1, QUESTION_FIELDS + 1),
        **extra,
    )


@routes.get("/surveys")
async def show_all(request: web.Request) -> web.StreamResponse:
    return await _list_page(request)


def _definition(request: web.Request, form: Any) -> surveys.Definition:
    """The build form as a survey definition, read as `workerbot survey create` reads
    a file."""
    questions = []
    for i in range(1, QUESTION_FIELDS + 1):
        text = str(form.get(f"q{i}_text", "")).strip()
        if not text:
            continue
        options = [
            line.strip()
            for line in str(form.get(f"q{i}_options", "")).splitlines()
            if line.strip()
        ]
        questions.append(
            {"kind": str(form.get(f"q{i}_kind", "")), "text": text, "options": options}
        )
    closes = local_time(request, str(form.get("closes", "")))
    if closes is None:
        msg = "closes is missing: when the survey stops taking answers"
        raise FormError(msg)
    zone = ZoneInfo(request.app[CONTEXT].settings.timezone)
    document = {
        "title": form.get("title", ""),
        "intro": form.get("intro", ""),
        "closes": closes.astimezone(zone),
        "questions": questions,
    }
    return surveys.parse_definition(document, zone)


@routes.post("/surveys")
async def build(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    now = request.app[CONTEXT].clock.now()
    try:
        definition = _definition(request, form)
        async with unit_of_work(request) as session:
            await check_admin(request, session)
            survey = await surveys.create(session, definition, now)
    except TicketError:
        return not_found(request)
    except (SurveyError, FormError) as exc:
        return await _list_page(request, status=400, problem=str(exc), typed=dict(form))
    return see_other(f"/surveys/{survey.id}")


async def _survey_page(
    request: web.Request, *, status: int = 200, **extra: Any
) -> web.StreamResponse:
    survey_id = number(request)
    now = request.app[CONTEXT].clock.now()
    lang = request[LANG]
    try:
        async with unit_of_work(request) as session:
            await check_admin(request, session)
            shown = await surveys.status(session, survey_id)
            found = await survey_results.results(session, survey_id)
            choices = await audience_choices(session)
    except (TicketError, SurveyError):
        return not_found(request)
    charts = {}
    withheld = None
    if isinstance(found, survey_results.Withheld):
        withheld = Markup(survey_results.withheld_text(lang, found))  # noqa: S704 - catalog text
    else:
        for result in found.questions:
            drawn = survey_results.chart(
                result, t(lang, "web.surveys.answer"), t(lang, "web.surveys.count")
            )
            if drawn is not None:
                # Escaped piece by piece by bot.svg_charts.
                charts[result.number] = Markup(svg(drawn))  # noqa: S704
    extra.setdefault("typed", {})
    return render(
        request,
        "survey.html",
        status=status,
        shown=shown,
        found=found,
        withheld=withheld,
        charts=charts,
        open_now=surveys.is_open(shown.survey, now),
        **choices,
        **extra,
    )


@routes.get("/surveys/{number}")
async def show_one(request: web.Request) -> web.StreamResponse:
    return await _survey_page(request)


@routes.post("/surveys/{number}/send")
async def send(request: web.Request) -> web.StreamResponse:
    form = await request.post()

    async def change(session: AsyncSession, now: datetime) -> None:
        at = local_time(request, str(form.get("at", "")))
        await surveys.send(session, number(request), send_at=at or now, now=now, **audience(form))

    return await admin_change(
        request,
        change,
        refused=(SurveyError, FormError),
        again=partial(_survey_page, typed=dict(form)),
        done=f"/surveys/{number(request)}",
    )


@routes.post("/surveys/{number}/close")
async def close(request: web.Request) -> web.StreamResponse:
    async def change(session: AsyncSession, now: datetime) -> None:
        await surveys.close(session, number(request), now)

    return await admin_change(
        request,
        change,
        refused=SurveyError,
        again=_survey_page,
        done=f"/surveys/{number(request)}",
    )


@routes.get("/surveys/{number}/results.csv")
async def results_csv(request: web.Request) -> web.StreamResponse:
    try:
        async with unit_of_work(request) as session:
            await check_admin(request, session)
            found = await survey_results.results(session, number(request))
    except (TicketError, SurveyError):
        return not_found(request)
    if isinstance(found, survey_results.Withheld):
        # Not an empty file, which would read as "nobody answered"; 409: the survey exists
        # and may be read, just not in its present state.
        text = Markup(survey_results.withheld_text(request[LANG], found))  # noqa: S704
        return render(request, "message.html", status=409, text=text)
    return csv_download(f"survey-{found.survey.id}", survey_results.as_csv(found))
