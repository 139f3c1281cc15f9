"""Rendering tickets and ticket events as texts and buttons, in a reader's language.

Pure: every function returns (text, buttons) or a text for one reader and writes nothing;
`handlers.core.notify` puts them in the outbox.
Officer-facing texts are built only from `officer_view`, which leaves the worker out of
anonymous tickets, so nothing here can reveal who filed one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import unescape
from typing import Any
from zoneinfo import ZoneInfo

from db.models import (
    ActorKind,
    MessageVisibility,
    Ticket,
    TicketEvent,
    TicketStatus,
)
from db.repositories.tickets import OPEN_STATUSES
from handlers.categories import CATEGORIES
from handlers.core.actions import Buttons
from handlers.core.buttons import OfficerButton, WorkerButton
from handlers.core.texts import Safe, escape, has, t
from handlers.messages import Attachment
from handlers.tickets.service import TrailNames
from handlers.tickets.views import FileView, OfficerTicketView, next_deadline, officer_view

Rendered = tuple[str, Buttons]


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    if moment is None:
        return "—"
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")


def due_label(lang: str, ticket: Ticket, zone: ZoneInfo, now: datetime) -> Safe:
    """The deadline an open ticket meets next, which one it is, and whether it has passed."""
    deadline = next_deadline(ticket)
    if deadline is None:
        return t(lang, "officer.due_none")
    overdue = "_overdue" if deadline.due < now else ""
    return t(lang, f"officer.due.{deadline.kind}{overdue}", time=local_time(deadline.due, zone))


def category_label(lang: str, category: str) -> Safe:
    key = f"category.{category}"
    return t(lang, key) if has(lang, key) else Safe(escape(category))


def status_label(lang: str, status: TicketStatus | str) -> Safe:
    return t(lang, f"status.{TicketStatus(status).value}")


def field_lines(lang: str, category: str, fields: Mapping[str, Any]) -> str:
    """One line per answered field: label and value, values escaped."""
    spec_category = CATEGORIES.get(category)
    lines: list[str] = []
    for name, value in fields.items():
        if spec_category is not None and any(s.name == name for s in spec_category.fields):
            spec = spec_category.field(name)
            label: str = t(lang, spec_category.field_label_key(name))
            if spec.type == "choice":
                shown: str = t(lang, spec_category.choice_label_key(name, str(value)))
            elif spec.type == "amount":
                shown = t(lang, "value.amount", amount=value)
            elif spec.type == "photos":
                shown = t(lang, "value.photos", count=len(value) if isinstance(value, list) else 0)
            else:
                shown = escape(value)
        else:
            label, shown = escape(name), escape(value)
        lines.append(t(lang, "ticket.field_line", label=Safe(label), value=Safe(shown)))
    return "\n".join(lines)


def message_body(lang: str, body: str) -> str:
    """A thread message as shown: its words, or a mark for one that carried only files."""
    return body or t(lang, "ticket.files_only")


def worker_identity(lang: str, view: OfficerTicketView) -> Safe:
    if view.worker is None:
        return t(lang, "officer.worker_anonymous")
    return t(lang, "officer.worker_named", name=view.worker.display_name or "—")


def channel_label(lang: str, platform: str) -> Safe:
    """The messenger's name as officers read it; a messenger without one, its platform."""
    key = f"channel.{platform}"
    return t(lang, key) if has(lang, key) else Safe(escape(platform))


def officer_buttons(lang: str, ticket_id: int, status: TicketStatus) -> Buttons:
    if status in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        return [[OfficerButton("note", ticket_id).button(t(lang, "officer.btn.note"))]]
    first = []
    if status in (TicketStatus.NEW, TicketStatus.ASSIGNED, TicketStatus.REOPENED):
        first.append(OfficerButton("claim", ticket_id).button(t(lang, "officer.btn.claim")))
    first.append(OfficerButton("reply", ticket_id).button(t(lang, "officer.btn.reply")))
    first.append(OfficerButton("ask", ticket_id).button(t(lang, "officer.btn.ask")))
    return [
        first,
        [
            OfficerButton("note", ticket_id).button(t(lang, "officer.btn.note")),
            OfficerButton("resolve", ticket_id).button(t(lang, "officer.btn.resolve")),
            OfficerButton("reassign", ticket_id).button(t(lang, "officer.btn.reassign")),
        ],
        [OfficerButton("merge", ticket_id).button(t(lang, "officer.btn.merge"))],
    ]


