"""`workerbot announce ...` run in-process against a real database: write, list, follow,
pause, resume and cancel an announcement, and bad input refused with a clear message."""

from __future__ import annotations

import pytest

from bot.cli import main


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.usefixtures("cli_database")
def test_an_announcement_is_written_followed_paused_resumed_and_cancelled(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = _run(
        capsys,
        "announce", "send", "--text", "互助保障报名开始了",
        "--link", "报名入口", "https://example.org/enrol",
        "--at", "2030-01-05 09:00",
    )  # fmt: skip
    assert code == 0
    assert "#1 will start at 2030-01-05 09:00" in out

    code, out, _ = _run(capsys, "announce", "list")
    assert "#1  scheduled" in out
    code, out, _ = _run(capsys, "announce", "pause", "1")
    assert code == 0
    assert "paused" in out
    code, out, _ = _run(capsys, "announce", "resume", "1")
    assert "scheduled" in out
    code, out, _ = _run(capsys, "announce", "status", "1")
    assert out.startswith("[")
    assert "0/0" in out
    code, out, _ = _run(capsys, "announce", "cancel", "1")
    assert "cancelled" in out
    code, _, err = _run(capsys, "announce", "resume", "1")
    assert code == 1
    assert "not paused" in err


@pytest.mark.usefixtures("cli_database")
def test_bad_announcements_are_refused_with_the_reason(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = _run(capsys, "announce", "send", "--text", "x", "--link", "看", "http://a.b")
    assert (code, "https URL" in err) == (1, True)
    code, _, err = _run(capsys, "announce", "send", "--text", "x", "--unit", "nowhere")
    assert (code, "unknown unit 'nowhere'") == (1, err.strip().removeprefix("error: ")[:22])
    code, _, err = _run(capsys, "announce", "send", "--text", "长" * 4001, "--photo", "AgAD")
    assert code == 1
    assert "the text is 4001 characters; at most 4000" in err
    code, _, err = _run(capsys, "announce", "send", "--text", "x", "--at", "tomorrow")
    assert code == 1
    code, _, err = _run(capsys, "announce", "status", "9")
    assert (code, "no announcement #9" in err) == (1, True)
    code, out, _ = _run(capsys, "announce", "list")
    assert "No announcements yet" in out
