from __future__ import annotations

import html

import pytest

from bot.markup import as_plain_html, plain_text, split_html, visible_length
from bot.transports.telegram import TELEGRAM
from bot.transports.terminal import TERMINAL
from tests.fake_telegram import parse_html, utf16_len


def _check_parts(parts: list[str], limit: int) -> list[str]:
    """Every part is valid Telegram HTML within the limit; return their visible texts."""
    visible = []
    for part in parts:
        text, _ = parse_html(part)
        assert 0 < utf16_len(text) <= limit
        visible.append(text)
    return visible


def test_a_text_within_the_limit_is_left_alone() -> None:
    text = "<b>工资</b> &amp; 加班费" + "字" * 4000
    assert split_html(text, 4096, TELEGRAM.text_length) == [text]


def test_prefers_paragraph_then_line_then_space() -> None:
    paragraphs = "aaaa bbbb\ncccc\n\ndddd eeee"
    assert split_html(paragraphs, 20, TELEGRAM.text_length) == ["aaaa bbbb\ncccc", "dddd eeee"]
    lines = "aaaa bbbb\ncccc dddd eeee"
    assert split_html(lines, 20, TELEGRAM.text_length) == ["aaaa bbbb", "cccc dddd eeee"]
    words = "aaaa bbbb cccc dddd eeee"
    assert split_html(words, 12, TELEGRAM.text_length) == ["aaaa bbbb", "cccc dddd", "eeee"]
    unbroken = "一二三四五六七八九十"
    assert split_html(unbroken, 4, TELEGRAM.text_length) == ["一二三四", "五六七八", "九十"]


def test_open_tags_are_closed_and_reopened_across_a_cut() -> None:
    text = '<b>bold <a href="https://example.org/?a=1&amp;b=2">link text here</a> tail</b>'
    parts = split_html(text, 12, TELEGRAM.text_length)
    visible = _check_parts(parts, 12)
    assert " ".join(visible) == "bold link text here tail"
    assert parts[0] == '<b>bold <a href="https://example.org/?a=1&amp;b=2">link</a></b>'
    assert parts[1] == '<b><a href="https://example.org/?a=1&amp;b=2">text here</a></b>'
    assert parts[2] == "<b>tail</b>"


def test_entities_are_never_cut_and_count_as_one_character() -> None:
    text = "x" * 9 + "&amp;&lt;" + "y" * 9
    parts = split_html(text, 10, TELEGRAM.text_length)
    assert parts[0] == "x" * 9 + "&amp;"
    assert parts[1] == "&lt;" + "y" * 9
    assert "".join(_check_parts(parts, 10)) == "x" * 9 + "&<" + "y" * 9


def test_length_counts_utf16_units_like_telegram() -> None:
    text = "😀" * 5  # two UTF-16 units each
    assert visible_length(text, TELEGRAM.text_length) == 10
    assert split_html(text, 4, TELEGRAM.text_length) == ["😀😀", "😀😀", "😀"]


@pytest.mark.parametrize("limit", [4096, 100, 7])
def test_long_html_splits_into_valid_parts_losing_no_text(limit: int) -> None:
    paragraph = (
        "<b>第{n}段</b> 工伤认定 &amp; 赔偿 <i>请保留 &lt;病历&gt; 和收据</i>，"
        "联系 <code>12351</code>。"
    )
    text = "\n\n".join(paragraph.format(n=n) * 7 for n in range(60))
    assert visible_length(text, TELEGRAM.text_length) > 4097
    parts = split_html(text, limit, TELEGRAM.text_length)
    visible = _check_parts(parts, limit)
    whole, _ = parse_html(text)
    assert "".join("".join(v.split()) for v in visible) == "".join(whole.split())


def test_plain_fallback_strips_tags_and_shows_entities_literally() -> None:
    broken = "<b>Fish & chips <i>x</b> &lt;3"
    assert plain_text(broken) == "Fish & chips x <3"
    safe = as_plain_html(broken)
    visible, entities = parse_html(safe)
    assert visible == "Fish & chips x <3"
    assert entities == []
    assert html.unescape(safe) == visible


def test_each_messenger_counts_length_its_own_way() -> None:
    # An emoji is two units to Telegram (UTF-16) and one to a messenger counting
    # characters, so the same limit cuts in different places.
    text = "😀😀😀😀😀"
    assert split_html(text, 4, TELEGRAM.text_length) == ["😀😀", "😀😀", "😀"]
    assert split_html(text, 4, TERMINAL.text_length) == ["😀😀😀😀", "😀"]
