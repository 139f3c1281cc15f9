"""The matcher answers what the knowledge base covers and does not guess the rest."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from faq.loader import load_knowledge_base
from faq.matcher import MAX_SUGGESTIONS, Matcher

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from faq.schema import KnowledgeBase


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("医疗互助的报销起付标准是多少？", "mutual-aid-threshold"),
        ("我在工地摔伤了腰，老板不认账，这算不算工伤啊", "work-injury"),
        ("共伤怎么认定", "work-injury"),
        ("老闆拖欠工資怎麼辦", "wage-arrears"),
        ("ＡＰＰ上能申请互助金吗", "mutual-aid-claim-online"),
        # How to claim, not how much: both name the scheme and 报销.
        ("外卖骑手 医疗互助怎么报销啊", "mutual-aid-claim-online"),
        ("医疗互助最多能报多少", "mutual-aid-cap"),
        ("Where can truck drivers rest?", "en-driver-stations"),
    ],
)
def test_answers_covered_questions(matcher: Matcher, text: str, entry_id: str) -> None:
    result = matcher.match(text)
    assert result.band == "answer"
    assert result.entry is not None
    assert result.entry.id == entry_id
    assert result.score >= matcher.answer_score
    assert result.suggestions[0] == result.entry


@pytest.mark.parametrize(
    "text", ["丧假有几天", "医保卡丢了怎么补办", "事假有几天", "公积金怎么提取", "医保怎么报销"]
)
def test_does_not_answer_near_misses(matcher: Matcher, text: str) -> None:
    result = matcher.match(text)
    assert result.band != "answer"
    assert result.entry is None
    assert result.score < matcher.answer_score


def test_offers_suggestions_when_unsure(matcher: Matcher) -> None:
    result = matcher.match("丧假有几天")
    # Not answered, but the leave entries are the closest things to offer or to show.
    assert "annual-leave" in [e.id for e in result.suggestions]
    assert len(result.suggestions) <= MAX_SUGGESTIONS


def test_suggest_band_between_thresholds(sample_kb: KnowledgeBase) -> None:
    strict = Matcher(sample_kb, answer_score=100, suggest_score=30)
    result = strict.match("互助金在网上怎么申请")
    assert result.band == "suggest"
    assert result.entry is None
    assert result.suggestions[0].id == "mutual-aid-claim-online"


def test_nothing_to_say_to_noise(matcher: Matcher) -> None:
    for text in ("", "   ", "🙂🙂🙂", "？？？"):
        result = matcher.match(text)
        assert result.band == "none"
        assert result.entry is None
        assert result.score == 0
        assert result.suggestions == ()


def test_suggestions_are_best_first_and_distinct(matcher: Matcher) -> None:
    result = matcher.match("互助保障报销")
    ids = [e.id for e in result.suggestions]
    assert 1 <= len(ids) <= MAX_SUGGESTIONS
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("mutual-aid") for i in ids)


def test_messages_in_latin_script_meet_english_entries(matcher: Matcher) -> None:
    result = matcher.match("how much is the mutual aid contribution")
    assert all(e.language == "en" for e in result.suggestions)
    chinese = matcher.match("互助金一年交多少")
    assert all(e.language == "zh-CN" for e in chinese.suggestions)


def test_user_language_decides_when_the_script_does_not(matcher: Matcher) -> None:
    assert matcher.match("12351", language="en").suggestions[0].id == "en-hotline"
    assert matcher.match("12351", language="zh-CN").suggestions[0].id == "hotline-12351"


def test_ambiguous_message_loses_confidence(write_kb: Callable[..., Path]) -> None:
    day = "  - {id: day-shift, question: 白班工资怎么算, answer: 按小时计算}\n"
    night = "  - {id: night-shift, question: 夜班工资怎么算, answer: 另加补贴}\n"
    alone = load_knowledge_base(write_kb("language: zh-CN\nentries:\n" + day, "one.yaml"))
    both = load_knowledge_base(write_kb("language: zh-CN\nentries:\n" + day + night, "two.yaml"))
    clear = Matcher(alone, answer_score=65, suggest_score=10).match("班工资怎么算")
    unclear = Matcher(both, answer_score=65, suggest_score=10).match("班工资怎么算")

    assert clear.band == "answer"
    assert unclear.band == "suggest"
    assert unclear.score <= clear.score - 15
    assert {e.id for e in unclear.suggestions} == {"day-shift", "night-shift"}


def test_thresholds_must_be_ordered(sample_kb: KnowledgeBase) -> None:
    with pytest.raises(ValueError, match="suggest_score <= answer_score"):
        Matcher(sample_kb, answer_score=30, suggest_score=50)


def test_very_long_and_odd_text_is_handled(matcher: Matcher) -> None:
    result = matcher.match("工伤" + "\x00\u200b啊" * 5000)
    assert 0 <= result.score <= 100


def test_a_character_without_a_known_sound_is_still_matched(matcher: Matcher) -> None:
    # pypinyin spells no sound for some rare characters; a message with one is still read.
    result = matcher.match("㐂工伤怎么认定")
    assert result.entry is not None
    assert result.entry.id == "work-injury"
