"""`workerbot unit|queue|officer|block|retention ...`: set up the union's units, queues and
officers, lift the blocks officers put on abusive workers, and see what retention erases
next.

Each command is one unit of work: it brings the schema up to date and applies the
routing file's units and queues (bot.app.command_database), runs the use case
from handlers.admin and commits; what it prints (warnings on stderr) comes after the
commit, so an invite code shown is an invite code stored.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import command_database
from bot.commands import Subcommands
from bot.settings import Settings
from bot.transports.registry import MESSENGERS
from bot.transports.telegram import TELEGRAM
from db.models import Officer, UnitKind
from handlers import admin, blocks, privacy, signin
from handlers.routing import DEFAULT_QUEUE_KEY, RoutingError

# Where `workerbot web` listens by default.
LOCAL_CONSOLE = "http://127.0.0.1:8080"

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Printout:
    """What a command prints once its work is committed."""

    lines: list[str]
    warnings: list[str]


# Most commands only report; those that can warn return a Printout.
Action = Callable[[AsyncSession, datetime], Awaitable[list[str] | Printout]]


def register(subcommands: Subcommands) -> None:
    _register_units(subcommands)
    _register_queues(subcommands)
    _register_officers(subcommands)
    _register_blocks(subcommands)
    _register_retention(subcommands)


def _register_units(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("unit", help="union units (enterprise, park, district, city)")
    actions = parser.add_subparsers(dest="unit_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a unit")
    add.add_argument("key", help="short stable key, e.g. nanshan-district")
    add.add_argument("--name", required=True, help="name shown to people")
    add.add_argument("--kind", required=True, choices=[k.value for k in UnitKind])
    add.add_argument("--parent", metavar="KEY", help="key of the unit above this one")
    add.set_defaults(run=lambda args: _run(_unit_add(args)))
    listing = actions.add_parser("list", help="list units")
    listing.set_defaults(run=lambda _args: _run(_unit_list))


def _register_queues(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("queue", help="ticket queues of units")
    actions = parser.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a queue to a unit")
    add.add_argument("key", help="short stable key, used in routing rules")
    add.add_argument("--name", required=True)
    add.add_argument("--unit", required=True, metavar="KEY", help="unit the queue belongs to")
    add.set_defaults(run=lambda args: _run(_queue_add(args)))
    listing = actions.add_parser("list", help="list queues")
    listing.set_defaults(run=lambda _args: _run(_queue_list))
    members = actions.add_parser("members", help="list the officers of a queue")
    members.add_argument("key")
    members.set_defaults(run=lambda args: _run(_queue_members(args)))


def _messenger_id(value: str) -> tuple[str, str]:
    """`PLATFORM:ID` as (platform, id), the id checked by its messenger's rule."""
    platform, _, user_id = value.partition(":")
    messenger = MESSENGERS.get(platform)
    if messenger is None:
        known = ", ".join(MESSENGERS)
        msg = f"not MESSENGER:ID: {value!r} (messengers: {known}; e.g. telegram:12345)"
        raise argparse.ArgumentTypeError(msg)
    if not messenger.is_user_id(user_id):
        msg = f"not a {platform} user id: {user_id!r} ({messenger.user_id_hint})"
        raise argparse.ArgumentTypeError(msg)
    return platform, user_id


def _telegram_id(value: str) -> tuple[str, str]:
    try:
        return _messenger_id(f"{TELEGRAM.platform}:{value}")
    except argparse.ArgumentTypeError:
        msg = f"not a Telegram user id: {value!r} ({TELEGRAM.user_id_hint})"
        raise argparse.ArgumentTypeError(msg) from None


