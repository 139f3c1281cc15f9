"""What is built once is reused, and changes nothing: a knowledge base read before is not
parsed again, a matcher on a cached index answers exactly as one built afresh, and a
changed or broken knowledge base is never served from the cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from bot.settings import Settings
from faq import SAMPLE_KB_PATH
from faq.loader import load_knowledge_base
from faq.matcher import Matcher
from faq.schema import KnowledgeBaseError

if TYPE_CHECKING:
    from collections.abc import Callable

REPO = Path(__file__).resolve().parents[2]
EVAL_SET = Path(__file__).with_name("eval_set.yaml")
KB = """\
language: zh-CN
entries:
  - id: hotline
    question: 工会服务热线是多少
    alternates: [12351是什么电话]
    keywords: [热线]
    answer: 拨打 12351。
"""


def no_yaml(*_: object, **__: object) -> object:
    raise AssertionError("the YAML was parsed again")


def test_a_knowledge_base_read_before_is_not_parsed_again(
    tmp_path: Path, write_kb: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_kb(KB)
    first = load_knowledge_base(path, tmp_path / "cache")
    monkeypatch.setattr(yaml, "load", no_yaml)
    again = load_knowledge_base(path, tmp_path / "cache")
    assert again == first
    assert again.get("hotline") == first.get("hotline")


def test_a_changed_knowledge_base_is_read_afresh(
    tmp_path: Path, write_kb: Callable[..., Path]
) -> None:
    path = write_kb(KB)
    load_knowledge_base(path, tmp_path / "cache")
    path.write_text(KB.replace("拨打 12351。", "拨打 12351，24 小时。"), "utf-8")
    hotline = load_knowledge_base(path, tmp_path / "cache").get("hotline")
    assert hotline is not None
    assert hotline.answer == "拨打 12351，24 小时。"


def test_a_broken_knowledge_base_is_reported_every_time(
    tmp_path: Path, write_kb: Callable[..., Path]
) -> None:
    path = write_kb(KB.replace("id: hotline", "id: Hotline"))
    for _ in range(2):
        with pytest.raises(KnowledgeBaseError, match="bad id 'Hotline'"):
            load_knowledge_base(path, tmp_path / "cache")


def test_a_matcher_on_a_cached_index_answers_as_one_built_afresh(tmp_path: Path) -> None:
    questions = [str(q["q"]) for q in yaml.safe_load(EVAL_SET.read_text("utf-8"))["questions"]]
    kb = load_knowledge_base(SAMPLE_KB_PATH, tmp_path / "cache")
    afresh = Matcher(kb, answer_score=36, suggest_score=20, cache_dir=None)
    Matcher(kb, answer_score=36, suggest_score=20, cache_dir=tmp_path / "cache")  # saves it
    assert list((tmp_path / "cache").glob("matcher-*.bin"))
    cached = Matcher(kb, answer_score=36, suggest_score=20, cache_dir=tmp_path / "cache")
    for question in questions:
        assert cached.match(question) == afresh.match(question), question


def test_a_damaged_index_is_built_again_with_the_same_answers(tmp_path: Path) -> None:
    kb = load_knowledge_base(SAMPLE_KB_PATH, None)
    Matcher(kb, answer_score=36, suggest_score=20, cache_dir=tmp_path)
    (index,) = tmp_path.glob("matcher-*.bin")
    damaged = bytearray(index.read_bytes())
    damaged[len(damaged) // 2] ^= 0x55
    index.write_bytes(bytes(damaged))
    matcher = Matcher(kb, answer_score=36, suggest_score=20, cache_dir=tmp_path)
    result = matcher.match("工伤怎么认定")
    assert result.entry is not None
    assert result.entry.id == "work-injury"
    assert index.read_bytes() != bytes(damaged)  # replaced by a sound one


def test_an_empty_cache_setting_turns_the_cache_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKERBOT_CACHE_DIR", "")
    assert Settings().cache_dir is None
    monkeypatch.setenv("WORKERBOT_CACHE_DIR", "/var/cache/workerbot")
    assert Settings().cache_dir == Path("/var/cache/workerbot")


def test_faq_match_keeps_its_tables_in_the_cache_setting(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKERBOT_")}
    env["WORKERBOT_CACHE_DIR"] = str(tmp_path)
    command = [sys.executable, "-m", "bot", "faq", "match", "--json", "工伤怎么认定"]
    answers = []
    for _ in range(2):  # builds, then reads
        completed = subprocess.run(  # noqa: S603 - this interpreter, our own command
            command, capture_output=True, text=True, encoding="utf-8", cwd=REPO, env=env,
            timeout=300, check=True,
        )  # fmt: skip
        answers.append(json.loads(completed.stdout))
    assert answers[0] == answers[1]
    assert answers[0]["id"] == "work-injury"
    assert {p.name.split("-")[0] for p in tmp_path.glob("*.bin")} == {"language", "kb", "matcher"}
