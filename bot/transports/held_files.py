"""Photos the project keeps itself (a web chat worker's), read back as uploads for another
messenger.

A web chat photo's id means nothing on Telegram, so an officer there is sent its bytes
instead: the ones the web chat stored, already without what the phone wrote into them
(bot.web.photos), under a neutral file name that says nothing of the worker; once uploaded,
the messenger's own id for it is remembered (in this process) and sent instead. `read` gives
None for a file another messenger holds, or one gone since (erased with the worker's
data); the transport then leaves it out, and the message's text says where to see it.
"""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.transports.web import PLATFORM as WEB_PLATFORM
from db.repositories import web_chat
from handlers.messages import Attachment, Upload

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
REMEMBERED = 4096


class HeldFiles:
    """The project's own store of files, by the `Attachment` that names one, for one bot
    account: what it uploaded once is sent again by the id the messenger gave it."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker
        # The messenger's id for each photo uploaded, by the web chat's id; bounded, the
        # oldest forgotten first (forgetting one costs one more upload).
        self._known: OrderedDict[str, str] = OrderedDict()

    async def read(self, attachment: Attachment) -> Attachment | Upload | None:
        """The file by the messenger's own id if it has it already, else its bytes."""
        if attachment.platform != WEB_PLATFORM or attachment.kind != "photo":
            return None
        known = self._known.get(attachment.file_id)
        async with self._sessionmaker() as session:
            if known is not None:
                # Still kept: an erased photo is not sent again by the id Telegram keeps.
                if not await web_chat.has_file(session, attachment.file_id):
                    return None
                self._known.move_to_end(attachment.file_id)
                return Attachment("photo", known)
            found = await web_chat.find_file(session, attachment.file_id)
        if found is None:
            return None
        extension = _EXTENSIONS.get(found.mime_type, "jpg")
        return Upload(f"photo.{extension}", found.content, found.mime_type, kind="photo")

    def remember(self, attachment: Attachment, file_id: str) -> None:
        """The messenger took `attachment`'s upload and calls it `file_id`."""
        self._known[attachment.file_id] = file_id
        self._known.move_to_end(attachment.file_id)
        while len(self._known) > REMEMBERED:
            self._known.popitem(last=False)
