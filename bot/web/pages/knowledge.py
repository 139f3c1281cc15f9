"""The knowledge base in the console, for admins: /knowledge lists the questions the bot
failed, grouped, with a form per group to add them as alternates of an entry found by a
matcher-backed search (/knowledge/search, an htmx fragment), a "try it" box, the sync's
complaint if the newest version is not in use, and the changes made; /knowledge/entry
writes a new entry, prefilled from a group or from a resolved ticket (`?ticket=REF`).

Every change goes through the knowledge use cases (handlers.knowledge): the admin is
re-checked, the whole folder is validated as `workerbot faq check` does, a broken change is
refused with the loader's problems and nothing saved, and a saved one is a revision with
who and when, which every process (this one too, through its `KnowledgeSync`) loads within
FAQ_RELOAD_INTERVAL seconds. After a change the page shows what the bot answers before it
and after it, from a matcher built on the saved version. Anyone but an active admin gets
404 here, as for a page that does not exist.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from multidict import MultiMapping

from bot.app import matcher_builder
from bot.web.app import CONTEXT, LANG, actor, unit_of_work
from bot.web.render import not_found, render
from faq.matcher import Match, Matcher
from faq.schema import LANGUAGES, Entry, KnowledgeBase
from handlers import knowledge
from handlers.core.texts import t
from handlers.knowledge import Gap, KnowledgeError, Saved
from handlers.tickets.authz import active_admin
from handlers.tickets.errors import TicketError

routes = web.RouteTableDef()

# Failed questions of this many days are listed unless the page asks for another window.
GAP_DAYS = 30
WINDOWS = (7, GAP_DAYS, 90)
ORDERS = ("frequent", "newest")
# Groups shown at once: the most asked (or newest) first, the rest on a later visit.
GAPS_SHOWN = 50
CHOICES = 5


@dataclass(frozen=True, slots=True)
class Compared:
    """What the bot made of a question before a change and makes of it after."""

    question: str
    before: Match | None
    after: Match


def _live(request: web.Request) -> tuple[KnowledgeBase, Matcher] | None:
    source = request.app[CONTEXT].knowledge
    return None if source is None else source()


def _days(query: MultiMapping[str]) -> int:
    value = query.get("days", "")
    return (
        int(value) if value.isascii() and value.isdigit() and 0 < int(value) <= 366 else GAP_DAYS
    )


def _choices(live: tuple[KnowledgeBase, Matcher] | None, gap: Gap) -> list[Entry]:
    """The entries to offer for a group: those the bot offered or answered it with, then
    the matcher's best for its most asked wording."""
    if live is None:
        return []
    kb, matcher = live
    found = {entry_id: kb.get(entry_id) for entry_id in gap.entries}
    offered = [entry for entry in found.values() if entry is not None]
    for entry in matcher.match(gap.wordings[0][0]).suggestions:
        if entry.id not in {e.id for e in offered}:
            offered.append(entry)
    return offered[:CHOICES]


def _new_entry_link(gap: Gap) -> str:
    first, *others = [text for text, _ in gap.wordings]
    return "/knowledge/entry?" + urlencode(
        [("question", first), *(("alternate", text) for text in others)]
    )


async def _page(
    request: web.Request,
    *,
    status: int = 200,
    matcher: Matcher | None = None,
    **extra: Any,
) -> web.StreamResponse:
    """The knowledge page; `matcher` (a version just saved) decides which questions the
    knowledge base answers now, instead of the one this process answers from."""
    context = request.app[CONTEXT]
    days = _days(request.query)
    order = request.query.get("order", ORDERS[0])
    order = order if order in ORDERS else ORDERS[0]
    live = _live(request)
    now = context.clock.now()
    try:
        async with unit_of_work(request) as session:
            found = await knowledge.failed_questions(
                session,
                actor(request),
                now - timedelta(days=days),
                matcher=matcher or (live[1] if live else None),
                newest_first=order == "newest",
            )
            history = await knowledge.changes(session, actor(request))
    except TicketError:
        return not_found(request)
    question = " ".join(request.query.get("try", "").split())
    sync = context.knowledge_sync
    shown = found[:GAPS_SHOWN]
    return render(
        request,
        "knowledge.html",
        status=status,
        has_knowledge=live is not None,
        gaps=[(gap, _choices(live, gap), _new_entry_link(gap)) for gap in shown],
        more_gaps=len(found) - len(shown),
        history=history,
        question=question,
        tried=live[1].match(question) if live and question else None,
        days=days,
        order=order,
        orders=ORDERS,
        windows=WINDOWS,
        sync_error=sync.error if sync else None,
        seconds=context.settings.faq_reload_interval,
        **extra,
    )


