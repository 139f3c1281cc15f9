"""`workerbot report ...` run in-process against a real database."""

from __future__ import annotations

import asyncio
import csv
import io
from pathlib import Path

import pytest

from bot.cli import main
from tests.reports.scenario import WORKER_IDS, WORKER_NAMES, Scenario, fill_database, populate

MARCH = ("--from", "2026-03-01", "--to", "2026-03-31")


@pytest.fixture
def scenario(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Scenario:
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    monkeypatch.setenv("WORKERBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("WORKERBOT_TIMEZONE", "Asia/Shanghai")
    monkeypatch.setenv("WORKERBOT_DEFAULT_LANGUAGE", "zh-CN")
    return asyncio.run(fill_database(database_url, populate))


def _ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["report", *argv])
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


def _fails(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(["report", *argv])
    out, err = capsys.readouterr()
    assert (code, out) == (1, "")
    return err


def test_tickets_as_an_aligned_table_in_the_default_language(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _ok(capsys, "tickets", *MARCH).splitlines()
    assert lines[0] == "工单统计 2026-03-01 至 2026-03-31，全部单位"
    total = next(line for line in lines if line.startswith("合计"))
    # Opened, then the status columns: new, assigned, in progress, waiting, resolved, ...
    assert total.split()[1:] == ["5", "2", "0", "1", "0", "1", "0", "1"]
    header = lines[lines.index("按队列") + 1]
    rule = lines[lines.index("按队列") + 2]
    # Columns line up in a terminal although the header is in Chinese.
    assert set(rule) == {"-", " "}
    assert header.startswith("队列")


def test_tickets_as_csv_for_one_district_in_english(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _ok(
        capsys, "tickets", *MARCH, "--unit", "west-district", "--lang", "en", "--format", "csv"
    )
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["section"], r["category"], r["queue"], r["opened"]) for r in rows] == [
        ("By category", "facilities", "", "1"),
        ("By queue", "", "west-grievances", "1"),
        ("Total", "", "", "1"),
    ]
    assert rows[-1]["overdue 1st response"] == "1"


def test_council_agenda_text_and_csv_name_no_worker(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _ok(capsys, "council", *MARCH)
    # T1 and T2 are one topic (the light at gate 3); T3 (wages) and T6 (canteen) others.
    assert "3号门的路灯坏了" in out
    rows = list(csv.reader(io.StringIO(_ok(capsys, "council", *MARCH, "--format", "csv"))))
    assert [row[3] for row in rows[1:]] == ["2", "1", "1"]
    for shown in (out, "\n".join(",".join(r) for r in rows)):
        # Two grievances from acme are too few to name the unit.
        assert "顺达物流有限公司工会" not in shown
        assert scenario.references["T1"] not in shown
        for secret in (*WORKER_NAMES, *WORKER_IDS):
            assert secret not in shown


def test_questions_most_frequent_first(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = _ok(capsys, "questions", *MARCH, "--lang", "en").splitlines()
    table = lines[lines.index("Questions to add to the knowledge base") + 3 :]
    assert [line.split()[:3] for line in table] == [["3", "2", "canteen-hours"], ["1", "0", "-"]]
    # Three wordings, once each: the latest stands for the group.
    assert table[0].endswith("2026-03-06  食堂 几点开门！")


def test_an_empty_period_is_said_plainly(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _ok(capsys, "questions", "--from", "2025-01-01", "--to", "2025-01-31", "--lang", "en")
    assert out.splitlines()[-1] == "No question went unanswered from 2025-01-01 to 2025-01-31."
    code = main(
        ["report", "council", "--from", "2025-01-01", "--to", "2025-03-31", "--format", "csv"]
    )
    out, err = capsys.readouterr()
    assert code == 0
    assert next(csv.reader(io.StringIO(out)))[:3] == ["序号", "议题", "类别"]
    assert err.strip() == "2025-01-01 至 2025-03-31 期间没有收到诉求。"


def test_bad_dates_and_unknown_units_fail_with_a_message(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "not a date: '2026-02-30'" in _fails(capsys, "tickets", "--from", "2026-02-30")
    assert "starts (2026-04-01) after it ends (2026-03-31)" in _fails(
        capsys, "council", "--from", "2026-04-01", "--to", "2026-03-31"
    )
    assert "unknown unit 'nowhere'" in _fails(capsys, "questions", "--unit", "nowhere")
