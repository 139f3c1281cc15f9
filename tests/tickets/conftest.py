"""A small union for ticket tests: the sample routing file applied, officers and workers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Officer, OfficerRole, Person, Queue, Ticket, TicketEvent
from handlers import SAMPLE_ROUTING_PATH
from handlers.routing import RoutingConfig, apply_routing, load_routing
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor, WorkerActor

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@dataclass
class World:
    routing: RoutingConfig
    worker: Person
    other_worker: Person
    officers: dict[str, Officer]
    # Ids kept apart from the rows, which tests expire to read the database afresh.
    actors: dict[str, OfficerActor]
    me: WorkerActor
    someone_else: WorkerActor

    def officer(self, name: str) -> OfficerActor:
        return self.actors[name]


def person(user_id: str, name: str) -> Person:
    return Person(
        platform="telegram",
        platform_user_id=user_id,
        chat_id=user_id,
        display_name=name,
        language="zh-CN",
        created_at=NOW,
        last_seen_at=NOW,
    )


async def queue(session: AsyncSession, key: str) -> Queue:
    found = await session.scalar(select(Queue).where(Queue.key == key))
    assert found is not None, key
    return found


# name -> queue keys; officers are created in this order, so ids follow it.
OFFICERS: dict[str, tuple[str, ...]] = {
    "acme1": ("acme-grievances",),
    "acme2": ("acme-grievances",),
    "park1": ("park-grievances",),
    "east1": ("east-grievances",),
    "legal1": ("city-legal-aid",),
    "city1": ("city-grievances", "default"),
}


@pytest.fixture
async def world(session: AsyncSession) -> World:
    config = load_routing(SAMPLE_ROUTING_PATH)
    await apply_routing(session, config)
    officers: dict[str, Officer] = {}
    for index, (name, queue_keys) in enumerate(OFFICERS.items()):
        queues = [await queue(session, key) for key in queue_keys]
        officers[name] = Officer(
            name=name, person=person(f"9{index}", name), queues=queues, created_at=NOW
        )
        session.add(officers[name])
        await session.flush()
    officers["admin"] = Officer(
        name="admin", role=OfficerRole.ADMIN, person=person("99", "admin"), queues=[]
    )
    worker, other = person("1", "张三"), person("2", "李四")
    session.add_all([officers["admin"], worker, other])
    await session.commit()
    actors = {
        name: OfficerActor(o.id, o.role == OfficerRole.ADMIN) for name, o in officers.items()
    }
    return World(
        config, worker, other, officers, actors, WorkerActor(worker.id), WorkerActor(other.id)
    )


async def open_ticket(
    session: AsyncSession, world: World, **overrides: Any
) -> service.OpenedTicket:
    worker = await session.get(Person, world.me.person_id, populate_existing=True)
    arguments: dict[str, Any] = {
        "worker": worker,
        "kind": "grievance",
        "category": "facilities",
        "summary": "3号门的路灯坏了",
        "fields": {},
        "anonymous": False,
        "unit_key": "acme-logistics",
        "workplace": "仓库",
        "language": "zh-CN",
        "now": NOW,
        "routing": world.routing,
    }
    arguments.update(overrides)
    opened = await service.open_ticket(session, **arguments)
    await session.commit()
    return opened


async def snapshot(session: AsyncSession, ticket_id: int) -> Mapping[str, Any]:
    """What a person would notice of a ticket, read fresh from the database."""
    session.expire_all()
    ticket = await session.get(Ticket, ticket_id)
    assert ticket is not None
    events = await session.scalar(
        select(func.count(TicketEvent.id)).where(TicketEvent.ticket_id == ticket_id)
    )
    return {
        "status": ticket.status,
        "assignee_id": ticket.assignee_id,
        "queue_id": ticket.queue_id,
        "satisfaction": ticket.satisfaction,
        "resolved_at": ticket.resolved_at,
        "updated_at": ticket.updated_at,
        "events": events,
    }


async def events_of(session: AsyncSession, ticket_id: int) -> list[TicketEvent]:
    rows = await session.scalars(
        select(TicketEvent).where(TicketEvent.ticket_id == ticket_id).order_by(TicketEvent.id)
    )
    return list(rows.all())