@routes.get("/knowledge")
async def show(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@routes.get("/knowledge/search")
async def search(request: web.Request) -> web.StreamResponse:
    """Entries for a group's search box (an htmx fragment of choices)."""
    try:
        async with unit_of_work(request) as session:
            await active_admin(session, actor(request), "kb_search")
    except TicketError:
        return not_found(request)
    live = _live(request)
    text = request.query.get("q", "")
    found = knowledge.find_entries(*live, text) if live else []
    return render(request, "kb_choices.html", choices=found, searched=bool(text.strip()))


async def _saved_page(
    request: web.Request, saved: Saved, questions: list[str]
) -> web.StreamResponse:
    """The page after a save: each question before (this process's matcher) and after
    (one built on the saved version), and the gaps as that version answers them."""
    live = _live(request)
    build = matcher_builder(request.app[CONTEXT].settings)
    after = await asyncio.to_thread(build, saved.kb)
    compared = [
        Compared(text, live[1].match(text) if live else None, after.match(text))
        for text in dict.fromkeys(" ".join(q.split()) for q in questions if q.strip())
    ]
    return await _page(request, matcher=after, saved=saved.revision, compared=compared)


@routes.post("/knowledge/alternates")
async def add_alternates(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    context = request.app[CONTEXT]
    questions = [str(q) for q in form.getall("question", [])]
    entry_id = str(form.get("entry", "")).strip()
    lang: str = request[LANG]
    if not entry_id:
        return await _page(request, status=400, problems=[t(lang, "web.kb.choose_entry")])
    try:
        async with unit_of_work(request) as session:
            saved = await knowledge.add_alternates(
                session,
                actor(request),
                folder=context.settings.faq_path,
                entry_id=entry_id,
                questions=questions,
                now=context.clock.now(),
            )
    except TicketError:
        return not_found(request)
    except KnowledgeError as exc:
        return await _page(request, status=400, problems=exc.problems)
    return await _saved_page(request, saved, questions)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _words(text: str) -> list[str]:
    return [word for word in text.replace("、", ",").replace("，", ",").split(",") if word.strip()]


def _entry_form(request: web.Request, *, status: int = 200, **values: Any) -> web.StreamResponse:
    default = request.app[CONTEXT].settings.default_language
    return render(
        request,
        "kb_entry.html",
        status=status,
        languages_kb=LANGUAGES,
        typed={"language": default, **values.pop("typed", {})},
        **values,
    )


@routes.get("/knowledge/entry")
async def new_entry(request: web.Request) -> web.StreamResponse:
    """The form for a new entry: empty, or prefilled from a group of questions
    (`question`, `alternate`...) or from a resolved ticket (`ticket`)."""
    context = request.app[CONTEXT]
    reference = request.query.get("ticket", "").strip()
    try:
        async with unit_of_work(request) as session:
            await active_admin(session, actor(request), "kb_entry")
            if reference:
                draft = await knowledge.draft_from_ticket(
                    session, actor(request), reference, language=context.settings.default_language
                )
            else:
                draft = None
    except TicketError:
        return not_found(request)
    except KnowledgeError as exc:
        return _entry_form(request, status=400, problems=exc.problems)
    if draft is not None:
        typed = {
            "id": draft.id,
            "language": draft.language,
            "question": draft.question,
            "answer": draft.answer,
        }
        return _entry_form(request, typed=typed, reference=reference)
    typed = {
        "question": request.query.get("question", ""),
        "alternates": "\n".join(request.query.getall("alternate", [])),
    }
    return _entry_form(request, typed=typed)


@routes.post("/knowledge/entry")
async def save_entry(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    context = request.app[CONTEXT]
    typed = {
        name: str(form.get(name, ""))
        for name in ("id", "language", "question", "alternates", "keywords", "answer", "tags")
    }
    draft = Entry(
        id=typed["id"].strip(),
        language=typed["language"],
        question=typed["question"].strip(),
        answer=typed["answer"].strip(),
        alternates=tuple(_lines(typed["alternates"])),
        keywords=tuple(_words(typed["keywords"])),
        tags=tuple(_words(typed["tags"])),
    )
    try:
        async with unit_of_work(request) as session:
            saved = await knowledge.save_entry(
                session,
                actor(request),
                folder=context.settings.faq_path,
                draft=draft,
                now=context.clock.now(),
            )
    except TicketError:
        return not_found(request)
    except KnowledgeError as exc:
        # Nothing was saved and nothing typed is lost: the form comes back as it was sent.
        return _entry_form(request, status=400, problems=exc.problems, typed=typed)
    return await _saved_page(request, saved, [draft.question, *draft.alternates])
