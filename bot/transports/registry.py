"""Every transport the runtime can run, by the name `WORKERBOT_TRANSPORT` and
`workerbot run --transport` give it, and every messenger they serve.

A new messenger adds its `Registration` to `REGISTRATIONS` (see `bot.transports.base`);
nothing else names it. `MESSENGERS` follows, so commands that take a person's id
(`officer add --messenger-id`) accept its ids.
"""

from __future__ import annotations

from collections.abc import Mapping

from bot.transports import terminal, web
from bot.transports.base import Messenger, Registration
from bot.transports.telegram_receiver import AIOGRAM, PTB
from handlers.messages import MAX_ACTION_BYTES

REGISTRATIONS: tuple[Registration, ...] = (AIOGRAM, PTB, terminal.REGISTRATION, web.REGISTRATION)


def index(registrations: tuple[Registration, ...]) -> dict[str, Registration]:
    """Each registration by its name and aliases; ValueError for a name taken twice or a
    messenger whose buttons cannot carry the core's tokens."""
    found: dict[str, Registration] = {}
    for registration in registrations:
        # The core's button tokens must fit every messenger it may write to.
        if registration.messenger.max_action_bytes < MAX_ACTION_BYTES:
            msg = (
                f"transport {registration.name!r} carries buttons of "
                f"{registration.messenger.max_action_bytes} bytes, the core needs "
                f"{MAX_ACTION_BYTES}"
            )
            raise ValueError(msg)
        for name in (registration.name, *registration.aliases):
            if name in found:
                msg = f"two transports are named {name!r}"
                raise ValueError(msg)
            found[name] = registration
    return found


TRANSPORTS: Mapping[str, Registration] = index(REGISTRATIONS)
"""Each registration by its name and by its older spellings."""
NAMES: tuple[str, ...] = tuple(r.name for r in REGISTRATIONS)
"""The names to offer (older spellings are accepted, not offered)."""
MESSENGERS: Mapping[str, Messenger] = {r.messenger.platform: r.messenger for r in REGISTRATIONS}


def find(name: str) -> Registration:
    """The transport named `name`; ValueError listing the names for an unknown one."""
    registration = TRANSPORTS.get(name)
    if registration is None:
        msg = f"unknown transport {name!r}; transports: {', '.join(NAMES)}"
        raise ValueError(msg)
    return registration
