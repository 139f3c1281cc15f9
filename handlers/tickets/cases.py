"""Collective cases: many workers' tickets about one problem, worked once.

An officer opens a case from a ticket, adds and removes tickets, answers the case and
resolves it. An act on the case is done to every open ticket in it through the ticket use
cases of `service`, so each ticket's own audit trail records it, with the officer and the
case; the caller then tells each ticket's worker as about a ticket of their own (in their
language, through the outbox, naming only their own ticket), so no worker learns who else
is in the case. Officers see a case's tickets as they see any ticket: anonymous ones
without the worker.

Who may: an active officer who may see every ticket in the case (admins: every case);
any other case is "not found", like one that does not exist. Tickets join only while open,
not merged, and in no other case; a case keeps at least one ticket; a resolved case is not
changed any more. Changes to one case take its row lock, so they happen one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Case, CaseStatus, Officer, Ticket, TicketStatus
from db.repositories import cases as case_repo
from db.repositories import tickets as repo
from db.repositories.tickets import OPEN_STATUSES
from handlers.parsing import clean_text
from handlers.tickets import lifecycle, service
from handlers.tickets.authz import OfficerActor, active_officer, officer_may_see, ticket_typed
from handlers.tickets.errors import CaseNotFound, InvalidInput, NotAllowed, TicketNotFound

MAX_TITLE = 200
# Resolving a case claims its tickets nobody has started on, as an officer would first.
_TO_CLAIM = (TicketStatus.NEW, TicketStatus.ASSIGNED, TicketStatus.REOPENED)


@dataclass(frozen=True, slots=True)
class CaseView:
    case: Case
    tickets: list[Ticket]

    @property
    def open_tickets(self) -> list[Ticket]:
        """The tickets an answer or a resolution of the case goes to."""
        return [t for t in self.tickets if t.status in OPEN_STATUSES]


async def _load(
    session: AsyncSession, actor: OfficerActor, case_id: int, action: str, *, change: bool
) -> tuple[Officer, CaseView]:
    officer = await active_officer(session, actor, action)
    case = await case_repo.get_case(session, case_id, for_change=change)
    if case is None:
        raise CaseNotFound(case_id)
    tickets = await repo.tickets_of_case(session, case.id)
    if not all(officer_may_see(officer, ticket) for ticket in tickets):
        raise CaseNotFound(case_id)
    if change and case.status != CaseStatus.OPEN:
        raise NotAllowed(action, "case_resolved")
    return officer, CaseView(case, tickets)


async def get_case(session: AsyncSession, actor: OfficerActor, case_id: int) -> CaseView:
    """The case and its tickets, if the officer may see every one of them."""
    return (await _load(session, actor, case_id, "see", change=False))[1]


async def _join(
    session: AsyncSession, actor: OfficerActor, ticket: Ticket, case: Case, now: datetime
) -> None:
    if ticket.case_id == case.id:
        raise NotAllowed("case", "case_ticket_in")
    if ticket.case_id is not None:
        raise NotAllowed("case", "case_ticket_taken")
    if ticket.status not in OPEN_STATUSES:
        raise NotAllowed("case", "case_ticket_closed")
    # The compare-and-set also makes sure no other case took the ticket meanwhile.
    await lifecycle.apply(
        session,
        ticket,
        "case",
        actor=actor,
        now=now,
        values={"case_id": case.id},
        expect=[Ticket.case_id.is_(None)],
        event_name="case_added",
        data={"case": case.id},
    )


async def create_case(
    session: AsyncSession, actor: OfficerActor, ticket_id: int, title: str, now: datetime
) -> Case:
    """A new case named `title`, with the ticket in it."""
    officer = await active_officer(session, actor, "case")
    ticket = await repo.get_ticket(session, ticket_id)
    if ticket is None or not officer_may_see(officer, ticket):
        raise TicketNotFound(ticket_id)
    name = clean_text(title)
    if not name:
        raise InvalidInput("title", "required")
    if len(name) > MAX_TITLE:
        raise InvalidInput("title", "too_long")
    if ticket.case_id is not None:
        raise NotAllowed("case", "case_ticket_taken")
    case = Case(title=name, status=CaseStatus.OPEN, created_by_id=officer.id, created_at=now)
    session.add(case)
    await session.flush()
    await _join(session, actor, ticket, case, now)
    await session.flush()
    return case


async def add_ticket(
    session: AsyncSession, actor: OfficerActor, case_id: int, reference: str, now: datetime
) -> Ticket:
    """Put the ticket with `reference` (as typed) into the case."""
    officer, view = await _load(session, actor, case_id, "case", change=True)
    ticket = await ticket_typed(session, officer, reference, "ticket")
    await _join(session, actor, ticket, view.case, now)
    await session.flush()
    return ticket


async def remove_ticket(
    session: AsyncSession, actor: OfficerActor, case_id: int, ticket_id: int, now: datetime
) -> Ticket:
    """Take the ticket out of the case (it is then worked on its own)."""
    _, view = await _load(session, actor, case_id, "case", change=True)
    ticket = next((t for t in view.tickets if t.id == ticket_id), None)
    if ticket is None:
        raise TicketNotFound(ticket_id)
    if len(view.tickets) == 1:
        raise NotAllowed("case", "case_last_ticket")
    if not await case_repo.leave_case(session, ticket.id, view.case.id):
        raise TicketNotFound(ticket_id)
    lifecycle.record(
        session,
        ticket,
        "case_removed",
        actor=actor,
        now=now,
        from_status=ticket.status,
        to_status=ticket.status,
        data={"case": view.case.id},
    )
    await session.flush()
    return ticket


async def reply_to_case(
    session: AsyncSession, actor: OfficerActor, case_id: int, text: str, now: datetime
) -> list[Ticket]:
    """One answer to every open ticket of the case; returns them (to tell their workers)."""
    _, view = await _load(session, actor, case_id, "reply", change=True)
    targets = view.open_tickets
    if not targets:
        raise NotAllowed("reply", "case_nothing_open")
    for ticket in targets:
        await service.reply(session, actor, ticket.id, text, now, case_id=view.case.id)
    return targets


async def resolve_case(
    session: AsyncSession, actor: OfficerActor, case_id: int, resolution: str, now: datetime
) -> list[Ticket]:
    """Resolve every open ticket of the case with one result, and the case with them;
    returns the tickets resolved (to tell their workers). Tickets resolved or closed on
    their own before are left as they are."""
    _, view = await _load(session, actor, case_id, "resolve", change=True)
    result = clean_text(resolution)
    if not result:
        raise InvalidInput("resolution", "required")
    if len(result) > service.MAX_MESSAGE_LENGTH:
        raise InvalidInput("resolution", "too_long")
    targets = view.open_tickets
    for ticket in targets:
        if ticket.status in _TO_CLAIM:
            await service.claim(session, actor, ticket.id, now)
        await service.resolve(session, actor, ticket.id, resolution, now, case_id=view.case.id)
    view.case.status = CaseStatus.RESOLVED
    view.case.resolved_at = now
    view.case.resolution = result
    await session.flush()
    return targets


async def case_of(session: AsyncSession, ticket: Ticket) -> Case | None:
    """The case a ticket (one the caller may see) is in, for a link to it."""
    return None if ticket.case_id is None else await case_repo.get_case(session, ticket.case_id)
