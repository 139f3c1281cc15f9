"""One set of conversation scenarios, run for every messenger: the terminal, Telegram and
the web chat. Each is the whole bot on SQLite and on PostgreSQL; what the worker does and
sees is written once, so a messenger that behaves differently fails here."""

from __future__ import annotations

import pytest

from tests.conversations.phones import MESSENGERS, newest_reference, phone
from tests.webchat.stage import officer_acts


@pytest.fixture(params=MESSENGERS)
def messenger(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


async def test_a_question_the_knowledge_base_answers(messenger: str, chat_database: str) -> None:
    async with phone(messenger, chat_database) as worker:
        await worker.say("医疗互助保障每年交多少钱？")
        await worker.sees("50 元")


async def test_a_grievance_is_filed_answered_resolved_and_rated(
    messenger: str, chat_database: str
) -> None:
    async with phone(messenger, chat_database) as worker:
        await worker.say("/start")
        await worker.press("反映问题")
        await worker.press("其他问题")
        await worker.say("食堂的饭菜经常是凉的")
        await worker.press("不方便透露")
        await worker.press("完成")
        await worker.press("实名提交")
        await worker.press("确认提交")
        await worker.sees("GR-")
        reference = await newest_reference(worker.app)

        await officer_acts(worker.app, reference, "claim")
        await officer_acts(worker.app, reference, "reply", "已经和食堂沟通，加装保温台")
        await worker.sees("加装保温台")
        await worker.say("/tickets")
        await worker.sees(reference)

        await officer_acts(worker.app, reference, "resolve", "保温台已经装好")
        await worker.sees("保温台已经装好")
        await worker.press("⭐⭐⭐⭐⭐")
        await worker.sees("5 星")


async def test_crisis_words_get_the_hotlines_at_once(messenger: str, chat_database: str) -> None:
    async with phone(messenger, chat_database) as worker:
        await worker.say("我不想活了")
        await worker.sees("12356")
