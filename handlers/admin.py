"""Administration use cases: units, queues, officers and their invite codes.

Like every use case they flush but never commit; the CLI (or whoever calls) commits.
Invite codes are shown once and only their SHA-256 is stored, so a copy of the database
hands out no working code. A code is 16 characters from an alphabet without look-alikes
(about 79 bits), which makes guessing hopeless without a slow hash.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from db.models import Officer, OfficerRole, Person, Queue, Ticket, Unit, UnitKind
from db.repositories import web_sessions
from db.repositories.people import find_person
from db.repositories.tickets import OPEN_STATUSES
from handlers.routing import KEY

INVITE_VALID_FOR = timedelta(days=7)
INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
INVITE_LENGTH = 16
# An officer added by messenger id before they ever wrote to the bot gets a person row
# now; its language follows the messenger from their first message on.
NEW_PERSON_LANGUAGE = "zh-CN"

# The same keys as in the routing file, so units and queues made here can be routed to.
_NAME_MAX = 200
# Lowest first: a unit's parent is always of a higher kind (enterprise < ... < city).
_PLATFORM_USER_ID = re.compile(r"[0-9A-Za-z_@.:-]{1,64}")


class AdminError(Exception):
    """A request an admin can correct. The message says what is wrong in English, for the
    command line; `key` and `params` are the catalog text the console shows instead, in
    the reader's language (the command line's hints, such as `workerbot unit list`, are
    left out there)."""

    def __init__(self, message: str, key: str, /, **params: object) -> None:
        super().__init__(message)
        self.key = key
        self.params = params


@dataclass(frozen=True, slots=True)
class QueueMembers:
    queue: Queue
    officers: list[Officer]


@dataclass(frozen=True, slots=True)
class QueueChange:
    """An officer after their queues changed, with what the change left behind."""

    officer: Officer
    removed: list[Queue]
    # Open tickets still assigned to the officer in queues they do not belong to (now or
    # since an earlier change): nothing moves them, and only an admin can still open them.
    open_left_behind: int


def _check_key(what: str, key: str) -> None:
    if not KEY.fullmatch(key):
        msg = (
            f"invalid {what} key {key!r}: use 1-64 lowercase letters, digits or '-', "
            "starting with a letter or digit"
        )
        raise AdminError(msg, "admin.error.bad_key", code=key)


def _check_name(what: str, name: str) -> str:
    name = name.strip()
    if not name or len(name) > _NAME_MAX:
        msg = f"{what} name must be 1-{_NAME_MAX} characters"
        raise AdminError(msg, "admin.error.bad_name", max=_NAME_MAX)
    return name


async def _unit_by_key(session: AsyncSession, key: str) -> Unit:
    unit = await session.scalar(select(Unit).where(Unit.key == key))
    if unit is None:
        msg = f"unknown unit {key!r} (see `workerbot unit list`)"
        raise AdminError(msg, "admin.error.unknown_unit", code=key)
    return unit


async def _queue_by_key(session: AsyncSession, key: str) -> Queue:
    queue = await session.scalar(select(Queue).where(Queue.key == key))
    if queue is None:
        msg = f"unknown queue {key!r} (see `workerbot queue list`)"
        raise AdminError(msg, "admin.error.unknown_queue", code=key)
    return queue


async def add_unit(
    session: AsyncSession, key: str, name: str, kind: UnitKind, parent_key: str | None = None
) -> Unit:
    _check_key("unit", key)
    name = _check_name("unit", name)
    if await session.scalar(select(Unit.id).where(Unit.key == key)) is not None:
        msg = f"unit {key!r} exists already"
        raise AdminError(msg, "admin.error.unit_exists", code=key)
    kind = UnitKind(kind)
    parent = await _unit_by_key(session, parent_key) if parent_key is not None else None
    if parent is not None and parent.kind.rank <= kind.rank:
        msg = f"a {kind.value} unit cannot belong to {parent.key!r}, a {parent.kind.value} unit"
        raise AdminError(msg, "admin.error.bad_parent", parent=parent.name)
    unit = Unit(key=key, name=name, kind=kind, parent_id=parent.id if parent else None)
    session.add(unit)
    await session.flush()
    return unit


async def list_units(session: AsyncSession) -> list[Unit]:
    """Every unit with its parent loaded, in the order they were added."""
    return list(
        await session.scalars(select(Unit).options(selectinload(Unit.parent)).order_by(Unit.id))
    )


async def add_queue(session: AsyncSession, key: str, name: str, unit_key: str) -> Queue:
    _check_key("queue", key)
    name = _check_name("queue", name)
    if await session.scalar(select(Queue.id).where(Queue.key == key)) is not None:
        msg = f"queue {key!r} exists already"
        raise AdminError(msg, "admin.error.queue_exists", code=key)
    unit = await _unit_by_key(session, unit_key)
    queue = Queue(key=key, name=name, unit_id=unit.id)
    session.add(queue)
    await session.flush()
    return queue


async def list_queues(session: AsyncSession) -> list[Queue]:
    """Every queue with its unit and officers loaded."""
    return list(
        await session.scalars(
            select(Queue)
            .options(selectinload(Queue.unit), selectinload(Queue.officers))
            .order_by(Queue.id)
        )
    )


async def queue_members(session: AsyncSession, queue_key: str) -> QueueMembers:
    """The queue and its officers (active or not, with their accounts), by id."""
    queue = await _queue_by_key(session, queue_key)
    officers = await session.scalars(
        select(Officer)
        .where(Officer.queues.any(Queue.id == queue.id))
        .options(selectinload(Officer.person))
        .order_by(Officer.id)
    )
    return QueueMembers(queue=queue, officers=list(officers))


def _hash_code(code: str) -> str:
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def _normalise_code(code: str) -> str | None:
    # People retype codes: tolerate case, spaces and dashes, refuse anything else.
    cleaned = re.sub(r"[\s-]", "", code).upper()
    if len(cleaned) != INVITE_LENGTH or any(c not in INVITE_ALPHABET for c in cleaned):
        return None
    return cleaned


def _issue_invite(officer: Officer, now: datetime, valid_for: timedelta) -> str:
    """A fresh one-time code for the officer; only its hash is kept."""
    code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(INVITE_LENGTH))
    officer.invite_code_hash = _hash_code(code)
    officer.invite_expires_at = now + valid_for
    return code


async def _person_for_messenger_id(
    session: AsyncSession, platform: str, platform_user_id: str, now: datetime
) -> Person:
    if not _PLATFORM_USER_ID.fullmatch(platform_user_id):
        msg = f"invalid {platform} id {platform_user_id!r}"
        raise AdminError(msg, "admin.error.bad_messenger_id", id=platform_user_id)
    person = await find_person(session, platform, platform_user_id)
    if person is None:
        # In a private chat the chat id is the user id, so messages can reach them at once.
        person = Person(
            platform=platform,
            platform_user_id=platform_user_id,
            chat_id=platform_user_id,
            language=NEW_PERSON_LANGUAGE,
            created_at=now,
            last_seen_at=now,
        )
        session.add(person)
        await session.flush()
        return person
    linked = await session.scalar(select(Officer).where(Officer.person_id == person.id))
    if linked is not None:
        msg = f"{platform} id {platform_user_id} is already officer #{linked.id} ({linked.name})"
        raise AdminError(msg, "admin.error.account_taken", number=linked.id, name=linked.name)
    return person


async def add_officer(
    session: AsyncSession,
    *,
    name: str,
    queue_keys: list[str],
    is_admin: bool = False,
    platform: str | None = None,
    platform_user_id: str | None = None,
    now: datetime,
    invite_valid_for: timedelta = INVITE_VALID_FOR,
) -> tuple[Officer, str | None]:
    """Add an officer to the given queues; the second value is their invite code, if any.

    With a messenger id the officer is linked to that account right away and no code is
    made. Without one, the returned code (shown once, valid `invite_valid_for`) links
    whoever sends it to the bot (`/start CODE`).
    """
    name = _check_name("officer", name)
    if (platform is None) != (platform_user_id is None):
        msg = "give both the platform and the messenger id, or neither"
        raise AdminError(msg, "admin.error.messenger_pair")
    queues = [await _queue_by_key(session, key) for key in dict.fromkeys(queue_keys)]
    person = (
        await _person_for_messenger_id(session, platform, platform_user_id, now)
        if platform is not None and platform_user_id is not None
        else None
    )
    officer = Officer(
        name=name,
        role=OfficerRole.ADMIN if is_admin else OfficerRole.OFFICER,
        active=True,
        created_at=now,
        person_id=person.id if person is not None else None,
        queues=queues,
    )
    code = _issue_invite(officer, now, invite_valid_for) if person is None else None
    session.add(officer)
    await session.flush()
    return officer, code


async def redeem_invite(
    session: AsyncSession, code: str, person: Person, now: datetime
) -> Officer | None:
    """Link `person` to the officer whose invite `code` this is; None if it does not work.

    Wrong, expired, used or deactivated codes all give None alike, so a guesser learns
    nothing. The link is one conditional UPDATE, so two people racing with one code
    cannot both win.
    """
    cleaned = _normalise_code(code)
    if cleaned is None:
        return None
    presented = _hash_code(cleaned)
    officer = await session.scalar(select(Officer).where(Officer.invite_code_hash == presented))
    if (
        officer is None
        or officer.invite_code_hash is None
        or not hmac.compare_digest(officer.invite_code_hash, presented)
        or not officer.active
        or officer.person_id is not None
        or officer.invite_expires_at is None
        or officer.invite_expires_at <= now
    ):
        return None
    if await session.scalar(select(Officer.id).where(Officer.person_id == person.id)) is not None:
        return None  # one messenger account is one officer
    linked = await session.scalar(
        update(Officer)
        .where(
            Officer.id == officer.id,
            Officer.invite_code_hash == presented,
            Officer.person_id.is_(None),
        )
        .values(person_id=person.id, invite_code_hash=None, invite_expires_at=None)
        .returning(Officer.id),
        execution_options={"synchronize_session": "fetch"},
    )
    if linked is None:
        return None
    await session.refresh(officer)
    return officer


def _unknown_officer(officer_id: int) -> AdminError:
    return AdminError(
        f"unknown officer #{officer_id} (see `workerbot officer list`)",
        "admin.error.unknown_officer",
        number=officer_id,
    )


async def _officer_by_id(session: AsyncSession, officer_id: int) -> Officer:
    officer = await session.get(Officer, officer_id)
    if officer is None:
        raise _unknown_officer(officer_id)
    return officer


async def officer_with_queues(session: AsyncSession, officer_id: int) -> Officer:
    """The officer with their queues freshly loaded; AdminError if there is none."""
    officer = await session.scalar(
        select(Officer)
        .where(Officer.id == officer_id)
        .options(selectinload(Officer.queues))
        .execution_options(populate_existing=True)
    )
    if officer is None:
        raise _unknown_officer(officer_id)
    return officer


async def change_officer_queues(
    session: AsyncSession, officer_id: int, *, add: Sequence[str] = (), remove: Sequence[str] = ()
) -> QueueChange:
    """Add the officer to the `add` queues and take them out of the `remove` ones.

    Every key is checked before anything changes, so a bad one changes nothing. Tickets
    already assigned to the officer stay theirs; the result counts the open ones outside
    the officer's queues.
    """
    officer = await officer_with_queues(session, officer_id)
    add_keys, remove_keys = list(dict.fromkeys(add)), list(dict.fromkeys(remove))
    if not add_keys and not remove_keys:
        msg = "nothing to change: give a queue to add or to remove"
        raise AdminError(msg, "admin.error.no_change")
    both = [key for key in add_keys if key in remove_keys]
    if both:
        msg = f"queue {both[0]!r} is both to add and to remove"
        raise AdminError(msg, "admin.error.add_and_remove", code=both[0])
    to_add = [await _queue_by_key(session, key) for key in add_keys]
    to_remove = [await _queue_by_key(session, key) for key in remove_keys]
    current = {queue.id for queue in officer.queues}
    for queue in to_add:
        if queue.id in current:
            msg = f"officer #{officer.id} ({officer.name}) is in queue {queue.key!r} already"
            raise AdminError(msg, "admin.error.in_queue", name=officer.name, queue=queue.name)
    for queue in to_remove:
        if queue.id not in current:
            msg = f"officer #{officer.id} ({officer.name}) is not in queue {queue.key!r}"
            raise AdminError(msg, "admin.error.not_in_queue", name=officer.name, queue=queue.name)
    removed_ids = {queue.id for queue in to_remove}
    officer.queues = [q for q in officer.queues if q.id not in removed_ids] + to_add
    await session.flush()
    left_behind = await session.scalar(
        select(func.count())
        .select_from(Ticket)
        .where(
            Ticket.assignee_id == officer.id,
            Ticket.status.in_(OPEN_STATUSES),
            Ticket.queue_id.not_in([queue.id for queue in officer.queues]),
        )
    )
    return QueueChange(officer=officer, removed=to_remove, open_left_behind=left_behind or 0)


async def activate_officer(
    session: AsyncSession,
    officer_id: int,
    *,
    now: datetime,
    invite_valid_for: timedelta = INVITE_VALID_FOR,
) -> tuple[Officer, str | None]:
    """Route tickets to a deactivated officer again; the second value is a new invite code.

    Deactivation revoked any unused invite, so an officer whose account was never linked
    gets a fresh code (shown once); a linked one works again at once.
    """
    officer = await _officer_by_id(session, officer_id)
    if officer.active:
        msg = f"officer #{officer.id} ({officer.name}) is active already"
        raise AdminError(msg, "admin.error.active_already", name=officer.name)
    officer.active = True
    code = _issue_invite(officer, now, invite_valid_for) if officer.person_id is None else None
    await session.flush()
    return officer, code


async def deactivate_officer(session: AsyncSession, officer_id: int) -> Officer:
    """Stop routing to the officer, revoke any unused invite and sign them out of the
    console everywhere; history stays."""
    officer = await _officer_by_id(session, officer_id)
    officer.active = False
    officer.invite_code_hash = None
    officer.invite_expires_at = None
    await web_sessions.delete_sessions_of_officer(session, officer.id)
    await session.flush()
    return officer


async def list_officers(session: AsyncSession) -> list[Officer]:
    """Every officer, active or not, with their queues and messenger account loaded."""
    return list(
        await session.scalars(
            select(Officer)
            .options(selectinload(Officer.queues), selectinload(Officer.person))
            .order_by(Officer.id)
        )
    )


async def officer_for_person(session: AsyncSession, person_id: int) -> Officer | None:
    """The active officer behind this messenger account, with their queues loaded."""
    return await session.scalar(
        select(Officer)
        .where(Officer.person_id == person_id, Officer.active.is_(True))
        .options(selectinload(Officer.queues))
    )
