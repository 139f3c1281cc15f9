"""Announcements: an admin's message to many workers, and its progress.

An announcement has a text (plain; escaped when sent), optionally a photo (a messenger
file id or an https URL) and link buttons, an audience (workers of a unit and every unit
below it, of one language, or everyone; never those who unsubscribed, blocked the bot or
were erased, never officers) and a time to start. When the time comes its recipients are
chosen once; `feed` then hands them to the outbox a batch at a time, as bulk (after every
conversation message), each marked in the same transaction, so nobody gets it twice and
a restart resumes where it stopped. Every message carries an unsubscribe button.

Pausing stops the feeding (what delivery already holds still goes); cancelling also takes
back what delivery has not claimed. Use cases flush and never commit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Announcement, AnnouncementStatus, Unit
from db.repositories import announcements as repo
from db.repositories import outbox
from db.repositories.tickets import get_unit_by_key
from handlers.core.buttons import SubscriptionButton, SurveyButton
from handlers.core.texts import LANGUAGES, escape, t
from handlers.messages import Attachment, Button, Outgoing
from handlers.reports.common import unit_scope

# Outbox priority of announcements: after every conversation message (priority 0).
BULK_PRIORITY = 1
# With or without a photo: a text too long to be the photo's caption on a messenger goes
# as its own message just before the photo (each transport knows its caption limit).
MAX_TEXT_LENGTH = 4000
MAX_LINKS = 6
MAX_LABEL_LENGTH = 40
_URL = re.compile(r"https://\S{1,2000}")


class AnnouncementError(Exception):
    """A request an admin can correct; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Progress:
    announcement: Announcement
    total: int
    sent: int
    failed: int
    blocked: int
    left: int


def _check(text: str, photo: str | None, links: Sequence[tuple[str, str]]) -> str:
    text = text.strip()
    if not text:
        msg = "the announcement needs a text"
        raise AnnouncementError(msg)
    if len(text) > MAX_TEXT_LENGTH:
        msg = f"the text is {len(text)} characters; at most {MAX_TEXT_LENGTH}"
        raise AnnouncementError(msg)
    if photo is not None and (not photo.strip() or len(photo) > 1024):
        msg = "--photo must be a file id or an https URL of at most 1024 characters"
        raise AnnouncementError(msg)
    if len(links) > MAX_LINKS:
        msg = f"at most {MAX_LINKS} link buttons"
        raise AnnouncementError(msg)
    for label, url in links:
        if not label.strip() or len(label) > MAX_LABEL_LENGTH:
            msg = f"a link label must be 1-{MAX_LABEL_LENGTH} characters: {label!r}"
            raise AnnouncementError(msg)
        if not _URL.fullmatch(url):
            msg = f"a link must be an https URL: {url!r}"
            raise AnnouncementError(msg)
    return text


async def create(
    session: AsyncSession,
    *,
    text: str,
    photo: str | None = None,
    links: Sequence[tuple[str, str]] = (),
    unit_key: str | None = None,
    language: str | None = None,
    send_at: datetime,
    now: datetime,
) -> Announcement:
    """A new announcement, to start at `send_at` (now or later)."""
    text = _check(text, photo, links)
    if language is not None and language not in LANGUAGES:
        msg = f"unknown language {language!r}; one of {', '.join(LANGUAGES)}"
        raise AnnouncementError(msg)
    unit_id = None
    if unit_key is not None:
        unit = await get_unit_by_key(session, unit_key)
        if unit is None:
            msg = f"unknown unit {unit_key!r} (see `workerbot unit list`)"
            raise AnnouncementError(msg)
        unit_id = unit.id
    announcement = Announcement(
        text=text,
        photo=photo,
        links=[[label, url] for label, url in links],
        unit_id=unit_id,
        language=language,
        status=AnnouncementStatus.SCHEDULED,
        send_at=max(send_at, now),
        created_at=now,
        total=0,
    )
    session.add(announcement)
    await session.flush()
    return announcement


async def start_due(session: AsyncSession, now: datetime) -> list[Announcement]:
    """Start the announcements whose time has come: choose their recipients."""
    started = []
    for announcement in await repo.with_status(session, [AnnouncementStatus.SCHEDULED]):
        if announcement.send_at > now:
            continue
        unit_ids = None
        unit_id = announcement.unit_id
        unit = None if unit_id is None else await session.get(Unit, unit_id)
        if unit is not None:
            scope = await unit_scope(session, unit.key)
            unit_ids = None if scope is None else scope.unit_ids
        total = await repo.choose_recipients(session, announcement, unit_ids)
        await repo.set_status(
            session, announcement.id, AnnouncementStatus.SENDING, started_at=now, total=total
        )
        started.append(announcement)
    return started


