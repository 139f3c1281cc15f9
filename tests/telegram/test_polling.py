"""Long polling on both transports: Telegram is told an update was received (the offset of
a later getUpdates moves past it) only after the core is done with it, and an update the
core failed on comes again, in its chat's order."""

from __future__ import annotations

import asyncio

from bot.transports.telegram_receiver import TransportName
from handlers.messages import Incoming
from tests.fake_telegram import FakeTelegram, ServerError
from tests.telegram.harness import receiving


class SlowCore:
    """Holds each update until the test lets it go."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.done: list[str] = []
        self.release = asyncio.Event()

    async def __call__(self, incoming: Incoming) -> bool:
        self.seen.append(incoming.update_id)
        await self.release.wait()
        self.done.append(incoming.update_id)
        return True


class FailingCore:
    """Fails on the first sight of the updates named, as a core whose database is down;
    like the real core, it skips an update id it has done before."""

    def __init__(self, fail_once: set[str]) -> None:
        self.fail_once = set(fail_once)
        self.seen: list[str] = []
        self.done: list[str] = []

    async def __call__(self, incoming: Incoming) -> bool:
        self.seen.append(incoming.update_id)
        if incoming.update_id in self.fail_once:
            self.fail_once.discard(incoming.update_id)
            msg = "database unreachable"
            raise ConnectionError(msg)
        if incoming.update_id in self.done:
            return False
        self.done.append(incoming.update_id)
        return True


async def test_an_update_is_confirmed_only_after_the_core_is_done(
    tg: FakeTelegram, transport_name: TransportName
) -> None:
    core = SlowCore()
    worker = tg.user()
    async with receiving(tg, transport_name, "polling", core):
        first = tg.user_sends_text(worker, "one")
        await tg.wait_for(lambda: core.seen, 5.0, "the core to get the update")
        second = tg.user_sends_text(tg.user(), "two")
        # Long enough for a framework's loop to have asked for the next batch.
        await asyncio.sleep(1.5)
        assert not tg.is_delivered(first)
        assert core.seen == [str(first)]
        core.release.set()
        await tg.wait_for(lambda: len(core.done) == 2, 5.0, "both updates handled")
        await tg.wait_delivered(first)
    # Stopping confirmed the last batch, so a restart does not fetch it again.
    assert tg.is_delivered(second)
    assert core.done == [str(first), str(second)]


async def test_an_update_the_core_failed_on_comes_again_before_its_chat_goes_on(
    tg: FakeTelegram, transport_name: TransportName
) -> None:
    worker, other = tg.user("Worker"), tg.user("Other")
    ids = [
        tg.user_sends_text(worker, "first"),
        tg.user_sends_text(other, "elsewhere"),
        tg.user_sends_text(worker, "second"),
    ]
    first, elsewhere, second = (str(i) for i in ids)
    core = FailingCore({first})
    async with receiving(tg, transport_name, "polling", core):
        await tg.wait_for(lambda: len(core.done) == 3, 10.0, "all three handled")
        await tg.wait_delivered(ids[-1])
    assert core.done.index(first) < core.done.index(second)
    # The other chat was not held up by the failure; what came again took effect once.
    assert core.done.index(elsewhere) < core.done.index(first)
    assert sorted(core.done) == sorted([first, elsewhere, second])
    assert core.seen.count(first) == 2


async def test_polling_survives_a_failing_get_updates(
    tg: FakeTelegram, transport_name: TransportName
) -> None:
    core = FailingCore(set())
    worker = tg.user()
    tg.fail_next("getUpdates", times=2, error=ServerError(502, "Bad Gateway", html=True))
    async with receiving(tg, transport_name, "polling", core):
        update_id = tg.user_sends_text(worker, "still there?")
        await tg.wait_for(lambda: core.done, 10.0, "the update after two failed polls")
    assert core.done == [str(update_id)]
    assert [c.status for c in tg.calls_to("getUpdates")][:2] == [502, 502]


async def test_updates_whose_ids_start_again_lower_are_not_skipped(
    tg: FakeTelegram, transport_name: TransportName
) -> None:
    core = FailingCore(set())
    worker = tg.user()
    async with receiving(tg, transport_name, "polling", core):
        before = tg.user_sends_text(worker, "before the quiet week")
        await tg.wait_for(lambda: core.done, 5.0, "the first update")
        polls = len(tg.calls_to("getUpdates"))
        # A long poll that found nothing: the bot has been quiet.
        await tg.wait_for(
            lambda: len(tg.calls_to("getUpdates")) > polls + 1, 5.0, "an empty long poll"
        )
        tg.renumber_updates(7)
        after = tg.user_sends_text(worker, "after it")
        await tg.wait_for(lambda: len(core.done) == 2, 5.0, "the update with a lower id")
        await tg.wait_delivered(after)
    assert after < before
    assert core.done == [str(before), str(after)]
