"""Surveys in the chat: one question at a time with buttons, stop and come back, once per
person, refused after closing, and answers that nobody can trace back to the worker."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, inspect, select

from bot.settings import Settings
from db.models import (
    Base,
    ConversationState,
    OutboxMessage,
    SurveyDraft,
    SurveyParticipant,
    SurveyResponse,
)
from handlers import announcements, survey_results, surveys
from handlers.core.buttons import SurveyButton
from handlers.core.jobs import run_due_jobs
from handlers.messages import Outgoing
from tests.flows.conftest import Chat, to

SECRET = "食堂的饭太贵了 夜班没有热饭"
DEFINITION: dict[str, Any] = {
    "title": "食堂满意度调查",
    "intro": "请花两分钟告诉我们您对园区食堂的看法。",
    "closes": "2026-03-20 18:00",
    "questions": [
        {
            "kind": "single",
            "text": "您多久在食堂吃一次饭？",
            "options": ["每天", "每周几次", "很少"],
        },
        {
            "kind": "multiple",
            "text": "您希望食堂增加什么？",
            "options": ["夜宵", "清真窗口", "外卖"],
        },
        {"kind": "scale", "text": "您对食堂总体满意吗？"},
        {"kind": "text", "text": "还有什么建议？"},
    ],
}
WORKERS = ("w1", "w2", "w3")


async def send_survey(chat: Chat, workers: tuple[str, ...] = WORKERS) -> int:
    """The survey, sent to everyone subscribed; the invitations are in the workers' chats."""
    for worker in workers:
        await chat.send(worker, "/start")
    definition = surveys.parse_definition(DEFINITION, ZoneInfo("Asia/Shanghai"))
    async with chat.sessionmaker() as session, session.begin():
        survey = await surveys.create(session, definition, chat.now)
        await surveys.send(session, survey.id, send_at=chat.now, now=chat.now)
    async with chat.sessionmaker() as session, session.begin():
        await announcements.start_due(session, chat.now)
        await announcements.feed(session, chat.now, 100)
    await chat.new_messages()
    return survey.id


async def answer_all(chat: Chat, worker: str, *, text: str = SECRET) -> list[Outgoing]:
    await chat.press(worker, "填写问卷")
    await chat.press(worker, "每周几次")
    await chat.press(worker, "夜宵")
    await chat.press(worker, "外卖")
    await chat.press(worker, "完成")
    await chat.press(worker, "4")
    return await chat.send(worker, text)


async def test_a_worker_answers_one_question_at_a_time(chat: Chat) -> None:
    survey_id = await send_survey(chat)
    invitation = chat.last["w1"]
    assert "食堂满意度调查" in invitation.text
    started = await chat.press("w1", "填写问卷")
    assert "匿名" in to(started, "w1")
    assert "第 1/4 题" in chat.last["w1"].text

    await chat.press("w1", "每天")
    assert "第 2/4 题" in chat.last["w1"].text
    ticked = await chat.press("w1", "清真窗口")
    labels = [b.label for row in ticked[0].buttons for b in row]
    assert "☑ 清真窗口" in labels
    assert "☐ 夜宵" in labels
    # Done with nothing ticked is refused; ticking twice unticks.
    await chat.press("w1", "清真窗口")
    refused = await chat.press("w1", "完成")
    assert "至少选择一项" in to(refused, "w1")
    await chat.press("w1", "清真窗口")
    await chat.press("w1", "完成")
    assert "第 3/4 题" in chat.last["w1"].text
    # Typing at a button question asks again; the question stays open.
    typed = await chat.send("w1", "还行吧")
    assert "第 3/4 题" in to(typed, "w1")
    await chat.press("w1", "5")
    done = await chat.send("w1", SECRET)
    assert "谢谢" in to(done, "w1")

    await answer_all(chat, "w2")
    await answer_all(chat, "w3")
    async with chat.sessionmaker() as session:
        found = await survey_results.results(session, survey_id)
    assert isinstance(found, survey_results.Results)
    assert found.responses == 3
    single, multiple, scale, text = found.questions
    assert single.counts == (1, 2, 0)
    assert multiple.counts == (2, 1, 2)
    assert scale.counts == (0, 0, 0, 2, 1)
    assert scale.mean == 13 / 3
    assert text.groups[0].texts == (SECRET, SECRET, SECRET)
    exported = survey_results.as_csv(found)
    assert "4,text,还有什么建议？,食堂的饭太贵了 夜班没有热饭,1,1" in exported
    assert "1,single,您多久在食堂吃一次饭？,每天,1," in exported


