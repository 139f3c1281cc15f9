"""`workerbot survey ...`: build a survey from a YAML file, send it, follow it, close it,
and read its results (as text or CSV).

The running bot (`workerbot run`) sends the invitations and takes the answers; these
commands only change and read the database, each as one committed unit of work.
`results` refuses (exit code 1, the reason on stderr, in WORKERBOT_DEFAULT_LANGUAGE) while
too few have answered for the results to be shown (`handlers.survey_results`).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import Subcommands
from bot.commands.announce import add_audience, parse_at, print_lines, progress_line
from bot.settings import Settings
from handlers import survey_results, surveys
from handlers.survey_results import Results, Withheld
from handlers.surveys import SurveyError

Action = Callable[[AsyncSession, datetime], Awaitable[list[str]]]


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "survey",
        help="surveys of workers (问卷)",
        description="A survey is written as a YAML file (see the README), sent as an "
        "announcement with a button to answer, and answered anonymously in the chat.",
    )
    actions = parser.add_subparsers(dest="survey_command", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="build a survey from a YAML file (not sent)")
    create.add_argument("path", type=Path, metavar="FILE")
    create.set_defaults(run=_create)
    listing = actions.add_parser("list", help="list surveys")
    listing.set_defaults(run=lambda _args: _run(_list))
    send = actions.add_parser("send", help="invite workers to answer (now or at --at)")
    send.add_argument("survey_id", type=int, metavar="ID")
    add_audience(send, at_help="send then (local time); default now")
    send.set_defaults(run=_send)
    status = actions.add_parser("status", help="invitations sent and answers received")
    status.add_argument("survey_id", type=int, metavar="ID")
    status.set_defaults(run=lambda args: _run(_status(args.survey_id)))
    close = actions.add_parser("close", help="stop taking answers now")
    close.add_argument("survey_id", type=int, metavar="ID")
    close.set_defaults(run=lambda args: _run(_close(args.survey_id)))
    results = actions.add_parser("results", help="counts, scale, grouped free text")
    results.add_argument("survey_id", type=int, metavar="ID")
    results.add_argument("--format", choices=("text", "csv"), default="text")
    results.set_defaults(run=_results)


def _run(action: Action) -> int:
    return print_lines(action, SurveyError)


def _zone() -> ZoneInfo:
    return ZoneInfo(Settings().timezone)


def _local(moment: datetime) -> str:
    return moment.astimezone(_zone()).strftime("%Y-%m-%d %H:%M")


def _create(args: argparse.Namespace) -> int:
    try:
        definition = surveys.read_definition(args.path.read_text("utf-8"), _zone())
    except (OSError, UnicodeDecodeError, SurveyError) as exc:
        print(f"error: {args.path}: {exc}", file=sys.stderr)
        return 1

    async def action(session: AsyncSession, now: datetime) -> list[str]:
        survey = await surveys.create(session, definition, now)
        return [
            f"Survey #{survey.id} built: {len(definition.questions)} questions, closes "
            f"{_local(survey.closes_at)}; send it with `workerbot survey send {survey.id}`."
        ]

    return _run(action)


async def _list(session: AsyncSession, now: datetime) -> list[str]:
    found = await surveys.list_all(session)
    if not found:
        return ["No surveys yet; build one with `workerbot survey create FILE`."]
    lines = []
    for survey in found:
        state = "closed" if survey.closes_at <= now else survey.status.value
        lines.append(
            f"#{survey.id}  {state:<6}  closes {_local(survey.closes_at)}  "
            f"{len(survey.questions)} questions  {survey.title[:40]!r}"
        )
    return lines


def _send(args: argparse.Namespace) -> int:
    try:
        at = parse_at(args.at, _zone())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1

    async def action(session: AsyncSession, now: datetime) -> list[str]:
        invitation = await surveys.send(
            session,
            args.survey_id,
            unit_key=args.unit,
            language=args.lang,
            send_at=now if at is None else at.astimezone(UTC),
            now=now,
        )
        return [
            f"Survey #{args.survey_id} goes out from {_local(invitation.send_at)} as "
            f"announcement #{invitation.id}; follow it with "
            f"`workerbot survey status {args.survey_id}`."
        ]

    return _run(action)


def _status(survey_id: int) -> Action:
    async def action(session: AsyncSession, now: datetime) -> list[str]:
        shown = await surveys.status(session, survey_id)
        survey = shown.survey
        open_now = surveys.is_open(survey, now)
        lines = [
            f"#{survey.id} {survey.title}: {'open' if open_now else survey.status.value}, "
            f"closes {_local(survey.closes_at)}, {shown.responses:,} answered"
        ]
        if shown.invitation is not None:
            lines.append(f"invitations: {progress_line(shown.invitation)}")
        return lines

    return action


def _close(survey_id: int) -> Action:
    async def action(session: AsyncSession, now: datetime) -> list[str]:
        survey = await surveys.close(session, survey_id, now)
        return [f"Survey #{survey.id} closed; it takes no more answers."]

    return action


def text_lines(found: Results) -> list[str]:
    lines = [f"#{found.survey.id} {found.survey.title}: {found.responses:,} answered"]
    for result in found.questions:
        lines.append("")
        lines.append(f"{result.number}. {result.question.text} ({result.answered:,} answered)")
        for label, count in zip(result.labels, result.counts, strict=True):
            lines.append(f"   {count:>6,}  {label}")
        if result.mean is not None:
            lines.append(f"   mean {result.mean:.2f}")
        for group in result.groups:
            lines.append(f"   {len(group.texts):>6,}  {group.texts[0]}")
            lines.extend(f"           {text}" for text in group.texts[1:])
    return lines


def _results(args: argparse.Namespace) -> int:
    async def action(session: AsyncSession, _now: datetime) -> list[str]:
        found = await survey_results.results(session, args.survey_id)
        if isinstance(found, Withheld):
            # A refusal (exit code 1), in either format: an empty table would read as
            # "nobody answered".
            raise SurveyError(survey_results.withheld_text(Settings().default_language, found))
        if args.format == "csv":
            return [survey_results.as_csv(found).rstrip("\n")]
        return text_lines(found)

    return _run(action)
