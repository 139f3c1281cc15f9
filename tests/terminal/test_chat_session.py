"""A scripted `workerbot chat` session through the whole cycle, in real subprocesses."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def chat(database: Path, lines: list[str], *extra: str) -> str:
    env = {**os.environ, "WORKERBOT_DATABASE_URL": f"sqlite+aiosqlite:///{database}"}
    done = subprocess.run(  # noqa: S603 - our own CLI with fixed arguments
        [sys.executable, "-m", "bot", "chat", *extra],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=database.parent,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_worker_files_officer_answers_worker_rates(tmp_path: Path) -> None:
    database = tmp_path / "chat.db"
    worker = chat(
        database,
        # menu, report a problem, safety, description, location, first unit,
        # photos done, anonymous, submit
        ["/start", "2", "1", "路灯坏了好几天，晚上很黑", "3号门", "1", "1", "1", "1"],
    )
    assert "GR-2026-000001" in worker
    assert "提交人：匿名" in worker  # the card the officer gets masks the worker

    officer = chat(
        database,
        [
            "/queue",
            "1",  # the ticket
            "1",  # claim
            "1",  # reply (first button once claimed)
            "已安排电工明天维修。",
            "/ticket GR-2026-000001",
            "4",  # resolve
            "路灯已修好。",
        ],
        "--as-officer",
        "1",
    )
    assert "您已受理 GR-2026-000001" in officer
    assert "工会干部回复：\n已安排电工明天维修。" in officer
    assert "GR-2026-000001 已办结" in officer

    rating = chat(database, ["/tickets", "1", "7"])
    assert "已安排电工明天维修。" in rating  # the thread shows the officer's reply
    assert "感谢您的评价（5 星）" in rating


def test_unknown_officer_is_refused(tmp_path: Path) -> None:
    env = {**os.environ, "WORKERBOT_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'c.db'}"}
    done = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--as-officer", "99"],
        input="",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "Officer #99" in done.stderr


def test_numbers_that_are_no_button_are_typed_answers(tmp_path: Path) -> None:
    worker = chat(
        tmp_path / "chat.db",
        # menu, ask for help, mutual aid, what, hospital, admission, discharge, then the
        # amounts: the total's message has one button (cancel), so 12000 is an answer.
        ["/start", "3", "1", "住院做手术", "市一医院", "3月1号", "3.5", "12000", "五千块"],
    )
    assert "个人自付的金额" in worker
    assert "请拍照上传医疗费用票据" in worker
    assert "no button" not in worker
