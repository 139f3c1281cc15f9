"""The routing file: the union's structure, its queues, and which queue gets which ticket.

A YAML file (see sample_routing.yaml) with five sections:

    units:          the union tree, each {key, name, kind, parent}; kinds are city >
                    district > park > enterprise and a unit's parent is of a higher kind
    queues:         each {key, name, unit}; a queue belongs to one unit
    default_queue:  {name, unit}: the queue (key "default") for tickets no rule matches
    rules:          each {queue, and any of: kind, category, unit, keywords, name};
                    a value may be one item or a list (any of them matches)
    sla:            optional per-category deadlines {category: {first_response, resolution}}
                    as durations like 30m, 4h, 3d

Rules are tried in file order and the FIRST rule whose every condition holds wins:
`kind` and `category` match the ticket's; `unit` matches a ticket from that unit or from
any unit below it; `keywords` match when any of them occurs in the ticket's summary or
text fields (case-insensitive). A rule with no condition matches everything, so it
belongs last. No match: the default queue.

Loading checks everything and reports every problem at once, each with where it is.
`apply_routing` writes units and queues into the database by key (idempotent; the app
calls it at start). There is no process-wide routing: whoever routes or times a ticket
is handed the RoutingConfig the app loaded.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Queue, TicketKind, Unit, UnitKind
from handlers.categories import CATEGORIES

DEFAULT_QUEUE_KEY = "default"

# Units, queues and categories: 1-64 lowercase letters, digits or "-" (use `fullmatch`).
KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
_DURATION = re.compile(r"^\s*(\d+)\s*([mhd])\s*$")
_SECTIONS = {"units", "queues", "default_queue", "rules", "sla"}
_RULE_KEYS = {"name", "queue", "kind", "category", "unit", "keywords"}


@dataclass(frozen=True, slots=True)
class UnitSpec:
    key: str
    name: str
    kind: UnitKind
    parent: str | None


@dataclass(frozen=True, slots=True)
class QueueSpec:
    key: str
    name: str
    unit: str


@dataclass(frozen=True, slots=True)
class Rule:
    position: int  # 1-based, as a person counts rules in the file
    queue: str
    name: str | None = None
    kinds: frozenset[str] = frozenset()
    categories: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    keywords: tuple[str, ...] = ()

    def matches(self, kind: str, category: str, unit_chain: Sequence[str], text: str) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        if self.categories and category not in self.categories:
            return False
        if self.units and self.units.isdisjoint(unit_chain):
            return False
        return not self.keywords or any(word in text for word in self.keywords)


@dataclass(frozen=True, slots=True)
class Sla:
    first_response: timedelta
    resolution: timedelta


@dataclass(frozen=True, slots=True)
class Route:
    queue: str
    rule: Rule | None  # None: the default queue


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    units: tuple[UnitSpec, ...]
    queues: tuple[QueueSpec, ...]
    rules: tuple[Rule, ...]
    sla: Mapping[str, Sla]
    source: str = "<memory>"

    def route(
        self, *, kind: str, category: str, unit_chain: Sequence[str], text: str = ""
    ) -> Route:
        """The queue for a ticket; `unit_chain` is its unit key then the ancestors' keys."""
        folded = normalize_text(text)
        for rule in self.rules:
            if rule.matches(kind, category, unit_chain, folded):
                return Route(rule.queue, rule)
        return Route(DEFAULT_QUEUE_KEY, None)

    def sla_for(self, category: str) -> Sla:
        override = self.sla.get(category)
        if override is not None:
            return override
        spec = CATEGORIES[category]
        return Sla(spec.first_response, spec.resolution)


@dataclass(frozen=True, slots=True)
class Problem:
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


