"""What the knowledge base did with each question is kept: answers with the person's
verdict, misses with whether suggestions were offered (the reports and the learning pages
read them)."""

from __future__ import annotations

from sqlalchemy import select

from db.models import FaqAnswer, UnansweredQuestion
from tests.flows.conftest import Chat


async def _answers(chat: Chat) -> list[tuple[str, str, str, bool | None]]:
    async with chat.sessionmaker() as session:
        rows = (await session.scalars(select(FaqAnswer).order_by(FaqAnswer.id))).all()
    return [(r.text, r.entry_id, r.via, r.helpful) for r in rows]


async def test_answers_and_feedback_are_kept(chat: Chat) -> None:
    await chat.send("w", "年假")
    await chat.press("w", "有帮助")
    await chat.send("v", "法律援助")
    await chat.press("v", "没解决")
    assert await _answers(chat) == [
        ("年假", "annual-leave", "match", True),
        ("法律援助", "legal-aid", "match", False),
    ]


async def test_a_suggestion_picked_is_an_answer_and_the_miss_says_suggested(chat: Chat) -> None:
    await chat.send("w", "报销")
    await chat.send("n", "食堂")
    async with chat.sessionmaker() as session:
        misses = (
            await session.scalars(select(UnansweredQuestion).order_by(UnansweredQuestion.id))
        ).all()
    assert [(m.text, m.band) for m in misses] == [("报销", "suggest"), ("食堂", "none")]
    message = chat.last["w"]
    picked = message.buttons[0][0]
    await chat.send("w", action=picked.action)
    await chat.press("w", "没解决")
    [(text, entry, via, helpful)] = await _answers(chat)
    assert (text, via, helpful) == ("报销", "suggestion", False)
    assert entry in message.buttons[0][0].action
