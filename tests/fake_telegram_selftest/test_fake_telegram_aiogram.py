"""The fake server driven by the real aiogram client: what aiogram users would see."""

from __future__ import annotations

import asyncio
import io

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup

from tests.fake_telegram import Delay, FakeTelegram, RetryAfter, ServerError, tiny_png


def aiogram_bot(tg: FakeTelegram, token: str, timeout: float) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url), timeout=timeout)
    return Bot(token, session=session)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=f"b{i}", callback_data=d)] for i, d in enumerate(data)
        ]
    )


async def test_get_me_and_a_wrong_token(tg: FakeTelegram, aio: Bot) -> None:
    me = await aio.get_me()
    assert me.is_bot
    assert me.username == "workerbot_test_bot"
    stranger = aiogram_bot(tg, "42:AAnotTheRightTokenAtAll_xxxxxxxxxxxxx", 5)
    try:
        with pytest.raises(TelegramUnauthorizedError):
            await stranger.get_me()
    finally:
        await stranger.session.close()


async def test_updates_are_redelivered_until_an_offset_confirms_them(
    tg: FakeTelegram, aio: Bot
) -> None:
    worker = tg.user("Li", language_code="zh-hans")
    first = tg.user_sends_text(worker, "/start")
    second = tg.user_sends_text(worker, "医疗互助怎么报销")

    updates = await aio.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first, second]
    start = updates[0].message
    assert start is not None
    assert start.from_user is not None
    assert start.entities is not None
    assert start.from_user.language_code == "zh-hans"
    assert start.entities[0].type == "bot_command"

    again = await aio.get_updates(timeout=0)
    assert [u.update_id for u in again] == [first, second]

    rest = await aio.get_updates(offset=first + 1, timeout=0)
    assert [u.update_id for u in rest] == [second]
    assert tg.is_delivered(first)
    assert not tg.is_delivered(second)

    assert await aio.get_updates(offset=second + 1, timeout=0) == []
    assert tg.pending_update_count == 0


