"""Test-only crash points, for the fault-injection suite in tests/faults.

`WORKERBOT_KILL_AT=POINT` (or `POINT:N`, the Nth time it is reached; default the first)
makes the process kill itself with SIGKILL when it reaches POINT, as a power cut or the
OOM killer would: no `finally`, no flushing, no goodbye to Telegram. Unset, as everywhere
outside those tests, `reached` compares two strings and returns.

The points, in the order an update and its answer pass them:
- `received`: an update is in hand (a getUpdates answer, a webhook request), not committed;
- `committed`: the core committed it and its outbox rows, nothing is sent or acknowledged;
- `sending`: an outbox row is claimed, its Bot API request is not made yet;
- `sent`: Telegram answered the request, the row is not settled as sent;
- `part-sent`: one part of a split long text was sent, its progress is not recorded.
"""

from __future__ import annotations

import os
import signal

POINTS = frozenset({"received", "committed", "sending", "sent", "part-sent"})

_point, _, _nth = os.environ.get("WORKERBOT_KILL_AT", "").partition(":")
if _point and _point not in POINTS:
    msg = f"WORKERBOT_KILL_AT names no kill point: {_point!r} (known: {sorted(POINTS)})"
    raise ValueError(msg)
# How many more times the point may be passed before the process dies.
_left = [int(_nth or 1)]


def reached(point: str) -> None:
    """Die here if the environment names this point and its count has come."""
    if point != _point:
        return
    _left[0] -= 1
    if _left[0] <= 0:
        os.kill(os.getpid(), signal.SIGKILL)
