"""`workerbot chat`: the real core in this terminal, on the embedded defaults.

On first run it creates sample officers for the sample queues, so a newcomer can file a
grievance as a worker, then run `workerbot chat --as-officer 1` to claim and answer it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.commands import Subcommands
from bot.launch import assemble, serve
from bot.settings import Settings
from bot.transports import terminal
from bot.transports.base import RunOptions
from bot.transports.terminal import PLATFORM, WORKER_ID, TerminalTransport, is_interactive
from db.models import Officer
from db.repositories import people
from handlers import admin
from handlers.routing import RoutingConfig

# (name, queues, admin): one officer for grievances, one for help requests, one admin.
_SAMPLE_OFFICERS = (
    ("示例干部 王芳 (grievances)", "grievances", False),
    ("示例干部 李强 (help requests)", "help", False),
    ("示例管理员 张敏 (admin)", "all", True),
)


def register(subcommands: Subcommands) -> None:
    parser = subcommands.add_parser(
        "chat",
        help="talk to the bot in this terminal (embedded SQLite and sample data by default)",
        description=(
            "Chat with the bot in the terminal. Type text, or the number of a button. "
            "/start shows the menu, /help the commands, Ctrl-D quits."
        ),
    )
    parser.add_argument(
        "--as-officer", type=int, metavar="ID", help="act as the officer with this id"
    )
    parser.add_argument(
        "--lang", choices=("zh-CN", "en"), help="the language your 'messenger' reports"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return asyncio.run(_chat(args.as_officer, args.lang))


def _queues_for(routing: RoutingConfig, which: str) -> list[str]:
    keys = [q.key for q in routing.queues] + ["default"]
    if which == "grievances":
        return [k for k in keys if k.endswith("grievances") or k == "default"]
    if which == "help":
        return [k for k in keys if not k.endswith("grievances")]
    return keys


async def ensure_sample_officers(session: AsyncSession, routing: RoutingConfig) -> bool:
    if await session.scalar(select(Officer.id).limit(1)) is not None:
        return False
    now = datetime.now(UTC)
    for number, (name, which, is_admin) in enumerate(_SAMPLE_OFFICERS, start=1):
        officer, _ = await admin.add_officer(
            session,
            name=name,
            queue_keys=_queues_for(routing, which),
            is_admin=is_admin,
            platform=PLATFORM,
            platform_user_id=f"officer-{number}",
            now=now,
        )
        person = await people.get_person(session, officer.person_id or 0)
        if person is not None:
            person.display_name = name
    return True


async def _officer_login(app: App, officer_id: int) -> str | None:
    async with app.sessionmaker() as session:
        officer = await session.get(Officer, officer_id)
        if officer is None or officer.person_id is None or not officer.active:
            return None
        person = await people.get_person(session, officer.person_id)
        if person is None or person.platform != PLATFORM:
            return None
        return person.platform_user_id


async def _names(app: App) -> dict[str, str]:
    names = {WORKER_ID: "the worker (workerbot chat)"}
    async with app.sessionmaker() as session:
        for officer in await admin.list_officers(session):
            if officer.person_id is None:
                continue
            person = await people.get_person(session, officer.person_id)
            if person is not None and person.platform == PLATFORM:
                names[person.chat_id] = (
                    f"officer #{officer.id} {officer.name} "
                    f"(workerbot chat --as-officer {officer.id})"
                )
    return names


async def _chat(as_officer: int | None, language: str | None) -> int:
    out = sys.stdout
    # The same runner as `workerbot run --transport terminal`, with sample officers and
    # the choice of who types added.
    runner = await assemble(Settings(), [terminal.REGISTRATION], RunOptions())
    app = runner.app
    chat = runner.transports[0]
    if not isinstance(chat, TerminalTransport):
        await runner.close()
        msg = f"the terminal's registration built {chat!r}"
        raise TypeError(msg)
    try:
        async with app.sessionmaker() as session, session.begin():
            created = await ensure_sample_officers(session, app.routing)
        user_id = WORKER_ID
        if as_officer is not None:
            login = await _officer_login(app, as_officer)
            if login is None:
                print(
                    f"Officer #{as_officer} does not exist, is inactive, or is not linked to "
                    "the terminal. `workerbot officer list` shows the officers.",
                    file=sys.stderr,
                )
                await runner.close()
                return 2
            user_id = login
        chat.chat_id = user_id
        chat.language = language
        names = await _names(app)
        chat.names.update(names)
    except BaseException:
        await runner.close()
        raise
    if is_interactive() or created:
        officers = ", ".join(f"#{n}" for n in range(1, len(_SAMPLE_OFFICERS) + 1))
        print(
            f"You are {names.get(user_id, user_id)}. Sample officers {officers} exist; "
            "switch with `workerbot chat --as-officer N`.\n"
            "Type text, or a button's number to press it (other numbers are sent as "
            "text); /start menu, /help, Ctrl-D to quit.\n",
            file=out,
        )
    await serve(runner)
    return 0
