"""`workerbot faq match` and `workerbot faq check` keep the contract of design.md."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from bot.cli import COMMAND_MODULES, main

if TYPE_CHECKING:
    from collections.abc import Callable

REPO = Path(__file__).resolve().parents[2]
SMALL_KB = """\
language: zh-CN
entries:
  - id: hotline
    question: 工会服务热线是多少
    answer: 拨打 12351。
"""


def json_lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_match_json_from_stdin_one_object_per_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    questions = [
        "我在工地摔伤了腰，老板不认账，这算不算工伤啊",
        "丧假有几天",
        "",
        "今天天气怎么样",
    ]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(questions) + "\n"))

    assert main(["faq", "match", "--json", "-"]) == 0

    results = json_lines(capsys.readouterr().out)
    assert [r["query"] for r in results] == questions
    assert all(set(r) == {"query", "id", "score", "suggestions"} for r in results)
    injury, funeral, empty, weather = results
    assert injury["id"] == "work-injury"
    assert injury["suggestions"][0] == "work-injury"  # type: ignore[index]
    assert funeral["id"] is None
    assert funeral["suggestions"]  # best guesses are listed even when not answering
    assert empty == {"query": "", "id": None, "score": 0.0, "suggestions": []}
    assert weather["id"] is None
    for result in results:
        assert isinstance(result["score"], float)
        assert 0 <= result["score"] <= 100
        assert len(result["suggestions"]) <= 3  # type: ignore[arg-type]


def test_match_one_question_in_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faq", "match", "互助金多少钱起报"]) == 0
    out = capsys.readouterr().out
    assert "answer: mutual-aid-threshold" in out
    assert "1000 元" in out


def test_match_text_says_when_it_is_not_sure(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faq", "match", "丧假有几天"]) == 0
    out = capsys.readouterr().out
    assert "answer:" not in out
    assert "annual-leave" in out


def test_match_uses_the_given_kb(
    write_kb: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_kb(SMALL_KB)
    assert main(["faq", "match", "--kb", str(path), "--json", "请问工会的热线是多少"]) == 0
    (result,) = json_lines(capsys.readouterr().out)
    assert result["id"] == "hotline"


def test_match_kb_defaults_to_the_settings_path(
    write_kb: Callable[..., Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WORKERBOT_FAQ_PATH", str(write_kb(SMALL_KB)))
    assert main(["faq", "match", "--json", "请问工会的热线是多少"]) == 0
    (result,) = json_lines(capsys.readouterr().out)
    assert result["suggestions"] == ["hotline"]


def test_match_with_a_broken_kb_fails_clearly(
    write_kb: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_kb("language: zh-CN\nentries:\n  - {id: Bad, question: 问, answer: 答}\n")
    assert main(["faq", "match", "--kb", str(path), "问"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "bad id 'Bad'" in captured.err


def test_check_accepts_the_sample_and_summarises(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["faq", "check", str(REPO / "faq" / "sample_kb")]) == 0
    out = capsys.readouterr().out
    assert "OK" in out
    assert "zh-CN 51" in out
    assert "en 20" in out


def test_check_lists_every_problem_and_exits_1(
    write_kb: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_kb(
        "language: zh-CN\nentries:\n"
        "  - {id: a, question: 问题, answer: ''}\n"
        "  - {id: a, question: 问题, answer: 回答}\n"
    )
    assert main(["faq", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert "2 problems" in err
    assert "entry 1 (id 'a'): 'answer' is empty" in err
    assert "entry 2 (id 'a'): duplicate id 'a'" in err


def test_python_m_bot_faq_match_json_stdin() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("WORKERBOT_")}
    completed = subprocess.run(
        [sys.executable, "-m", "bot", "faq", "match", "--json", "-"],
        input="怎麼加入工會\nhow do I join the union\n医保卡丢了怎么补办\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        env=env,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    results = json_lines(completed.stdout)
    assert [r["id"] for r in results] == ["union-join", "en-join-union", None]


def test_every_command_module_registers_the_commands_listed_for_it() -> None:
    # A command missing from the list would only be found when someone types it.
    for module, commands in COMMAND_MODULES.items():
        parser = argparse.ArgumentParser()
        subcommands = parser.add_subparsers()
        import_module(module).register(subcommands)
        assert tuple(subcommands.choices) == commands, module


def test_faq_match_starts_without_the_bots_database_and_messengers() -> None:
    # Each of these adds a fraction of a second and tens of MB to every `faq match`.
    probe = (
        "import sys; from bot.cli import main; main(['faq', 'match', '工伤']); "
        "print(sorted({m.split('.')[0] for m in sys.modules} & "
        "{'sqlalchemy', 'aiogram', 'telegram', 'alembic', 'jieba', 'pypinyin'}))"
    )
    completed = subprocess.run(  # noqa: S603 - this interpreter, our own probe
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=REPO,
        timeout=120,
        check=True,
    )
    assert completed.stdout.splitlines()[-1] == "[]"
