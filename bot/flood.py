"""Flood control in front of the core: one person's burst costs no database work.

Each person (platform and messenger user id) has a token bucket held in this process's
memory: `limit` updates, refilled evenly over `window` seconds, so a person may write
`limit` messages at once and then keep up `limit` a window. An update beyond that is
dropped before the dispatcher opens a transaction, except the first one of a burst, for
which the person is told once to slow down. Other people have buckets of their own and
feel nothing.

Memory follows the people writing now: buckets that have refilled are forgotten once
there are many of them. With several replicas each keeps its own buckets; a flood spread
over replicas by the load balancer is still cut to `limit` per replica.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

# Buckets kept before full ones are swept out.
_SWEEP_AT = 10_000


class Verdict(enum.Enum):
    PASS = "pass"  # noqa: S105 - a verdict, not a password
    # Over the limit for the first time in this burst: drop, and tell them to slow down.
    WARN = "warn"
    DROP = "drop"


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: float
    warned: bool = False


class FloodGuard:
    def __init__(self, limit: int, window: float, monotonic: Callable[[], float]) -> None:
        if limit < 1 or window <= 0:
            msg = "flood limit must be at least 1 update in a positive window"
            raise ValueError(msg)
        self._limit = float(limit)
        self._rate = limit / window
        self._window = window
        self._monotonic = monotonic
        self._buckets: dict[tuple[str, str], _Bucket] = {}

    def admit(self, platform: str, user_id: str) -> Verdict:
        now = self._monotonic()
        key = (platform, user_id)
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= _SWEEP_AT:
                self._sweep(now)
            bucket = self._buckets[key] = _Bucket(tokens=self._limit, at=now)
        else:
            bucket.tokens = min(self._limit, bucket.tokens + (now - bucket.at) * self._rate)
            bucket.at = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            bucket.warned = False
            return Verdict.PASS
        if bucket.warned:
            return Verdict.DROP
        bucket.warned = True
        return Verdict.WARN

    def _sweep(self, now: float) -> None:
        # A bucket untouched for a whole window is full again: the same as no bucket.
        for key, bucket in list(self._buckets.items()):
            if now - bucket.at >= self._window:
                del self._buckets[key]
