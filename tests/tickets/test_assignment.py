"""Opening a ticket: checks, SLA, reference, least-loaded assignment, who is told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, Person, Ticket, TicketAttachment, TicketStatus
from handlers.messages import Attachment
from handlers.tickets import service
from handlers.tickets.errors import InvalidInput
from tests.tickets.conftest import NOW, World, open_ticket


async def test_reference_sla_and_fields(session: AsyncSession, world: World) -> None:
    receipt = Attachment("photo", "file-receipt-1")
    opened = await open_ticket(
        session,
        world,
        kind="help",
        category="mutual-aid-claim",
        fields={
            "hospital": "市第一人民医院",
            "admission_date": "2026年2月1日",
            "discharge_date": "2026-02-10",
            "total_amount": "12,000元",
            "self_paid_amount": "￥3500.5",
            "receipts": [receipt],
        },
    )
    ticket = opened.ticket
    assert ticket.reference == f"HP-2026-{ticket.id:06d}"
    assert ticket.fields == {
        "hospital": "市第一人民医院",
        "admission_date": "2026-02-01",
        "discharge_date": "2026-02-10",
        "total_amount": "12000.00",
        "self_paid_amount": "3500.50",
        "receipts": ["file-receipt-1"],
    }
    assert ticket.first_response_due == NOW + timedelta(days=1)
    assert ticket.resolution_due == NOW + timedelta(days=15)
    files = (await session.scalars(select(TicketAttachment))).all()
    assert [(f.ticket_id, f.file_id) for f in files] == [(ticket.id, "file-receipt-1")]
    grievance = await open_ticket(session, world, urgent=True)
    assert grievance.ticket.reference == f"GR-2026-{grievance.ticket.id:06d}"
    assert grievance.ticket.first_response_due == NOW + timedelta(hours=1)


@pytest.mark.parametrize(
    ("fields", "field", "reason"),
    [
        ({"admission_date": "2026-02-30"}, "admission_date", "bad_date"),
        ({"admission_date": "2027-01-01"}, "admission_date", "future_date"),
        ({"discharge_date": "2026-01-01"}, "discharge_date", "out_of_order"),
        ({"total_amount": "lots"}, "total_amount", "bad_amount"),
        ({"self_paid_amount": "-5"}, "self_paid_amount", "negative_amount"),
        ({"self_paid_amount": "20000"}, "total_amount", "out_of_order"),
        ({"hospital": "医" * 201}, "hospital", "too_long"),
        ({"hospital": "  "}, "hospital", "required"),
        ({"receipts": []}, "receipts", "required"),
        ({"colour": "red"}, "colour", "unknown_field"),
    ],
)
async def test_bad_answers_are_refused_and_nothing_is_filed(
    session: AsyncSession, world: World, fields: dict[str, object], field: str, reason: str
) -> None:
    good: dict[str, object] = {
        "hospital": "医院",
        "admission_date": "2026-02-01",
        "discharge_date": "2026-02-10",
        "total_amount": "12000",
        "self_paid_amount": "3500",
        "receipts": ["f1"],
    }
    with pytest.raises(InvalidInput) as refused:
        await open_ticket(
            session, world, kind="help", category="mutual-aid-claim", fields={**good, **fields}
        )
    assert (refused.value.field, refused.value.reason) == (field, reason)
    await session.rollback()
    assert await service.list_worker_tickets(session, world.me) == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"kind": "complaint"}, "kind"),
        ({"category": "legal-aid"}, "category"),  # a help category on a grievance
        ({"summary": "\x00\x01 "}, "summary"),
        ({"unit_key": "atlantis"}, "unit"),
    ],
)
async def test_bad_tickets_are_refused(
    session: AsyncSession, world: World, overrides: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await open_ticket(session, world, **overrides)
    assert refused.value.field == field


async def test_the_least_loaded_officer_gets_the_ticket_ties_by_id(
    session: AsyncSession, world: World
) -> None:
    acme1, acme2 = world.officer("acme1").officer_id, world.officer("acme2").officer_id
    holders = [(await open_ticket(session, world)).ticket.assignee_id for _ in range(4)]
    assert holders == [acme1, acme2, acme1, acme2]
    # A resolved ticket no longer counts as load.
    first = (await service.list_mine(session, world.officer("acme1")))[0].id
    await service.claim(session, world.officer("acme1"), first, NOW)
    await service.resolve(session, world.officer("acme1"), first, "ok", NOW)
    await session.commit()
    assert (await open_ticket(session, world)).ticket.assignee_id == acme1


async def test_no_active_officer_leaves_it_unassigned_and_tells_the_admins(
    session: AsyncSession, world: World
) -> None:
    for name in ("acme1", "acme2"):
        officer = await session.get(Officer, world.officer(name).officer_id)
        assert officer is not None
        officer.active = False
    await session.commit()
    opened = await open_ticket(session, world)
    assert opened.assignee is None
    assert opened.ticket.status is TicketStatus.NEW
    assert [o.id for o in opened.notify] == [world.officer("admin").officer_id]


async def test_an_unreachable_holder_means_the_queue_is_told(
    session: AsyncSession, world: World
) -> None:
    acme1 = await session.get(Officer, world.officer("acme1").officer_id)
    assert acme1 is not None
    account = await session.get(Person, acme1.person_id)
    assert account is not None
    account.reachable = False
    await session.commit()
    opened = await open_ticket(session, world)
    assert opened.assignee is not None
    assert opened.assignee.id == acme1.id  # still the least loaded
    assert [o.id for o in opened.notify] == [world.officer("acme2").officer_id]


async def test_queue_lists_most_urgent_first(session: AsyncSession, world: World) -> None:
    calm = (await open_ticket(session, world, category="other-grievance")).ticket.id
    soon = (await open_ticket(session, world, category="workplace-safety")).ticket.id
    urgent = (await open_ticket(session, world, category="other-grievance", urgent=True)).ticket.id
    queue = await service.list_queue(session, world.officer("acme2"))
    assert [t.id for t in queue] == [urgent, soon, calm]
    mine = await service.list_mine(session, world.officer("acme1"))
    assert {t.id for t in mine} <= {calm, soon, urgent}


async def test_queue_orders_by_the_nearest_unmet_deadline(
    session: AsyncSession, world: World
) -> None:
    # Answered, resolution in two days: its passed first-response time no longer counts.
    answered = (await open_ticket(session, world, category="other-grievance")).ticket.id
    # Not answered: the first response, in an hour, comes before its resolution in three days.
    unanswered = (await open_ticket(session, world, category="other-grievance")).ticket.id
    overdue = (await open_ticket(session, world, category="other-grievance")).ticket.id
    deadlines = {
        answered: (NOW - timedelta(hours=1), NOW, NOW + timedelta(days=2)),
        unanswered: (NOW + timedelta(hours=1), None, NOW + timedelta(days=3)),
        overdue: (NOW - timedelta(days=4), NOW - timedelta(days=4), NOW - timedelta(hours=1)),
    }
    for ticket_id, (first_due, first_at, resolution_due) in deadlines.items():
        await session.execute(
            update(Ticket)
            .where(Ticket.id == ticket_id)
            .values(
                first_response_due=first_due,
                first_response_at=first_at,
                resolution_due=resolution_due,
            )
        )
    await session.commit()
    queue = await service.list_queue(session, world.officer("acme2"))
    assert [t.id for t in queue] == [overdue, unanswered, answered]
    mine = await service.list_mine(session, world.officer("acme1"))
    assert [t.id for t in mine if t.id in deadlines] == [
        i for i in (overdue, unanswered, answered) if i in {t.id for t in mine}
    ]
