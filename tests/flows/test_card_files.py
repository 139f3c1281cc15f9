"""The officer's card counts photos and documents apart and says what anonymity holds back."""

from __future__ import annotations

from handlers.core.buttons import LanguageButton, WorkerButton
from handlers.messages import Attachment
from tests.flows.conftest import Chat, file_anonymously, to


async def test_card_counts_photos_and_withheld_documents_apart(chat: Chat) -> None:
    ticket = await file_anonymously(chat, photos=[Attachment("photo", "P-1")])
    await chat.send("w", action=WorkerButton("add", ticket.id).pack())
    await chat.send("w", attachments=[Attachment("document", "DOC-1", file_name="张三.pdf")])
    card = to(await chat.send("officer", f"/ticket {ticket.reference}"), "officer")
    assert "📷 照片 1 张，📎 文件 1 个（其中 1 个文件为保护匿名不转发）" in card
    assert "照片 2 张" not in card

    await chat.send("officer", action=LanguageButton("en").pack())
    card = to(await chat.send("officer", f"/ticket {ticket.reference}"), "officer")
    assert "📷 1 photo(s), 📎 1 document(s) (1 document(s) withheld" in card
