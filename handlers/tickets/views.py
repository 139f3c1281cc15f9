"""What officers and workers are shown of a ticket.

An officer's view of an anonymous ticket carries nothing that identifies the worker: no
name, no person id, no messenger id or chat, also not inside thread entries. Text the
worker typed is passed through as written (the conversation layer escapes it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import inspect

from db.models import ActorKind, MessageVisibility, Ticket, TicketKind, TicketStatus


@dataclass(frozen=True, slots=True)
class WorkerIdentity:
    person_id: int
    display_name: str | None
    platform: str
    platform_user_id: str
    language: str


@dataclass(frozen=True, slots=True)
class ThreadEntry:
    at: datetime
    author: Literal["worker", "officer"]
    officer_id: int | None
    internal: bool
    body: str


@dataclass(frozen=True, slots=True)
class FileView:
    kind: str
    file_id: str
    file_name: str | None
    from_worker: bool
    # The messenger that holds the file (the worker's).
    platform: str


@dataclass(frozen=True, slots=True)
class OfficerTicketView:
    id: int
    reference: str
    kind: TicketKind
    category: str
    status: TicketStatus
    urgent: bool
    anonymous: bool
    summary: str
    fields: Mapping[str, Any]
    workplace: str | None
    unit_name: str | None
    queue_key: str
    queue_name: str
    assignee_id: int | None
    assignee_name: str | None
    created_at: datetime
    first_response_due: datetime | None
    resolution_due: datetime | None
    first_response_at: datetime | None
    resolved_at: datetime | None
    escalation_level: int
    satisfaction: int | None
    worker: WorkerIdentity | None  # None on anonymous tickets
    # The messenger the worker uses ("telegram", "web", ...): how replies reach them. It
    # names nobody, so anonymous tickets show it too.
    channel: str
    # Filled when the ticket was loaded with its thread (service.get_ticket), else empty.
    thread: tuple[ThreadEntry, ...]
    files: tuple[FileView, ...]


@dataclass(frozen=True, slots=True)
class WorkerTicketView:
    id: int
    reference: str
    kind: TicketKind
    category: str
    status: TicketStatus
    summary: str
    fields: Mapping[str, Any]
    created_at: datetime
    resolution_due: datetime | None
    resolved_at: datetime | None
    satisfaction: int | None
    # Relayed messages only; officers' internal notes never appear here.
    thread: tuple[ThreadEntry, ...]


def _loaded(ticket: Ticket, name: str) -> bool:
    return name not in inspect(ticket).unloaded


def _thread(ticket: Ticket, *, internal: bool) -> tuple[ThreadEntry, ...]:
    if not _loaded(ticket, "messages"):
        return ()
    return tuple(
        ThreadEntry(
            at=m.created_at,
            author="worker" if m.author_kind == ActorKind.WORKER else "officer",
            officer_id=m.author_officer_id,
            internal=m.visibility == MessageVisibility.INTERNAL,
            body=m.body,
        )
        for m in ticket.messages
        if internal or m.visibility == MessageVisibility.THREAD
    )


def _files(ticket: Ticket) -> tuple[FileView, ...]:
    if not _loaded(ticket, "attachments") or not _loaded(ticket, "messages"):
        return ()
    officer_messages = {m.id for m in ticket.messages if m.author_kind == ActorKind.OFFICER}
    return tuple(
        FileView(a.kind, a.file_id, a.file_name, a.message_id not in officer_messages, a.platform)
        for a in ticket.attachments
    )


def officer_view(ticket: Ticket) -> OfficerTicketView:
    """The officer's card and detail; needs the ticket as the service loads it."""
    worker = None
    if not ticket.anonymous:
        person = ticket.worker
        worker = WorkerIdentity(
            person.id,
            person.display_name,
            person.platform,
            person.platform_user_id,
            person.language,
        )
    return OfficerTicketView(
        id=ticket.id,
        reference=ticket.ref,
        kind=ticket.kind,
        category=ticket.category,
        status=ticket.status,
        urgent=ticket.urgent,
        anonymous=ticket.anonymous,
        summary=ticket.summary,
        fields=dict(ticket.fields),
        workplace=ticket.workplace,
        unit_name=ticket.unit.name if ticket.unit is not None else None,
        queue_key=ticket.queue.key,
        queue_name=ticket.queue.name,
        assignee_id=ticket.assignee_id,
        assignee_name=ticket.assignee.name if ticket.assignee is not None else None,
        created_at=ticket.created_at,
        first_response_due=ticket.first_response_due,
        resolution_due=ticket.resolution_due,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        escalation_level=ticket.escalation_level,
        satisfaction=ticket.satisfaction,
        worker=worker,
        channel=ticket.worker.platform,
        thread=_thread(ticket, internal=True),
        files=_files(ticket),
    )


def worker_view(ticket: Ticket) -> WorkerTicketView:
    """What the worker sees of their own ticket."""
    return WorkerTicketView(
        id=ticket.id,
        reference=ticket.ref,
        kind=ticket.kind,
        category=ticket.category,
        status=ticket.status,
        summary=ticket.summary,
        fields=dict(ticket.fields),
        created_at=ticket.created_at,
        resolution_due=ticket.resolution_due,
        resolved_at=ticket.resolved_at,
        satisfaction=ticket.satisfaction,
        thread=_thread(ticket, internal=False),
    )


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: Literal["first_response", "resolution"]
    due: datetime


def next_deadline(ticket: Ticket) -> Deadline | None:
    """The deadline an open ticket meets next: the first response while nobody has answered
    and it comes sooner than the resolution, else the resolution."""
    first = ticket.first_response_due if ticket.first_response_at is None else None
    resolution = ticket.resolution_due
    if first is not None and (resolution is None or first < resolution):
        return Deadline("first_response", first)
    return Deadline("resolution", resolution) if resolution is not None else None
