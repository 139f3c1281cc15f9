"""Fetching a worker's file from the messenger for the console, server-side.

Web chat photos are kept in the database (bot.transports.web) and read from there.

Telegram keeps the files; the ticket stores their ids. The console asks the Bot API for
the file's path and downloads it with the bot token here, so neither the token nor a file
URL ever reaches a browser. Only images are sent as such (a photo's pixels are all the
messenger keeps); anything else is sent as a download.
"""

from __future__ import annotations

import logging
from typing import Protocol

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from bot.transports.telegram import PLATFORM as TELEGRAM_PLATFORM
from bot.transports.web import PLATFORM as WEB_PLATFORM
from db.repositories import web_chat

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB
TIMEOUT = aiohttp.ClientTimeout(total=30)
IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


class FileSource(Protocol):
    """Where the console gets a messenger's files from, by the id the ticket stored."""

    async def fetch(self, file_id: str) -> tuple[bytes, str] | None:
        """The file's bytes and a content type, or None if it cannot be had."""
        ...


class TelegramFiles:
    """Files through the Bot API: getFile, then the download, both with the token."""

    def __init__(self, token: str, api_base: str) -> None:
        self._token = token
        self._base = api_base.rstrip("/")

    async def fetch(self, file_id: str) -> tuple[bytes, str] | None:
        api = f"{self._base}/bot{self._token}"
        try:
            async with aiohttp.ClientSession(timeout=TIMEOUT) as client:
                async with client.get(f"{api}/getFile", params={"file_id": file_id}) as r:
                    answer = await r.json()
                found = answer.get("result", {}) if answer.get("ok") else {}
                path = found.get("file_path")
                if not isinstance(path, str) or not path:
                    return None
                async with client.get(f"{self._base}/file/bot{self._token}/{path}") as r:
                    if r.status != 200:
                        return None
                    body = await r.content.read(MAX_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            # The URL holds the token: log that it failed, not the request.
            log.warning("could not fetch a file from Telegram")
            return None
        if len(body) > MAX_BYTES:
            return None
        extension = path.rsplit(".", 1)[-1].lower()
        return body, IMAGE_TYPES.get(extension, "application/octet-stream")


class WebChatFiles:
    """Photos workers attached in the web chat, from the database."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def fetch(self, file_id: str) -> tuple[bytes, str] | None:
        async with self._sessionmaker() as session:
            found = await web_chat.find_file(session, file_id)
        return None if found is None else (found.content, found.mime_type)


def file_sources(
    settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]
) -> dict[str, FileSource]:
    """The messengers the deployment can fetch files from: the web chat's own store, and
    Telegram given a token."""
    sources: dict[str, FileSource] = {WEB_PLATFORM: WebChatFiles(sessionmaker)}
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    if token:
        sources[TELEGRAM_PLATFORM] = TelegramFiles(token, settings.telegram_api_base)
    return sources
