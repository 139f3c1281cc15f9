"""Ticket kinds and categories: the questions each one asks and its default SLA.

The one place that forms, routing, views and reports read. Wording is not here: every
label and prompt is a text-catalog key (`Category.label_key`, `FieldSpec.prompt_key`, ...)
rendered by the conversation layer in the person's language.

Field values are checked by `FieldSpec.parse` as a form collects them, and the whole set
again by `validate_fields` when a ticket is opened, so a bad value never reaches a ticket.
Stored values are JSON: text and choices as strings, dates as ISO `YYYY-MM-DD`, amounts
as decimal strings with two places (yuan), photos as the list of messenger file ids.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from types import MappingProxyType
from typing import Any, Literal

from db.models import TicketKind
from handlers.messages import Attachment
from handlers.parsing import EARLIEST_DATE, UnreadableDateError, clean_text, read_date
from handlers.tickets.errors import InvalidInput

FieldType = Literal["text", "date", "amount", "choice", "photos"]

# An amount above this is a typo, not a claim (the largest mutual-aid cap is 100,000 yuan).
MAX_AMOUNT = Decimal(10000000)
_AMOUNT_NOISE = re.compile(r"[\s,，]|^(?:¥|￥|RMB|CNY)|(?:元|块|RMB|CNY|yuan)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One question of a category's form."""

    name: str
    type: FieldType
    required: bool = True
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    max_photos: int = 10
    # Dates: refuse days after today (admission, discharge, dismissal all lie in the past).
    past_only: bool = True

    def parse(self, raw: object, *, today: date) -> Any:
        """The stored form of `raw`, or InvalidInput(field=name, reason=code).

        Reason codes: required, too_long, bad_date, future_date, bad_amount,
        negative_amount, amount_too_large, not_a_choice, too_many_photos, not_a_photo.
        """
        if raw is None or (isinstance(raw, str) and not raw.strip()) or raw == []:
            if self.required:
                raise InvalidInput(self.name, "required")
            return None
        match self.type:
            case "text":
                return self._parse_text(raw)
            case "date":
                return self._parse_date(raw, today)
            case "amount":
                return self._parse_amount(raw)
            case "choice":
                if raw not in self.choices:
                    raise InvalidInput(self.name, "not_a_choice")
                return raw
            case "photos":
                return self._parse_photos(raw)

    def _parse_text(self, raw: object) -> str:
        if not isinstance(raw, str):
            raise InvalidInput(self.name, "required")
        value = clean_text(raw)
        if self.max_length is not None and len(value) > self.max_length:
            raise InvalidInput(self.name, "too_long")
        return value

    def _parse_date(self, raw: object, today: date) -> str:
        if isinstance(raw, date):
            value = raw
        elif isinstance(raw, str):
            try:
                # Whether a future day may be given is this field's rule, checked below.
                value = read_date(raw, today, allow_future=True)
            except UnreadableDateError as exc:
                raise InvalidInput(self.name, "bad_date") from exc
        else:
            raise InvalidInput(self.name, "bad_date")
        if value < EARLIEST_DATE:
            raise InvalidInput(self.name, "bad_date")
        if self.past_only and value > today:
            raise InvalidInput(self.name, "future_date")
        return value.isoformat()

    def _parse_amount(self, raw: object) -> str:
        if isinstance(raw, bool) or not isinstance(raw, int | str | Decimal):
            raise InvalidInput(self.name, "bad_amount")
        text = _AMOUNT_NOISE.sub("", unicodedata.normalize("NFKC", str(raw)).strip())
        try:
            value = Decimal(text)
        except InvalidOperation as exc:
            raise InvalidInput(self.name, "bad_amount") from exc
        if not value.is_finite():
            raise InvalidInput(self.name, "bad_amount")
        if value < 0:
            raise InvalidInput(self.name, "negative_amount")
        if value > MAX_AMOUNT:
            raise InvalidInput(self.name, "amount_too_large")
        return str(value.quantize(Decimal("0.01")))

    def _parse_photos(self, raw: object) -> list[str]:
        if not isinstance(raw, Sequence) or isinstance(raw, str):
            raise InvalidInput(self.name, "not_a_photo")
        if len(raw) > self.max_photos:
            raise InvalidInput(self.name, "too_many_photos")
        ids: list[str] = []
        for item in raw:
            if isinstance(item, Attachment) and item.kind == "photo":
                ids.append(item.file_id)
            elif isinstance(item, str) and item:
                ids.append(item)
            else:
                raise InvalidInput(self.name, "not_a_photo")
        return ids


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    kind: TicketKind
    fields: tuple[FieldSpec, ...]
    # Default SLA; a routing file may override it per category.
    first_response: timedelta
    resolution: timedelta
    # Pairs (a, b) where a's value may not be less than b's (discharge after admission).
    ordered: tuple[tuple[str, str], ...] = ()

    @property
    def label_key(self) -> str:
        return f"category.{self.key}"

    def field(self, name: str) -> FieldSpec:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def field_label_key(self, name: str) -> str:
        return f"field.{self.key}.{name}.label"

    def field_prompt_key(self, name: str) -> str:
        return f"field.{self.key}.{name}.prompt"

    def choice_label_key(self, name: str, choice: str) -> str:
        return f"field.{self.key}.{name}.choice.{choice}"


