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
from decimal import Decimal
from typing import Any

from handlers.categories import MAX_AMOUNT, Category, FieldSpec
from handlers.parsing import (
    UnreadableDateError,
    chinese_number,
    clean_text,
    is_blank,
    read_date,
)
from handlers.tickets.errors import InvalidInput

DEFAULT_MAX_LENGTH = 2000


class FieldError(ValueError):
    """The answer does not fit the field; `key` is the catalog text that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def check_text(raw: str, max_length: int | None = None) -> str:
    text = clean_text(raw)
    limit = max_length or DEFAULT_MAX_LENGTH
    if is_blank(text):
        raise FieldError("form.error.empty")
    if len(text) > limit:
        raise FieldError("form.error.too_long", limit=limit, length=len(text))
    return text


def check_date(raw: str, today: date, *, allow_future: bool = False) -> str:
    """A typed date (see `read_date`) in stored form, ISO."""
    try:
        return read_date(raw, today, allow_future=allow_future).isoformat()
    except UnreadableDateError as exc:
        raise FieldError(f"form.error.{exc.reason}", today=today.isoformat()) from None


_CURRENCY = re.compile(
    r"(?i)^(?:¥|￥|rmb|cny|人民币)?(?P<n>.*?)(?:元整|块钱|元|块|圆|yuan|rmb|cny)?$"
)
_PLAIN_AMOUNT = re.compile(r"^\d*\.?\d*$")


def check_amount(raw: str) -> str:
    """Yuan, positive, at most two decimals: 1234, 1,234.50, ¥1234, 1234元, 五千块, 1.2万."""
    text = unicodedata.normalize("NFKC", clean_text(raw)).replace(" ", "")
    found = _CURRENCY.match(text)
    number = found.group("n").replace(",", "").replace("，", "") if found else ""
    value: Decimal | None
    if _PLAIN_AMOUNT.match(number):
        if not number or number == ".":
            raise FieldError("form.error.amount_format")
        value = Decimal(number)
    else:
        value = chinese_number(number)
    if value is None:
        raise FieldError("form.error.amount_format")
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