class RoutingError(ValueError):
    """A routing file with problems; `problems` lists every one of them."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(f"{source}: {len(problems)} problem(s)\n{lines}")
        self.source = source
        self.problems = tuple(problems)


def normalize_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def load_routing(path: Path | str) -> RoutingConfig:
    """Read and validate a routing file; RoutingError lists every problem found."""
    source = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise RoutingError(source, [Problem("file", f"cannot read: {exc.strerror}")]) from exc
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "file"
        raise RoutingError(source, [Problem(where, f"not valid YAML: {exc}")]) from exc
    return parse_routing(data, source=source)


def parse_routing(data: object, *, source: str = "<memory>") -> RoutingConfig:
    """Validate an already-parsed routing document (see the module docstring)."""
    problems: list[Problem] = []
    if not isinstance(data, Mapping):
        raise RoutingError(source, [Problem("file", "must be a mapping of sections")])
    problems.extend(
        Problem(str(key), f"unknown section (expected one of {', '.join(sorted(_SECTIONS))})")
        for key in data
        if key not in _SECTIONS
    )
    units = _parse_units(data.get("units"), problems)
    unit_keys = {u.key for u in units}
    queues = _parse_queues(data.get("queues"), data.get("default_queue"), unit_keys, problems)
    queue_keys = {q.key for q in queues}
    rules = _parse_rules(data.get("rules"), unit_keys, queue_keys, problems)
    sla = _parse_sla(data.get("sla"), problems)
    if problems:
        raise RoutingError(source, problems)
    return RoutingConfig(tuple(units), tuple(queues), tuple(rules), sla, source)


def _items(value: object, where: str, problems: list[Problem]) -> list[Mapping[str, Any]]:
    if value is None:
        problems.append(Problem(where, "missing (a list is required)"))
        return []
    if not isinstance(value, list):
        problems.append(Problem(where, "must be a list"))
        return []
    items: list[Mapping[str, Any]] = []
    for index, item in enumerate(value):
        if isinstance(item, Mapping):
            items.append(item)
        else:
            problems.append(Problem(f"{where}[{index}]", "must be a mapping"))
            items.append({})
    return items


def _string(
    item: Mapping[str, Any], name: str, where: str, problems: list[Problem], *, key: bool = False
) -> str:
    value = item.get(name)
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(f"{where}.{name}", "missing or empty"))
        return ""
    if key and not KEY.fullmatch(value):
        problems.append(Problem(f"{where}.{name}", f"{value!r} is not a key ([a-z0-9-], ≤64)"))
    return value.strip()


def _unknown_keys(
    item: Mapping[str, Any], allowed: Iterable[str], where: str, problems: list[Problem]
) -> None:
    allowed_set = set(allowed)
    problems.extend(
        Problem(f"{where}.{name}", "unknown key") for name in item if name not in allowed_set
    )


def _parse_units(value: object, problems: list[Problem]) -> list[UnitSpec]:
    units: list[UnitSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(_items(value, "units", problems)):
        where = f"units[{index}]"
        _unknown_keys(item, ("key", "name", "kind", "parent"), where, problems)
        key = _string(item, "key", where, problems, key=True)
        name = _string(item, "name", where, problems)
        kind_raw = item.get("kind")
        try:
            kind = UnitKind(str(kind_raw))
        except ValueError:
            kinds = ", ".join(k.value for k in UnitKind)
            problems.append(Problem(f"{where}.kind", f"{kind_raw!r} is not one of {kinds}"))
            kind = UnitKind.ENTERPRISE
        parent = item.get("parent")
        if parent is not None and not isinstance(parent, str):
            problems.append(Problem(f"{where}.parent", "must be a unit key"))
            parent = None
        if key in seen:
            problems.append(Problem(f"{where}.key", f"duplicate unit key {key!r}"))
        seen.add(key)
        units.append(UnitSpec(key, name, kind, parent))
    by_key = {u.key: u for u in units}
    for index, unit in enumerate(units):
        where = f"units[{index}] ({unit.key})"
        if unit.parent is None:
            continue
        parent_spec = by_key.get(unit.parent)
        if parent_spec is None:
            problems.append(Problem(f"{where}.parent", f"unknown unit {unit.parent!r}"))
        elif parent_spec.kind.rank <= unit.kind.rank:
            problems.append(
                Problem(
                    f"{where}.parent",
                    f"a {unit.kind.value} cannot sit under a {parent_spec.kind.value}",
                )
            )
    return units


def _parse_queues(
    value: object,
    default: object,
    unit_keys: set[str],
    problems: list[Problem],
) -> list[QueueSpec]:
    queues: list[QueueSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(_items(value, "queues", problems)):
        where = f"queues[{index}]"
        _unknown_keys(item, ("key", "name", "unit"), where, problems)
        key = _string(item, "key", where, problems, key=True)
        if key == DEFAULT_QUEUE_KEY:
            problems.append(Problem(f"{where}.key", "'default' is set by default_queue"))
        if key in seen:
            problems.append(Problem(f"{where}.key", f"duplicate queue key {key!r}"))
        seen.add(key)
        queues.append(_queue(key, item, where, unit_keys, problems))
    if not isinstance(default, Mapping):
        problems.append(Problem("default_queue", "missing (a mapping with name and unit)"))
    else:
        _unknown_keys(default, ("name", "unit"), "default_queue", problems)
        queues.append(_queue(DEFAULT_QUEUE_KEY, default, "default_queue", unit_keys, problems))
    return queues


def _queue(
    key: str, item: Mapping[str, Any], where: str, unit_keys: set[str], problems: list[Problem]
) -> QueueSpec:
    name = _string(item, "name", where, problems)
    unit = _string(item, "unit", where, problems)
    if unit and unit not in unit_keys:
        problems.append(Problem(f"{where}.unit", f"unknown unit {unit!r}"))
    return QueueSpec(key, name, unit)


def _string_set(
    value: object, where: str, allowed: Iterable[str] | None, problems: list[Problem]
) -> frozenset[str]:
    if value is None:
        return frozenset()
    values = value if isinstance(value, list) else [value]
    if not values or not all(isinstance(v, str) and v for v in values):
        problems.append(Problem(where, "must be a non-empty string or list of strings"))
        return frozenset()
    if allowed is not None:
        allowed_set = set(allowed)
        problems.extend(Problem(where, f"unknown {v!r}") for v in values if v not in allowed_set)
    return frozenset(values)


def _parse_rules(
    value: object, unit_keys: set[str], queue_keys: set[str], problems: list[Problem]
) -> list[Rule]:
    rules: list[Rule] = []
    for index, item in enumerate(_items(value, "rules", problems)):
        where = f"rules[{index}]"
        _unknown_keys(item, _RULE_KEYS, where, problems)
        queue = _string(item, "queue", where, problems)
        if queue and queue not in queue_keys:
            problems.append(Problem(f"{where}.queue", f"unknown queue {queue!r}"))
        name = item.get("name")
        kinds = _string_set(
            item.get("kind"), f"{where}.kind", [k.value for k in TicketKind], problems
        )
        categories = _string_set(item.get("category"), f"{where}.category", CATEGORIES, problems)
        problems.extend(
            Problem(f"{where}.category", f"{c!r} is not a category of kind {sorted(kinds)}")
            for c in categories
            if kinds and c in CATEGORIES and CATEGORIES[c].kind.value not in kinds
        )
        units = _string_set(item.get("unit"), f"{where}.unit", unit_keys, problems)
        words = _string_set(item.get("keywords"), f"{where}.keywords", None, problems)
        rules.append(
            Rule(
                position=index + 1,
                queue=queue,
                name=name if isinstance(name, str) else None,
                kinds=kinds,
                categories=categories,
                units=units,
                keywords=tuple(sorted(normalize_text(w) for w in words)),
            )
        )
    return rules


def _duration(value: object, where: str, problems: list[Problem]) -> timedelta:
    found = _DURATION.match(value) if isinstance(value, str) else None
    if found is None or int(found.group(1)) == 0:
        problems.append(Problem(where, f"{value!r} is not a duration like 30m, 4h or 3d"))
        return timedelta(hours=1)
    amount, unit = int(found.group(1)), found.group(2)
    return {"m": timedelta(minutes=amount), "h": timedelta(hours=amount)}.get(
        unit, timedelta(days=amount)
    )


def _parse_sla(value: object, problems: list[Problem]) -> dict[str, Sla]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(Problem("sla", "must be a mapping of category to deadlines"))
        return {}
    sla: dict[str, Sla] = {}
    for category, item in value.items():
        where = f"sla.{category}"
        if category not in CATEGORIES:
            problems.append(Problem(where, "unknown category"))
            continue
        if not isinstance(item, Mapping):
            problems.append(Problem(where, "must have first_response and resolution"))
            continue
        _unknown_keys(item, ("first_response", "resolution"), where, problems)
        first = _duration(item.get("first_response"), f"{where}.first_response", problems)
        resolution = _duration(item.get("resolution"), f"{where}.resolution", problems)
        if first > resolution:
            problems.append(Problem(where, "first_response is later than resolution"))
        sla[str(category)] = Sla(first, resolution)
    return sla


async def apply_routing(session: AsyncSession, config: RoutingConfig) -> None:
    """Upsert the file's units and queues by key.

    Units and queues missing from the file are left alone: old tickets still point at them.
    """
    existing = {u.key: u for u in (await session.scalars(select(Unit))).all()}
    for spec in _parents_first(config.units):
        unit = existing.get(spec.key)
        if unit is None:
            unit = Unit(key=spec.key)
            session.add(unit)
            existing[spec.key] = unit
        unit.name = spec.name
        unit.kind = spec.kind
        unit.parent_id = None
        if spec.parent is not None:
            # The parent may be new in this run: flushing gives it its id.
            await session.flush()
            unit.parent_id = existing[spec.parent].id
    await session.flush()
    queues = {q.key: q for q in (await session.scalars(select(Queue))).all()}
    for qspec in config.queues:
        queue = queues.get(qspec.key)
        if queue is None:
            queue = Queue(key=qspec.key)
            session.add(queue)
        queue.name = qspec.name
        queue.unit_id = existing[qspec.unit].id
    await session.flush()


def _parents_first(units: Sequence[UnitSpec]) -> list[UnitSpec]:
    ordered: list[UnitSpec] = []
    placed: set[str] = set()
    pending = list(units)
    while pending:
        ready = [u for u in pending if u.parent is None or u.parent in placed]
        if not ready:
            msg = f"units with unknown or circular parents: {[u.key for u in pending]}"
            raise ValueError(msg)
        ordered.extend(ready)
        placed.update(u.key for u in ready)
        pending = [u for u in pending if u.key not in placed]
    return ordered
