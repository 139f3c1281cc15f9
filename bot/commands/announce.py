"""`workerbot announce ...`: write an announcement, follow it, pause, resume or cancel it.

The running bot (`workerbot run`) sends it; these commands only change and read the
database, each as one committed unit of work.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import Subcommands
from bot.commands.admin import in_transaction
from bot.settings import Settings
from db.models import AnnouncementStatus
from handlers import announcements
from handlers.announcements import AnnouncementError, Progress

Action = Callable[[AsyncSession, datetime], Awaitable[list[str]]]
_BAR_WIDTH = 30
_FINISHED = frozenset({AnnouncementStatus.DONE, AnnouncementStatus.CANCELLED})


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "announce",
        help="announcements to workers",
        description="Announcements go out while `workerbot run` is running, within "
        "Telegram's limits and after every reply to a worker.",
    )
    actions = parser.add_subparsers(dest="announce_command", metavar="ACTION", required=True)
    send = actions.add_parser("send", help="write an announcement (sent now or at --at)")
    text = send.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", help="the text (plain text)")
    text.add_argument("--text-file", type=Path, metavar="PATH", help="the text, from a file")
    send.add_argument("--photo", metavar="FILE_ID_OR_URL", help="a photo: file id or https URL")
    send.add_argument(
        "--link",
        nargs=2,
        action="append",
        default=[],
        metavar=("LABEL", "URL"),
        help="a link button (repeatable)",
    )
    add_audience(send, at_help="start then (local time); default now")
    send.set_defaults(run=_send)
    listing = actions.add_parser("list", help="list announcements")
    listing.set_defaults(run=lambda _args: _run(_list))
    status = actions.add_parser("status", help="progress of an announcement")
    status.add_argument("announcement_id", type=int, metavar="ID")
    status.add_argument("--watch", action="store_true", help="follow it until it finishes")
    status.set_defaults(run=_status)
    for verb, helptext in (
        ("pause", "stop sending for now"),
        ("resume", "go on with a paused announcement"),
        ("cancel", "stop for good; what was not sent is not sent"),
    ):
        move = actions.add_parser(verb, help=helptext)
        move.add_argument("announcement_id", type=int, metavar="ID")
        move.set_defaults(run=_mover(verb))


def add_audience(parser: argparse.ArgumentParser, at_help: str) -> None:
    """The options choosing who gets a mailing and when: --unit, --lang, --at."""
    parser.add_argument("--unit", metavar="KEY", help="workers of this unit and the units below")
    parser.add_argument("--lang", choices=("zh-CN", "en"), help="workers of this language")
    parser.add_argument("--at", metavar="'YYYY-MM-DD HH:MM'", help=at_help)


def parse_at(at: str | None, zone: ZoneInfo) -> datetime | None:
    """The --at option as a moment in `zone`, None for now; ValueError if it is malformed."""
    return None if at is None else datetime.strptime(at, "%Y-%m-%d %H:%M").replace(tzinfo=zone)


def print_lines(action: Action, error: type[Exception]) -> int:
    """Run `action` in one committed unit of work and print its lines; an `error` it
    raises is printed as the command's error instead."""
    try:
        lines = asyncio.run(in_transaction(action))
    except error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0


def _run(action: Action) -> int:
    return print_lines(action, AnnouncementError)


def _send(args: argparse.Namespace) -> int:
    settings = Settings()
    zone = ZoneInfo(settings.timezone)
    try:
        text = args.text if args.text is not None else args.text_file.read_text("utf-8")
        at = parse_at(args.at, zone)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    async def action(session: AsyncSession, now: datetime) -> list[str]:
        send_at = now if at is None else at.astimezone(UTC)
        created = await announcements.create(
            session,
            text=text,
            photo=args.photo,
            links=[(label, url) for label, url in args.link],
            unit_key=args.unit,
            language=args.lang,
            send_at=send_at,
            now=now,
        )
        when = created.send_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        return [
            f"Announcement #{created.id} will start at {when}; "
            f"follow it with `workerbot announce status {created.id} --watch`."
        ]

    return _run(action)


async def _list(session: AsyncSession, _now: datetime) -> list[str]:
    found = await announcements.list_all(session)
    if not found:
        return ["No announcements yet; write one with `workerbot announce send`."]
    return [
        f"#{a.id}  {a.status.value:<9}  {a.send_at:%Y-%m-%d %H:%M} UTC  {a.total:>7} recipients  "
        f"{a.text[:40]!r}"
        for a in found
    ]


def _mover(verb: str) -> Callable[[argparse.Namespace], int]:
    use_case = {
        "pause": announcements.pause,
        "resume": announcements.resume,
        "cancel": announcements.cancel,
    }[verb]

    def run(args: argparse.Namespace) -> int:
        async def action(session: AsyncSession, now: datetime) -> list[str]:
            await use_case(session, args.announcement_id, now)
            shown = await announcements.progress(session, args.announcement_id)
            return [progress_line(shown)]

        return _run(action)

    return run


def progress_line(progress: Progress) -> str:
    """A bar and the figures: sent, failed (of them blocked), left, and the status."""
    done = progress.sent + progress.failed
    total = progress.total
    filled = _BAR_WIDTH if total == 0 else round(_BAR_WIDTH * done / total)
    bar = "#" * filled + "." * (_BAR_WIDTH - filled)
    return (
        f"[{bar}] {done:,}/{total:,}  sent {progress.sent:,}  failed {progress.failed:,} "
        f"(blocked {progress.blocked:,})  left {progress.left:,}  "
        f"{progress.announcement.status.value}"
    )


async def _look(announcement_id: int) -> Progress:
    async def action(session: AsyncSession, _now: datetime) -> Progress:
        return await announcements.progress(session, announcement_id)

    return await in_transaction(action)


def _status(args: argparse.Namespace) -> int:
    out: TextIO = sys.stdout
    while True:
        try:
            shown = asyncio.run(_look(args.announcement_id))
        except AnnouncementError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        line = progress_line(shown)
        status = shown.announcement.status
        finished = status == AnnouncementStatus.CANCELLED or (
            status in _FINISHED and not shown.left
        )
        if not args.watch:
            print(line, file=out)
            return 0
        # Redrawn in place on a terminal; one line per look elsewhere.
        out.write(("\r" + line) if out.isatty() else line + "\n")
        out.flush()
        if finished:
            if out.isatty():
                out.write("\n")
            return 0
        time.sleep(2.0)
