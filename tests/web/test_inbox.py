"""The inbox: filters, a search that finds Chinese words, counts per status, paging, and
the queue's order."""

from __future__ import annotations

from datetime import timedelta

from tests.flows.conftest import Chat
from tests.web.conftest import Console, file_grievance, officer_id


def _references(page: str, references: list[str]) -> list[str]:
    """The given references in the order the page shows them."""
    shown = [(page.find(f">{r}<"), r) for r in references if f">{r}<" in page]
    return [r for _, r in sorted(shown)]


async def _three_tickets(chat: Chat) -> list[str]:
    first = await file_grievance(chat, "w1", "宿舍空调坏了", anonymous=False)
    chat.now += timedelta(days=3)
    second = await file_grievance(chat, "w2", "班车总是迟到", anonymous=True)
    chat.now += timedelta(hours=1)
    third = await file_grievance(chat, "w3", "更衣室没有锁", anonymous=False)
    return [t.reference or "" for t in (first, second, third)]


async def test_search_finds_chinese_words_in_summaries_and_messages(console: Console) -> None:
    chat = console.chat
    first, second, third = await _three_tickets(chat)
    browser = await console.browser()
    await browser.sign_in(await officer_id(chat.sessionmaker, "Officer One"))
    await browser.act(first, "reply", text="维修师傅明天上午到")
    everything = [first, second, third]
    assert _references((await browser.get("/?q=空调"))[1], everything) == [first]
    assert _references((await browser.get("/?q=师傅"))[1], everything) == [first]
    assert _references((await browser.get(f"/?q={second.lower()}"))[1], everything) == [second]
    assert _references((await browser.get("/?q=100%25"))[1], everything) == []
    status, page = await browser.get("/?q=%3Cscript%3E")
    assert status == 200
    assert "<script>" not in page


async def test_filters_and_counts(console: Console) -> None:
    chat = console.chat
    first, second, third = await _three_tickets(chat)
    everything = [first, second, third]
    browser = await console.browser()
    await browser.sign_in(await officer_id(chat.sessionmaker, "Officer One"))
    await browser.act(third, "claim")
    await browser.act(third, "resolve", text="已装锁")

    _, page = await browser.get("/")
    assert _references(page, everything) == [first, second]  # open ones, overdue first
    assert "共 2 件" in page
    _, page = await browser.get("/?status=all")
    assert set(_references(page, everything)) == set(everything)
    assert "已办结待确认: 1" in page
    assert "共 3 件" in page
    assert _references((await browser.get("/?status=resolved"))[1], everything) == [third]
    assert _references((await browser.get("/?anonymous=1"))[1], everything) == [second]
    assert _references((await browser.get("/?overdue=1"))[1], everything) == [first]
    day = chat.now.date().isoformat()
    assert _references((await browser.get(f"/?status=all&from={day}"))[1], everything) == [
        second,
        third,
    ]
    earlier = (chat.now - timedelta(days=1)).date().isoformat()
    assert _references((await browser.get(f"/?status=all&to={earlier}"))[1], everything) == [first]
    assert _references((await browser.get("/?category=nonexistent"))[1], everything) == []
    assert _references((await browser.get("/?queue=city-legal-aid"))[1], everything) == []
    # Filters that cannot be read are ignored, not refused.
    status, page = await browser.get("/?from=yesterday&assignee=me&page=-3")
    assert status == 200
    assert _references(page, everything) == [first, second]


async def test_paging(console: Console) -> None:
    chat = console.chat
    references = [
        (await file_grievance(chat, f"w{n}", f"第{n}个问题", anonymous=False)).reference or ""
        for n in range(27)
    ]
    browser = await console.browser()
    await browser.sign_in(await officer_id(chat.sessionmaker, "Admin"))
    _, first_page = await browser.get("/")
    _, second_page = await browser.get("/?page=2")
    on_first = _references(first_page, references)
    on_second = _references(second_page, references)
    assert len(on_first) == 25
    assert len(on_second) == 2
    assert set(on_first) | set(on_second) == set(references)
    assert "共 27 件" in first_page
    assert "下一页" in first_page
    assert "上一页" in second_page
