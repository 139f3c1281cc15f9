"""The routing file: validation, each kind of rule, the default queue, applying it twice."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.cli import main
from db.models import Queue, Unit
from handlers import SAMPLE_ROUTING_PATH
from handlers.routing import (
    DEFAULT_QUEUE_KEY,
    RoutingError,
    apply_routing,
    load_routing,
    parse_routing,
)
from tests.tickets.conftest import NOW, World, open_ticket

ACME_CHAIN = ["acme-logistics", "hitech-park", "east-district", "demo-city"]


def test_the_sample_file_is_valid() -> None:
    config = load_routing(SAMPLE_ROUTING_PATH)
    assert DEFAULT_QUEUE_KEY in {q.key for q in config.queues}
    assert config.sla_for("workplace-safety").first_response == timedelta(hours=2)
    # A category without an override keeps its built-in deadlines.
    assert config.sla_for("legal-aid").resolution == timedelta(days=7)


@pytest.mark.parametrize(
    ("kind", "category", "chain", "text", "queue"),
    [
        # kind + category
        ("help", "legal-aid", ACME_CHAIN, "", "city-legal-aid"),
        ("help", "small-loan", [], "", "city-hardship"),
        # unit: the ticket's own unit, and a unit above it
        ("grievance", "wages", ACME_CHAIN, "", "acme-grievances"),
        ("grievance", "wages", ["bright-electronics", *ACME_CHAIN[1:]], "", "park-grievances"),
        (
            "grievance",
            "wages",
            ["riverside-textiles", "west-district", "demo-city"],
            "",
            "west-grievances",
        ),
        # keywords, case-insensitive and full-width tolerant
        ("grievance", "workplace-safety", ACME_CHAIN, "仓库起火了", "east-grievances"),
        ("grievance", "workplace-safety", ACME_CHAIN, "ＦＩＲＥ at dock 2", "east-grievances"),
        ("grievance", "workplace-safety", ACME_CHAIN, "地面很滑", "acme-grievances"),
        # the catch-all rule, and nothing matching at all
        ("grievance", "other-grievance", [], "", "city-grievances"),
        ("help", "other-help", [], "", DEFAULT_QUEUE_KEY),
    ],
)
def test_route(kind: str, category: str, chain: list[str], text: str, queue: str) -> None:
    config = load_routing(SAMPLE_ROUTING_PATH)
    assert config.route(kind=kind, category=category, unit_chain=chain, text=text).queue == queue


def test_the_first_matching_rule_wins() -> None:
    document = yaml.safe_load(SAMPLE_ROUTING_PATH.read_text(encoding="utf-8"))
    document["rules"].insert(0, {"kind": "grievance", "queue": "west-grievances"})
    config = parse_routing(document)
    route = config.route(kind="grievance", category="wages", unit_chain=ACME_CHAIN)
    assert route.queue == "west-grievances"
    assert route.rule is not None
    assert route.rule.position == 1


def test_every_problem_is_reported_at_once_with_where_it_is(tmp_path: Path) -> None:
    path = tmp_path / "routing.yaml"
    path.write_text(
        """
units:
  - {key: city, name: City, kind: city}
  - {key: city, name: Again, kind: city}
  - {key: shop, name: Shop, kind: enterprise, parent: nowhere}
  - {key: big, name: Big, kind: city, parent: city}
queues:
  - {key: q1, name: Q1, unit: atlantis}
default_queue: {name: General, unit: city}
rules:
  - {queue: q9, category: wages}
  - {queue: q1, kind: help, category: wages, colour: red}
sla:
  wages: {first_response: 2 weeks, resolution: 1d}
  parking: {first_response: 1h, resolution: 1d}
""",
        encoding="utf-8",
    )
    with pytest.raises(RoutingError) as error:
        load_routing(path)
    where = {p.where for p in error.value.problems}
    assert where >= {
        "units[1].key",
        "units[2] (shop).parent",
        "units[3] (big).parent",
        "queues[0].unit",
        "rules[0].queue",
        "rules[1].category",
        "rules[1].colour",
        "sla.wages.first_response",
        "sla.parking",
    }


def test_a_file_that_is_not_yaml_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "routing.yaml"
    path.write_text("units: [unclosed\n", encoding="utf-8")
    with pytest.raises(RoutingError, match="not valid YAML"):
        load_routing(path)


def test_routing_check_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["routing", "check", str(SAMPLE_ROUTING_PATH)]) == 0
    assert "OK" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text("units: []\nqueues: []\nrules: []\n", encoding="utf-8")
    assert main(["routing", "check", str(bad)]) == 1
    assert "default_queue" in capsys.readouterr().err


async def test_apply_routing_is_idempotent_and_updates_by_key(session: AsyncSession) -> None:
    config = load_routing(SAMPLE_ROUTING_PATH)
    await apply_routing(session, config)
    await apply_routing(session, config)
    await session.commit()
    units = await session.scalar(select(func.count(Unit.id)))
    queues = await session.scalar(select(func.count(Queue.id)))
    assert (units, queues) == (len(config.units), len(config.queues))

    document = yaml.safe_load(SAMPLE_ROUTING_PATH.read_text(encoding="utf-8"))
    document["queues"][0]["name"] = "Renamed"
    await apply_routing(session, parse_routing(document))
    await session.commit()
    renamed = await session.scalar(select(Queue).where(Queue.key == "city-grievances"))
    assert renamed is not None
    assert renamed.name == "Renamed"
    park = await session.scalar(select(Unit).where(Unit.key == "hitech-park"))
    east = await session.scalar(select(Unit).where(Unit.key == "east-district"))
    assert park is not None
    assert east is not None
    assert park.parent_id == east.id


async def test_a_ticket_lands_in_the_routed_queue(session: AsyncSession, world: World) -> None:
    opened = await open_ticket(
        session,
        world,
        kind="help",
        category="legal-aid",
        fields={"employer": "顺达物流", "dispute_kind": "wages"},
    )
    assert opened.queue.key == "city-legal-aid"
    assert opened.assignee is not None
    assert opened.assignee.id == world.officer("legal1").officer_id


async def test_two_routings_in_one_process_each_route_their_own_tickets(
    session: AsyncSession, world: World
) -> None:
    document = yaml.safe_load(SAMPLE_ROUTING_PATH.read_text(encoding="utf-8"))
    document["rules"] = [{"queue": "city-grievances"}]
    document["sla"] = {"facilities": {"first_response": "1h", "resolution": "2h"}}
    other = parse_routing(document)
    await apply_routing(session, other)  # applying a routing changes no one else's
    first = await open_ticket(session, world)
    second = await open_ticket(session, world, routing=other)
    third = await open_ticket(session, world)
    assert [t.queue.key for t in (first, second, third)] == [
        "acme-grievances",
        "city-grievances",
        "acme-grievances",
    ]
    assert second.ticket.resolution_due == NOW + timedelta(hours=2)
    assert first.ticket.resolution_due != second.ticket.resolution_due
