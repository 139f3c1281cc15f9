"""A survey on Telegram: the real bot (aiogram and python-telegram-bot) against the fake
Bot API server sends the invitation, and a worker answers with buttons and a typed text;
each question replaces the last in the same message, and the answers are stored apart
from the worker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.transports.telegram_receiver import TransportName
from db.models import SurveyParticipant, SurveyResponse
from handlers import surveys
from tests.fake_telegram import FakeTelegram
from tests.telegram.test_end_to_end import Stage, fresh_database_url, shown

__all__ = ["fresh_database_url"]


@pytest.mark.parametrize("transport", ["aiogram", "ptb"])
async def test_a_worker_answers_a_survey_with_buttons(
    transport: TransportName, fresh_database_url: str
) -> None:
    async with FakeTelegram() as tg:
        stage = Stage(tg, fresh_database_url, transport, "polling")
        worker = tg.user(first_name="Rider")
        async with stage.running() as bot:
            await stage.says(worker, "/start")
            await tg.wait_sent(worker.id, 1, timeout=10.0)
            now = datetime.now(UTC)
            definition = surveys.parse_definition(
                {
                    "title": "夜班调查",
                    "intro": "关于夜班的三个问题。",
                    "closes": now + timedelta(days=1),
                    "questions": [
                        {"kind": "scale", "text": "夜班辛苦吗？"},
                        {"kind": "multiple", "text": "需要什么？", "options": ["热饭", "班车"]},
                        {"kind": "text", "text": "还想说什么？"},
                    ],
                },
                ZoneInfo("Asia/Shanghai"),
            )
            async with bot.app.sessionmaker() as session, session.begin():
                survey = await surveys.create(session, definition, now)
                await surveys.send(session, survey.id, send_at=now, now=now)
            sid = survey.id

            await stage.press(worker, f"sv:go:{sid}")  # under the invitation, once it came
            await stage.sees(worker.id, lambda m: "第 1/3 题" in shown(m), "question 1")
            count = len(tg.sent_to(worker.id))
            await stage.press(worker, f"sv:pick:{sid}:0:5")
            await stage.sees(worker.id, lambda m: "第 2/3 题" in shown(m), "question 2")
            await stage.press(worker, f"sv:tog:{sid}:1:1")
            await stage.sees(worker.id, lambda m: "☑ 班车" in shown(m), "the tick")
            await stage.press(worker, f"sv:done:{sid}:1")
            await stage.sees(worker.id, lambda m: "第 3/3 题" in shown(m), "question 3")
            # The questions were asked in one message, redrawn in place.
            assert len(tg.sent_to(worker.id)) == count
            await stage.says(worker, "希望有热水")
            await stage.sees(worker.id, lambda m: "谢谢" in shown(m), "thanks")

            async with bot.app.sessionmaker() as session:
                (answers,) = await session.scalars(select(SurveyResponse.answers))
                participants = (await session.scalars(select(SurveyParticipant))).all()
            assert answers == {"0": 5, "1": [1], "2": "希望有热水"}
            assert len(participants) == 1
