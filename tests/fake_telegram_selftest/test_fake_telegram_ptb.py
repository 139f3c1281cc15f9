"""The fake server driven by the real python-telegram-bot client."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
import telegram
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from tests.fake_telegram import FakeTelegram, ServerError, tiny_png
from tests.fake_telegram import RetryAfter as InjectedRetryAfter


async def test_polling_offsets_and_redelivery(tg: FakeTelegram, ptb: telegram.Bot) -> None:
    worker = tg.user("Zhang", language_code="en")
    first = tg.user_sends_text(worker, "/start invite-42")
    second = tg.user_sends_photo(worker, caption="receipt")
    updates = await ptb.get_updates(timeout=0)
    assert [u.update_id for u in updates] == [first, second]
    start = updates[0].message
    assert start is not None
    assert start.from_user is not None
    assert start.from_user.language_code == "en"
    assert start.parse_entities(["bot_command"]) != {}
    photo = updates[1].message
    assert photo is not None
    assert photo.caption == "receipt"
    assert photo.photo
    assert [u.update_id for u in await ptb.get_updates(timeout=0)] == [first, second]
    assert [u.update_id for u in await ptb.get_updates(offset=second, timeout=0)] == [second]
    assert await ptb.get_updates(offset=second + 1, timeout=0) == ()


async def test_long_poll_wakeup(tg: FakeTelegram, ptb: telegram.Bot) -> None:
    poll = asyncio.create_task(ptb.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    assert not poll.done()
    update_id = tg.user_sends_text(tg.user(), "在吗")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.update_id for u in updates] == [update_id]


async def test_limits_and_parse_errors(tg: FakeTelegram, ptb: telegram.Bot) -> None:
    worker = tg.user(started=True)
    await ptb.send_message(worker.id, "字" * 4096)
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await ptb.send_message(worker.id, "字" * 4097)
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await ptb.send_message(worker.id, "<script>alert(1)</script>", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)BUTTON_DATA_INVALID"):
        await ptb.send_message(
            worker.id,
            "x",
            reply_markup=telegram.InlineKeyboardMarkup(
                [[telegram.InlineKeyboardButton("b", callback_data="d" * 65)]]
            ),
        )
    assert len(tg.sent_to(worker.id)) == 1


async def test_retry_after_forbidden_and_server_errors(
    tg: FakeTelegram, ptb: telegram.Bot
) -> None:
    worker = tg.user(started=True)
    tg.fail_next("sendMessage", chat_id=worker.id, error=InjectedRetryAfter(7))
    with pytest.raises(RetryAfter) as info:
        await ptb.send_message(worker.id, "x")
    assert info.value.retry_after == dt.timedelta(seconds=7)

    tg.fail_next("sendMessage", error=ServerError(502, "Bad Gateway", html=True))
    with pytest.raises(NetworkError, match=r"(?i)Bad Gateway"):
        await ptb.send_message(worker.id, "x")

    tg.block(worker.id)
    with pytest.raises(Forbidden, match=r"(?i)bot was blocked by the user"):
        await ptb.send_message(worker.id, "x")
    assert [c.status for c in tg.calls_to("sendMessage")] == [429, 502, 403]


async def test_wrong_token_and_unknown_method(tg: FakeTelegram, ptb: telegram.Bot) -> None:
    request = HTTPXRequest()
    stranger = telegram.Bot(
        "42:AAnotTheRightTokenAtAll_xxxxxxxxxxxxx", base_url=f"{tg.base_url}/bot", request=request
    )
    try:
        with pytest.raises(InvalidToken):
            await stranger.get_me()
    finally:
        await request.shutdown()
    with pytest.raises(telegram.error.EndPointNotFound):
        await ptb.do_api_request("sendTelepathy", api_kwargs={"chat_id": 1})
    assert tg.calls[-1].status == 404
    assert tg.calls[-1].description == "Not Found"


async def test_edit_and_callback_answers(tg: FakeTelegram, ptb: telegram.Bot) -> None:
    worker = tg.user(started=True)
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await ptb.edit_message_text("x", chat_id=worker.id, message_id=12345)
    markup = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("是", callback_data="yes")]]
    )
    sent = await ptb.send_message(worker.id, "确认？", reply_markup=markup)
    tg.user_presses(worker, tg.sent_to(worker.id)[0], "yes")
    (update,) = await ptb.get_updates(timeout=0)
    assert update.callback_query is not None
    assert update.callback_query.data == "yes"
    assert await update.callback_query.answer("好的")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await update.callback_query.answer()
    await ptb.edit_message_text("已确认", chat_id=worker.id, message_id=sent.message_id)
    assert tg.sent_to(worker.id)[0]["text"] == "已确认"


async def test_photo_upload_and_download(tg: FakeTelegram, ptb: telegram.Bot) -> None:
    worker = tg.user(started=True)
    picture = tiny_png(5, 4)
    sent = await ptb.send_photo(worker.id, picture, caption="票据")
    assert sent.caption == "票据"
    assert sent.photo[-1].width == 5
    file = await ptb.get_file(sent.photo[-1].file_id)
    assert bytes(await file.download_as_bytearray()) == picture
    document = await ptb.send_document(worker.id, b"a,b\n1,2\n", filename="report.csv")
    assert document.document is not None
    assert document.document.file_name == "report.csv"
    data = await (await ptb.get_file(document.document.file_id)).download_as_bytearray()
    assert bytes(data) == b"a,b\n1,2\n"


async def test_get_updates_conflicts_with_a_webhook(tg: FakeTelegram, ptb: telegram.Bot) -> None:
    assert await ptb.set_webhook("http://127.0.0.1:9/hook", secret_token="s3cret_-")
    with pytest.raises(Conflict, match=r"(?i)webhook is active"):
        await ptb.get_updates(timeout=0)
    assert await ptb.delete_webhook()
    assert await ptb.get_updates(timeout=0) == ()
