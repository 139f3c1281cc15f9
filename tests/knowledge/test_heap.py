"""What a running bot keeps out of the garbage collector (`bot.heap`) is still freed once
a new knowledge base revision replaces it."""

from __future__ import annotations

import gc
import weakref

from bot import heap


class _Matcher:
    """Holds a reference to itself, as the real matcher does through its entry cache."""

    def __init__(self) -> None:
        self.me = self


def test_a_replaced_part_of_the_start_up_heap_is_freed_after_the_next_look() -> None:
    started_with = _Matcher()
    replaced = weakref.ref(started_with)
    try:
        heap.keep_start_up()
        del started_with  # a new revision swapped in: nothing refers to the old one
        gc.collect()
        assert replaced() is not None  # kept out: a full pass does not see it
        heap.release_replaced()
        assert replaced() is None
        assert gc.get_freeze_count() > 0  # the rest is kept out again
    finally:
        gc.unfreeze()


def test_a_process_that_kept_nothing_out_collects_nothing_extra() -> None:
    assert gc.get_freeze_count() == 0
    heap.release_replaced()
    assert gc.get_freeze_count() == 0
