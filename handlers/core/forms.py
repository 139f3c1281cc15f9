"""Checking what a person types into a form field: texts, dates, amounts, choices.

Every check either returns the value to keep (JSON-friendly: dates as ISO strings,
amounts as strings with two decimals) or raises `FieldError` naming a catalog text that
tells the person what to write instead. Nothing here touches the database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from handlers.categories import MAX_AMOUNT, Category, FieldSpec
from handlers.tickets.errors import InvalidInput

DEFAULT_MAX_LENGTH = 2000

# Bidirectional overrides and isolates can make text display as something it is not.
_BIDI_CONTROLS = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C], None
)


class FieldError(ValueError):
    """The answer does not fit the field; `key` is the catalog text that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def clean_text(raw: str) -> str:
    """Drops control characters (keeping line breaks and tabs) and direction overrides."""
    text = raw.replace("\r\n", "\n").replace("\r", "\n").translate(_BIDI_CONTROLS)
    kept = (
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co")
    )
    return "".join(kept).strip()


def check_text(raw: str, max_length: int | None = None) -> str:
    text = clean_text(raw)
    limit = max_length or DEFAULT_MAX_LENGTH
    if not text:
        raise FieldError("form.error.empty")
    if len(text) > limit:
        raise FieldError("form.error.too_long", limit=limit, length=len(text))
    return text


_DATE_PATTERNS = (
    re.compile(r"^(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})$"),
    re.compile(r"^(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
    re.compile(r"^(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?$"),
)


def check_date(raw: str, today: date, *, allow_future: bool = False) -> str:
    """YYYY-MM-DD, 2026/3/1, 2026年3月1日, 3月1日 (this year, or last if still ahead)."""
    text = unicodedata.normalize("NFKC", clean_text(raw))
    for pattern in _DATE_PATTERNS:
        found = pattern.match(text)
        if found is None:
            continue
        parts = found.groupdict()
        year_given = parts.get("y") is not None
        year = int(parts["y"]) if year_given else today.year
        try:
            value = date(year, int(parts["m"]), int(parts["d"]))
        except ValueError:
            raise FieldError("form.error.no_such_date") from None
        if not year_given and value > today and not allow_future:
            try:
                value = value.replace(year=year - 1)
            except ValueError:  # 29 February
                raise FieldError("form.error.no_such_date") from None
        if value.year < 1900:
            raise FieldError("form.error.no_such_date")
        if value > today and not allow_future:
            raise FieldError("form.error.date_in_future", today=today.isoformat())
        return value.isoformat()
    raise FieldError("form.error.date_format")


_AMOUNT = re.compile(r"(?i)^(?:¥|￥|rmb|cny)?\s*(?P<n>[\d,，]*\.?\d*)\s*(?:元|块|yuan|rmb|cny)?$")


def check_amount(raw: str) -> str:
    """Yuan, positive, at most two decimals: 1234, 1,234.50, ¥1234, 1234元."""
    text = unicodedata.normalize("NFKC", clean_text(raw)).replace(" ", "")
    found = _AMOUNT.match(text)
    number = found.group("n").replace(",", "").replace("，", "") if found else ""
    if not number or number == ".":
        raise FieldError("form.error.amount_format")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise FieldError("form.error.amount_format") from None
    if value <= 0:
        raise FieldError("form.error.amount_not_positive")
    if value != value.quantize(Decimal("0.01")):
        raise FieldError("form.error.amount_decimals")
    if value > MAX_AMOUNT:
        raise FieldError("form.error.amount_too_large")
    return str(value.quantize(Decimal("0.01")))


def check_order(category: Category, name: str, value: str, values: Mapping[str, Any]) -> None:
    """The category's ordering rules (discharge after admission, self-paid within total)
    against the answers already given."""
    for later, earlier in category.ordered:
        if name == later and earlier in values:
            other, must_not_be_below = earlier, True
        elif name == earlier and later in values:
            other, must_not_be_below = later, False
        else:
            continue
        spec = category.field(name)
        mine, theirs = _comparable(spec, value), _comparable(spec, values[other])
        if must_not_be_below and mine < theirs:
            raise FieldError(f"form.error.{spec.type}_below", other=other, other_value=theirs)
        if not must_not_be_below and mine > theirs:
            raise FieldError(f"form.error.{spec.type}_above", other=other, other_value=theirs)


def _comparable(spec: FieldSpec, value: object) -> Any:
    return Decimal(str(value)) if spec.type == "amount" else str(value)


def check_answer(
    category: Category,
    spec: FieldSpec,
    raw: str,
    values: Mapping[str, Any],
    today: date,
) -> str:
    """A typed answer to a text, date or amount field, in stored form."""
    if spec.type == "date":
        value = check_date(raw, today, allow_future=not spec.past_only)
    elif spec.type == "amount":
        value = check_amount(raw)
    else:
        value = check_text(raw, spec.max_length)
    try:
        stored = spec.parse(value, today=today)
    except InvalidInput as exc:
        raise FieldError(exc.key) from exc
    check_order(category, spec.name, stored, values)
    return str(stored)
