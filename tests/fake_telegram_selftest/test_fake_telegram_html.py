"""Telegram's HTML parse mode as the fake server checks it."""

from __future__ import annotations

import pytest

from tests.fake_telegram import HtmlParseError, parse_html, utf16_len


def test_markup_becomes_entities_with_utf16_offsets() -> None:
    text, entities = parse_html(
        '😀 <b>bold <i>both</i></b> <a href="https://x.org/?a=1&amp;b=2">link</a>'
    )
    assert text == "😀 bold both link"
    assert entities == [
        {"type": "bold", "offset": 3, "length": 9},
        {"type": "italic", "offset": 8, "length": 4},
        {"type": "text_link", "offset": 13, "length": 4, "url": "https://x.org/?a=1&b=2"},
    ]


def test_entities_are_decoded() -> None:
    text, entities = parse_html("&lt;b&gt; &amp; &quot;q&quot; &#128512; &#x4E2D;")
    assert text == '<b> & "q" 😀 中'
    assert entities == []


def test_pre_with_language_and_spoilers() -> None:
    text, entities = parse_html(
        '<pre><code class="language-python">x = 1</code></pre>'
        '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler><blockquote>q</blockquote>'
    )
    assert text == "x = 1stq"
    assert [e["type"] for e in entities] == ["pre", "spoiler", "spoiler", "blockquote"]
    assert entities[0]["language"] == "python"


@pytest.mark.parametrize(
    ("markup", "error"),
    [
        ("<foo>x</foo>", 'Unsupported start tag "foo" at byte offset 0'),
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<b>x", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("AT&T", "Character '&' must be escaped"),
        ("中&nbsp;", "Character '&' must be escaped as &amp; at byte offset 3"),
        ('<span class="x">s</span>', 'Tag "span" must have class "tg-spoiler"'),
        ("<b", "Unclosed start tag at byte offset 0"),
    ],
)
def test_bad_markup_is_refused_with_telegrams_reason(markup: str, error: str) -> None:
    with pytest.raises(HtmlParseError, match="can't parse entities") as info:
        parse_html(markup)
    assert error in str(info.value)


def test_utf16_length_counts_astral_characters_twice() -> None:
    assert utf16_len("a中😀") == 4
