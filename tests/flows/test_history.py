"""/ticket REF shows the audit trail: officers the whole of it, the worker their part."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.settings import Settings
from handlers.core.buttons import LanguageButton, OfficerButton, WorkerButton
from handlers.core.jobs import run_due_jobs
from tests.flows.conftest import Chat, file_anonymously, to


async def _work_the_ticket(chat: Chat) -> str:
    """Filed, escalated as overdue, claimed, noted, reassigned with a reason, resolved,
    reopened, resolved again, confirmed and rated; returns the reference."""
    ticket = await file_anonymously(chat)
    reference = ticket.ref
    settings = Settings(_env_file=None)
    chat.now += timedelta(days=30)
    async with chat.sessionmaker() as session, session.begin():
        await run_due_jobs(session, chat.now, settings, chat.routing)
    steps: list[tuple[str, str | None, str | None]] = [
        ("officer", None, OfficerButton("claim", ticket.id).pack()),
        ("officer", None, OfficerButton("note", ticket.id).pack()),
        ("officer", "可能是二号仓的人", None),
        ("officer", None, OfficerButton("reassign", ticket.id).pack()),
        ("officer", None, "LEGAL"),
        ("officer", "涉及劳动争议", None),
        ("admin", None, OfficerButton("claim", ticket.id).pack()),
        ("admin", None, OfficerButton("resolve", ticket.id).pack()),
        ("admin", "已安装新灯", None),
        ("w", None, WorkerButton("reopen", ticket.id).pack()),
        ("w", "灯还是不亮", None),
        ("admin", None, OfficerButton("claim", ticket.id).pack()),
        ("admin", None, OfficerButton("resolve", ticket.id).pack()),
        ("admin", "换了线路", None),
        ("w", None, WorkerButton("ok", ticket.id).pack()),
        ("w", None, WorkerButton("rate", ticket.id, 4).pack()),
    ]
    for user, text, action in steps:
        chat.now += timedelta(minutes=5)
        if action == "LEGAL":
            await chat.press(user, "法律")
        else:
            await chat.send(user, text, action=action)
    return reference


async def test_officer_sees_every_event_with_names_reasons_and_local_times(chat: Chat) -> None:
    reference = await _work_the_ticket(chat)
    detail = to(await chat.send("admin", f"/ticket {reference}"), "admin")
    history = detail.split("<b>记录</b>", 1)[1]
    # Filed at 02:00 UTC, shown in the deployment's time zone (Asia/Shanghai).
    assert "[2026-03-10 10:00] 职工提交" in history
    assert "超期上报（首次回复超期）：市总 职工诉求 → 市总 职工诉求，第 1 级" in history
    assert "Officer One 认领 → 处理中" in history
    assert "内部备注（Officer One）：可能是二号仓的人" in history
    assert "Officer One 转交：市总 职工诉求 → 市总 法律援助" in history
    assert "原因：涉及劳动争议" in history
    assert "Admin 办结 → 已办结待确认" in history
    assert "职工重新打开 → 已重新打开" in history
    assert "职工：灯还是不亮" in history
    assert "职工确认已解决 → 已关闭" in history
    assert "职工评分 4 星" in history
    # Oldest first, and an anonymous worker stays "职工".
    assert history.index("职工提交") < history.index("认领") < history.index("职工评分")
    assert "Name of w" not in detail


async def test_worker_sees_progress_without_names_notes_or_reasons(chat: Chat) -> None:
    reference = await _work_the_ticket(chat)
    detail = to(await chat.send("w", f"/ticket {reference}"), "w")
    progress = detail.split("<b>办理进展</b>", 1)[1]
    for step in (
        "[2026-03-10 10:00] 已提交",
        "已提交上级工会跟进",
        "工会干部已受理 → 处理中",
        "已转交其他工会干部办理",
        "工会干部给出了处理结果 → 已办结待确认",
        "您重新打开了这件诉求",
        "您已确认解决 → 已关闭",
    ):
        assert step in progress
    for secret in ("Officer One", "Admin", "二号仓", "劳动争议", "法律援助", "首次回复超期"):
        assert secret not in detail


@pytest.mark.parametrize("user", ["admin", "w"])
async def test_history_in_english(chat: Chat, user: str) -> None:
    reference = await _work_the_ticket(chat)
    await chat.send(user, action=LanguageButton("en").pack())
    detail = to(await chat.send(user, f"/ticket {reference}"), user)
    if user == "admin":
        assert "Claimed by Officer One → in progress" in detail
        assert "; reason: 涉及劳动争议" in detail
        assert "The worker rated it 4 stars" in detail
    else:
        assert "A union officer took it up → in progress" in detail
        assert "Officer One" not in detail