def message_for(announcement: Announcement, chat_id: str, language: str) -> Outgoing:
    """The announcement as one recipient gets it: their language for the buttons (answer a
    survey it invites to, unsubscribe)."""
    rows: list[tuple[Button, ...]] = [
        (Button(label=label, action="", url=url),) for label, url in announcement.links
    ]
    if announcement.survey_id is not None:
        answer = SurveyButton("go", announcement.survey_id)
        rows.append((answer.button(t(language, "survey.btn_answer")),))
    rows.append((SubscriptionButton("off").button(t(language, "announce.unsubscribe")),))
    photo = (Attachment("photo", announcement.photo),) if announcement.photo else ()
    return Outgoing(
        chat_id=chat_id, text=escape(announcement.text), buttons=tuple(rows), attachments=photo
    )


async def feed(session: AsyncSession, now: datetime, room: int) -> int:
    """Hand up to `room` recipients of the announcements being sent to delivery, oldest
    announcement first; finished ones are marked done. Returns how many were handed over."""
    handed = 0
    for announcement in await repo.with_status(session, [AnnouncementStatus.SENDING]):
        if handed < room:
            addressees = await repo.next_addressees(session, announcement.id, room - handed)
            row_ids = await outbox.enqueue_many(
                session,
                [
                    outbox.Message(
                        a.platform,
                        a.chat_id,
                        message_for(announcement, a.chat_id, a.language).to_json(),
                        person_id=a.person_id,
                    )
                    for a in addressees
                ],
                now=now,
                priority=BULK_PRIORITY,
            )
            await repo.mark_queued(
                session,
                announcement.id,
                dict(zip((a.person_id for a in addressees), row_ids, strict=True)),
            )
            handed += len(row_ids)
        if await repo.left_to_queue(session, announcement.id) == 0:
            await repo.set_status(
                session, announcement.id, AnnouncementStatus.DONE, finished_at=now
            )
    return handed


async def _get(session: AsyncSession, announcement_id: int) -> Announcement:
    announcement = await session.get(Announcement, announcement_id)
    if announcement is None:
        msg = f"no announcement #{announcement_id} (see `workerbot announce list`)"
        raise AnnouncementError(msg)
    return announcement


_UNDER_WAY = {AnnouncementStatus.SCHEDULED, AnnouncementStatus.SENDING}
_MOVES = {
    "pause": (_UNDER_WAY, AnnouncementStatus.PAUSED),
    "cancel": (_UNDER_WAY | {AnnouncementStatus.PAUSED}, AnnouncementStatus.CANCELLED),
}


async def pause(session: AsyncSession, announcement_id: int, now: datetime) -> Announcement:
    return await _move(session, announcement_id, "pause", now)


async def cancel(session: AsyncSession, announcement_id: int, now: datetime) -> Announcement:
    announcement = await _move(session, announcement_id, "cancel", now)
    await repo.withdraw_unclaimed(session, announcement_id)
    return announcement


async def resume(session: AsyncSession, announcement_id: int, now: datetime) -> Announcement:
    """A paused announcement goes on: sending if it had started, else waits for its time."""
    announcement = await _get(session, announcement_id)
    if announcement.status != AnnouncementStatus.PAUSED:
        msg = f"announcement #{announcement_id} is {announcement.status.value}, not paused"
        raise AnnouncementError(msg)
    status = (
        AnnouncementStatus.SENDING
        if announcement.started_at is not None
        else AnnouncementStatus.SCHEDULED
    )
    await repo.set_status(session, announcement_id, status)
    return announcement


async def _move(
    session: AsyncSession, announcement_id: int, verb: str, now: datetime
) -> Announcement:
    announcement = await _get(session, announcement_id)
    allowed, target = _MOVES[verb]
    if announcement.status not in allowed:
        msg = f"announcement #{announcement_id} is {announcement.status.value}: cannot {verb}"
        raise AnnouncementError(msg)
    values: dict[str, object] = {"finished_at": now} if verb == "cancel" else {}
    await repo.set_status(session, announcement_id, target, **values)
    return announcement


async def progress(session: AsyncSession, announcement_id: int) -> Progress:
    announcement = await _get(session, announcement_id)
    tally = await repo.tally(session, announcement_id)
    return Progress(announcement, tally.total, tally.sent, tally.failed, tally.blocked, tally.left)


async def list_all(session: AsyncSession) -> list[Announcement]:
    return await repo.with_status(session, list(AnnouncementStatus))


async def set_subscribed(session: AsyncSession, person_id: int, subscribed: bool) -> None:
    await repo.set_subscribed(session, person_id, subscribed)
