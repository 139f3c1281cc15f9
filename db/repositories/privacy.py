"""Erasing personal data: the statements that blank a person and the worker's side of
their tickets, and the queries that find what retention takes next.

Storage only: whom and when is decided above. What is kept of a ticket is what the
statistics need (kind, category, unit, queue, status, times, rating); what the worker
wrote or sent is replaced by `note` or removed, and so are its pieces in the search index.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ActorKind,
    ConversationState,
    Officer,
    OutboxMessage,
    OutboxStatus,
    Person,
    SurveyDraft,
    SurveyParticipant,
    Ticket,
    TicketAttachment,
    TicketEvent,
    TicketMessage,
    TicketStatus,
    UnansweredQuestion,
    WebChatEntry,
    WebChatFile,
    WebChatRecovery,
)
from db.repositories import search


def erased_user_id(person_id: int) -> str:
    """What replaces an erased person's messenger ids: unique, and nobody's account."""
    return f"erased-{person_id}"


async def erase_person(session: AsyncSession, person_id: int, now: datetime) -> None:
    """Blank the person's row, their conversation state, their unanswered questions, their
    survey participation, every outbox row addressed to them (the caller may queue a
    last one afterwards), and their web chat's conversation, photos and recovery code
    (keyed by their id there). Like a messenger account, the browser stays: what it sends
    next comes from a new person."""
    gone = erased_user_id(person_id)
    user_id = await session.scalar(select(Person.platform_user_id).where(Person.id == person_id))
    if user_id is not None:
        for table in (WebChatEntry, WebChatFile, WebChatRecovery):
            await session.execute(delete(table).where(table.user_id == user_id))
    await session.execute(
        update(Person)
        .where(Person.id == person_id)
        .values(
            platform_user_id=gone,
            chat_id=gone,
            display_name=None,
            workplace=None,
            unit_id=None,
            reachable=False,
            erased_at=now,
        ),
        execution_options={"synchronize_session": "fetch"},
    )
    await session.execute(
        delete(ConversationState).where(ConversationState.person_id == person_id)
    )
    await session.execute(
        delete(UnansweredQuestion).where(UnansweredQuestion.person_id == person_id)
    )
    await session.execute(delete(OutboxMessage).where(OutboxMessage.person_id == person_id))
    # What they began to answer, and that they answered (their answers stay, unlinked).
    await session.execute(delete(SurveyDraft).where(SurveyDraft.person_id == person_id))
    await session.execute(
        delete(SurveyParticipant).where(SurveyParticipant.person_id == person_id)
    )


async def purge_tickets(
    session: AsyncSession, ticket_ids: Sequence[int], note: str, now: datetime
) -> None:
    """Replace the worker's words on these tickets by `note` and drop their files.

    Officers' messages stay: they are the union's record of its work. Outbox rows about the
    tickets go too (cards and relays carry the worker's words), sent or not.
    """
    if not ticket_ids:
        return
    ids = list(ticket_ids)
    await session.execute(
        update(Ticket)
        .where(Ticket.id.in_(ids))
        .values(summary=note, fields={}, workplace=None, purged_at=now),
        execution_options={"synchronize_session": "fetch"},
    )
    workers_messages = select(TicketMessage.id).where(
        TicketMessage.ticket_id.in_(ids), TicketMessage.author_kind == ActorKind.WORKER
    )
    workers_files = (
        TicketAttachment.ticket_id.in_(ids),
        or_(
            TicketAttachment.message_id.is_(None),
            TicketAttachment.message_id.in_(workers_messages),
        ),
    )
    # A web chat photo is kept here, not by a messenger: it goes with its attachment.
    await session.execute(
        delete(WebChatFile).where(
            WebChatFile.token.in_(select(TicketAttachment.file_id).where(*workers_files))
        )
    )
    await session.execute(delete(TicketAttachment).where(*workers_files))
    await session.execute(
        update(TicketMessage)
        .where(TicketMessage.ticket_id.in_(ids), TicketMessage.author_kind == ActorKind.WORKER)
        .values(body=note),
        execution_options={"synchronize_session": "fetch"},
    )
    # The trail is append-only for the application (a mapper guard refuses changes made
    # through the unit of work); erasure is the one change the law requires of it, made as
    # a statement: the reasons a worker typed (why they reopened) are blanked, while who
    # did what and when stays.
    await session.execute(
        update(TicketEvent)
        .where(
            TicketEvent.ticket_id.in_(ids),
            TicketEvent.actor_kind == ActorKind.WORKER,
            TicketEvent.reason.is_not(None),
        )
        .values(reason=note),
        execution_options={"synchronize_session": False},
    )
    await session.execute(delete(OutboxMessage).where(OutboxMessage.ticket_id.in_(ids)))
    # The search index held pieces of the erased words: rebuilt from what is left.
    await search.rebuild(session, ids)


async def ticket_ids_of_worker(session: AsyncSession, person_id: int) -> list[int]:
    return list(
        await session.scalars(
            select(Ticket.id).where(Ticket.worker_id == person_id).order_by(Ticket.id)
        )
    )


async def closed_unpurged(session: AsyncSession, cutoff: datetime, *, limit: int) -> list[Ticket]:
    """Tickets closed at or before `cutoff` whose worker's words are still held, oldest
    closing first."""
    return list(
        await session.scalars(
            select(Ticket)
            .where(
                Ticket.status == TicketStatus.CLOSED,
                Ticket.closed_at <= cutoff,
                Ticket.purged_at.is_(None),
            )
            .order_by(Ticket.closed_at, Ticket.id)
            .limit(limit)
        )
    )


async def inactive_people(session: AsyncSession, cutoff: datetime, *, limit: int) -> list[int]:
    """Workers not heard from since `cutoff` with no ticket still held in full: their own
    data has outlived the retention period too. Officers' accounts are never among them."""
    held_ticket = exists().where(Ticket.worker_id == Person.id, Ticket.purged_at.is_(None))
    officer = exists().where(Officer.person_id == Person.id)
    return list(
        await session.scalars(
            select(Person.id)
            .where(
                Person.erased_at.is_(None),
                Person.last_seen_at <= cutoff,
                ~held_ticket,
                ~officer,
            )
            .order_by(Person.last_seen_at, Person.id)
            .limit(limit)
        )
    )


async def drop_settled_to_erased(session: AsyncSession) -> int:
    """Drop settled outbox rows of erased people: the last word they were sent still named
    their chat. Returns how many went."""
    result = await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status != OutboxStatus.PENDING,
            OutboxMessage.person_id.in_(select(Person.id).where(Person.erased_at.is_not(None))),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def drop_web_chat_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop web chat conversation lines written at or before `cutoff`, and the photos and
    downloads of that time that no ticket holds. Returns how many lines went."""
    result = await session.execute(delete(WebChatEntry).where(WebChatEntry.created_at <= cutoff))
    await session.execute(
        delete(WebChatFile).where(
            WebChatFile.created_at <= cutoff,
            WebChatFile.token.not_in(select(TicketAttachment.file_id)),
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def drop_unanswered_before(session: AsyncSession, cutoff: datetime) -> int:
    """Drop unanswered questions asked at or before `cutoff` (their text may name the asker)."""
    result = await session.execute(
        delete(UnansweredQuestion).where(UnansweredQuestion.created_at <= cutoff)
    )
    return int(getattr(result, "rowcount", 0) or 0)
