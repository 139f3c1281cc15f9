"""Reading what a person typed: the one copy of each rule for cleaning text and for
reading numbers and dates the way people write them on a phone.

Pure functions with no catalog and no database: the form (which words to answer with)
and the ticket fields' validation (which values to store) both call these, so a text,
a date or a number is read the same way wherever it arrives.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal

# No date a worker gives (admission, dismissal, an accident) lies further back.
EARLIEST_DATE = date(1950, 1, 1)

# Bidirectional overrides and isolates can make text display as something it is not.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)


def clean_text(raw: str) -> str:
    """Drops control characters (keeping line breaks and tabs) and direction overrides."""
    if raw.isprintable():
        # Nothing to drop: what is dropped (controls, surrogates, private use, and the
        # direction marks, which are format characters) is never printable. Most messages
        # are one printable line, and this is read on every one.
        return raw.strip()
    text = raw.replace("\r\n", "\n").replace("\r", "\n").translate(_BIDI_CONTROLS)
    kept = (
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co")
    )
    return "".join(kept).strip()


def clean_name(raw: str) -> str:
    """A person's name as the messenger gives it, cleaned as typed text is, on one line."""
    return " ".join(clean_text(raw).split())


# What shows as nothing: format characters (zero-width spaces and joiners), spaces, controls.
_BLANK_CATEGORIES = frozenset({"Cf", "Zs", "Zl", "Zp", "Cc"})


def is_blank(text: str) -> bool:
    """Whether `text` shows as nothing at all, as empty as blanks."""
    return all(unicodedata.category(ch) in _BLANK_CATEGORIES for ch in text)


def has_words(text: str) -> bool:
    """Whether `text` has a letter or a digit: emoji, punctuation and invisible characters
    alone ask nothing that could be looked up."""
    return any(unicodedata.category(ch)[0] in "LN" for ch in text)


# How people write a date on a phone: 2026-03-05, 2026.3.5, 2026年3月5号, 3月5号, 3.5
# (in China a day-month order is never used, so "3.5" is the 5th of March). Slashes
# without a year ("3/5") are left out: an English reader may mean the 3rd of May.
_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})$"),
    re.compile(
        r"^(?:(?P<y>\S{4})\s*年)?\s*(?P<m>[^月年]{1,3})\s*月\s*(?P<d>[^月日号]{1,3})\s*[日号]?$"
    ),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<m>\d{1,2})\.(?P<d>\d{1,2})$"),
)
_DAYS_AGO = {"今天": 0, "今日": 0, "today": 0, "昨天": 1, "昨日": 1, "yesterday": 1, "前天": 2}

_CN_DIGITS = {
    char: value
    for value, chars in enumerate(("零〇", "一", "二两", "三", "四", "五", "六", "七", "八", "九"))
    for char in chars
}
_CN_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000, "k": 1000}
_MYRIAD = {"万": 10000, "萬": 10000, "w": 10000}
_NUMBER_PART = re.compile(r"\d+(?:\.\d+)?|.")


def chinese_number(text: str) -> Decimal | None:
    """The value of a number as people type it: 5000, 五千, 5千, 1.2万, 5k, and the spoken
    short forms 一万二 (12,000) and 三千五 (3,500); None if `text` is not one."""
    parts = _NUMBER_PART.findall(text.lower())
    if not parts:
        return None
    total = section = Decimal(0)
    current: Decimal | None = None
    single_digit = zero_seen = False
    last_unit = 0
    for part in parts:
        if part[0].isdigit() or part in _CN_DIGITS:
            if current is not None:
                return None
            current = Decimal(part) if part[0].isdigit() else Decimal(_CN_DIGITS[part])
            single_digit = len(part) == 1
            if current == 0 and not part.isdigit():
                zero_seen, current = True, None
        elif part in _CN_UNITS:
            unit = _CN_UNITS[part]
            if current is None and unit != 10:  # "十五" is 15, but "千" alone is nothing
                return None
            section += (Decimal(1) if current is None else current) * unit
            current, last_unit, zero_seen = None, unit, False
        elif part in _MYRIAD:
            if current is None and section == 0:
                return None
            total = (total + section + (current or 0)) * _MYRIAD[part]
            section, current, last_unit, zero_seen = Decimal(0), None, _MYRIAD[part], False
        else:
            return None
    if current is not None:
        # 一万二, 三千五: a last lone digit counts in the next unit down.
        shorthand = last_unit > 0 and single_digit and not zero_seen
        section += current * (last_unit // 10) if shorthand else current
    return total + section


def _date_number(text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    if len(text) == 4 and all(ch in _CN_DIGITS for ch in text):  # 二〇二六
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    value = chinese_number(text)
    return int(value) if value is not None and value == int(value) else None


class UnreadableDateError(ValueError):
    """`raw` is no date; `reason` is date_format, no_such_date or date_in_future."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def read_date(raw: str, today: date, *, allow_future: bool = False) -> date:
    """2026-03-05, 2026/3/5, 2026年3月5号, 三月五号, 3月5日 or 3.5 (this year, or last if still
    ahead), 今天, 昨天, 前天."""
    text = unicodedata.normalize("NFKC", clean_text(raw))
    if text.lower() in _DAYS_AGO:
        return date.fromordinal(today.toordinal() - _DAYS_AGO[text.lower()])
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found is None:
            continue
        parts = {k: v for k, v in found.groupdict().items() if v is not None}
        numbers = {k: _date_number(v) for k, v in parts.items()}
        if any(n is None for n in numbers.values()):
            break
        year_given = "y" in numbers
        year = numbers.get("y") or today.year
        try:
            value = date(year, numbers["m"] or 0, numbers["d"] or 0)
        except ValueError:
            raise UnreadableDateError("no_such_date") from None
        if not year_given and value > today and not allow_future:
            try:
                value = value.replace(year=year - 1)
            except ValueError:  # 29 February
                raise UnreadableDateError("no_such_date") from None
        if value < EARLIEST_DATE:
            raise UnreadableDateError("no_such_date")
        if value > today and not allow_future:
            raise UnreadableDateError("date_in_future")
        return value
    raise UnreadableDateError("date_format")