def officer_card(lang: str, ticket: Ticket, zone: ZoneInfo, *, heading: str) -> Rendered:
    """The card an officer works a ticket from."""
    view = officer_view(ticket)
    parts: list[str] = [
        t(lang, heading, reference=view.reference),
        t(
            lang,
            "officer.card",
            kind=t(lang, f"kind.{view.kind}"),
            category=category_label(lang, view.category),
            status=status_label(lang, view.status),
            worker=worker_identity(lang, view),
            first_due=local_time(view.first_response_due, zone),
            resolution_due=local_time(view.resolution_due, zone),
            summary=view.summary,
        ),
    ]
    parts.append(t(lang, "officer.card_channel", channel=channel_label(lang, view.channel)))
    if view.urgent:
        parts.insert(1, t(lang, "officer.card_urgent"))
    if view.workplace:
        parts.append(t(lang, "ticket.workplace", workplace=view.workplace))
    lines = field_lines(lang, view.category, view.fields)
    if lines:
        parts.append(lines)
    if view.files:
        parts.append(_files_summary(lang, view))
    if view.escalation_level:
        parts.append(t(lang, "officer.card_escalated", level=view.escalation_level))
    return "\n".join(parts), officer_buttons(lang, ticket.id, TicketStatus(view.status))


def _files_summary(lang: str, view: OfficerTicketView) -> str:
    """How many photos and documents the ticket has, and how many are held back."""
    photos = sum(1 for file in view.files if file.kind == "photo")
    counts = []
    if photos:
        counts.append(t(lang, "officer.card_photos", count=photos))
    if len(view.files) > photos:
        counts.append(t(lang, "officer.card_documents", count=len(view.files) - photos))
    summary: str = t(lang, "officer.card_files_sep").join(counts)
    _, withheld = shown_files(view.anonymous, view.files)
    if withheld:
        summary += t(lang, "officer.card_withheld", count=withheld)
    return summary


def shown_files(anonymous: bool, files: Sequence[FileView]) -> tuple[list[Attachment], int]:
    """The worker's files an officer may be sent, by messenger file id, and how many are held
    back. A photo carries nothing but its pixels (the messenger strips its metadata); a
    document keeps the name the worker's phone gave it, so an anonymous worker's documents
    are not passed on."""
    sent: list[Attachment] = []
    withheld = 0
    for file in files:
        if not file.from_worker:
            continue
        if file.kind == "photo":
            sent.append(Attachment("photo", file.file_id, platform=file.platform))
        elif anonymous:
            withheld += 1
        else:
            sent.append(
                Attachment(
                    "document", file.file_id, file_name=file.file_name, platform=file.platform
                )
            )
    return sent, withheld


def card_files(lang: str, ticket: Ticket) -> tuple[str, tuple[Attachment, ...]] | None:
    """The follow-up to a ticket's card that carries its photos and files, if it has any."""
    view = officer_view(ticket)
    files, withheld = shown_files(view.anonymous, view.files)
    if not files and not withheld:
        return None
    parts = [t(lang, "officer.files", reference=view.reference)] if files else []
    if withheld:
        parts.append(t(lang, "officer.files_withheld", reference=view.reference, count=withheld))
    return "\n".join(parts), tuple(files)


def worker_ticket_line(lang: str, ticket: Ticket) -> str:
    return t(
        lang,
        "tickets.line",
        reference=ticket.ref,
        category=category_label(lang, ticket.category),
        status=status_label(lang, ticket.status),
    )


