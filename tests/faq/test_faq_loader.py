"""The loader accepts the documented format and reports every problem, with where it is."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from faq import SAMPLE_KB_PATH
from faq.loader import load_knowledge_base
from faq.schema import Entry, KnowledgeBaseError

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from faq.schema import KnowledgeBase

GOOD = """\
language: zh-CN
entries:
  - id: mutual-aid-threshold
    question: 医疗互助的报销起付标准是多少？
    alternates: [互助金多少钱起报, 住院多少钱可以报销互助金]
    keywords: [互助, 起付, 报销]
    answer: |
      起付标准是 1000 元。
    tags: [mutual-aid]
  - id: hotline
    question: 热线是多少
    answer: "12351"
"""


def problems_of(path: Path) -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(path)
    assert caught.value.problems, "an error must say what is wrong"
    return caught.value.problems


def test_loads_the_documented_format(write_kb: Callable[..., Path]) -> None:
    kb = load_knowledge_base(write_kb(GOOD))

    assert [e.id for e in kb.entries] == ["mutual-aid-threshold", "hotline"]
    entry = kb.get("mutual-aid-threshold")
    assert entry == Entry(
        id="mutual-aid-threshold",
        language="zh-CN",
        question="医疗互助的报销起付标准是多少？",
        answer="起付标准是 1000 元。",
        alternates=("互助金多少钱起报", "住院多少钱可以报销互助金"),
        keywords=("互助", "起付", "报销"),
        tags=("mutual-aid",),
    )
    assert kb.get("no-such-entry") is None


def test_directory_of_files_loads_every_language(tmp_path: Path) -> None:
    (tmp_path / "zh-CN.yaml").write_text(
        "language: zh-CN\nentries:\n  - {id: a, question: 问题, answer: 回答}\n", "utf-8"
    )
    (tmp_path / "en.yaml").write_text(
        "language: en\nentries:\n  - {id: b, question: Question, answer: Answer}\n", "utf-8"
    )
    (tmp_path / "notes.txt").write_text("not a knowledge base file", "utf-8")

    kb = load_knowledge_base(tmp_path)

    assert {e.id: e.language for e in kb.entries} == {"a": "zh-CN", "b": "en"}


def test_mixed_file_takes_the_language_of_each_entry(write_kb: Callable[..., Path]) -> None:
    kb = load_knowledge_base(
        write_kb(
            "entries:\n"
            "  - {id: a, language: zh-CN, question: 问题, answer: 回答}\n"
            "  - {id: b, language: en, question: Question, answer: Answer}\n"
        )
    )
    assert [e.language for e in kb.entries] == ["zh-CN", "en"]


def test_not_yaml_says_where(write_kb: Callable[..., Path]) -> None:
    path = write_kb("language: zh-CN\nentries:\n  - id: a\n    question: [unclosed\n")
    (problem,) = problems_of(path)
    assert str(path) in problem
    assert "not valid YAML" in problem
    assert "line" in problem


def test_duplicate_yaml_key_is_not_silently_dropped(write_kb: Callable[..., Path]) -> None:
    path = write_kb(
        "language: zh-CN\nentries:\n  - id: a\n    question: 问题\n"
        "    answer: 第一个回答\n    answer: 第二个回答\n"
    )
    (problem,) = problems_of(path)
    assert "duplicate key 'answer'" in problem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- just\n- a list\n", "expected a mapping with 'language' and 'entries'"),
        ("language: zh-CN\n", "'entries' is missing"),
        ("language: zh-CN\nentries: {a: 1}\n", "'entries' must be a list"),
        ("language: zh-CN\nentries: []\n", "the knowledge base has no entries"),
        ("language: fr\nentries:\n  - {id: a, question: q, answer: a}\n", "unknown language 'fr'"),
        ("entries:\n  - {id: a, question: q, answer: a}\n", "no language"),
        (
            "language: en\nversion: 2\nentries:\n  - {id: a, question: q, answer: a}\n",
            "unknown top-level key(s) version",
        ),
    ],
)
def test_file_level_problems(write_kb: Callable[..., Path], text: str, expected: str) -> None:
    problems = problems_of(write_kb(text))
    assert any(expected in p for p in problems), problems


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("{id: Bad_Id, question: q, answer: a}", "bad id 'Bad_Id'"),
        ("{id: -lead, question: q, answer: a}", "bad id '-lead'"),
        ("{question: q, answer: a}", "'id' is missing"),
        ("{id: 42, question: q, answer: a}", "'id' must be text, found a number"),
        ("{id: a, question: '  ', answer: a}", "(id 'a'): 'question' is empty"),
        ("{id: a, question: q, answer: ''}", "(id 'a'): 'answer' is empty"),
        ("{id: a, answer: a}", "'question' is missing"),
        ("{id: a, question: q}", "'answer' is missing"),
        ("{id: a, question: [q], answer: a}", "'question' must be text, found a list"),
        ("{id: a, question: q, answer: 12351}", "'answer' must be text, found a number"),
        ("{id: a, question: q, answer: a, alternates: q2}", "'alternates' must be a list"),
        ("{id: a, question: q, answer: a, keywords: [ok, 3]}", "'keywords' item 2 must be text"),
        ("{id: a, question: q, answer: a, tags: ['']}", "'tags' item 1 is empty"),
        ("{id: a, question: q, answer: a, anwser: typo}", "unknown key(s) anwser"),
        ("{id: a, question: q, answer: a, language: de}", "unknown language 'de'"),
        ("just text", "expected a mapping (id, question, answer, ...), found text"),
    ],
)
def test_entry_problems_name_the_entry(
    write_kb: Callable[..., Path], entry: str, expected: str
) -> None:
    path = write_kb(
        f"language: en\nentries:\n  - {{id: ok, question: q, answer: a}}\n  - {entry}\n"
    )
    problems = problems_of(path)
    assert len(problems) == 1, problems
    assert f"{path}: entry 2" in problems[0]
    assert expected in problems[0]


def test_duplicate_ids_within_and_across_files(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "language: zh-CN\nentries:\n"
        "  - {id: same, question: 问题一, answer: 回答}\n"
        "  - {id: same, question: 问题二, answer: 回答}\n",
        "utf-8",
    )
    (tmp_path / "b.yaml").write_text(
        "language: en\nentries:\n  - {id: same, question: Question, answer: Answer}\n", "utf-8"
    )
    problems = problems_of(tmp_path)
    assert len(problems) == 2
    assert all("duplicate id 'same', first used at" in p for p in problems)
    assert f"{tmp_path / 'a.yaml'}: entry 2" in problems[0]
    assert f"{tmp_path / 'b.yaml'}: entry 1" in problems[1]
    assert all(f"{tmp_path / 'a.yaml'}: entry 1" in p for p in problems)


def test_every_problem_is_reported_at_once(write_kb: Callable[..., Path]) -> None:
    path = write_kb(
        "language: zh-CN\nentries:\n"
        "  - {id: ok, question: 问题, answer: 回答}\n"
        "  - {id: Bad, question: 问题, answer: 回答}\n"
        "  - {id: empty, question: '', answer: ''}\n"
        "  - {id: extra, question: 问题, answer: 回答, colour: red}\n"
    )
    problems = problems_of(path)
    assert len(problems) == 4
    assert "entry 2" in problems[0]
    assert "entry 3 (id 'empty'): 'question' is empty" in problems[1]
    assert "entry 3 (id 'empty'): 'answer' is empty" in problems[2]
    assert "entry 4 (id 'extra'): unknown key(s) colour" in problems[3]


def test_missing_path_and_empty_directory(tmp_path: Path) -> None:
    assert "no such file or directory" in problems_of(tmp_path / "missing.yaml")[0]
    assert "holds no *.yaml" in problems_of(tmp_path)[0]


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "kb.yaml"
    path.write_bytes("language: zh-CN\n".encode("gb18030") + "问题".encode("gb18030"))
    assert "not UTF-8" in problems_of(path)[0]


def test_sample_kb_is_marked_and_large_enough(sample_kb: KnowledgeBase) -> None:
    counts = sample_kb.languages()
    assert counts["zh-CN"] >= 40
    assert counts["en"] >= 15
    for path in sorted(SAMPLE_KB_PATH.glob("*.yaml")):
        head = path.read_text(encoding="utf-8")[:300]
        assert "SAMPLE" in head, f"{path.name} must say it is a sample a union replaces"


@pytest.mark.parametrize(
    ("entry_id", "facts"),
    [
        ("mutual-aid-fee", ["50 元"]),
        ("mutual-aid-threshold", ["1000 元"]),
        ("mutual-aid-cap", ["5 万元", "10 万元", "重大疾病"]),
        ("mutual-aid-claim-online", ["零跑腿"]),
        ("hotline-12351", ["12351"]),
        ("driver-stations", ["司机之家"]),
        ("worker-council", ["职工议事会"]),
        ("bot-anonymity", ["匿名"]),
    ],
)
def test_sample_kb_states_the_union_facts(
    sample_kb: KnowledgeBase, entry_id: str, facts: list[str]
) -> None:
    entry = sample_kb.get(entry_id)
    assert entry is not None
    for fact in facts:
        assert fact in entry.answer


def test_a_file_adds_alternates_to_entries_of_another(tmp_path: Path) -> None:
    (tmp_path / "hand.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "console.yaml").write_text(
        "entries: []\nalternates:\n  hotline: [工会电话多少, 热线是多少, 工会电话多少]\n",
        encoding="utf-8",
    )
    kb = load_knowledge_base(tmp_path)
    hotline = kb.get("hotline")
    assert hotline is not None
    # The question itself and repeats are not added twice.
    assert hotline.alternates == ("工会电话多少",)
    (tmp_path / "console.yaml").write_text(
        "entries: []\nalternates:\n  nowhere: [问题]\n  hotline: 不是列表\n", encoding="utf-8"
    )
    assert problems_of(tmp_path) == [
        f"{tmp_path / 'console.yaml'}: 'alternates' of 'hotline': 'alternates' must be a list "
        "of texts, found text",
        f"{tmp_path / 'console.yaml'}: 'alternates': no entry has the id 'nowhere'",
    ]
