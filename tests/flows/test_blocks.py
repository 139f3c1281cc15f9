"""An officer blocks an abusive worker from a ticket card without learning who it is; the
worker is told and refused from then on, the tickets stay, and an admin lifts the block."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from db.models import Block, Ticket, TicketEvent
from handlers import admin
from handlers.core.buttons import BlockButton
from tests.flows.conftest import NOW, PLATFORM, Chat, file_anonymously, to


async def _events(chat: Chat) -> list[str]:
    async with chat.sessionmaker() as session:
        return list(await session.scalars(select(TicketEvent.event).order_by(TicketEvent.id)))


async def test_an_officer_blocks_an_anonymous_worker_by_the_ticket(chat: Chat) -> None:
    ticket = await file_anonymously(chat)
    reference = ticket.ref
    card = await chat.send("officer", f"/ticket {reference}")
    await chat.press("officer", "屏蔽")
    confirmed = await chat.press("officer", "确认屏蔽")

    assert reference in to(confirmed, "officer")
    told = to(confirmed, "w")
    assert "暂停" in told
    # Nothing the officer saw or got names the worker.
    for message in [*card, *confirmed]:
        if message.chat_id == "officer":
            assert "Name of w" not in message.text
    assert "屏蔽" in to(await chat.send("officer", f"/ticket {reference}"), "officer")

    refused = await chat.send("w", "我还要说")
    assert "暂停" in to(refused, "w")
    assert to(refused, "officer") == ""
    await chat.send("w", action=f"w:t:{ticket.id}")
    assert "暂停" in chat.last["w"].text
    async with chat.sessionmaker() as session:
        assert (await session.get(Ticket, ticket.id)) is not None
    assert "blocked" in await _events(chat)


async def test_an_officer_of_another_queue_cannot_block_by_a_forged_button(chat: Chat) -> None:
    ticket = await file_anonymously(chat)
    async with chat.sessionmaker() as session, session.begin():
        await admin.add_officer(
            session,
            name="Legal Aid",
            queue_keys=["city-legal-aid"],
            platform=PLATFORM,
            platform_user_id="legal",
            now=NOW,
        )
    answer = await chat.send("legal", action=BlockButton("yes", ticket.id).pack())
    assert "找不到" in to(answer, "legal")
    assert to(answer, "w") == ""
    assert "blocked" not in await _events(chat)
    async with chat.sessionmaker() as session:
        assert (await session.scalars(select(Block))).all() == []


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def test_an_admin_lists_and_lifts_a_block_from_the_command_line(
    chat: Chat,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    ticket = await file_anonymously(chat)
    reference = ticket.ref
    await chat.send("officer", action=BlockButton("yes", ticket.id).pack())
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WORKERBOT_DATABASE_URL", database_url)

    code, out, _ = await _in_thread(_cli, capsys, "block", "list")
    assert code == 0
    assert reference in out
    assert "Officer One" in out
    assert "Name of w" not in out

    code, out, _ = await _in_thread(_cli, capsys, "block", "lift", reference)
    assert code == 0
    assert "may write again" in out
    code, _, err = await _in_thread(_cli, capsys, "block", "lift", reference)
    assert code == 1
    assert "not blocked" in err

    lifted = await chat.new_messages()
    assert "重新使用" in to(lifted, "w")
    answer = await chat.send("w", "/start")
    assert "暂停" not in to(answer, "w")
    assert (await _events(chat))[-1] == "unblocked"


async def _in_thread(
    run: Callable[..., tuple[int, str, str]], capsys: pytest.CaptureFixture[str], *argv: str
) -> tuple[int, str, str]:
    # The CLI runs its own event loop, so it cannot run on the test's.
    return await asyncio.to_thread(run, capsys, *argv)