def worker_buttons(lang: str, ticket: Ticket) -> Buttons:
    rows: list[list[Any]] = []
    if ticket.status in OPEN_STATUSES:
        rows.append([WorkerButton("add", ticket.id).button(t(lang, "tickets.btn.add"))])
    if ticket.status == TicketStatus.RESOLVED:
        rows.append(
            [
                WorkerButton("ok", ticket.id).button(t(lang, "tickets.btn.confirm")),
                WorkerButton("reopen", ticket.id).button(t(lang, "tickets.btn.reopen")),
            ]
        )
    # A duplicate closed into another ticket was never worked: nothing to rate.
    if (
        ticket.status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
        and ticket.satisfaction is None
        and ticket.merged_into_id is None
    ):
        rows.append(rating_buttons(ticket.id))
    return rows


def rating_buttons(ticket_id: int) -> list[Any]:
    return [WorkerButton("rate", ticket_id, score).button("⭐" * score) for score in range(1, 6)]


def worker_detail(lang: str, ticket: Ticket, zone: ZoneInfo) -> Rendered:
    """A worker's own ticket: what they sent and the thread; internal notes left out."""
    parts: list[str] = [
        t(
            lang,
            "tickets.detail",
            reference=ticket.ref,
            category=category_label(lang, ticket.category),
            status=status_label(lang, ticket.status),
            created=local_time(ticket.created_at, zone),
            summary=ticket.summary,
        )
    ]
    if ticket.anonymous:
        parts.append(t(lang, "tickets.anonymous"))
    if ticket.workplace:
        parts.append(t(lang, "ticket.workplace", workplace=ticket.workplace))
    lines = field_lines(lang, ticket.category, ticket.fields)
    if lines:
        parts.append(lines)
    progress = worker_progress(lang, ticket, zone)
    if progress:
        parts.extend((t(lang, "tickets.progress"), progress))
    thread = [m for m in ticket.messages if m.visibility == MessageVisibility.THREAD]
    if thread:
        parts.append(t(lang, "tickets.thread"))
        for message in thread[-20:]:
            who = "tickets.from_me" if message.author_kind == "worker" else "tickets.from_officer"
            parts.append(
                t(
                    lang,
                    "tickets.thread_line",
                    when=local_time(message.created_at, zone),
                    who=t(lang, who),
                    body=message_body(lang, message.body),
                )
            )
    if ticket.satisfaction is not None:
        parts.append(t(lang, "tickets.rated", score=ticket.satisfaction))
    return "\n".join(parts), worker_buttons(lang, ticket)


# How many history entries a detail shows; older ones are counted, not listed.
HISTORY_LIMIT = 30
# Events that only accompany a thread message: the message's own line says more.
_MESSAGE_EVENTS = frozenset({"reply", "ask_worker", "worker_message", "note"})
# What happened to a request that its worker is told about; the rest (who was picked
# automatically, a queue without officers) is the officers' business.
_WORKER_EVENTS = frozenset(
    {
        "created",
        "claim",
        "reassign",
        "escalate",
        "resolve",
        "confirm",
        "auto_close",
        "reopen",
        "merged_into",
    }
)
# Acts done to a whole collective case: each ticket's line names the case.
_CASE_ACTS = frozenset({"reply", "resolve"})


def _event_params(lang: str, event: TicketEvent, names: TrailNames) -> dict[str, object]:
    data = event.data

    def officer(key: str) -> object:
        officer_id = data.get(key)
        if officer_id is None:
            return t(lang, "history.nobody")
        return names.officers.get(officer_id, t(lang, "history.officer"))

    def queue(key: str) -> object:
        queue_key = data.get(key)
        return names.queues.get(str(queue_key), str(queue_key or "—"))

    if event.actor_kind == ActorKind.OFFICER and event.actor_officer_id is not None:
        actor: object = names.officers.get(event.actor_officer_id, t(lang, "history.officer"))
    else:
        actor = t(lang, f"history.actor.{ActorKind(event.actor_kind).value}")
    return {
        "actor": actor,
        "officer": officer("to_officer_id" if "to_officer_id" in data else "officer_id"),
        "from_queue": queue("from_queue"),
        "to_queue": queue("to_queue"),
        "level": data.get("level", ""),
        # The other ticket of a merge, the collective case joined or left.
        "ticket": data.get("ticket", ""),
        "case": data.get("case", ""),
        "score": data.get("score", ""),
        "why": t(lang, f"history.why.{event.reason}")
        if has(lang, f"history.why.{event.reason}")
        else "",
        "event": event.event,
    }


