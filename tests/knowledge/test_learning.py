"""The knowledge base learns from the questions it failed: admins' changes are checked like
`workerbot faq check`, saved with who and when, and the running bot answers from them
within one poll, without a restart."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.knowledge_sync import HISTORY_FOLDER, KnowledgeSync
from bot.settings import Settings
from db.models import FaqAnswer, KnowledgeBaseRevision, Officer, Ticket
from db.repositories import faq_misses, kb_revisions
from faq import SAMPLE_KB_PATH
from faq.loader import load_knowledge_base
from faq.matcher import Matcher
from faq.schema import Entry, KnowledgeBase
from handlers import knowledge
from handlers.knowledge import CONSOLE_FILE, KnowledgeError
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor
from handlers.tickets.errors import NotAllowed
from tests.flows.conftest import NOW, Chat, chat, to

__all__ = ["chat"]  # the conversation harness's fixture, used here too

MARS = "火星上的停车位怎么申请"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A copy of the sample knowledge base, as a deployment's own folder."""
    target = tmp_path / "kb"
    shutil.copytree(SAMPLE_KB_PATH, target)
    return target


async def _officer(session: AsyncSession, name: str) -> OfficerActor:
    officer = (await session.scalars(select(Officer).where(Officer.name == name))).one()
    return OfficerActor(officer.id)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def _error(sync: KnowledgeSync) -> str | None:
    return sync.error


def _matcher(kb: KnowledgeBase) -> Matcher:
    settings = Settings(_env_file=None)
    return Matcher(
        kb, answer_score=settings.faq_answer_score, suggest_score=settings.faq_suggest_score
    )


def _sync(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], folder: Path
) -> KnowledgeSync:
    return KnowledgeSync(
        sessionmaker,
        folder,
        build=_matcher,
        apply=chat.dispatcher.use_knowledge,
        interval=0.1,
    )


async def test_a_question_added_as_alternate_is_answered_at_the_next_poll(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], folder: Path
) -> None:
    hand_files = _files(folder)
    sync = _sync(chat, sessionmaker, folder)
    assert "知识库里暂时没有" in to(await chat.send("w", MARS), "w")
    async with sessionmaker() as session, session.begin():
        gaps = await knowledge.gaps(session, NOW - timedelta(days=1))
        assert [g.wordings for g in gaps] == [((MARS, 1),)]
        admin = await _officer(session, "Admin")
        saved = await knowledge.add_alternates(
            session, admin, folder=folder, entry_id="union-join", questions=[MARS], now=NOW
        )
    union_join = saved.kb.get("union-join")
    assert union_join is not None
    assert MARS in union_join.alternates
    assert await sync.check()
    answer = to(await chat.send("w", MARS), "w")
    assert union_join.answer.strip()[:20] in answer
    # The console's file holds the change; the files people edit by hand are untouched.
    assert MARS in (folder / CONSOLE_FILE).read_text(encoding="utf-8")
    assert _files(folder) == {**hand_files, CONSOLE_FILE: (folder / CONSOLE_FILE).read_bytes()}
    # What the bot answers now is no longer a gap.
    async with sessionmaker() as session:
        kb, matcher = chat.dispatcher.knowledge
        assert await knowledge.gaps(session, NOW - timedelta(days=1), matcher=matcher) == []
        [(revision, author)] = await kb_revisions.history(session)
    assert (revision.action, revision.entry_id, author) == ("alternates", "union-join", "Admin")
    assert kb.get("union-join") == union_join


async def test_a_broken_change_is_refused_and_nothing_is_saved(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], folder: Path
) -> None:
    async with sessionmaker() as session, session.begin():
        admin = await _officer(session, "Admin")
        with pytest.raises(KnowledgeError) as unknown:
            await knowledge.add_alternates(
                session, admin, folder=folder, entry_id="no-such-entry", questions=["问"], now=NOW
            )
        # A hand-edited entry's id cannot be taken by a console entry.
        draft = Entry("union-join", "zh-CN", "怎么入会", "去工会。")
        with pytest.raises(KnowledgeError) as taken:
            await knowledge.save_entry(session, admin, folder=folder, draft=draft, now=NOW)
        with pytest.raises(KnowledgeError) as bad_id:
            await knowledge.save_entry(
                session, admin, folder=folder, draft=Entry("Bad Id", "zh-CN", "问", "答"),
                now=NOW,
            )  # fmt: skip
        officer = await _officer(session, "Officer One")
        with pytest.raises(NotAllowed):
            await knowledge.add_alternates(
                session, officer, folder=folder, entry_id="union-join", questions=["问"], now=NOW
            )
    assert unknown.value.problems == (
        f"{folder / CONSOLE_FILE}: 'alternates': no entry has the id 'no-such-entry'",
    )
    assert "duplicate id 'union-join'" in taken.value.problems[0]
    assert "bad id 'Bad Id'" in bad_id.value.problems[0]
    async with sessionmaker() as session:
        assert (await session.scalars(select(KnowledgeBaseRevision))).all() == []
    assert not (folder / CONSOLE_FILE).exists()


