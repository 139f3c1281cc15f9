"""Button action tokens: short strings such as ``t:claim:123``.

A token names a verb and its arguments and nothing else; it grants nothing. Whoever
presses a button is checked again by the use case, exactly as if they had typed the
command, so a forged or replayed token can do no more than its presser may do anyway.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.messages import MAX_ACTION_BYTES, Button

SEPARATOR = ":"

Buttons = Sequence[Sequence[Button]]


@dataclass(frozen=True, slots=True)
class Action:
    verb: str
    args: tuple[str, ...]

    def arg(self, index: int) -> str | None:
        return self.args[index] if index < len(self.args) else None

    def int_arg(self, index: int) -> int | None:
        value = self.arg(index)
        if value is None or not value.isascii() or not value.isdigit() or len(value) > 18:
            return None
        return int(value)


def token(verb: str, *args: object) -> str:
    """Build a token; raises ValueError if it would not fit a messenger's button."""
    parts = [verb, *(str(a) for a in args)]
    if any(SEPARATOR in part or not part for part in parts):
        msg = f"action token parts must be non-empty and free of {SEPARATOR!r}: {parts!r}"
        raise ValueError(msg)
    value = SEPARATOR.join(parts)
    if len(value.encode("utf-8")) > MAX_ACTION_BYTES:
        msg = f"action token longer than {MAX_ACTION_BYTES} bytes: {value!r}"
        raise ValueError(msg)
    return value


def fits(verb: str, *args: object) -> bool:
    try:
        token(verb, *args)
    except ValueError:
        return False
    return True


def button(label: str, verb: str, *args: object) -> Button:
    return Button(label=label, action=token(verb, *args))


def parse(value: str) -> Action | None:
    """The action in a pressed button's token, or None for something we never issue."""
    if not value or len(value.encode("utf-8")) > MAX_ACTION_BYTES or not value.isprintable():
        return None
    verb, *args = value.split(SEPARATOR)
    if not verb or any(not a for a in args):
        return None
    return Action(verb=verb, args=tuple(args))
