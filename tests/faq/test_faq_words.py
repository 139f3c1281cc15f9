"""The memory-mapped word table segments exactly as jieba does, with and without a
knowledge base's own terms, so the matcher's answers do not change with it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

import jieba
import pytest
import yaml

from faq.tables import language_tables
from faq.words import Dictionary

if TYPE_CHECKING:
    from faq.schema import KnowledgeBase

EVAL_SET = Path(__file__).with_name("eval_set.yaml")
TERMS = ["司机之家", "职工议事会", "互助医疗", "零跑腿", "12351热线", "工会", "司机之"]


@pytest.fixture(scope="module")
def jieba_tokenizer() -> jieba.Tokenizer:
    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    return tokenizer


@pytest.fixture(scope="module")
def texts(sample_kb: KnowledgeBase) -> list[str]:
    questions = yaml.safe_load(EVAL_SET.read_text("utf-8"))["questions"]
    return [
        *(str(q["q"]) for q in questions),
        *(t for e in sample_kb.entries for t in (e.question, *e.alternates, e.answer)),
        "工资3.5万，加班费80%，AB班-夜班 +86 12351 c++ 㐂字",
    ]


def test_frequencies_and_total_are_jiebas(jieba_tokenizer: jieba.Tokenizer) -> None:
    table = language_tables().words
    assert table.total == jieba_tokenizer.total
    for word in ("工伤", "工", "医保卡", "丧假", "司机之", "的", "a", "不存在的词语啊"):
        assert table.get(word) == jieba_tokenizer.FREQ.get(word), word


def test_cut_is_jiebas_without_hmm(jieba_tokenizer: jieba.Tokenizer, texts: list[str]) -> None:
    dictionary = Dictionary(language_tables().words)
    for text in texts:
        assert list(dictionary.cut(text)) == list(jieba_tokenizer.cut(text, HMM=False)), text


def test_added_terms_weigh_and_cut_as_with_jieba(
    jieba_tokenizer: jieba.Tokenizer, texts: list[str]
) -> None:
    own = jieba.Tokenizer()
    own.FREQ = dict(jieba_tokenizer.FREQ)
    own.total = jieba_tokenizer.total
    own.initialized = True
    for term in TERMS:
        if term not in own.FREQ:
            own.add_word(term, freq=max(own.suggest_freq(term), 10))
    dictionary = Dictionary(language_tables().words)
    dictionary.add_words(TERMS)

    assert dictionary.total == own.total
    for word in [*TERMS, "司机", "职工议", "零跑"]:
        assert dictionary.frequency(word) == own.FREQ.get(word), word
    for text in [*texts, *TERMS, "司机之家在哪里", "零跑腿怎么申请"]:
        assert list(dictionary.cut(text)) == list(own.cut(text, HMM=False)), text


def test_terms_added_to_one_dictionary_stay_there() -> None:
    table = language_tables().words
    with_term = Dictionary(table)
    with_term.add_words(["司机之家"])
    assert "司机之家" in with_term.cut("司机之家在哪")
    assert "司机之家" not in Dictionary(table).cut("司机之家在哪")
