"""Public ticket references such as GR-2026-000123 (grievance) and HP-2026-000123 (help).

The number is the ticket's database id, so references are unique without a counter that
concurrent writers would fight over; the year is the year the ticket was opened, in the
union's time zone.
"""

from __future__ import annotations

import re

from db.models import TicketKind

PREFIXES: dict[TicketKind, str] = {TicketKind.GRIEVANCE: "GR", TicketKind.HELP: "HP"}
_PATTERN = re.compile(r"^\s*#?\s*(GR|HP)\s*-\s*(\d{4})\s*-\s*(\d{1,12})\s*$", re.IGNORECASE)


def format_reference(kind: TicketKind, year: int, ticket_id: int) -> str:
    return f"{PREFIXES[kind]}-{year:04d}-{ticket_id:06d}"


def parse_reference(text: str) -> str | None:
    """The canonical form of a reference a person typed (any case, spaces), or None."""
    found = _PATTERN.match(text)
    if found is None:
        return None
    prefix, year, number = found.groups()
    return f"{prefix.upper()}-{year}-{int(number):06d}"
