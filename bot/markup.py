"""The HTML subset of `Outgoing.text`, as delivery needs it: split long texts, strip markup.

Lengths are of the visible text, so tags cost nothing and an entity such as `&amp;` costs
what it stands for; the caller passes how its messenger counts characters (`Length`,
`Messenger.text_length`): nothing here knows a messenger.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9-]*)[^<>]*>")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});")


class _Kind(Enum):
    CHAR = "char"
    ENTITY = "entity"
    OPEN = "open"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _Kind
    start: int
    raw: str
    width: int
    name: str = ""


# Open elements at some point of the text, outermost first: (tag name, opening tag as written).
_Stack = tuple[tuple[str, str], ...]


# How a messenger counts the length of a text.
Length = Callable[[str], int]


def visible_length(text: str, length: Length) -> int:
    return sum(token.width for token in _tokenize(text, length))


def _tokenize(text: str, length: Length) -> list[_Token]:
    tokens: list[_Token] = []
    pos = 0
    size = len(text)
    while pos < size:
        char = text[pos]
        if char == "<" and (tag := _TAG.match(text, pos)):
            kind = _Kind.CLOSE if tag.group(1) else _Kind.OPEN
            tokens.append(_Token(kind, pos, tag.group(0), 0, tag.group(2).lower()))
            pos = tag.end()
        elif char == "&" and (entity := _ENTITY.match(text, pos)):
            raw = entity.group(0)
            tokens.append(_Token(_Kind.ENTITY, pos, raw, length(html.unescape(raw))))
            pos = entity.end()
        else:
            tokens.append(_Token(_Kind.CHAR, pos, char, length(char)))
            pos += 1
    return tokens


def _apply(stack: _Stack, token: _Token) -> _Stack:
    if token.kind is _Kind.OPEN:
        return (*stack, (token.name, token.raw))
    if token.kind is _Kind.CLOSE:
        for depth in range(len(stack) - 1, -1, -1):
            if stack[depth][0] == token.name:
                return stack[:depth]
    return stack


@dataclass(frozen=True, slots=True)
class _Cut:
    end: int  # first token left out of this part
    resume: int  # first token of the next part
    stack: _Stack  # elements still open at `end`


def split_html(text: str, limit: int, length: Length) -> list[str]:
    """Split `text` into parts of at most `limit` visible units each, counted by `length`.

    Cuts at the last paragraph break that fits, else the last line break, else the last
    space, else wherever the limit falls; never inside a tag or an entity. Elements open at
    a cut are closed at the end of the part and reopened at the start of the next, so each
    part is well-formed on its own. The separator at a cut is dropped.
    """
    if limit < 1:
        msg = f"limit must be positive, got {limit}"
        raise ValueError(msg)
    # The visible length never exceeds the raw one (tags are free, an entity is no longer
    # than its spelling): most texts fit without being tokenized.
    if length(text) <= limit:
        return [text]
    tokens = _tokenize(text, length)
    if sum(token.width for token in tokens) <= limit:
        return [text]

    def offset(index: int) -> int:
        return tokens[index].start if index < len(tokens) else len(text)

    def render(opened: _Stack, start: int, cut: _Cut) -> str:
        head = "".join(raw for _, raw in opened)
        tail = "".join(f"</{name}>" for name, _ in reversed(cut.stack))
        return head + text[offset(start) : offset(cut.end)] + tail

    parts: list[str] = []
    stack: _Stack = ()
    index = 0
    while index < len(tokens):
        while (
            index < len(tokens)
            and tokens[index].kind is _Kind.CHAR
            and tokens[index].raw.isspace()
        ):
            index += 1
        if index == len(tokens):
            break
        cut = _next_cut(tokens, index, stack, limit)
        part = render(stack, index, cut)
        if plain_text(part).strip():
            parts.append(part)
        index, stack = cut.resume, cut.stack
    return parts


def _next_cut(tokens: list[_Token], start: int, stack: _Stack, limit: int) -> _Cut:
    paragraph: _Cut | None = None
    line: _Cut | None = None
    space: _Cut | None = None
    width = 0
    index = start
    while index < len(tokens):
        token = tokens[index]
        if token.kind is _Kind.CHAR and index > start:
            if token.raw == "\n":
                # A blank line is a paragraph break even where the limit falls inside it.
                if _is_newline(tokens, index + 1):
                    paragraph = _Cut(index, index + 2, stack)
                elif not _is_newline(tokens, index - 1):
                    line = _Cut(index, index + 1, stack)
            elif token.raw == " ":
                space = _Cut(index, index + 1, stack)
        if width + token.width > limit:
            break
        width += token.width
        stack = _apply(stack, token)
        index += 1
    else:
        return _Cut(index, index, stack)
    best = paragraph or line or space
    if best is not None:
        return best
    if index == start:
        # A single character wider than the limit (a limit of 1 and an emoji): send it alone.
        return _Cut(index + 1, index + 1, _apply(stack, tokens[index]))
    return _Cut(index, index, stack)


def _is_newline(tokens: list[_Token], index: int) -> bool:
    return (
        0 <= index < len(tokens) and tokens[index].kind is _Kind.CHAR and tokens[index].raw == "\n"
    )


def plain_text(text: str) -> str:
    """The visible text: tags removed, entities decoded."""
    return html.unescape(_TAG.sub("", text))


def as_plain_html(text: str) -> str:
    """`text` with its markup dropped, escaped so that any HTML parser shows it as is."""
    return html.escape(plain_text(text), quote=False)