def _register_officers(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("officer", help="union officers and admins")
    actions = parser.add_subparsers(dest="officer_command", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add",
        help="add an officer",
        description="Add an officer. Without --messenger-id a one-time invite code is "
        "printed; the officer sends `/start CODE` to the bot to link their account.",
    )
    add.add_argument("--name", required=True)
    account = add.add_mutually_exclusive_group()
    account.add_argument(
        "--messenger-id",
        type=_messenger_id,
        dest="account",
        metavar="MESSENGER:ID",
        help="link this messenger account at once, e.g. telegram:12345",
    )
    account.add_argument(
        "--telegram-id",
        type=_telegram_id,
        dest="account",
        metavar="ID",
        help="the same as --messenger-id telegram:ID",
    )
    add.add_argument(
        "--queue",
        action="append",
        dest="queues",
        metavar="KEY",
        help=f"queue to work (repeatable; default: {DEFAULT_QUEUE_KEY})",
    )
    add.add_argument("--admin", action="store_true", help="may act on every ticket")
    add.set_defaults(run=lambda args: _run(_officer_add(args)))
    listing = actions.add_parser("list", help="list officers")
    listing.set_defaults(run=lambda _args: _run(_officer_list))
    deactivate = actions.add_parser("deactivate", help="stop routing tickets to an officer")
    deactivate.add_argument("officer_id", type=int, metavar="ID")
    deactivate.set_defaults(run=lambda args: _run(_officer_deactivate(args)))
    activate = actions.add_parser(
        "activate",
        help="route tickets to a deactivated officer again",
        description="Reactivate an officer. One whose account was never linked gets a new "
        "one-time invite code, since deactivation revoked the old one.",
    )
    activate.add_argument("officer_id", type=int, metavar="ID")
    activate.set_defaults(run=lambda args: _run(_officer_activate(args)))
    queues = actions.add_parser(
        "queues",
        help="add an officer to queues or take them out",
        description="Change the queues an officer works. Tickets already assigned to them "
        "stay theirs.",
    )
    queues.add_argument("officer_id", type=int, metavar="ID")
    queues.add_argument(
        "--add", action="append", default=[], metavar="KEY", help="queue to join (repeatable)"
    )
    queues.add_argument(
        "--remove", action="append", default=[], metavar="KEY", help="queue to leave (repeatable)"
    )
    queues.set_defaults(run=lambda args: _run(_officer_queues(args)))
    link = actions.add_parser(
        "login-link",
        help="print a one-time sign-in link to the web console",
        description="Print a one-time console sign-in URL for the officer, valid for ten "
        "minutes and for one use.",
    )
    link.add_argument("officer_id", type=int, metavar="ID")
    link.add_argument(
        "--base-url",
        metavar="URL",
        help=f"the console's address (default: WORKERBOT_WEB_BASE_URL, else {LOCAL_CONSOLE})",
    )
    link.set_defaults(run=lambda args: _run(_officer_login_link(args)))


def _officer_login_link(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, now: datetime) -> list[str]:
        token = await signin.issue_link(session, args.officer_id, now)
        base_url = args.base_url or Settings().web_base_url or LOCAL_CONSOLE
        return [signin.link_url(base_url, token)]

    return action


def _register_blocks(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "block",
        help="workers blocked by officers, named by ticket",
        description="Blocks officers put on workers from a ticket card. A worker is named "
        "only by the ticket, so an anonymous worker stays anonymous here too.",
    )
    actions = parser.add_subparsers(dest="block_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="list the blocks in force")
    listing.set_defaults(run=lambda _args: _run(_block_list))
    lift = actions.add_parser(
        "lift", help="let the worker of a ticket write again (they are told)"
    )
    lift.add_argument(
        "reference", metavar="REF", help="a ticket of the worker, e.g. GR-2026-000001"
    )
    lift.set_defaults(run=lambda args: _run(_block_lift(args)))


def _register_retention(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser("retention", help="personal data the scheduler erases")
    actions = parser.add_subparsers(dest="retention_command", metavar="ACTION", required=True)
    due = actions.add_parser(
        "due",
        help="closed tickets whose worker's data goes next, and when",
        description="Tickets closed more than WORKERBOT_RETENTION_DAYS ago lose what the "
        "worker wrote and sent at the next scheduler run; this lists the next ones.",
    )
    due.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    due.set_defaults(run=lambda args: _run(_retention_due(args)))


def _run(action: Action) -> int:
    try:
        result = asyncio.run(in_transaction(action))
    except (admin.AdminError, RoutingError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    printout = result if isinstance(result, Printout) else Printout(result, [])
    for line in printout.lines:
        print(line)
    for warning in printout.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return 0


async def in_transaction(action: Callable[[AsyncSession, datetime], Awaitable[T]]) -> T:
    """Run `action` on a database brought up to date, with the routing file applied, and
    commit what it did."""
    async with command_database(Settings()) as sessionmaker, sessionmaker() as session:
        result = await action(session, datetime.now(UTC))
        await session.commit()
        return result


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    return [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, *rows]
    ]


def _unit_add(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, _now: datetime) -> list[str]:
        unit = await admin.add_unit(
            session, args.key, args.name, UnitKind(args.kind), parent_key=args.parent
        )
        return [f"Unit {unit.key} added."]

    return action


async def _unit_list(session: AsyncSession, _now: datetime) -> list[str]:
    units = await admin.list_units(session)
    if not units:
        return ["No units yet; add one with `workerbot unit add`."]
    return _table(
        ("KEY", "KIND", "PARENT", "NAME"),
        [(u.key, u.kind.value, u.parent.key if u.parent else "-", u.name) for u in units],
    )


def _queue_add(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, _now: datetime) -> list[str]:
        queue = await admin.add_queue(session, args.key, args.name, args.unit)
        return [f"Queue {queue.key} added."]

    return action


async def _queue_list(session: AsyncSession, _now: datetime) -> list[str]:
    queues = await admin.list_queues(session)
    if not queues:
        return ["No queues yet; add one with `workerbot queue add`."]
    return _table(
        ("KEY", "UNIT", "ACTIVE OFFICERS", "NAME"),
        [(q.key, q.unit.key, str(sum(o.active for o in q.officers)), q.name) for q in queues],
    )


def _queue_members(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, now: datetime) -> list[str]:
        members = await admin.queue_members(session, args.key)
        if not members.officers:
            return [f"Queue {members.queue.key} has no officers."]
        return _table(
            ("ID", "ROLE", "STATUS", "ACCOUNT", "NAME"),
            [(*_officer_row(o, now), o.name) for o in members.officers],
        )

    return action


def _officer_add(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, now: datetime) -> list[str]:
        queue_keys = args.queues or [DEFAULT_QUEUE_KEY]
        officer, code = await admin.add_officer(
            session,
            name=args.name,
            queue_keys=queue_keys,
            is_admin=args.admin,
            platform=args.account[0] if args.account else None,
            platform_user_id=args.account[1] if args.account else None,
            now=now,
        )
        lines = [f"Officer #{officer.id} {officer.name} added to: {', '.join(queue_keys)}."]
        return lines + _invite_lines(officer, code)

    return action


def _invite_lines(officer: Officer, code: str | None) -> list[str]:
    if code is None or officer.invite_expires_at is None:
        return []
    return [
        f"One-time invite code (shown only now, valid until "
        f"{officer.invite_expires_at:%Y-%m-%d %H:%M} UTC): {code}",
        f"The officer links their account by sending the bot: /start {code}",
    ]


def _account(officer: Officer, now: datetime) -> str:
    if officer.person is not None:
        return f"{officer.person.platform}:{officer.person.platform_user_id}"
    if officer.invite_expires_at is None:
        return "-"
    if officer.invite_expires_at <= now:
        return "invite expired"
    return f"invite until {officer.invite_expires_at:%Y-%m-%d}"


def _officer_row(officer: Officer, now: datetime) -> tuple[str, str, str, str]:
    return (
        str(officer.id),
        officer.role.value,
        "active" if officer.active else "inactive",
        _account(officer, now),
    )


async def _officer_list(session: AsyncSession, now: datetime) -> list[str]:
    officers = await admin.list_officers(session)
    if not officers:
        return ["No officers yet; add one with `workerbot officer add`."]
    return _table(
        ("ID", "ROLE", "STATUS", "ACCOUNT", "QUEUES", "NAME"),
        [
            (*_officer_row(o, now), ",".join(sorted(q.key for q in o.queues)) or "-", o.name)
            for o in officers
        ],
    )


def _officer_deactivate(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, _now: datetime) -> list[str]:
        officer = await admin.deactivate_officer(session, args.officer_id)
        return [f"Officer #{officer.id} {officer.name} deactivated."]

    return action


def _officer_activate(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, now: datetime) -> list[str]:
        officer, code = await admin.activate_officer(session, args.officer_id, now=now)
        return [f"Officer #{officer.id} {officer.name} activated.", *_invite_lines(officer, code)]

    return action


def _officer_queues(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, _now: datetime) -> Printout:
        change = await admin.change_officer_queues(
            session, args.officer_id, add=args.add, remove=args.remove
        )
        officer = change.officer
        keys = sorted(q.key for q in officer.queues)
        lines = [
            f"Officer #{officer.id} {officer.name} now works: {', '.join(keys) or 'no queue'}."
        ]
        held = change.open_left_behind
        warnings = []
        if not keys:
            left = ", ".join(q.key for q in change.removed)
            warnings.append(
                f"officer #{officer.id} {officer.name} is in no queue now: new tickets of "
                f"{left} will no longer reach them; their {held} open assigned ticket(s) "
                "stay assigned to them."
            )
        elif held:
            warnings.append(
                f"{held} open ticket(s) assigned to officer #{officer.id} {officer.name} are "
                "in queues they no longer work; they stay assigned to them until an officer "
                "of the queue or an admin reassigns them."
            )
        return Printout(lines, warnings)

    return action


async def _block_list(session: AsyncSession, _now: datetime) -> list[str]:
    listed = await blocks.list_blocks(session)
    if not listed:
        return ["No worker is blocked."]
    return _table(
        ("TICKET", "SINCE (UTC)", "BLOCKED BY"),
        [(b.reference, f"{b.created_at:%Y-%m-%d %H:%M}", b.officer_name) for b in listed],
    )


def _block_lift(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, now: datetime) -> list[str]:
        outcome = await blocks.lift_block(session, args.reference, now)
        return [f"The worker of {outcome.ticket.reference} may write again and is told so."]

    return action


def _retention_due(args: argparse.Namespace) -> Action:
    async def action(session: AsyncSession, now: datetime) -> list[str]:
        days = Settings().retention_days
        due = await privacy.due_for_purge(session, now, days, limit=args.limit)
        if not due:
            return [f"No closed ticket holds a worker's data (retention: {days} days)."]
        return _table(
            ("TICKET", "CLOSED (UTC)", "ERASED FROM (UTC)"),
            [
                (t.reference or str(t.id), f"{t.closed_at:%Y-%m-%d}", f"{goes:%Y-%m-%d}")
                for t, goes in due
            ],
        )

    return action
