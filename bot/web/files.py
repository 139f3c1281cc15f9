"""Fetching a worker's file from the messenger for the console, server-side.

Telegram keeps the files; the ticket stores their ids. The console asks the Bot API for
the file's path and downloads it with the bot token here, so neither the token nor a file
URL ever reaches a browser. Only images are sent as such (a photo's pixels are all the
messenger keeps); anything else is sent as a download.
"""

from __future__ import annotations

import logging

import aiohttp

from bot.settings import Settings

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024  # the Bot API serves files up to 20 MB
TIMEOUT = aiohttp.ClientTimeout(total=30)
IMAGE_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


async def fetch(settings: Settings, platform: str, file_id: str) -> tuple[bytes, str] | None:
    """The file's bytes and a content type, or None if it cannot be had."""
    token = settings.telegram_token.get_secret_value() if settings.telegram_token else ""
    if platform != "telegram" or not token:
        return None
    base = settings.telegram_api_base.rstrip("/")
    try:
        async with aiohttp.ClientSession(timeout=TIMEOUT) as client:
            async with client.get(f"{base}/bot{token}/getFile", params={"file_id": file_id}) as r:
                answer = await r.json()
            path = answer.get("result", {}).get("file_path") if answer.get("ok") else None
            if not isinstance(path, str) or not path:
                return None
            async with client.get(f"{base}/file/bot{token}/{path}") as r:
                if r.status != 200:
                    return None
                body = await r.content.read(MAX_BYTES + 1)
    except (aiohttp.ClientError, TimeoutError, ValueError):
        # The URL holds the token: log the failure, not the request.
        log.warning("could not fetch a file from the messenger")
        return None
    if len(body) > MAX_BYTES:
        return None
    extension = path.rsplit(".", 1)[-1].lower()
    return body, IMAGE_TYPES.get(extension, "application/octet-stream")
