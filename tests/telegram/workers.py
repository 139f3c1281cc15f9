"""Many workers at once: fake Telegram users the database already knows, as if each had
written to the bot before (for announcements to thousands without thousands of chats)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import Person
from tests.fake_telegram import FakeUser

_BATCH = 5000


async def insert_workers(
    sessionmaker: async_sessionmaker[AsyncSession], users: Sequence[FakeUser]
) -> None:
    now = datetime.now(UTC)
    async with sessionmaker() as session, session.begin():
        for start in range(0, len(users), _BATCH):
            await session.execute(
                insert(Person),
                [
                    {
                        "platform": "telegram",
                        "platform_user_id": str(user.id),
                        "chat_id": str(user.id),
                        "language": "zh-CN",
                        "language_chosen": False,
                        "reachable": True,
                        "subscribed": True,
                        "created_at": now,
                        "last_seen_at": now,
                    }
                    for user in users[start : start + _BATCH]
                ],
            )
