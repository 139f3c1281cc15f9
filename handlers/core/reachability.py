"""A person who can no longer be reached (they blocked the bot, or had their data erased):
remember it, and tell the officers of their open tickets, who would otherwise wait for an
answer that cannot come."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Ticket
from db.repositories import people
from db.repositories.tickets import OPEN_STATUSES
from handlers.core import notices, notify
from handlers.core.buttons import OfficerButton
from handlers.core.texts import DEFAULT_LANGUAGE, t
from handlers.tickets import service
from handlers.tickets.authz import SystemActor, WorkerActor


async def person_unreachable(
    session: AsyncSession,
    person_id: int,
    now: datetime,
    *,
    group_language: str = DEFAULT_LANGUAGE,
) -> None:
    """Called by delivery on a 403, inside its transaction; writes notices, never commits.

    Officers' groups are told in `group_language`."""
    await people.mark_unreachable(session, person_id)
    tickets = await service.list_worker_tickets(session, WorkerActor(person_id=person_id))
    await tell_officers_of_open(
        session,
        tickets,
        "officer.worker_unreachable",
        now,
        skip_person_id=person_id,
        group_language=group_language,
    )


async def tell_officers_of_open(
    session: AsyncSession,
    tickets: Sequence[Ticket],
    key: str,
    now: datetime,
    *,
    skip_person_id: int,
    group_language: str,
) -> None:
    """Tell the officers (and the officers' group) of each open ticket among `tickets` the
    catalog text `key` about it, with a button to the ticket."""
    for ticket in tickets:
        if ticket.status not in OPEN_STATUSES:
            continue
        loaded = await service.get_ticket(session, SystemActor(), ticket.id)
        officers = await service.officers_to_notify(session, loaded)
        reference = loaded.ref
        ticket_id = loaded.id

        def render(
            lang: str, reference: str = reference, ticket_id: int = ticket_id
        ) -> notices.Rendered:
            return t(lang, key, reference=reference), [
                [OfficerButton("t", ticket_id).button(t(lang, "officer.btn.view"))]
            ]

        await notify.to_staff(
            session,
            loaded,
            officers,
            render,
            group_lang=group_language,
            now=now,
            skip_person_id=skip_person_id,
        )