async def test_results_are_withheld_until_three_have_answered(chat: Chat) -> None:
    survey_id = await send_survey(chat)
    for worker in ("w1", "w2"):
        await answer_all(chat, worker)
    # Unfinished answers are not answers: they count towards nothing.
    await chat.press("w3", "填写问卷")
    await chat.press("w3", "每天")
    async with chat.sessionmaker() as session:
        found = await survey_results.results(session, survey_id)
    assert isinstance(found, survey_results.Withheld)
    assert found.responses == 2
    assert survey_results.withheld_text("zh-CN", found) == (
        "已有 2 人填写；满 3 人后才显示结果，以免认出个人。"
    )
    assert survey_results.withheld_text("en", found) == (
        "Answered so far: 2. Results are shown from 3 answers on, so that nobody can be "
        "recognised."
    )

    await chat.press("w3", "夜宵")
    await chat.press("w3", "完成")
    await chat.press("w3", "5")
    await chat.send("w3", "夜班要有热饭")
    async with chat.sessionmaker() as session:
        found = await survey_results.results(session, survey_id)
    assert isinstance(found, survey_results.Results)
    assert found.responses == 3
    assert found.questions[0].counts == (1, 2, 0)


async def test_stop_and_come_back(chat: Chat) -> None:
    await send_survey(chat)
    invitation = chat.last["w1"]
    await chat.press("w1", "填写问卷")
    await chat.press("w1", "很少")
    later = await chat.press("w1", "稍后再答")
    assert "已保存" in to(later, "w1")
    # Something else in between: a question for the knowledge base is answered as usual.
    await chat.send("w1", "医疗互助怎么报销")
    (answer_button,) = [b for row in invitation.buttons for b in row if "填写问卷" in b.label]
    back = await chat.send("w1", action=answer_button.action)
    assert "还剩 3 题" in to(back, "w1")
    assert "第 2/4 题" in chat.last["w1"].text
    await chat.press("w1", "外卖")
    await chat.press("w1", "完成")
    await chat.press("w1", "2")
    skipped = await chat.press("w1", "跳过")
    assert "谢谢" in to(skipped, "w1")
    async with chat.sessionmaker() as session:
        (stored,) = await session.scalars(select(SurveyResponse.answers))
    assert stored == {"0": 2, "1": [2], "2": 2, "3": None}


async def test_one_answer_per_person(chat: Chat) -> None:
    survey_id = await send_survey(chat)
    invitation = chat.last["w1"]
    await answer_all(chat, "w1")
    (answer_button,) = [b for row in invitation.buttons for b in row if "填写问卷" in b.label]
    again = await chat.send("w1", action=answer_button.action)
    assert "已经填写过" in to(again, "w1")
    # A replayed answer button is refused the same way.
    replay = SurveyButton("pick", survey_id, 0, 0).pack()
    assert "已经填写过" in to(await chat.send("w1", action=replay), "w1")
    async with chat.sessionmaker() as session:
        shown = await surveys.status(session, survey_id)
    assert shown.responses == 1


async def test_only_the_invited_may_answer(chat: Chat) -> None:
    survey_id = await send_survey(chat, ("w1",))
    await chat.send("late", "/start")  # not a recipient of the invitation
    forged = SurveyButton("go", survey_id).pack()
    assert "没有发给您" in to(await chat.send("late", action=forged), "late")
    assert "没有发给您" in to(await chat.send("officer", action=forged), "officer")


async def test_closing_time_refuses_answers_politely(chat: Chat) -> None:
    survey_id = await send_survey(chat)
    await chat.press("w1", "填写问卷")
    await chat.press("w1", "每天")
    chat.now += timedelta(days=11)  # past 2026-03-20 18:00 in Shanghai
    closed = await chat.press("w1", "夜宵")
    assert "已经截止" in to(closed, "w1")
    async with chat.sessionmaker() as session, session.begin():
        await run_due_jobs(session, chat.now, Settings(_env_file=None), chat.routing)
    async with chat.sessionmaker() as session:
        shown = await surveys.status(session, survey_id)
        drafts = (await session.scalars(select(SurveyDraft))).all()
    assert shown.survey.status == "closed"
    assert drafts == []  # unfinished answers of a closed survey are not kept


