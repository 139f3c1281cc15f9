"""Telling people: rendered notices written into the outbox, inside the caller's transaction.

The one place that turns a (text, buttons) pair into an outbox row. Rendering is
`handlers.core.notices`'s (pure); whoever calls here commits. A ticket's staff are its
officers, each in their own language, and its topic in the queue's officers' group, in
the group's language: `to_staff` tells both, so no caller repeats the pair.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, Person, Queue, Ticket
from db.repositories import outbox, people
from handlers.core.notices import Rendered, card_files, officer_card, topic_title
from handlers.core.texts import t
from handlers.messages import Attachment, Outgoing, Topic

Render = Callable[[str], Rendered]


def queue(
    session: AsyncSession,
    platform: str,
    message: Outgoing,
    *,
    now: datetime,
    person_id: int | None = None,
    ticket_id: int | None = None,
) -> Outgoing:
    """Queue `message` on `platform`; `person_id` is whom a refusal (403) marks unreachable."""
    outbox.enqueue(
        session,
        platform,
        message.chat_id,
        message.to_json(),
        person_id=person_id,
        ticket_id=ticket_id,
        now=now,
    )
    return message


def _outgoing(  # noqa: PLR0917 - where, in what language, what
    platform: str,
    chat_id: str,
    lang: str,
    rendered: Rendered,
    attachments: Sequence[Attachment],
    topic: Topic | None = None,
) -> Outgoing:
    """The message; files another messenger holds keep its name, for the transport to
    upload them if it can have their bytes (a web chat photo) or leave them, and the text
    says where they are either way (the console shows every worker's files)."""
    text, buttons = rendered
    # What the messenger holds goes as before: by its id there, the platform left unsaid.
    files = [replace(a, platform=None) if a.platform == platform else a for a in attachments]
    foreign = sum(1 for a in files if a.platform is not None)
    if foreign:
        text += "\n" + t(lang, "officer.files_in_console", count=foreign)
    return Outgoing(
        chat_id=chat_id,
        text=text,
        buttons=tuple(tuple(row) for row in buttons),
        attachments=tuple(files),
        topic=topic,
    )


def to_person(
    session: AsyncSession,
    person: Person,
    rendered: Rendered,
    *,
    ticket_id: int | None,
    now: datetime,
    attachments: Sequence[Attachment] = (),
) -> Outgoing:
    """Queue a message to `person`; returns it as queued."""
    message = _outgoing(person.platform, person.chat_id, person.language, rendered, attachments)
    return queue(
        session, person.platform, message, person_id=person.id, ticket_id=ticket_id, now=now
    )


async def to_group(
    session: AsyncSession,
    ticket: Ticket,
    rendered: Rendered,
    *,
    lang: str,
    now: datetime,
    attachments: Sequence[Attachment] = (),
) -> bool:
    """A message into the ticket's topic in its queue's officers' group, if the queue has
    one; False if it has none. Delivery opens the topic the first time."""
    group = await session.get(Queue, ticket.queue_id)
    if group is None or group.group_chat_id is None or group.group_platform is None:
        return False
    topic = Topic(ticket_id=ticket.id, title=topic_title(lang, ticket))
    message = _outgoing(
        group.group_platform, group.group_chat_id, lang, rendered, attachments, topic
    )
    # No person: a group that removed the bot says nothing about anybody's reachability.
    queue(session, group.group_platform, message, ticket_id=ticket.id, now=now)
    return True


async def to_officers(
    session: AsyncSession,
    officers: Sequence[Officer],
    render: Render,
    *,
    ticket_id: int | None,
    now: datetime,
    skip_person_id: int | None = None,
    attachments: Sequence[Attachment] = (),
) -> int:
    """A notice to each officer, in their own language; returns how many were queued."""
    count = 0
    seen: set[int] = set()
    for officer in officers:
        person_id = officer.person_id
        if person_id is None or person_id in seen or person_id == skip_person_id:
            continue
        seen.add(person_id)
        person = await people.get_person(session, person_id)
        if person is None:
            continue
        to_person(
            session,
            person,
            render(person.language),
            ticket_id=ticket_id,
            now=now,
            attachments=attachments,
        )
        count += 1
    return count


async def to_staff(
    session: AsyncSession,
    ticket: Ticket,
    officers: Sequence[Officer],
    render: Render,
    *,
    group_lang: str,
    now: datetime,
    skip_person_id: int | None = None,
    to_topic: bool = True,
    attachments: Sequence[Attachment] = (),
) -> bool:
    """A notice about `ticket` to each of `officers` and, with `to_topic`, into its topic;
    returns whether the topic was written to."""
    await to_officers(
        session,
        officers,
        render,
        ticket_id=ticket.id,
        now=now,
        skip_person_id=skip_person_id,
        attachments=attachments,
    )
    if not to_topic:
        return False
    return await to_group(
        session, ticket, render(group_lang), lang=group_lang, now=now, attachments=attachments
    )


async def send_card(
    session: AsyncSession,
    ticket: Ticket,
    officers: Sequence[Officer],
    *,
    heading: str,
    zone: ZoneInfo,
    now: datetime,
    group_lang: str,
    skip_person_id: int | None = None,
    to_topic: bool = True,
) -> None:
    """The ticket's card to its staff; each card is followed by a message carrying the
    worker's photos and files, if there are any.

    `ticket` must be loaded as `service.get_ticket` loads it (thread and files).
    """

    def card(lang: str) -> Rendered:
        return officer_card(lang, ticket, zone, heading=heading)

    def files_note(lang: str) -> Rendered:
        follow_up = card_files(lang, ticket)
        return (follow_up[0] if follow_up is not None else ""), ()

    in_topic = await to_staff(
        session,
        ticket,
        officers,
        card,
        group_lang=group_lang,
        now=now,
        skip_person_id=skip_person_id,
        to_topic=to_topic,
    )
    follow_up = card_files(group_lang, ticket)
    if follow_up is not None:
        # The files go where the card went: officers always, the topic only if it has one.
        await to_staff(
            session,
            ticket,
            officers,
            files_note,
            group_lang=group_lang,
            now=now,
            skip_person_id=skip_person_id,
            to_topic=in_topic,
            attachments=follow_up[1],
        )