def _event_line(lang: str, event: TicketEvent, names: TrailNames, *, audience: str) -> str:
    """One event in `audience` ("officer" or "worker") terms, with the status it led to."""
    key = f"history.{audience}.{event.event}"
    if not has(lang, key):
        key = f"history.{audience}.other"
    text: str = t(lang, key, **_event_params(lang, event, names))
    # The reason an officer gave for moving a ticket is written for colleagues.
    if audience == "officer" and event.event == "reassign" and event.reason:
        text += t(lang, "history.reason", reason=event.reason)
    if audience == "officer" and event.event in _CASE_ACTS and "case" in event.data:
        text += t(lang, "history.in_case", case=event.data["case"])
    if event.to_status is not None and event.from_status not in (None, event.to_status):
        text += t(lang, "history.now_status", status=status_label(lang, event.to_status))
    if audience == "officer" and event.data.get("via") == "console":
        text += t(lang, "history.via_console")
    return text


def _history_text(lang: str, entries: list[tuple[datetime, int, str]], zone: ZoneInfo) -> str:
    entries.sort(key=lambda entry: (entry[0], entry[1]))
    lines = [
        t(lang, "history.line", when=local_time(at, zone), text=Safe(text))
        for at, _, text in entries[-HISTORY_LIMIT:]
    ]
    if len(entries) > HISTORY_LIMIT:
        lines.insert(0, t(lang, "history.earlier", count=len(entries) - HISTORY_LIMIT))
    return "\n".join(lines)


def officer_history(lang: str, ticket: Ticket, zone: ZoneInfo, names: TrailNames) -> str:
    """The whole trail for /ticket REF, oldest first: claims, status changes and their
    reasons, reassignments, escalations, reopening, rating, and the thread with internal
    notes, officers by name. The worker appears as "worker" only, so nothing here
    identifies the filer of an anonymous ticket."""
    entries: list[tuple[datetime, int, str]] = [
        (event.at, 0, _event_line(lang, event, names, audience="officer"))
        for event in ticket.events
        if event.event not in _MESSAGE_EVENTS
    ]
    for message in ticket.messages:
        if message.author_kind == ActorKind.WORKER:
            who = t(lang, "history.actor.worker")
        else:
            name = names.officers.get(message.author_officer_id or 0, t(lang, "history.officer"))
            internal = message.visibility == MessageVisibility.INTERNAL
            who = t(lang, "history.note_by" if internal else "history.said_by", name=name)
        body = t(lang, "history.message", who=who, body=message_body(lang, message.body))
        entries.append((message.created_at, 1, body))
    return _history_text(lang, entries, zone)


def officer_trail(lang: str, ticket: Ticket, names: TrailNames) -> list[tuple[datetime, Safe]]:
    """Every event of the audit trail, oldest first, each as (time, line) for an officer:
    message events too, with where an officer acted from."""
    return [
        (event.at, Safe(_event_line(lang, event, names, audience="officer")))
        for event in ticket.events
    ]


def worker_progress(lang: str, ticket: Ticket, zone: ZoneInfo) -> str:
    """What happened to a worker's own request, without officers' names, internal notes,
    queue names or the reasons officers gave each other (the thread shows the messages)."""
    no_names = TrailNames(officers={}, queues={})
    entries = [
        (event.at, 0, _event_line(lang, event, no_names, audience="worker"))
        for event in ticket.events
        if event.event in _WORKER_EVENTS
    ]
    return _history_text(lang, entries, zone)


def topic_title(lang: str, ticket: Ticket) -> str:
    """A ticket topic's name: reference and category, nothing about the worker."""
    title = t(
        lang,
        "topic.title",
        reference=ticket.ref,
        category=category_label(lang, ticket.category),
    )
    return unescape(title)[:128]  # plain text; Telegram's limit for a topic name
