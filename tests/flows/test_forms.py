"""Dates and amounts as people type them on a phone: read when unambiguous, refused with a
message that says what to write when not."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.categories import FieldSpec
from handlers.core.forms import FieldError, check_amount, check_date
from handlers.parsing import clean_text
from handlers.tickets.errors import InvalidInput

TODAY = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2026-03-05", "2026-03-05"),
        ("2026.3.5", "2026-03-05"),
        ("2026/3/5", "2026-03-05"),
        ("2026年3月5号", "2026-03-05"),
        ("3月5号", "2026-03-05"),
        ("3月5日", "2026-03-05"),
        ("３月５号", "2026-03-05"),  # full-width digits from a Chinese keyboard
        ("3.5", "2026-03-05"),
        ("三月五号", "2026-03-05"),
        ("二〇二六年三月五日", "2026-03-05"),
        ("十二月三十一号", "2025-12-31"),  # still ahead this year: last year's
        ("昨天", "2026-03-09"),
        ("前天", "2026-03-08"),
        ("今天", "2026-03-10"),
    ],
)
def test_dates_people_type_are_read(typed: str, stored: str) -> None:
    assert check_date(typed, TODAY) == stored


@pytest.mark.parametrize("typed", ["3月5号", "三月五号", "2026.3.5", "昨天"])
def test_a_ticket_field_reads_a_date_as_the_form_does(typed: str) -> None:
    # Whatever way a ticket is opened (a form, a future console), a date means one day.
    spec = FieldSpec("admitted_on", "date")
    assert spec.parse(typed, today=TODAY) == check_date(typed, TODAY)


def test_a_ticket_field_refuses_a_day_before_the_earliest_as_the_form_does() -> None:
    with pytest.raises(FieldError) as refused:
        check_date("1949-12-31", TODAY)
    assert refused.value.key == "form.error.no_such_date"
    with pytest.raises(InvalidInput):
        FieldSpec("admitted_on", "date").parse("1949-12-31", today=TODAY)


def test_a_ticket_field_keeps_text_as_the_form_does() -> None:
    # Direction overrides could make a workplace read as something else to an officer.
    typed = "Gate\u202e3 \x00\r\nnight shift "
    assert FieldSpec("workplace", "text").parse(typed, today=TODAY) == clean_text(typed)
    assert clean_text(typed) == "Gate3 \nnight shift"


@pytest.mark.parametrize(
    "hidden",
    ["\u202e", "\u2066", "\u200f", "\u061c", "\x07", "\x9b", "\ud800", "\ue000", "\U00100000"],
)
def test_what_cannot_be_seen_or_reverses_text_is_dropped_from_one_line(hidden: str) -> None:
    # A one-line message with nothing to drop takes a shorter way: these must not.
    assert clean_text(f" 工资{hidden}拖欠 ") == "工资拖欠"


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [
        ("3/5", "form.error.date_format"),  # 3 May to an English reader
        ("上个月初", "form.error.date_format"),
        ("3月", "form.error.date_format"),
        ("3月32号", "form.error.no_such_date"),
        ("十三月一号", "form.error.no_such_date"),
        ("2026-03-11", "form.error.date_in_future"),
    ],
)
def test_unclear_or_impossible_dates_are_refused(typed: str, complaint: str) -> None:
    with pytest.raises(FieldError) as refused:
        check_date(typed, TODAY)
    assert refused.value.key == complaint


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("1200", "1200.00"),
        ("¥1,200", "1200.00"),
        ("RMB 4,500", "4500.00"),
        ("人民币3000元", "3000.00"),
        ("五千块", "5000.00"),
        ("五千块钱", "5000.00"),
        ("两千", "2000.00"),
        ("一万二", "12000.00"),
        ("三千五", "3500.00"),
        ("5千5", "5500.00"),
        ("1.2万", "12000.00"),
        ("1万5千", "15000.00"),
        ("十五万", "150000.00"),
        ("一百零五", "105.00"),
        ("二十万零三百", "200300.00"),
        ("5k", "5000.00"),
        ("5000.5元", "5000.50"),
    ],
)
def test_amounts_people_type_are_read(typed: str, stored: str) -> None:
    assert check_amount(typed) == stored


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [
        ("很多钱", "form.error.amount_format"),
        ("五五", "form.error.amount_format"),
        ("千", "form.error.amount_format"),
        ("-5", "form.error.amount_format"),
        ("1e3", "form.error.amount_format"),
        ("NaN", "form.error.amount_format"),
        ("0", "form.error.amount_not_positive"),
        ("零元", "form.error.amount_not_positive"),
        ("12.345", "form.error.amount_decimals"),
        ("一千亿", "form.error.amount_format"),
        ("9999万", "form.error.amount_too_large"),
    ],
)
def test_unclear_amounts_are_refused(typed: str, complaint: str) -> None:
    with pytest.raises(FieldError) as refused:
        check_amount(typed)
    assert refused.value.key == complaint
