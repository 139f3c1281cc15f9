"""What each Telegram transport promises the core, checked against the fake Bot API.

Updates in: every kind the core reads arrives as the right `Incoming`, in polling and in
webhook mode. Messages out: an `Outgoing` becomes the Bot API calls a chat shows, and
Telegram's refusals become the delivery errors delivery acts on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from pydantic import SecretStr

from bot.transports.base import (
    MarkupRejected,
    PermanentError,
    RetryAfter,
    TopicGone,
    TransientError,
    Unreachable,
)
from bot.transports.telegram import TelegramTransport
from bot.transports.telegram_receiver import Receiver, TransportName, build_transport
from handlers.messages import Attachment, Button, Incoming, Outgoing, Upload
from tests.fake_telegram import FakeTelegram, ServerError, tiny_png
from tests.fake_telegram import RetryAfter as Inject429
from tests.telegram.harness import WEBHOOK_SECRET, receiving


class Recorder:
    def __init__(self, delay: float = 0.0) -> None:
        self.seen: list[Incoming] = []
        self.finished: list[str] = []
        self.delay = delay

    async def __call__(self, incoming: Incoming) -> bool:
        self.seen.append(incoming)
        if self.delay:
            await asyncio.sleep(self.delay)
        self.finished.append(incoming.update_id)
        return True


async def _until(tg: FakeTelegram, recorder: Recorder, count: int) -> list[Incoming]:
    await tg.wait_for(lambda: len(recorder.seen) >= count, 5.0, f"{count} incoming")
    return recorder.seen


async def test_text_message_arrives_with_who_and_where(
    tg: FakeTelegram, transport_name: TransportName, mode: str
) -> None:
    worker = tg.user("Li", last_name="Wei", language_code="zh-hans")
    recorder = Recorder()
    async with receiving(tg, transport_name, mode, recorder):
        update_id = tg.user_sends_text(worker, "医疗互助怎么报销？")
        (incoming,) = await _until(tg, recorder, 1)
    message = tg.updates[-1]["message"]
    assert incoming == Incoming(
        platform="telegram",
        update_id=str(update_id),
        chat_id=str(worker.id),
        user_id=str(worker.id),
        language="zh-hans",
        display_name="Li Wei",
        text="医疗互助怎么报销？",
        message_id=str(message["message_id"]),
        thread_id=None,
        is_group=False,
        # What tells a redelivery from another update given the same id later.
        event=f"{worker.id}:{message['message_id']}:{message['date']}",
    )


async def test_commands_keep_their_argument_and_lose_the_bot_name(
    tg: FakeTelegram, transport_name: TransportName, mode: str
) -> None:
    officer = tg.user("Officer")
    group = tg.supergroup("Officers")
    recorder = Recorder()
    async with receiving(tg, transport_name, mode, recorder):
        tg.user_sends_text(officer, "/start INV-7Q2K")
        tg.user_sends_text(officer, "/queue@workerbot_test_bot", chat=group)
        tg.user_sends_text(officer, "/queue@some_other_bot", chat=group)
        seen = await _until(tg, recorder, 3)
    assert [i.text for i in seen] == ["/start INV-7Q2K", "/queue", "/queue@some_other_bot"]
    assert [i.is_group for i in seen] == [False, True, True]
    assert seen[1].chat_id == str(group.id)
    assert seen[1].user_id == str(officer.id)


async def test_photo_and_document_arrive_with_caption_and_file_reference(
    tg: FakeTelegram, transport_name: TransportName, mode: str
) -> None:
    worker = tg.user()
    recorder = Recorder()
    async with receiving(tg, transport_name, mode, recorder):
        tg.user_sends_photo(worker, caption="3号门的路灯坏了")
        tg.user_sends_document(worker, file_name="发票.pdf", caption="收据")
        tg.user_sends_photo(worker)
        photo, document, bare = await _until(tg, recorder, 3)
    (picture,) = photo.attachments
    stored = tg.files[picture.file_id]
    assert (picture.kind, stored.kind, photo.text) == ("photo", "photo", "3号门的路灯坏了")
    assert picture.size == len(stored.content)
    (receipt,) = document.attachments
    assert receipt == Attachment(
        "document",
        receipt.file_id,
        file_name="发票.pdf",
        mime_type="application/pdf",
        size=len(tg.file_content(receipt.file_id)),
    )
    assert document.text == "收据"
    assert bare.text is None
    assert bare.attachments[0].kind == "photo"


async def test_largest_photo_size_is_taken(
    tg: FakeTelegram, transport_name: TransportName, mode: str
) -> None:
    worker = tg.user()
    recorder = Recorder()
    small = tg.store_file("photo", b"\x89PNG small")
    large = tg.store_file("photo", b"\x89PNG large and longer")
    sizes = [
        {**small.photo_sizes()[0], "width": 90, "height": 60},
        {**large.photo_sizes()[0], "width": 1280, "height": 960},
    ]
    async with receiving(tg, transport_name, mode, recorder):
        tg._user_message(worker, None, None, None, {"photo": sizes[::-1]})
        (incoming,) = await _until(tg, recorder, 1)
    assert incoming.attachments[0].file_id == large.file_id


async def test_forum_topic_message_carries_its_thread(
    tg: FakeTelegram, transport_name: TransportName, mode: str
) -> None:
    officer = tg.user("Officer", language_code="en")
    group = tg.supergroup("Officers")
    thread = tg.user_creates_topic(officer, group, "GR-2026-000001")
    recorder = Recorder()
    async with receiving(tg, transport_name, mode, recorder):
        tg.user_sends_text(officer, "Which gate exactly?", chat=group, thread_id=thread)
        tg.user_sends_text(officer, "general chat", chat=group)
        in_topic, general = await _until(tg, recorder, 2)
    # The topic-creation service message carries nothing for the core.
    assert (in_topic.thread_id, in_topic.is_group) == (str(thread), True)
    assert in_topic.language == "en"
    assert (general.thread_id, general.is_group) == (None, True)


async def test_button_press_is_an_action_and_gets_answered(
    tg: FakeTelegram, transport_name: TransportName, mode: str
) -> None:
    worker = tg.user(started=True)
    recorder = Recorder()
    async with receiving(tg, transport_name, mode, recorder) as receiver:
        await receiver.transport.send(
            Outgoing(str(worker.id), "Did this help?", buttons=((Button("Yes", "faq:y:12"),),))
        )
        (card,) = tg.sent_to(worker.id)
        update_id = tg.user_presses(worker, card, "faq:y:12")
        (incoming,) = await _until(tg, recorder, 1)
        query_id = tg.updates[-1]["callback_query"]["id"]
        await tg.wait_for(lambda: query_id in tg.callback_answers, 5.0, "the answer")
    assert incoming.update_id == str(update_id)
    assert (incoming.action, incoming.text) == ("faq:y:12", None)
    assert incoming.message_id == str(card["message_id"])
    assert incoming.chat_id == incoming.user_id == str(worker.id)
    assert incoming.event == f"q:{query_id}"


async def test_stop_finishes_the_update_in_flight(
    tg: FakeTelegram, transport_name: TransportName, mode: str
) -> None:
    worker = tg.user()
    recorder = Recorder(delay=0.3)
    async with receiving(tg, transport_name, mode, recorder):
        update_id = tg.user_sends_text(worker, "hello")
        await _until(tg, recorder, 1)
    # Leaving the block stopped the receiver while the core was still busy.
    assert recorder.finished == [str(update_id)]


async def test_one_chat_is_handled_in_order_while_others_run_alongside(
    tg: FakeTelegram, transport_name: TransportName, mode: str
) -> None:
    first, second = tg.user("A"), tg.user("B")
    order: list[str] = []
    running = 0
    most = 0

    async def handle(incoming: Incoming) -> None:
        nonlocal running, most
        running += 1
        most = max(most, running)
        await asyncio.sleep(0.05)
        order.append(f"{incoming.user_id}:{incoming.text}")
        running -= 1

    async with receiving(tg, transport_name, mode, handle, concurrency=4):
        for n in range(4):
            tg.user_sends_text(first, str(n))
            tg.user_sends_text(second, str(n))
        await tg.wait_for(lambda: len(order) == 8, 10.0, "8 updates")
    assert [o for o in order if o.startswith(f"{first.id}:")] == [
        f"{first.id}:{n}" for n in range(4)
    ]
    assert [o for o in order if o.startswith(f"{second.id}:")] == [
        f"{second.id}:{n}" for n in range(4)
    ]
    if mode == "polling":  # webhook posts come one by one from the fake, as from Telegram
        assert most == 2


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"X-Telegram-Bot-Api-Secret-Token": "wrong"}, 403)],
)
async def test_webhook_refuses_a_missing_or_wrong_secret(
    tg: FakeTelegram, transport_name: TransportName, headers: dict[str, str], status: int
) -> None:
    worker = tg.user()
    recorder = Recorder()
    async with receiving(tg, transport_name, "webhook", recorder) as receiver:
        assert receiver.webhook is not None
        url = f"http://127.0.0.1:{receiver.webhook.port}/telegram/hook"
        forged = {"update_id": 1, "message": tg.messages_in(worker.id) or _forged(worker.id)}
        async with aiohttp.ClientSession() as client:
            async with client.post(url, json=forged, headers=headers) as response:
                assert response.status == status
            async with client.get(f"http://127.0.0.1:{receiver.webhook.port}/healthz") as health:
                assert health.status == 200
                assert await health.json() == {"status": "ok"}
        # The real update that follows is processed: the refusal changed nothing else.
        tg.user_sends_text(worker, "real")
        await _until(tg, recorder, 1)
    assert [i.text for i in recorder.seen] == ["real"]
    assert tg.webhook_secret == WEBHOOK_SECRET


def _forged(chat_id: int) -> dict[str, object]:
    return {
        "message_id": 1,
        "date": 0,
        "chat": {"id": chat_id, "type": "private"},
        "from": {"id": chat_id, "is_bot": False, "first_name": "Mallory"},
        "text": "forged",
    }


# --- sending -------------------------------------------------------------------------------


@pytest.fixture
async def sender(
    tg: FakeTelegram, transport_name: TransportName
) -> AsyncIterator[TelegramTransport]:
    async def ignore(_incoming: Incoming) -> None:
        return None

    transport = build_transport(
        transport_name, token=SecretStr(tg.token), api_base=tg.base_url, handle=ignore
    )
    await transport.start()
    yield transport
    await transport.stop_receiving()
    await transport.close()


async def test_send_with_buttons_then_edit(tg: FakeTelegram, sender: TelegramTransport) -> None:
    worker = tg.user(started=True)
    buttons = ((Button("认领", "t:claim:1"), Button("回复", "t:reply:1")),)
    message_id = await sender.send(
        Outgoing(str(worker.id), "<b>GR-2026-000001</b> 路灯 &amp; 安全", buttons=buttons)
    )
    (sent,) = tg.sent_to(worker.id)
    assert message_id == str(sent["message_id"])
    assert sent["text"] == "GR-2026-000001 路灯 & 安全"
    assert sent["entities"][0]["type"] == "bold"
    keyboard = sent["reply_markup"]["inline_keyboard"]
    assert [[b["callback_data"] for b in row] for row in keyboard] == [["t:claim:1", "t:reply:1"]]

    edited = await sender.send(Outgoing(str(worker.id), "已认领", edit_message_id=message_id))
    assert edited == message_id
    (after,) = tg.sent_to(worker.id)
    assert after["text"] == "已认领"
    assert "reply_markup" not in after
    # The same edit again is "not modified" for Telegram and no failure for us.
    assert await sender.send(Outgoing(str(worker.id), "已认领", edit_message_id=message_id))


async def test_files_go_by_file_id_with_caption_or_after_the_text(
    tg: FakeTelegram, sender: TelegramTransport
) -> None:
    officer = tg.user(started=True)
    photo = tg.store_file("photo", b"\x89PNG\r\n\x1a\n" + b"\0" * 16 + b"\0\0\0\x10\0\0\0\x10")
    doc = tg.store_file("document", b"%PDF", file_name="r.pdf", mime_type="application/pdf")
    photo_ref = Attachment("photo", photo.file_id)
    doc_ref = Attachment("document", doc.file_id, file_name="r.pdf")
    one = await sender.send(
        Outgoing(
            str(officer.id),
            "现场照片",
            buttons=((Button("认领", "c:1"),),),
            attachments=(photo_ref,),
        )
    )
    two = await sender.send(
        Outgoing(str(officer.id), "材料" * 600, attachments=(photo_ref, doc_ref))
    )
    captioned, text, bare_photo, bare_doc = tg.sent_to(officer.id)
    assert captioned["photo"][0]["file_id"] == photo.file_id
    assert captioned["caption"] == "现场照片"
    assert captioned["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "c:1"
    assert one == str(captioned["message_id"])
    assert text["text"] == "材料" * 600
    assert two == str(text["message_id"])
    assert bare_photo["photo"][0]["file_id"] == photo.file_id
    assert "caption" not in bare_photo
    assert bare_doc["document"]["file_id"] == doc.file_id


async def test_a_caption_is_measured_as_telegram_does_in_utf16_units_of_visible_text(
    tg: FakeTelegram, sender: TelegramTransport
) -> None:
    worker = tg.user(started=True)
    photo = Attachment("photo", tg.store_file("photo", tiny_png()).file_id)
    chat = str(worker.id)
    fits = "😀" * 512  # 512 characters, 1024 UTF-16 units: the most a caption holds
    too_long = fits + "!"  # 513 characters, far under 1024, yet one unit too many
    marked_up = "<b>路灯</b>" * 400  # 3,600 characters of markup, 800 visible
    for text in (fits, too_long, marked_up):
        await sender.send(Outgoing(chat, text, attachments=(photo,)))

    shown = [(m.get("caption"), m.get("text"), "photo" in m) for m in tg.sent_to(worker.id)]
    assert shown == [
        (fits, None, True),
        (None, too_long, False),
        (None, None, True),
        ("路灯" * 400, None, True),
    ]


async def test_a_file_made_by_the_core_is_uploaded_as_a_document(
    tg: FakeTelegram, sender: TelegramTransport
) -> None:
    worker = tg.user(started=True)
    export = Upload("mydata-20260310.json", '{"name": "张三"}'.encode(), "application/json")
    sent_id = await sender.send(
        Outgoing(str(worker.id), "您的资料", buttons=((Button("好", "m:menu"),),), upload=export)
    )
    (document,) = tg.sent_to(worker.id)
    assert sent_id == str(document["message_id"])
    assert document["caption"] == "您的资料"
    assert document["document"]["file_name"] == "mydata-20260310.json"
    assert tg.file_content(document["document"]["file_id"]) == export.content
    assert document["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "m:menu"


async def test_link_buttons_open_their_url(tg: FakeTelegram, sender: TelegramTransport) -> None:
    worker = tg.user(started=True)
    buttons = (
        (Button("报名入口", "", url="https://example.org/enrol"),),
        (Button("不再接收通知", "sub:off"),),
    )
    await sender.send(Outgoing(str(worker.id), "互助保障报名开始了", buttons=buttons))
    (sent,) = tg.sent_to(worker.id)
    link, unsubscribe = sent["reply_markup"]["inline_keyboard"]
    assert link == [{"text": "报名入口", "url": "https://example.org/enrol"}]
    assert unsubscribe == [{"text": "不再接收通知", "callback_data": "sub:off"}]


async def test_forum_topic_created_and_written_into(
    tg: FakeTelegram, sender: TelegramTransport
) -> None:
    group = tg.supergroup("Officers")
    thread_id = await sender.create_topic(str(group.id), "GR-2026-000007 工资拖欠")
    assert tg.topics(group.id) == {int(thread_id): "GR-2026-000007 工资拖欠"}
    await sender.send(Outgoing(str(group.id), "新诉求", thread_id=thread_id))
    (in_topic,) = tg.sent_to(group.id, thread_id=int(thread_id))
    assert in_topic["text"] == "新诉求"
    # The officers delete the topic: what is sent there after is refused as TopicGone.
    tg.delete_topic(group.id, int(thread_id))
    with pytest.raises(TopicGone, match=r"(?i)message thread not found"):
        await sender.send(Outgoing(str(group.id), "工人补充", thread_id=thread_id))
    assert tg.sent_to(group.id) == []


async def test_refusals_become_delivery_errors(
    tg: FakeTelegram, sender: TelegramTransport
) -> None:
    worker = tg.user(started=True)
    chat = str(worker.id)

    tg.fail_next("sendMessage", error=Inject429(7))
    with pytest.raises(RetryAfter) as flood:
        await sender.send(Outgoing(chat, "hi"))
    assert flood.value.seconds == 7

    with pytest.raises(MarkupRejected):
        await sender.send(Outgoing(chat, "<b>unclosed"))

    tg.fail_next("sendMessage", error=ServerError(500))
    with pytest.raises(TransientError):
        await sender.send(Outgoing(chat, "hi"))

    tg.fail_next("sendMessage", error=ServerError(502, "Bad Gateway", html=True))
    with pytest.raises(TransientError):
        await sender.send(Outgoing(chat, "hi"))

    with pytest.raises(PermanentError):
        await sender.send(Outgoing("999", "nobody here"))

    tg.block(worker.id)
    with pytest.raises(Unreachable):
        await sender.send(Outgoing(chat, "hi"))

    # Nothing above reached the chat; the one that goes through afterwards does.
    tg.unblock(worker.id)
    await sender.send(Outgoing(chat, "finally"))
    assert [m["text"] for m in tg.sent_to(worker.id)] == ["finally"]


async def test_unreachable_token_fails_at_start(
    tg: FakeTelegram, transport_name: TransportName
) -> None:
    async def ignore(_incoming: Incoming) -> None:
        return None

    transport = build_transport(
        transport_name, token=SecretStr("42:wrong"), api_base=tg.base_url, handle=ignore
    )
    with pytest.raises(Exception, match=r"Unauthorized|[Tt]oken"):
        await transport.start()
    await transport.close()


def test_webhook_without_a_secret_is_refused_before_anything_starts(tg: FakeTelegram) -> None:
    async def ignore(_incoming: Incoming) -> None:
        return None

    transport = build_transport(
        "aiogram", token=SecretStr(tg.token), api_base=tg.base_url, handle=ignore
    )
    with pytest.raises(ValueError, match="WORKERBOT_WEBHOOK_SECRET"):
        Receiver(transport, webhook_url="https://bot.example.org/hook", webhook_secret=None)