async def test_long_poll_wakes_up_when_an_update_arrives(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user()
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(aio.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    update_id = tg.user_sends_text(worker, "hello")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in updates] == [update_id]
    assert loop.time() - started < 2


async def test_long_poll_returns_empty_after_its_timeout(aio: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await aio.get_updates(timeout=1) == []
    assert 0.9 <= loop.time() - started < 3


async def test_a_second_poller_ends_the_first_with_409(tg: FakeTelegram, aio: Bot) -> None:
    first = asyncio.create_task(aio.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(aio.get_updates(timeout=5))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 2)
    tg.user_sends_text(tg.user(), "hi")
    assert len(await asyncio.wait_for(second, 2)) == 1


async def test_text_limit_is_4096_utf16_units_after_markup(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user(started=True)
    sent = await aio.send_message(worker.id, "a" * 4096)
    assert sent.text == "a" * 4096
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await aio.send_message(worker.id, "a" * 4097)
    await aio.send_message(worker.id, "😀" * 2048)  # 4096 UTF-16 units
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await aio.send_message(worker.id, "😀" * 2049)  # 2049 characters, 4098 units
    await aio.send_message(worker.id, "<b>" + "a" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await aio.send_message(worker.id, "  <b></b> ", parse_mode="HTML")
    assert len(tg.sent_to(worker.id)) == 3


@pytest.mark.parametrize("markup", ["<foo>x</foo>", "1 < 2", "<b>open", "Tom & Jerry"])
async def test_html_parse_errors_are_400(tg: FakeTelegram, aio: Bot, markup: str) -> None:
    worker = tg.user(started=True)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await aio.send_message(worker.id, markup, parse_mode="HTML")
    assert tg.sent_to(worker.id) == []


async def test_callback_data_is_at_most_64_bytes(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user(started=True)
    await aio.send_message(worker.id, "ok", reply_markup=keyboard("a" * 64, "中" * 21))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await aio.send_message(worker.id, "too long", reply_markup=keyboard("a" * 65))
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await aio.send_message(worker.id, "66 bytes", reply_markup=keyboard("中" * 22))
    assert [m["text"] for m in tg.sent_to(worker.id)] == ["ok"]


async def test_retry_after_reaches_aiogram(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user(started=True)
    tg.fail_next("sendMessage", chat_id=worker.id, error=RetryAfter(3))
    with pytest.raises(TelegramRetryAfter) as info:
        await aio.send_message(worker.id, "one")
    assert info.value.retry_after == 3
    await aio.send_message(worker.id, "one")
    statuses = [call.status for call in tg.calls_to("sendMessage", chat_id=worker.id)]
    assert statuses == [429, 200]


async def test_blocked_user_is_forbidden(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user(started=True)
    stranger = tg.user()
    tg.block(worker.id)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await aio.send_message(worker.id, "hello")
    with pytest.raises(TelegramForbiddenError, match="can't initiate conversation"):
        await aio.send_message(stranger.id, "hello")
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await aio.send_message(987654321, "hello")
    tg.user_sends_text(worker, "/start")  # writing to the bot again unblocks it
    await aio.send_message(worker.id, "welcome back")


async def test_server_errors_and_slow_answers(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user(started=True)
    # With the default timeout: on a busy machine connecting alone can take longer than
    # the impatient bot's 0.3 s, and the 500 would read as a timeout.
    tg.fail_next("sendMessage", error=ServerError(500))
    with pytest.raises(TelegramServerError):
        await aio.send_message(worker.id, "x")
    impatient = aiogram_bot(tg, tg.token, 0.3)
    try:
        tg.fail_next("sendMessage", error=Delay(2.0))
        with pytest.raises(TelegramNetworkError, match="timeout"):
            await impatient.send_message(worker.id, "late")
        # Like Telegram, a request the client gave up on may still have been carried out.
        sent = await tg.wait_sent(worker.id, 1, timeout=10)
        assert sent[0]["text"] == "late"
    finally:
        await impatient.session.close()


async def test_edits(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user()
    tg.user_sends_text(worker, "hi")
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await aio.edit_message_text(text="x", chat_id=worker.id, message_id=999)
    with pytest.raises(TelegramBadRequest, match="message can't be edited"):
        await aio.edit_message_text(text="x", chat_id=worker.id, message_id=1)
    sent = await aio.send_message(worker.id, "card", reply_markup=keyboard("claim"))
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await aio.edit_message_text(
            text="card",
            chat_id=worker.id,
            message_id=sent.message_id,
            reply_markup=keyboard("claim"),
        )
    edited = await aio.edit_message_text(
        text="<i>claimed</i>", chat_id=worker.id, message_id=sent.message_id, parse_mode="HTML"
    )
    assert not isinstance(edited, bool)
    assert edited.edit_date is not None
    (seen,) = tg.sent_to(worker.id)
    assert seen["text"] == "claimed"
    assert "reply_markup" not in seen  # an edit without a keyboard removes it


async def test_answer_callback_query_once(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user(started=True)
    sent = await aio.send_message(worker.id, "Rate", reply_markup=keyboard("rate:5"))
    (message,) = tg.sent_to(worker.id)
    with pytest.raises(ValueError, match="no button"):
        tg.user_presses(worker, message, "rate:1")
    update_id = tg.user_presses(worker, message, "rate:5")
    (update,) = await aio.get_updates(timeout=0)
    assert update.update_id == update_id
    query = update.callback_query
    assert query is not None
    assert query.data == "rate:5"
    assert query.message is not None
    assert query.message.message_id == sent.message_id
    with pytest.raises(TelegramBadRequest, match="MESSAGE_TOO_LONG"):
        await aio.answer_callback_query(query.id, text="x" * 201)
    assert await aio.answer_callback_query(query.id, text="Thanks")
    assert tg.callback_answers[query.id]["text"] == "Thanks"
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await aio.answer_callback_query(query.id)
    forged = tg.user_presses(worker, message, "ticket:999:close", forge=True)
    assert tg.updates[-1]["update_id"] == forged
    assert tg.updates[-1]["callback_query"]["data"] == "ticket:999:close"


async def test_photo_upload_and_download(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user(started=True)
    picture = tiny_png(3, 2)
    sent = await aio.send_photo(
        worker.id,
        BufferedInputFile(picture, "receipt.png"),
        caption="<b>收据</b>",
        parse_mode="HTML",
    )
    assert sent.photo is not None
    assert sent.caption == "收据"
    assert (sent.photo[-1].width, sent.photo[-1].height) == (3, 2)
    file = await aio.get_file(sent.photo[-1].file_id)
    assert file.file_path is not None
    downloaded = io.BytesIO()
    await aio.download_file(file.file_path, downloaded)
    assert downloaded.getvalue() == picture
    again = await aio.send_photo(worker.id, sent.photo[-1].file_id)  # resend by file_id
    assert again.photo is not None
    with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
        await aio.send_photo(worker.id, BufferedInputFile(b"not an image", "x.png"))
    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await aio.send_photo(worker.id, "AgACnope")
    with pytest.raises(TelegramBadRequest, match="caption is too long"):
        await aio.send_photo(worker.id, sent.photo[-1].file_id, caption="x" * 1025)


async def test_document_from_a_user_is_downloadable_and_copyable(
    tg: FakeTelegram, aio: Bot
) -> None:
    worker = tg.user()
    officers = tg.supergroup("Officers")
    tg.user_sends_document(worker, content=b"%PDF-1.4 bill", file_name="bill.pdf")
    (update,) = await aio.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.document is not None
    document = update.message.document
    assert document.file_name == "bill.pdf"
    assert document.mime_type == "application/pdf"
    file = await aio.get_file(document.file_id)
    assert file.file_path is not None
    data = io.BytesIO()
    await aio.download_file(file.file_path, data)
    assert data.getvalue() == b"%PDF-1.4 bill"

    topic = await aio.create_forum_topic(officers.id, "GR-2026-000001")
    copied = await aio.copy_message(
        officers.id,
        worker.id,
        update.message.message_id,
        message_thread_id=topic.message_thread_id,
    )
    (card,) = tg.sent_to(officers.id, thread_id=topic.message_thread_id)
    assert card["message_id"] == copied.message_id
    assert card["document"]["file_id"] == document.file_id
    assert card["from"]["is_bot"]  # the copy does not show the worker
    with pytest.raises(TelegramBadRequest, match="message to copy not found"):
        await aio.copy_message(officers.id, worker.id, 999)


async def test_forum_topics(tg: FakeTelegram, aio: Bot) -> None:
    officers = tg.supergroup("Officers")
    plain_group = tg.supergroup("Plain", forum=False)
    officer = tg.user("Wang")
    topic = await aio.create_forum_topic(officers.id, "GR-2026-000123")
    sent = await aio.send_message(officers.id, "card", message_thread_id=topic.message_thread_id)
    assert sent.is_topic_message
    assert sent.message_thread_id == topic.message_thread_id
    with pytest.raises(TelegramBadRequest, match="message thread not found"):
        await aio.send_message(officers.id, "x", message_thread_id=99999)
    with pytest.raises(TelegramBadRequest, match="the chat is not a forum"):
        await aio.create_forum_topic(plain_group.id, "x")

    tg.user_sends_text(officer, "请补充材料", chat=officers, thread_id=topic.message_thread_id)
    (update,) = await aio.get_updates(timeout=0)
    message = update.message
    assert message is not None
    assert message.chat.id == officers.id
    assert message.is_topic_message
    assert message.message_thread_id == topic.message_thread_id


async def test_delete_and_commands(tg: FakeTelegram, aio: Bot) -> None:
    worker = tg.user(started=True)
    sent = await aio.send_message(worker.id, "temporary")
    assert await aio.delete_message(worker.id, sent.message_id)
    assert tg.sent_to(worker.id) == []
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await aio.delete_message(worker.id, sent.message_id)

    from aiogram.types import BotCommand

    assert await aio.set_my_commands(
        [BotCommand(command="start", description="开始")], language_code="zh"
    )
    assert [c.command for c in await aio.get_my_commands(language_code="zh")] == ["start"]
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await aio.set_my_commands([BotCommand(command="Bad-Name", description="x")])
