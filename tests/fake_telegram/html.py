"""Telegram's HTML parse mode: markup in, plain text and entities out, or a parse error.

Follows the Bot API rules: only the documented tags, the four named entities plus numeric
ones, tags closed in order. Offsets and lengths are UTF-16 code units, as Telegram counts.
Stricter than the server in one respect, on purpose: a bare ``&`` that starts no entity is
refused, because the Bot API documentation demands it be escaped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_TAG_TO_ENTITY = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_TAG_NAME_RE = re.compile(r"[^\s>]*")
_ENTITY_RE = re.compile(r"&(?:#(\d{1,7})|#[xX]([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_ATTR_RE = re.compile(r"""\s*([a-zA-Z-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message is Telegram's wording."""


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram's limits and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class _Open:
    tag: str
    offset: int
    attrs: dict[str, str] = field(default_factory=dict)
    language: str | None = None


def _decode_entity(text: str, pos: int) -> tuple[str, int] | None:
    match = _ENTITY_RE.match(text, pos)
    if match is None:
        return None
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        char = _NAMED_ENTITIES.get(name)
        if char is None:
            return None
        return char, match.end()
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code), match.end()


def _byte_offset(text: str, pos: int) -> int:
    return len(text[:pos].encode("utf-8"))


def _parse_attrs(raw: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    pos = 0
    while pos < len(raw):
        match = _ATTR_RE.match(raw, pos)
        if match is None or match.end() == pos:
            break
        name = match.group(1).lower()
        value = next((g for g in match.groups()[1:] if g is not None), "")
        attrs[name] = value
        pos = match.end()
    return attrs


def _unescape_attr(value: str) -> str:
    out: list[str] = []
    pos = 0
    while pos < len(value):
        if value[pos] == "&" and (decoded := _decode_entity(value, pos)) is not None:
            out.append(decoded[0])
            pos = decoded[1]
        else:
            out.append(value[pos])
            pos += 1
    return "".join(out)


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Return (plain text, entities) for ``text`` in HTML parse mode, or raise HtmlParseError."""
    out: list[str] = []
    out_len = 0  # UTF-16 units emitted so far
    stack: list[_Open] = []
    entities: list[dict[str, Any]] = []
    pos = 0
    n = len(text)
    while pos < n:
        char = text[pos]
        if char == "&":
            decoded = _decode_entity(text, pos)
            if decoded is None:
                raise HtmlParseError(
                    f"can't parse entities: Character '&' must be escaped as &amp; "
                    f"at byte offset {_byte_offset(text, pos)}"
                )
            out.append(decoded[0])
            out_len += utf16_len(decoded[0])
            pos = decoded[1]
            continue
        if char != "<":
            out.append(char)
            out_len += 2 if ord(char) > 0xFFFF else 1
            pos += 1
            continue
        begin = pos
        if text.startswith("</", pos):
            end = text.find(">", pos)
            if end == -1:
                raise HtmlParseError(
                    f"can't parse entities: Unclosed end tag at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            name = text[pos + 2 : end].strip().lower()
            pos = end + 1
            if not stack:
                raise HtmlParseError(
                    f"can't parse entities: Unexpected end tag at byte offset "
                    f"{_byte_offset(text, begin)}"
                )
            top = stack.pop()
            if name != top.tag:
                raise HtmlParseError(
                    f"can't parse entities: Unmatched end tag at byte offset "
                    f'{_byte_offset(text, begin)}, expected "</{top.tag}>", found "</{name}>"'
                )
            _close(top, out_len, stack, entities)
            continue
        # Like Telegram: the tag name runs to a space or '>', and is judged before the rest.
        name_match = _TAG_NAME_RE.match(text, pos + 1)
        name_end = name_match.end() if name_match else pos + 1
        if name_end >= n:
            raise HtmlParseError(
                f"can't parse entities: Unclosed start tag at byte offset "
                f"{_byte_offset(text, begin)}"
            )
        name = text[pos + 1 : name_end].lower()
        if name not in _TAG_TO_ENTITY:
            raise HtmlParseError(
                f'can\'t parse entities: Unsupported start tag "{name}" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        end = text.find(">", name_end)
        if end == -1:
            raise HtmlParseError(
                f"can't parse entities: Unclosed start tag at byte offset "
                f"{_byte_offset(text, begin)}"
            )
        inner = text[name_end:end]
        pos = end + 1
        attrs = {k: _unescape_attr(v) for k, v in _parse_attrs(inner).items()}
        if name == "span" and attrs.get("class") != "tg-spoiler":
            raise HtmlParseError('can\'t parse entities: Tag "span" must have class "tg-spoiler"')
        if name == "a" and not attrs.get("href"):
            raise HtmlParseError(
                f'can\'t parse entities: Tag "a" must have attribute "href" at byte offset '
                f"{_byte_offset(text, begin)}"
            )
        if name == "code" and stack and stack[-1].tag == "pre":
            language = attrs.get("class", "")
            if language.startswith("language-"):
                stack[-1].language = language.removeprefix("language-")
        stack.append(_Open(name, out_len, attrs))
    if stack:
        raise HtmlParseError(
            "can't parse entities: Can't find end tag corresponding to start tag "
            f'"{stack[-1].tag}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _close(
    opened: _Open, out_len: int, stack: list[_Open], entities: list[dict[str, Any]]
) -> None:
    length = out_len - opened.offset
    if length == 0:
        return
    kind = _TAG_TO_ENTITY[opened.tag]
    if kind == "code" and stack and stack[-1].tag == "pre":
        return  # <pre><code class="language-x"> is one pre entity with a language
    entity: dict[str, Any] = {"type": kind, "offset": opened.offset, "length": length}
    if kind == "text_link":
        entity["url"] = opened.attrs["href"]
    elif kind == "pre" and opened.language:
        entity["language"] = opened.language
    elif kind == "blockquote" and "expandable" in opened.attrs:
        entity["type"] = "expandable_blockquote"
    entities.append(entity)
