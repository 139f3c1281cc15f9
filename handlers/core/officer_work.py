"""An officer's work on a ticket and everything it owes other people, from any desk.

The chat (`flows.officer`) and the web console both call `claim` or `change`, then `tell`:
the use case in `handlers.tickets` checks the officer and changes the ticket, then
the worker, the officers and the ticket's topic are told through the outbox, in the same
transaction. `work_case` does the same for a collective case: the answer or result goes to
each ticket of the case and each ticket's worker is told as about their own ticket alone.
So a reply typed in a browser reaches the worker exactly like one typed in the chat. What
the acting officer sees as confirmation is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, Ticket
from db.repositories import people
from handlers.core import notices, notify
from handlers.core.buttons import WorkerButton
from handlers.core.texts import t
from handlers.tickets import cases, merging, service
from handlers.tickets.authz import OfficerActor, SystemActor

# The verbs that take the officer's text, as the chat's buttons name them; for "merge" the
# text is the reference of the ticket to merge into.
TEXT_VERBS = ("reply", "ask", "note", "resolve", "rq", "merge")
# What an officer does to a whole collective case.
CASE_VERBS = ("reply", "resolve")


def _nowhere(_ticket: Ticket) -> bool:
    return False


@dataclass(frozen=True, slots=True)
class Desk:
    """Where the officer acts from, and what that changes about who is told."""

    session: AsyncSession
    officer: Officer
    now: datetime
    zone: ZoneInfo
    # A group has many readers: its notices are in the deployment's language.
    group_lang: str
    # Whether the act was written in the ticket's own topic, where it shows anyway.
    in_topic: Callable[[Ticket], bool] = _nowhere


async def claim(desk: Desk, actor: OfficerActor, ticket_id: int) -> Ticket:
    """Claim the ticket; `tell(desk, ticket, "claim")` then tells the worker and topic."""
    await service.claim(desk.session, actor, ticket_id, desk.now)
    return await service.get_ticket(desk.session, actor, ticket_id)


async def change(  # noqa: PLR0917 - the verb's arguments, as the chat stores them
    desk: Desk,
    actor: OfficerActor,
    verb: str,
    ticket_id: int,
    text: str,
    queue_key: str | None = None,
) -> Ticket:
    """Do what the officer wrote `text` for (one of TEXT_VERBS; `queue_key` for "rq").
    Returns the ticket as it now is (the officer may no longer see it after a
    reassignment). A caller that confirms to the officer does so before `tell`, so the
    officer's confirmation is queued ahead of the worker's notice, as it always was."""
    session, now = desk.session, desk.now
    if verb == "rq":
        leaving = await service.get_ticket(session, actor, ticket_id)
        await _tell_group(desk, leaving, "topic.done_rq", text=text)
    if verb == "reply":
        await service.reply(session, actor, ticket_id, text, now)
    elif verb == "ask":
        await service.ask_worker(session, actor, ticket_id, text, now)
    elif verb == "note":
        await service.add_note(session, actor, ticket_id, text, now)
    elif verb == "resolve":
        await service.resolve(session, actor, ticket_id, text, now)
    elif verb == "rq":
        await service.reassign(
            session, actor, ticket_id, queue_key=queue_key, reason=text, now=now
        )
    elif verb == "merge":
        await merging.merge(session, actor, ticket_id, text, now)
    else:
        msg = f"not an officer's text action: {verb!r}"
        raise ValueError(msg)
    # The use case above checked the officer; after a reassignment they may no longer see
    # the ticket, so the reload for the notices is the system's.
    return await service.get_ticket(session, SystemActor(), ticket_id)


async def tell(desk: Desk, ticket: Ticket, verb: str, text: str = "") -> None:
    """Tell the worker, the officers and the ticket's topic what `change` (or `claim`)
    did."""
    if verb == "claim":
        await _tell_worker(desk, ticket, "worker.claimed")
        await _tell_group(desk, ticket, "topic.claimed")
        return
    if verb == "reply":
        await _tell_worker(desk, ticket, "worker.reply", text=text, add=True)
    elif verb == "ask":
        await _tell_worker(desk, ticket, "worker.question", text=text, add=True)
    elif verb == "resolve":
        await _tell_worker(desk, ticket, "worker.resolved", text=text, resolved=True)
    elif verb == "rq":
        await notify.send_card(
            desk.session,
            ticket,
            await service.officers_to_notify(desk.session, ticket),
            heading="officer.reassigned_ticket",
            zone=desk.zone,
            now=desk.now,
            group_lang=desk.group_lang,
            skip_person_id=desk.officer.person_id,
        )
    elif verb == "merge":
        await _tell_merged(desk, ticket)
        return
    # Notes stay among officers: nothing goes to the worker.
    if verb != "rq":  # told to the topic it leaves, before it left
        await _tell_group(desk, ticket, f"topic.done_{verb}", text=text)


async def _tell_merged(desk: Desk, duplicate: Ticket) -> None:
    """The duplicate's worker (told of the other ticket only if they are sent on to it),
    the other ticket's officers (its card) and the duplicate's topic."""
    if duplicate.merged_into_id is None:
        return
    target = await service.get_ticket(desk.session, SystemActor(), duplicate.merged_into_id)
    worker = await people.get_person(desk.session, duplicate.worker_id)
    if worker is not None:
        lang = worker.language
        if merging.followed_openly(duplicate, target):
            body = t(lang, "worker.merged_own", reference=duplicate.ref, target=target.ref)
            shown = target
        else:
            body = t(lang, "worker.merged", reference=duplicate.ref)
            shown = duplicate
        rows = [[WorkerButton("t", shown.id).button(t(lang, "tickets.btn.view"))]]
        notify.to_person(desk.session, worker, (body, rows), ticket_id=duplicate.id, now=desk.now)
    await _tell_group(desk, duplicate, "topic.done_merge", text=target.ref)
    await notify.send_card(
        desk.session,
        target,
        await service.officers_to_notify(desk.session, target),
        heading="officer.merged_card",
        zone=desk.zone,
        now=desk.now,
        group_lang=desk.group_lang,
        skip_person_id=desk.officer.person_id,
    )


async def work_case(
    desk: Desk, actor: OfficerActor, verb: str, case_id: int, text: str
) -> list[Ticket]:
    """Answer (`reply`) or resolve a collective case, then tell each of its tickets' workers
    and topics as for that ticket alone; returns the tickets it reached."""
    if verb == "reply":
        reached = await cases.reply_to_case(desk.session, actor, case_id, text, desk.now)
    elif verb == "resolve":
        reached = await cases.resolve_case(desk.session, actor, case_id, text, desk.now)
    else:
        msg = f"not a case action: {verb!r}"
        raise ValueError(msg)
    fresh = [await service.get_ticket(desk.session, SystemActor(), t.id) for t in reached]
    for ticket in fresh:
        await tell(desk, ticket, verb, text)
    return fresh


async def _tell_group(desk: Desk, ticket: Ticket, key: str, *, text: str = "") -> None:
    """What an officer did, into the ticket's topic (unless it was done there)."""
    if desk.in_topic(ticket):
        return
    lang = desk.group_lang
    rendered = (
        t(lang, key, officer=desk.officer.name, reference=ticket.ref, text=text),
        notices.officer_buttons(lang, ticket.id, ticket.status),
    )
    await notify.to_group(desk.session, ticket, rendered, lang=lang, now=desk.now)


async def _tell_worker(
    desk: Desk,
    ticket: Ticket,
    key: str,
    *,
    text: str = "",
    add: bool = False,
    resolved: bool = False,
) -> None:
    worker = await people.get_person(desk.session, ticket.worker_id)
    if worker is None:
        return
    lang = worker.language
    body = t(lang, key, reference=ticket.ref, text=text)
    rows = [[WorkerButton("t", ticket.id).button(t(lang, "tickets.btn.view"))]]
    if add:
        rows.insert(0, [WorkerButton("add", ticket.id).button(t(lang, "tickets.btn.answer"))])
    if resolved:
        rows = [list(row) for row in notices.worker_buttons(lang, ticket)]
    notify.to_person(desk.session, worker, (body, rows), ticket_id=ticket.id, now=desk.now)
