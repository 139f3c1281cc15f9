"""Delivery keeps to the limits of the messenger it sends to, as its sender declares them,
not to Telegram's: a made-up messenger that counts code points, allows ten of them per
message and names its group chats "room-..." is served by its own rules."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.delivery import Delivery
from bot.transports.base import Messenger
from db.repositories.outbox import enqueue
from handlers.messages import Outgoing
from tests.delivery.fakes import FakeClock, Sent

ROOMS = Messenger(
    "rooms",
    re.compile(r"[a-z]+"),
    "lowercase letters",
    max_text_length=10,
    max_caption_length=10,
    max_action_bytes=256,
    is_group_chat=lambda chat_id: chat_id.startswith("room-"),
    text_length=len,
)


class RoomsSender:
    messenger = ROOMS

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.sent: list[Sent] = []

    async def send(self, message: Outgoing) -> str:
        assert len(message.text) <= ROOMS.max_text_length, message.text
        self.sent.append(Sent(self.clock.monotonic(), message, str(len(self.sent) + 1)))
        return str(len(self.sent))


async def _deliver(
    sessionmaker: async_sessionmaker[AsyncSession], messages: list[Outgoing]
) -> RoomsSender:
    clock = FakeClock()
    async with sessionmaker() as session:
        for message in messages:
            enqueue(session, "rooms", message.chat_id, message.to_json(), now=clock.now())
        await session.commit()
    sender = RoomsSender(clock)
    delivery = Delivery(
        sessionmaker,
        {"rooms": sender},
        clock=clock,
        per_chat_interval=1.0,
        global_rate=30.0,
        group_rate_per_minute=20,
    )
    await delivery.drain()
    return sender


async def test_long_texts_are_split_at_the_messengers_limit_counted_its_way(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    # Fifteen emoji: thirty units to Telegram (three parts at its count), fifteen here.
    sender = await _deliver(sessionmaker, [Outgoing("ann", "😀" * 15)])

    assert [s.message.text for s in sender.sent] == ["😀" * 10, "😀" * 5]


async def test_its_group_chats_get_the_group_limit_and_its_people_do_not(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    group = await _deliver(sessionmaker, [Outgoing("room-a", f"card {n}") for n in range(25)])
    # "-1001" would be a group on Telegram; here it is one person's chat.
    one = await _deliver(sessionmaker, [Outgoing("-1001", f"card {n}") for n in range(25)])

    room = [s.at for s in group.sent]
    person = [s.at for s in one.sent]
    assert len(room) == len(person) == 25
    assert room[20] >= room[0] + 60.0  # twenty a minute in a group
    assert person[-1] < 60.0  # one a second for a person
