"""Quality on the labelled evaluation set: right answers, and few answers to what is not covered.

The set (eval_set.yaml) holds paraphrases, long chatty messages, typos and homophones,
traditional characters, English, and questions the sample knowledge base does not cover.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

if TYPE_CHECKING:
    from faq.matcher import Matcher
    from faq.schema import KnowledgeBase

EVAL_SET = Path(__file__).with_name("eval_set.yaml")


@pytest.fixture(scope="module")
def questions() -> list[dict[str, str | None]]:
    loaded: list[dict[str, str | None]] = yaml.safe_load(EVAL_SET.read_text("utf-8"))["questions"]
    return loaded


def test_eval_set_has_every_kind(
    questions: list[dict[str, str | None]], sample_kb: KnowledgeBase
) -> None:
    kinds = Counter(q["kind"] for q in questions)
    assert len(questions) >= 150
    assert kinds["uncovered-near"] + kinds["uncovered-far"] >= 40
    assert kinds["uncovered-near"] >= 20
    for kind in ("paraphrase", "chatty", "typo", "traditional", "english"):
        assert kinds[kind] >= 10, kind
    for q in questions:
        expected = q["expect"]
        assert (expected is None) == str(q["kind"]).startswith("uncovered")
        assert expected is None or sample_kb.get(expected) is not None, expected


def test_top1_accuracy_and_wrong_answer_rate(
    questions: list[dict[str, str | None]], matcher: Matcher
) -> None:
    covered = [q for q in questions if q["expect"]]
    uncovered = [q for q in questions if not q["expect"]]
    right = [
        q for q in covered if (m := matcher.match(str(q["q"]))).entry and m.entry.id == q["expect"]
    ]
    answered = [q["q"] for q in uncovered if matcher.match(str(q["q"])).entry is not None]
    wrong = [q["q"] for q in covered if q not in right]

    accuracy = len(right) / len(covered)
    answered_rate = len(answered) / len(uncovered)
    assert accuracy >= 0.90, f"top-1 {accuracy:.3f}; missed: {wrong}"
    assert answered_rate <= 0.10, f"answered {answered_rate:.3f} uncovered: {answered}"


def test_right_entry_is_offered_when_not_answered(
    questions: list[dict[str, str | None]], matcher: Matcher
) -> None:
    covered = [q for q in questions if q["expect"]]
    in_top3 = [
        q for q in covered if q["expect"] in [e.id for e in matcher.match(str(q["q"])).suggestions]
    ]
    assert len(in_top3) / len(covered) >= 0.97
