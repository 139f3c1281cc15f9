"""The admin commands, run in-process as `workerbot ...` against a real database."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.cli import main
from db.engine import create_engine, create_sessionmaker
from db.models import Officer, Person, Queue, Ticket, TicketKind, TicketStatus
from db.schema import head_revision


def _ok(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert (code, err) == (0, ""), err
    return out


def _fails(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 1
    assert out == ""
    return err


def test_db_upgrade_creates_the_database(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    head = head_revision()
    out = _ok(capsys, "db", "upgrade")
    assert f"is at revision {head} (newest)" in out
    assert "Units and queues of" in out
    # A second upgrade finds nothing to do and says so.
    assert f"is at revision {head} (newest)" in _ok(capsys, "db", "upgrade")


def test_units_and_queues_are_listed(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The routing file's units and queues are there from the first command on.
    units = _ok(capsys, "unit", "list").splitlines()
    assert units[0].split() == ["KEY", "KIND", "PARENT", "NAME"]
    assert [line.split() for line in units[1:]] == [
        ["city", "city", "-", "市总工会"],
        ["nanshan", "district", "city", "南山区总工会"],
    ]
    _ok(capsys, "unit", "add", "park", "--name", "科技园工联会", "--kind", "park",
        "--parent", "nanshan")  # fmt: skip
    _ok(capsys, "queue", "add", "park-help", "--name", "园区帮扶", "--unit", "park")

    units = _ok(capsys, "unit", "list").splitlines()
    assert units[-1].split() == ["park", "park", "nanshan", "科技园工联会"]
    queues = _ok(capsys, "queue", "list").splitlines()
    assert sorted(line.split() for line in queues[1:]) == [
        ["default", "city", "0", "综合"],
        ["nanshan-help", "nanshan", "0", "南山帮扶"],
        ["park-help", "park", "0", "园区帮扶"],
    ]


def test_unknown_keys_fail_with_a_message_and_change_nothing(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _fails(capsys, "unit", "add", "p", "--name", "P", "--kind", "park", "--parent", "nope")
    assert "unknown unit 'nope'" in err
    assert "unknown unit 'nope'" in _fails(
        capsys, "queue", "add", "q", "--name", "Q", "--unit", "nope"
    )
    assert "unknown queue 'nope'" in _fails(capsys, "queue", "members", "nope")
    assert "unknown queue 'nope'" in _fails(
        capsys, "officer", "add", "--name", "X", "--queue", "default", "--queue", "nope"
    )
    assert "unknown officer #42" in _fails(capsys, "officer", "deactivate", "42")
    assert "unit 'city' exists already" in _fails(
        capsys, "unit", "add", "city", "--name", "C", "--kind", "city"
    )

    assert len(_ok(capsys, "unit", "list").splitlines()) == 3
    assert "No officers yet" in _ok(capsys, "officer", "list")


def test_officer_add_prints_a_one_time_invite_code_for_the_default_queue(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _ok(capsys, "officer", "add", "--name", "李伟")

    assert "Officer #1 李伟 added to: default." in out
    match = re.search(r"/start ([A-Z0-9]{16})$", out.strip())
    assert match is not None, out
    members = _ok(capsys, "queue", "members", "default").splitlines()
    assert members[1].split()[:4] == ["1", "officer", "active", "invite"]


def test_officer_add_with_a_telegram_id_links_at_once(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _ok(
        capsys, "officer", "add", "--name", "王芳", "--telegram-id", "12345",
        "--queue", "nanshan-help", "--queue", "default", "--admin",
    )  # fmt: skip

    assert "/start" not in out
    listing = _ok(capsys, "officer", "list").splitlines()
    assert listing[1].split() == [
        "1", "admin", "active", "telegram:12345", "default,nanshan-help", "王芳",
    ]  # fmt: skip
    assert "already officer #1" in _fails(
        capsys, "officer", "add", "--name", "again", "--telegram-id", "12345"
    )


def test_officer_add_takes_an_account_on_any_messenger(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _ok(capsys, "officer", "add", "--name", "赵敏", "--messenger-id", "terminal:zhao-min")
    assert "/start" not in out
    listing = _ok(capsys, "officer", "list").splitlines()
    assert listing[1].split()[3] == "terminal:zhao-min"
    # --telegram-id ID is the Telegram spelling of --messenger-id telegram:ID.
    assert "already officer #1" in _fails(
        capsys, "officer", "add", "--name", "again", "--messenger-id", "terminal:zhao-min"
    )
    _ok(capsys, "officer", "add", "--name", "王芳", "--messenger-id", "telegram:12345")
    assert "already officer #2" in _fails(
        capsys, "officer", "add", "--name", "again", "--telegram-id", "12345"
    )


@pytest.mark.parametrize(
    ("given", "complaint"),
    [
        ("wechat:abc", "not MESSENGER:ID: 'wechat:abc' (messengers: telegram, terminal"),
        ("12345", "not MESSENGER:ID: '12345'"),
        ("telegram:@someone", "not a telegram user id: '@someone' (digits only)"),
    ],
)
def test_a_bad_messenger_id_is_a_usage_error(
    cli_database: str, capsys: pytest.CaptureFixture[str], given: str, complaint: str
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["officer", "add", "--name", "X", "--messenger-id", given])
    assert exit_info.value.code == 2
    assert complaint in capsys.readouterr().err


def test_a_bad_telegram_id_is_a_usage_error(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["officer", "add", "--name", "X", "--telegram-id", "@someone"])
    assert exit_info.value.code == 2
    assert "not a Telegram user id" in capsys.readouterr().err


def test_a_deactivated_officer_is_listed_as_inactive(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _ok(capsys, "officer", "add", "--name", "李伟")
    assert "Officer #1 李伟 deactivated." in _ok(capsys, "officer", "deactivate", "1")

    (row,) = _ok(capsys, "officer", "list").splitlines()[1:]
    assert row.split() == ["1", "officer", "inactive", "-", "default", "李伟"]
    queues = _ok(capsys, "queue", "list").splitlines()
    assert ["default", "city", "0", "综合"] in [line.split() for line in queues]


def test_a_broken_routing_file_fails_the_command_and_changes_nothing(
    cli_database: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    routing = tmp_path / "routing.yaml"
    working = routing.read_text(encoding="utf-8")
    routing.write_text(working.replace("rules: []", ""), encoding="utf-8")
    err = _fails(capsys, "officer", "add", "--name", "李伟")
    assert "rules: missing" in err
    assert "rules: missing" in _fails(capsys, "db", "upgrade")

    routing.write_text(working, encoding="utf-8")
    assert "No officers yet" in _ok(capsys, "officer", "list")


def _warns(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err.startswith("warning: ")
    return out, err


async def _give_open_tickets(url: str, officer_id: int, queue_key: str, count: int) -> None:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            officer = await session.get(Officer, officer_id)
            queue = await session.scalar(select(Queue).where(Queue.key == queue_key))
            assert officer is not None
            assert queue is not None
            worker = Person(
                platform="telegram", platform_user_id="500", chat_id="500", language="zh-CN"
            )
            session.add(worker)
            await session.flush()
            for _ in range(count):
                session.add(
                    Ticket(
                        kind=TicketKind.GRIEVANCE,
                        category="wages",
                        status=TicketStatus.IN_PROGRESS,
                        worker_id=worker.id,
                        queue_id=queue.id,
                        assignee_id=officer.id,
                        summary="欠薪",
                        language="zh-CN",
                    )
                )
            await session.commit()
    finally:
        await engine.dispose()


def _listed_queues(capsys: pytest.CaptureFixture[str]) -> str:
    (row,) = _ok(capsys, "officer", "list").splitlines()[1:]
    return row.split()[-2]  # the name is last, one word here


def test_officer_queues_moves_an_officer_and_prints_their_queues(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _ok(capsys, "officer", "add", "--name", "李伟", "--telegram-id", "9")

    out = _ok(capsys, "officer", "queues", "1", "--add", "nanshan-help")
    assert out == "Officer #1 李伟 now works: default, nanshan-help.\n"
    out = _ok(capsys, "officer", "queues", "1", "--remove", "default")
    assert out == "Officer #1 李伟 now works: nanshan-help.\n"

    assert _listed_queues(capsys) == "nanshan-help"
    assert "No officers" not in _ok(capsys, "queue", "members", "nanshan-help")
    assert "Queue default has no officers." in _ok(capsys, "queue", "members", "default")


def test_bad_queue_changes_fail_with_a_message_and_change_nothing(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _ok(capsys, "officer", "add", "--name", "李伟")

    assert "unknown officer #42" in _fails(capsys, "officer", "queues", "42", "--add", "default")
    assert "unknown queue 'nope'" in _fails(
        capsys, "officer", "queues", "1", "--add", "nanshan-help", "--add", "nope"
    )
    assert "officer #1 (李伟) is not in queue 'nanshan-help'" in _fails(
        capsys, "officer", "queues", "1", "--remove", "nanshan-help"
    )
    assert "is in queue 'default' already" in _fails(
        capsys, "officer", "queues", "1", "--add", "default"
    )
    assert "nothing to change" in _fails(capsys, "officer", "queues", "1")

    assert _listed_queues(capsys) == "default"


def test_an_officer_left_without_queues_is_warned_about_with_their_open_tickets(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _ok(
        capsys, "officer", "add", "--name", "李伟", "--queue", "default", "--queue", "nanshan-help"
    )
    asyncio.run(_give_open_tickets(cli_database, 1, "default", 2))

    out, err = _warns(capsys, "officer", "queues", "1", "--remove", "default")
    assert out == "Officer #1 李伟 now works: nanshan-help.\n"
    assert "2 open ticket(s) assigned to officer #1 李伟 are in queues they no longer work" in err

    out, err = _warns(capsys, "officer", "queues", "1", "--remove", "nanshan-help")
    assert out == "Officer #1 李伟 now works: no queue.\n"
    assert "is in no queue now: new tickets of nanshan-help will no longer reach them" in err
    assert "their 2 open assigned ticket(s) stay assigned to them" in err
    assert _listed_queues(capsys) == "-"


def test_a_deactivated_officer_can_be_activated_again(
    cli_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _ok(capsys, "officer", "add", "--name", "王芳", "--telegram-id", "12345")
    _ok(capsys, "officer", "add", "--name", "李伟")
    _ok(capsys, "officer", "deactivate", "1")
    _ok(capsys, "officer", "deactivate", "2")

    assert _ok(capsys, "officer", "activate", "1") == "Officer #1 王芳 activated.\n"
    out = _ok(capsys, "officer", "activate", "2")
    assert out.startswith("Officer #2 李伟 activated.\n")
    assert re.search(r"/start [A-Z0-9]{16}$", out.strip()) is not None, out

    rows = [line.split() for line in _ok(capsys, "officer", "list").splitlines()[1:]]
    assert [row[:4] for row in rows] == [
        ["1", "officer", "active", "telegram:12345"],
        ["2", "officer", "active", "invite"],
    ]
    assert "officer #1 (王芳) is active already" in _fails(capsys, "officer", "activate", "1")
    assert "unknown officer #42" in _fails(capsys, "officer", "activate", "42")