async def test_a_folder_that_no_longer_loads_keeps_the_working_knowledge_base(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession], folder: Path
) -> None:
    sync = _sync(chat, sessionmaker, folder)
    async with sessionmaker() as session, session.begin():
        admin = await _officer(session, "Admin")
        draft = Entry("mars-parking", "zh-CN", MARS, "火星停车位请向火星工会申请。")
        await knowledge.save_entry(session, admin, folder=folder, draft=draft, now=NOW)
    # Someone breaks a hand-edited file on this machine before the poll.
    (folder / "broken.yaml").write_text("entries: [", encoding="utf-8")
    before = chat.dispatcher.knowledge
    assert not await sync.check()
    assert chat.dispatcher.knowledge is before
    assert "broken.yaml: not valid YAML" in (_error(sync) or "")
    assert not (folder / CONSOLE_FILE).exists()
    assert "知识库里暂时没有" in to(await chat.send("w", MARS), "w")
    # Mended, the next saved change goes through, with the earlier one in it.
    (folder / "broken.yaml").unlink()
    async with sessionmaker() as session, session.begin():
        admin = await _officer(session, "Admin")
        await knowledge.add_alternates(
            session, admin, folder=folder, entry_id="mars-parking", questions=["火星停车"],
            now=NOW,
        )  # fmt: skip
    assert await sync.check()
    assert _error(sync) is None
    assert "火星工会" in to(await chat.send("w", MARS), "w")
    # Each replaced version of the console's file is kept.
    async with sessionmaker() as session, session.begin():
        admin = await _officer(session, "Admin")
        await knowledge.add_alternates(
            session, admin, folder=folder, entry_id="mars-parking", questions=["火星车位"],
            now=NOW,
        )  # fmt: skip
    assert await sync.check()
    [kept] = (folder / HISTORY_FOLDER).iterdir()
    assert "火星车位" not in kept.read_text(encoding="utf-8")
    assert "火星车位" in (folder / CONSOLE_FILE).read_text(encoding="utf-8")
    assert load_knowledge_base(folder).get("mars-parking") is not None


async def test_a_resolved_ticket_prefills_an_entry_without_names(
    chat: Chat, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await chat.send("w", "/start")
    await chat.press("w", "反映问题")
    await chat.press("w", "其他问题")
    await chat.send("w", "我是Name of w，电话13912345678，夜班补贴怎么申请？")
    await chat.press("w", "不方便透露")
    await chat.press("w", "完成")
    await chat.press("w", "实名提交")
    await chat.press("w", "确认提交")
    async with sessionmaker() as session, session.begin():
        officer = await _officer(session, "Officer One")
        admin = await _officer(session, "Admin")
        ticket = (await session.scalars(select(Ticket))).one()
        with pytest.raises(KnowledgeError):
            await knowledge.draft_from_ticket(session, admin, ticket.id, language="zh-CN")
        answer = "我是Officer One：带工资条到工会办公室申请，电话13800001111"
        await service.claim(session, officer, ticket.id, NOW)
        await service.resolve(session, officer, ticket.id, answer, NOW)
    async with sessionmaker() as session:
        draft = await knowledge.draft_from_ticket(session, admin, ticket.id, language="zh-CN")
        with pytest.raises(NotAllowed):
            await knowledge.draft_from_ticket(session, officer, ticket.id, language="zh-CN")
    assert draft.question == "我是***，电话***，夜班补贴怎么申请？"
    assert draft.answer == "我是***：带工资条到工会办公室申请，电话***"
    assert draft.id == f"from-{(ticket.reference or '').lower()}"


async def test_failed_questions_are_grouped_most_asked_first(session: AsyncSession) -> None:
    asked = [
        ("食堂几点开门", NOW - timedelta(hours=5)),
        ("请问食堂几点开门？", NOW - timedelta(hours=4)),
        ("食堂几点开门", NOW - timedelta(hours=3)),
        ("丧假有几天", NOW - timedelta(hours=1)),
    ]
    for text, at in asked:
        faq_misses.record_unanswered(
            session, person_id=None, language="zh-CN", text=text, score=10.0,
            best_entry_id="canteen" if "食堂" in text else None, now=at,
        )  # fmt: skip
    faq_misses.record_answer(
        session, person_id=None, language="zh-CN", text="食堂啥时候开门", entry_id="canteen",
        via="match", now=NOW - timedelta(hours=2),
    )  # fmt: skip
    await session.flush()
    answer = (await session.scalars(select(FaqAnswer))).one()
    answer.helpful = False
    await session.commit()

    frequent = await knowledge.gaps(session, NOW - timedelta(days=1))
    assert [(g.unanswered, g.not_helpful, g.entries) for g in frequent] == [
        (3, 1, ("canteen",)),
        (1, 0, ()),
    ]
    assert frequent[0].wordings[0] == ("食堂几点开门", 3)
    newest = await knowledge.gaps(session, NOW - timedelta(days=1), newest_first=True)
    assert newest[0].wordings == (("丧假有几天", 1),)
    assert await knowledge.gaps(session, NOW - timedelta(minutes=30)) == []
