"""Button action tokens: short strings such as ``o:claim:123``, and `ButtonData`, the
typed payload each flow declares for its buttons (as aiogram's `CallbackData`): a prefix
the router dispatches on and typed fields, packed to ``prefix:field:...`` and parsed back.

A token names a verb and its arguments and nothing else; it grants nothing. Whoever
presses a button is checked again by the use case, exactly as if they had typed the
command, so a forged or replayed token can do no more than its presser may do anyway.
"""

from __future__ import annotations

import functools
import html
import types
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any, ClassVar, Self, Union, get_args, get_origin, get_type_hints

from handlers.core.texts import Safe
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
        return as_int(self.arg(index))


def as_int(value: str | None) -> int | None:
    """A button argument as a number (an id, an index), or None if it is not one."""
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


def parse(value: str) -> Action | None:
    """The action in a pressed button's token, or None for something we never issue."""
    if not value or len(value.encode("utf-8")) > MAX_ACTION_BYTES or not value.isprintable():
        return None
    verb, *args = value.split(SEPARATOR)
    if not verb or any(not a for a in args):
        return None
    return Action(verb=verb, args=tuple(args))


class ButtonData:
    """Base of a flow's typed button payload; subclasses are frozen dataclasses named with
    `prefix=...`, whose fields are `str` or `int`, optionally `| None` with default None
    for trailing fields a button may leave out.

    `pack()` gives the same tokens the flows always issued, so the buttons of messages
    already sent keep working.
    """

    prefix: ClassVar[str]

    def __init_subclass__(cls, *, prefix: str | None = None, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if prefix is None and "prefix" in cls.__dict__:
            return  # dataclass(slots=True) builds the class again, prefix and all
        if not prefix or SEPARATOR in prefix:
            msg = f"a button prefix must be non-empty and free of {SEPARATOR!r}: {prefix!r}"
            raise ValueError(msg)
        cls.prefix = prefix

    @classmethod
    @functools.cache
    def _field_types(cls) -> tuple[tuple[str, type, bool], ...]:
        hints = get_type_hints(cls)
        described: list[tuple[str, type, bool]] = []
        for field in fields(cls):  # type: ignore[arg-type]
            hint = hints[field.name]
            union = get_origin(hint) in (Union, types.UnionType)
            optional = union and type(None) in get_args(hint)
            base = next(a for a in get_args(hint) if a is not type(None)) if optional else hint
            described.append((field.name, base, optional))
        return tuple(described)

    def pack(self) -> str:
        values = [getattr(self, name) for name, _, _ in self._field_types()]
        while values and values[-1] is None:
            values.pop()
        return token(self.prefix, *values)

    def button(self, label: str) -> Button:
        """A button; `label` is plain text, or a catalog text (`Safe` HTML) made plain here.

        Messengers show a label as it is, entities and all: a person's `A&B <Co>` filled
        into a catalog text reads `A&amp;B &lt;Co&gt;` until it is unescaped.
        """
        plain = html.unescape(label) if isinstance(label, Safe) else label
        return Button(label=plain, action=self.pack())

    def fits(self) -> bool:
        """Whether this payload fits a messenger's button (a long entry id may not)."""
        try:
            self.pack()
        except ValueError:
            return False
        return True

    @classmethod
    def parse(cls, action: Action) -> Self | None:
        """The payload of a pressed button of this class, or None for any other token
        (another prefix, a missing or extra argument, a number that is no number)."""
        if action.verb != cls.prefix:
            return None
        described = cls._field_types()
        if len(action.args) > len(described):
            return None
        values: dict[str, object] = {}
        for index, (name, base, optional) in enumerate(described):
            raw = action.arg(index)
            if raw is None:
                if not optional:
                    return None
                values[name] = None
            elif base is int:
                number = action.int_arg(index)
                if number is None:
                    return None
                values[name] = number
            else:
                values[name] = raw
        return cls(**values)
