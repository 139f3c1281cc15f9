"""Who may read the reports of which units, for the console.

An admin reads every unit's reports and the whole union's. Any other active officer reads
those of the units their queues belong to and of every unit below them: the officers of a
district's queues are that district's union, so they see its service and its agenda, and
nothing of a unit beside it. Reports are figures and masked summaries, never a worker's
identity; what a report shows stays the report's own business (handlers/reports/).

`report_scope` re-reads the officer on every call, so a revoked admin or a deactivated
officer loses access at the next request. A unit the officer may not read is refused
exactly like an unknown one, so unit keys cannot be probed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import OfficerRole, Unit
from handlers.reports.common import ReportError, UnitScope, unit_scope
from handlers.tickets.authz import OfficerActor, active_officer
from handlers.tickets.errors import NotAllowed


@dataclass(frozen=True, slots=True)
class UnitChoice:
    key: str
    name: str
    depth: int  # how far below the first unit offered: for indenting a list


@dataclass(frozen=True, slots=True)
class Readable:
    """The units an officer may choose, in tree order; `everything` when the whole
    union's report (no unit) is theirs too."""

    units: tuple[UnitChoice, ...]
    everything: bool

    @property
    def default_key(self) -> str | None:
        """The report shown before a unit is chosen: the whole union, or the first unit."""
        return None if self.everything or not self.units else self.units[0].key


async def readable_units(session: AsyncSession, actor: OfficerActor) -> Readable:
    officer = await active_officer(session, actor, "reports")
    units = (await session.execute(select(Unit.id, Unit.key, Unit.name, Unit.parent_id))).all()
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit in sorted(units, key=lambda u: u.key):
        children[unit.parent_id].append(unit.id)
    by_id = {unit.id: unit for unit in units}
    parents = {unit.id: unit.parent_id for unit in units}
    everything = officer.role == OfficerRole.ADMIN
    if everything:
        tops = children[None]
    else:
        own = {queue.unit_id for queue in officer.queues}
        # A unit below another of the officer's units is listed under it, not again.
        tops = [u for u in sorted(own, key=lambda i: by_id[i].key) if not _below(parents, u, own)]
    found: list[UnitChoice] = []

    def walk(unit_id: int, depth: int) -> None:
        unit = by_id[unit_id]
        found.append(UnitChoice(unit.key, unit.name, depth))
        for child in children[unit_id]:
            walk(child, depth + 1)

    for top in tops:
        walk(top, 0)
    if not found and not everything:
        raise NotAllowed("reports", "officers_only")
    return Readable(tuple(found), everything)


def _below(parents: dict[int, int | None], unit_id: int, others: set[int]) -> bool:
    parent = parents[unit_id]
    while parent is not None:
        if parent in others:
            return True
        parent = parents[parent]
    return False


async def report_scope(
    session: AsyncSession, actor: OfficerActor, unit_key: str | None
) -> tuple[Readable, UnitScope | None]:
    """What the officer may choose, and the scope of `unit_key` (their default without
    one); ReportError for a unit that is unknown or not theirs."""
    readable = await readable_units(session, actor)
    key = unit_key or readable.default_key
    if key is not None and key not in {unit.key for unit in readable.units}:
        msg = f"unknown unit {key!r}"
        raise ReportError(msg)
    return readable, await unit_scope(session, key)
