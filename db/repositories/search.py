"""The console's text search, served by an index of character grams instead of a scan.

A ticket's reference, summary and thread messages are broken into overlapping
two-character grams, plus every CJK character alone (a one-character Chinese search is
common; a one-letter Latin one is not worth the rows). Text is lowercased character by
character first, so a gram index lookup finds every row the substring match (LIKE, or
ILIKE on PostgreSQL) finds, whatever the letters' case.

`candidates` gives the tickets holding every gram of a search term: a superset of the
matches, which the caller confirms with the substring match itself, so the results are
exactly the substring search's. `None` means the caller scans: the term has no gram (one
non-CJK character), or only grams so common that a scan is quicker.

Writers keep the index: `add_text` when a ticket or a message is written, `rebuild`
after a statement changed or erased text (erasure, the migration's backfill).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Ticket, TicketMessage, TicketSearchGram


def _fold(text: str) -> str:
    # Per character, keeping positions: the one letter whose lowercase is two characters
    # (İ, "i" and a combining dot) becomes its first, "i", as PostgreSQL's ILIKE reads it.
    return "".join(c.lower()[0] for c in text)


def _is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3400 <= code <= 0x9FFF  # CJK unified ideographs and extension A
        or 0xF900 <= code <= 0xFAFF  # compatibility ideographs
        or 0x3040 <= code <= 0x30FF  # kana
        or 0xAC00 <= code <= 0xD7AF  # hangul
        or 0x20000 <= code <= 0x3FFFF  # supplementary ideographs
    )


def grams(text: str) -> set[str]:
    """Every gram of `text` the index holds."""
    folded = _fold(text)
    found = {folded[i : i + 2] for i in range(len(folded) - 1)}
    found.update(c for c in folded if _is_cjk(c))
    return found


def term_grams(term: str) -> set[str] | None:
    """The grams a text must hold to contain `term`; None when the index cannot tell."""
    folded = _fold(term)
    if len(folded) >= 2:
        return {folded[i : i + 2] for i in range(len(folded) - 1)}
    if len(folded) == 1 and _is_cjk(folded):
        return {folded}
    return None


# A gram in more index rows than this (about as many tickets: a ticket repeats a gram only
# when a later message brings it again) is common: when every gram of a term is, the term
# matches a large share of the tickets and one scan reads them faster than the index.
COMMON = 5000
# How many of a long term's grams are looked at to find a rarer one.
_PROBED = 8


async def _common(session: AsyncSession, gram: str) -> bool:
    held = select(TicketSearchGram.id).where(TicketSearchGram.gram == gram).limit(COMMON)
    return (await session.scalar(select(func.count()).select_from(held.subquery()))) == COMMON


async def candidates(session: AsyncSession, term: str) -> Select[int] | None:
    """The ids of tickets whose indexed text holds every gram of `term`; None when the
    caller should scan instead (no gram, or only common ones)."""
    wanted = term_grams(term)
    if wanted is None:
        return None
    probed = sorted(wanted)[:_PROBED]
    for gram in probed:
        if not await _common(session, gram):
            break
    else:
        return None
    return (
        select(TicketSearchGram.ticket_id)
        .where(TicketSearchGram.gram.in_(sorted(wanted)))
        .group_by(TicketSearchGram.ticket_id)
        .having(func.count(TicketSearchGram.gram.distinct()) == len(wanted))
    )


def rows(ticket_id: int, texts: Iterable[str | None]) -> list[dict[str, object]]:
    """The index rows for a ticket's texts, each gram once."""
    found: set[str] = set()
    for text in texts:
        if text:
            found |= grams(text)
    return [{"ticket_id": ticket_id, "gram": gram} for gram in sorted(found)]


async def add_text(session: AsyncSession, ticket_id: int, *texts: str | None) -> None:
    """Index newly written text of a ticket (a gram it already has may repeat: the
    lookup counts distinct grams)."""
    found = rows(ticket_id, texts)
    if found:
        await session.execute(insert(TicketSearchGram), found)


async def rebuild(session: AsyncSession, ticket_ids: Sequence[int]) -> None:
    """Index these tickets afresh from the text they hold now."""
    if not ticket_ids:
        return
    ids = list(ticket_ids)
    await session.execute(delete(TicketSearchGram).where(TicketSearchGram.ticket_id.in_(ids)))
    texts: dict[int, list[str | None]] = {}
    for ticket_id, reference, summary in await session.execute(
        select(Ticket.id, Ticket.reference, Ticket.summary).where(Ticket.id.in_(ids))
    ):
        texts[ticket_id] = [reference, summary]
    for ticket_id, body in await session.execute(
        select(TicketMessage.ticket_id, TicketMessage.body).where(TicketMessage.ticket_id.in_(ids))
    ):
        texts[ticket_id].append(body)
    found = [row for ticket_id, held in texts.items() for row in rows(ticket_id, held)]
    if found:
        await session.execute(insert(TicketSearchGram), found)