def _text(name: str, max_length: int = 200, *, required: bool = True) -> FieldSpec:
    return FieldSpec(name, "text", required=required, max_length=max_length)


def _category(
    key: str,
    kind: TicketKind,
    hours: tuple[int, int],
    *fields: FieldSpec,
    ordered: tuple[tuple[str, str], ...] = (),
) -> Category:
    first_response, resolution = hours
    return Category(
        key, kind, fields, timedelta(hours=first_response), timedelta(hours=resolution), ordered
    )


_G = TicketKind.GRIEVANCE
_H = TicketKind.HELP

_ALL: tuple[Category, ...] = (
    # Grievances; the description is the ticket summary, so most need no extra field.
    # Safety hazards hurt people soonest: the tightest deadlines.
    _category("workplace-safety", _G, (4, 72), _text("location", required=False)),
    _category(
        "wages",
        _G,
        (24, 240),
        _text("employer"),
        FieldSpec("amount_owed", "amount", required=False),
        _text("period", 100, required=False),
    ),
    _category("facilities", _G, (48, 336), _text("location", required=False)),
    _category("working-hours", _G, (24, 240), _text("employer", required=False)),
    _category("other-grievance", _G, (48, 336)),
    # Help requests.
    _category(
        "mutual-aid-claim",
        _H,
        (24, 360),
        _text("hospital"),
        FieldSpec("admission_date", "date"),
        FieldSpec("discharge_date", "date"),
        FieldSpec("total_amount", "amount"),
        FieldSpec("self_paid_amount", "amount"),
        FieldSpec("receipts", "photos", max_photos=10),
        ordered=(("discharge_date", "admission_date"), ("total_amount", "self_paid_amount")),
    ),
    _category(
        "hardship-aid",
        _H,
        (24, 240),
        FieldSpec(
            "hardship_kind",
            "choice",
            choices=("illness", "accident", "disaster", "family", "other"),
        ),
        FieldSpec("household_size", "text", required=False, max_length=20),
    ),
    _category(
        "legal-aid",
        _H,
        (24, 168),
        _text("employer"),
        FieldSpec(
            "dispute_kind",
            "choice",
            choices=("wages", "contract", "dismissal", "work-injury", "social-insurance", "other"),
        ),
    ),
    _category("counselling", _H, (4, 72)),
    _category(
        "job-services",
        _H,
        (48, 336),
        _text("trade", 100, required=False),
    ),
    _category(
        "small-loan",
        _H,
        (48, 480),
        FieldSpec("amount", "amount"),
        _text("purpose", 500),
    ),
    _category("other-help", _H, (48, 336)),
)

CATEGORIES: Mapping[str, Category] = MappingProxyType({c.key: c for c in _ALL})

# Urgent tickets (crisis, or the worker said so) are due sooner than their category says.
URGENT_FIRST_RESPONSE = timedelta(hours=1)
URGENT_RESOLUTION = timedelta(hours=24)


def categories_of(kind: TicketKind) -> tuple[Category, ...]:
    """A kind's categories in menu order."""
    return tuple(c for c in _ALL if c.kind is kind)


def kind_label_key(kind: TicketKind) -> str:
    return f"kind.{kind.value}"


def get_category(kind: TicketKind | str, key: str) -> Category:
    """The category `key` of `kind`, or InvalidInput(category, unknown_category)."""
    category = CATEGORIES.get(key)
    if category is None or category.kind != kind:
        raise InvalidInput("category", "unknown_category")
    return category


def validate_fields(
    category: Category, values: Mapping[str, object], *, today: date
) -> dict[str, Any]:
    """All of a category's answers checked and in stored form; unknown names are refused."""
    for name in values:
        if not any(spec.name == name for spec in category.fields):
            raise InvalidInput(name, "unknown_field")
    cleaned: dict[str, Any] = {}
    for spec in category.fields:
        value = spec.parse(values.get(spec.name), today=today)
        if value is not None:
            cleaned[spec.name] = value
    for later, earlier in category.ordered:
        if later in cleaned and earlier in cleaned:
            kind = category.field(later).type
            a, b = cleaned[later], cleaned[earlier]
            if (Decimal(a) < Decimal(b)) if kind == "amount" else (a < b):
                raise InvalidInput(later, "out_of_order")
    return cleaned