async def test_closing_by_hand_stops_the_invitation(chat: Chat) -> None:
    for worker in WORKERS:
        await chat.send(worker, "/start")
    definition = surveys.parse_definition(DEFINITION, ZoneInfo("Asia/Shanghai"))
    async with chat.sessionmaker() as session, session.begin():
        survey = await surveys.create(session, definition, chat.now)
        invitation = await surveys.send(
            session, survey.id, send_at=chat.now + timedelta(hours=1), now=chat.now
        )
        await surveys.close(session, survey.id, chat.now)
    async with chat.sessionmaker() as session:
        progress = await announcements.progress(session, invitation.id)
    assert progress.announcement.status == "cancelled"


async def test_answers_cannot_be_traced_back_to_the_worker(chat: Chat) -> None:
    survey_id = await send_survey(chat)
    for worker in WORKERS:
        await answer_all(chat, worker, text=f"{SECRET} {worker}")

    # The schema: answers carry no person, no time; nothing about a person names an answer.
    tables = Base.metadata.tables
    responses = tables["survey_responses"]
    assert {c.name for c in responses.columns} == {"id", "survey_id", "answers"}
    assert not any(isinstance(c.type, DateTime) for c in responses.columns)
    assert {fk.column.table.name for fk in responses.foreign_keys} == {"surveys"}
    assert {c.name for c in tables["survey_participants"].columns} == {"survey_id", "person_id"}
    for table in tables.values():
        assert "survey_responses" not in {fk.column.table.name for fk in table.foreign_keys}

    async with chat.sessionmaker() as session:
        ids = list(await session.scalars(select(SurveyResponse.id)))
        # Random, not numbered in the order of answering.
        assert all(len(i) == 32 and not i.isdigit() for i in ids)
        assert len((await session.scalars(select(SurveyParticipant))).all()) == 3
        assert (await session.scalars(select(SurveyDraft))).all() == []
        assert (await session.scalars(select(ConversationState))).all() == []
        # What a worker answered appears nowhere but in the answers: not in the outbox (the
        # ticks of the multiple choice were scrubbed), the state, or anywhere else.
        connection = await session.connection()
        for name, table in tables.items():
            rows = (await connection.execute(select(table))).all()
            dumped = json.dumps([list(map(str, row)) for row in rows], ensure_ascii=False)
            if name != "survey_responses":
                assert SECRET not in dumped, name
                assert "☑" not in dumped, name
        payloads = [
            Outgoing.from_json(p)
            for p in await session.scalars(
                select(OutboxMessage.payload).where(OutboxMessage.chat_id == "w1")
            )
        ]
    assert any(m.text == "（已作答）" for m in payloads)
    # Admins see counts and texts, never who.
    async with chat.sessionmaker() as session:
        found = await survey_results.results(session, survey_id)
    assert isinstance(found, survey_results.Results)
    assert "w1" not in survey_results.as_csv(found).replace(f"{SECRET} w1", "")
    inspected = inspect(SurveyResponse)
    assert "person_id" not in inspected.columns


async def test_mydata_lists_surveys_answered_not_the_answers(chat: Chat) -> None:
    await send_survey(chat)
    await answer_all(chat, "w1")
    (message,) = await chat.send("w1", "/mydata")
    assert message.upload is not None
    data = json.loads(message.upload.content)
    assert data["surveys"] == [{"survey": "食堂满意度调查", "answered": True}]
    assert SECRET not in message.upload.content.decode()


async def test_forget_drops_participation(chat: Chat) -> None:
    await send_survey(chat)
    await answer_all(chat, "w1")
    await chat.press("w2", "填写问卷")
    await chat.press("w2", "每天")
    for worker in ("w1", "w2"):
        await chat.send(worker, "/forget")
        await chat.press(worker, "删除")
    async with chat.sessionmaker() as session:
        assert (await session.scalars(select(SurveyParticipant))).all() == []
        assert (await session.scalars(select(SurveyDraft))).all() == []
        # The answers stay: they were never anybody's.
        assert len((await session.scalars(select(SurveyResponse))).all()) == 1
