"""`workerbot survey ...` run in-process against a real database: build from a YAML file,
list, send, follow, close and read results (refused until three have answered); bad files
refused with the reason."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from db.engine import create_engine, create_sessionmaker
from db.models import Person
from db.repositories import surveys as repo

SURVEY = """\
title: 食堂满意度调查
intro: 请花两分钟告诉我们您对园区食堂的看法。
closes: 2030-01-20 18:00
questions:
  - kind: single
    text: 您多久在食堂吃一次饭？
    options: [每天, 每周几次, 很少]
  - kind: scale
    text: 您对食堂总体满意吗？
  - kind: text
    text: 还有什么建议？
"""


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def _answered(url: str, survey_id: int, **answers: dict[str, Any]) -> None:
    """Each worker's finished answers, stored as the chat stores them."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            for name, given in answers.items():
                worker = Person(
                    platform="telegram", platform_user_id=name, chat_id=name, language="zh-CN"
                )
                session.add(worker)
                await session.flush()
                await repo.finish(session, survey_id, worker.id, given)
    finally:
        await engine.dispose()


def test_results_are_refused_until_three_have_answered(
    cli_database: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    path = tmp_path / "canteen.yaml"
    path.write_text(SURVEY, encoding="utf-8")
    assert _run(capsys, "survey", "create", str(path))[0] == 0
    assert _run(capsys, "survey", "send", "1")[0] == 0
    asyncio.run(
        _answered(
            cli_database,
            1,
            w1={"0": 1, "1": 4, "2": "夜班没有热饭"},
            w2={"0": 1, "1": 2, "2": "太贵了"},
        )
    )
    for argv in (("results", "1"), ("results", "1", "--format", "csv")):
        code, out, err = _run(capsys, "survey", *argv)
        assert (code, out) == (1, ""), argv
        assert err == "error: 已有 2 人填写；满 3 人后才显示结果，以免认出个人。\n"
    # How many answered is not held back.
    assert "2 answered" in _run(capsys, "survey", "status", "1")[1]
    monkeypatch.setenv("WORKERBOT_DEFAULT_LANGUAGE", "en")
    code, _, err = _run(capsys, "survey", "results", "1")
    assert (code, "Answered so far: 2. Results are shown from 3 answers on" in err) == (1, True)

    asyncio.run(_answered(cli_database, 1, w3={"0": 0, "1": 3, "2": None}))
    code, out, _ = _run(capsys, "survey", "results", "1")
    assert code == 0
    assert "#1 食堂满意度调查: 3 answered" in out
    assert "2. 您对食堂总体满意吗？ (3 answered)" in out
    assert "   mean 3.00" in out
    assert "夜班没有热饭" in out
    code, out, _ = _run(capsys, "survey", "results", "1", "--format", "csv")
    assert code == 0
    assert out.splitlines()[0] == "question,kind,text,answer,count,group"
    assert "1,single,您多久在食堂吃一次饭？,每周几次,2," in out
    assert "3,text,还有什么建议？,太贵了,1," in out


@pytest.mark.usefixtures("cli_database")
def test_a_survey_is_built_sent_followed_closed_and_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "canteen.yaml"
    path.write_text(SURVEY, encoding="utf-8")
    code, out, _ = _run(capsys, "survey", "create", str(path))
    assert code == 0
    assert "Survey #1 built: 3 questions, closes 2030-01-20 18:00" in out
    code, out, _ = _run(capsys, "survey", "list")
    assert "#1  draft" in out
    code, out, _ = _run(capsys, "survey", "send", "1", "--at", "2030-01-05 09:00")
    assert code == 0
    assert "goes out from 2030-01-05 09:00 as announcement #1" in out
    code, _, err = _run(capsys, "survey", "send", "1")
    assert (code, "sent already" in err) == (1, True)
    code, out, _ = _run(capsys, "survey", "status", "1")
    assert "0 answered" in out
    assert "invitations: [" in out
    code, out, err = _run(capsys, "survey", "results", "1", "--format", "csv")
    assert (code, out) == (1, "")
    assert "已有 0 人填写；满 3 人后才显示结果" in err
    code, out, _ = _run(capsys, "survey", "close", "1")
    assert "closed" in out
    code, out, _ = _run(capsys, "announce", "list")
    assert "#1  cancelled" in out  # the invitation had not gone out yet


@pytest.mark.usefixtures("cli_database")
def test_bad_survey_files_are_refused_with_the_reason(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    for content, reason in (
        (SURVEY.replace("kind: scale", "kind: stars"), "question 2: kind must be one of"),
        (SURVEY.replace("[每天, 每周几次, 很少]", "[每天]"), "needs 2-8 options"),
        (SURVEY.replace("2030-01-20 18:00", "next week"), "closes must be"),
        (SURVEY.replace("2030-01-20", "2020-01-20"), "already passed"),
        ("title: [", "not valid YAML"),
    ):
        path.write_text(content, encoding="utf-8")
        code, _, err = _run(capsys, "survey", "create", str(path))
        assert code == 1, content
        assert reason in err
    code, _, err = _run(capsys, "survey", "status", "7")
    assert (code, "no survey #7" in err) == (1, True)
