"""Photos the project keeps itself (a web chat worker's), read back as uploads for another
messenger.

A web chat photo's id means nothing on Telegram, so an officer there is sent its bytes
instead: the ones the web chat stored, already without what the phone wrote into them
(bot.web.photos), under a neutral file name that says nothing of the worker. `read` gives
None for a file another messenger holds, or one gone since (erased with the worker's
data); the transport then leaves it out, and the message's text says where to see it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.transports.web import PLATFORM as WEB_PLATFORM
from db.repositories import web_chat
from handlers.messages import Attachment, Upload

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


class HeldFiles:
    """The project's own store of files, by the `Attachment` that names one."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def read(self, attachment: Attachment) -> Upload | None:
        if attachment.platform != WEB_PLATFORM or attachment.kind != "photo":
            return None
        async with self._sessionmaker() as session:
            found = await web_chat.find_file(session, attachment.file_id)
        if found is None:
            return None
        extension = _EXTENSIONS.get(found.mime_type, "jpg")
        return Upload(f"photo.{extension}", found.content, found.mime_type, kind="photo")
