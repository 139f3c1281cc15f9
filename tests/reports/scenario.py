"""One month of a union's tickets and questions, made through the real use cases.

March 2026 in Asia/Shanghai. Worker 张三 (Telegram 770011) works at acme-logistics,
worker 李四 (Telegram 880022) at riverside-textiles. Times are local.

  T5 facilities  acme   Feb 20, resolved Mar 3                (opened before the period)
  T1 facilities  acme   Mar 1 00:10, anonymous; reply +2h, resolved +26h, confirmed, rated 4
  T2 facilities  acme   Mar 5 10:00; reply +6h, resolved +50h, reopened, resolved +74h, rated 2
  T3 wages       swift  Mar 10 09:00; nobody answers, escalated Mar 11 14:00
  T4 legal-aid   acme   Mar 15 09:00 (help); reply +1h, still in progress
  T6 facilities  river  Mar 16 10:00, by 李四; nobody answers
  T7 other       -      Apr 1 00:30 (after the period)

Questions: four misses in March (the one on Mar 6 was offered suggestions) and one in
April; three answers in March: Mar 2 rated helpful, Mar 9 rated not helpful, Mar 10 picked
from suggestions and not rated.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import make_url, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import create_engine, create_sessionmaker
from db.models import Base, Officer, OfficerRole, Person, Queue
from db.repositories.faq_misses import record_answer, record_feedback, record_unanswered
from handlers import SAMPLE_ROUTING_PATH
from handlers.routing import RoutingConfig, apply_routing, load_routing
from handlers.tickets import jobs, service
from handlers.tickets.authz import OfficerActor, WorkerActor

T = TypeVar("T")
ZONE = ZoneInfo("Asia/Shanghai")
# When the report is read: every open ticket of March is past some deadline.
NOW = datetime(2026, 4, 2, 12, 0, tzinfo=ZONE).astimezone(UTC)
WORKER_NAMES = ("张三", "李四")
WORKER_IDS = ("770011", "880022")
T2_SUMMARY = "3号门路灯坏了好几天了，我是张三，电话13812345678"


async def fill_database(url: str, fill: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """The database at `url` emptied, then filled by `fill` (for tests of the CLI, which
    opens the database itself)."""
    engine = create_engine(url)
    try:
        if make_url(url).get_backend_name() == "postgresql":
            async with engine.begin() as conn:
                tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
                await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        async with create_sessionmaker(engine)() as session:
            return await fill(session)
    finally:
        await engine.dispose()


def local(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=ZONE).astimezone(UTC)


@dataclass
class Scenario:
    routing: RoutingConfig
    references: dict[str, str]


def _person(user_id: str, name: str) -> Person:
    at = local(1, 1, 0)
    return Person(
        platform="telegram",
        platform_user_id=user_id,
        chat_id=user_id,
        display_name=name,
        language="zh-CN",
        created_at=at,
        last_seen_at=at,
    )


class _Union:
    def __init__(self, session: AsyncSession, routing: RoutingConfig) -> None:
        self.session = session
        self.routing = routing
        self.officers: dict[str, OfficerActor] = {}
        self.workers: dict[str, WorkerActor] = {}
        self.references: dict[str, str] = {}
        self.ids: dict[str, int] = {}

    async def add_officer(self, name: str, queue_keys: tuple[str, ...], user_id: str) -> None:
        queues = list(await self.session.scalars(select(Queue).where(Queue.key.in_(queue_keys))))
        officer = Officer(
            name=name,
            role=OfficerRole.OFFICER if queue_keys else OfficerRole.ADMIN,
            person=_person(user_id, name),
            queues=queues,
            created_at=local(1, 1, 0),
        )
        self.session.add(officer)
        await self.session.flush()
        self.officers[name] = OfficerActor(officer.id, not queue_keys)

    async def add_worker(self, name: str, user_id: str) -> None:
        worker = _person(user_id, name)
        self.session.add(worker)
        await self.session.flush()
        self.workers[name] = WorkerActor(worker.id)

    async def open(self, label: str, worker: str, at: datetime, **ticket: Any) -> None:
        person = await self.session.get(
            Person, self.workers[worker].person_id, populate_existing=True
        )
        assert person is not None
        arguments: dict[str, Any] = {
            "kind": "grievance",
            "fields": {},
            "anonymous": False,
            "workplace": None,
            "language": "zh-CN",
            **ticket,
        }
        opened = await service.open_ticket(
            self.session, worker=person, now=at, routing=self.routing, **arguments
        )
        self.ids[label] = opened.ticket.id
        self.references[label] = opened.ticket.ref
        await self.session.commit()


async def populate(session: AsyncSession) -> Scenario:
    routing = load_routing(SAMPLE_ROUTING_PATH)
    await apply_routing(session, routing)
    union = _Union(session, routing)
    await union.add_officer("王干事", ("acme-grievances",), "900001")
    await union.add_officer("赵律师", ("city-legal-aid",), "900002")
    await union.add_officer("钱主任", ("city-grievances", "default"), "900003")
    await union.add_officer("管理员", (), "900009")
    for name, user_id in zip(WORKER_NAMES, WORKER_IDS, strict=True):
        await union.add_worker(name, user_id)
    await session.commit()
    acme, legal = union.officers["王干事"], union.officers["赵律师"]
    zhang = union.workers["张三"]

    async def step(action: Any, *args: Any, **kwargs: Any) -> None:
        await action(session, *args, **kwargs)
        await session.commit()

    facilities = {"category": "facilities", "unit_key": "acme-logistics"}
    t5 = local(2, 20, 9)
    await union.open("T5", "张三", t5, summary="仓库屋顶漏水", **facilities)
    await step(service.reply, acme, union.ids["T5"], "收到", t5 + timedelta(hours=1))
    await step(service.resolve, acme, union.ids["T5"], "已修好", local(3, 3, 11))

    t1 = local(3, 1, 0, 10)
    await union.open("T1", "张三", t1, summary="3号门的路灯坏了", anonymous=True, **facilities)
    await step(service.reply, acme, union.ids["T1"], "马上安排", t1 + timedelta(hours=2))
    await step(service.resolve, acme, union.ids["T1"], "已更换灯泡", t1 + timedelta(hours=26))
    await step(service.confirm, zhang, union.ids["T1"], t1 + timedelta(hours=27))
    await step(service.rate, zhang, union.ids["T1"], 4, t1 + timedelta(hours=27))

    t2 = local(3, 5, 10)
    await union.open("T2", "张三", t2, summary=T2_SUMMARY, **facilities)
    await step(service.claim, acme, union.ids["T2"], t2 + timedelta(hours=4))
    await step(service.reply, acme, union.ids["T2"], "在处理", t2 + timedelta(hours=6))
    await step(service.resolve, acme, union.ids["T2"], "已报修", t2 + timedelta(hours=50))
    await step(
        service.reopen, zhang, union.ids["T2"], "还是不亮", t2 + timedelta(hours=52),
        routing=routing,
    )  # fmt: skip
    await step(service.claim, acme, union.ids["T2"], t2 + timedelta(hours=73))
    await step(service.resolve, acme, union.ids["T2"], "已更换线路", t2 + timedelta(hours=74))
    await step(service.rate, zhang, union.ids["T2"], 2, t2 + timedelta(hours=74))

    t3 = local(3, 10, 9)
    await union.open(
        "T3", "张三", t3, category="wages", summary="骑手工资拖欠两个月",
        fields={"employer": "快送"}, unit_key="swift-delivery",
    )  # fmt: skip
    escalated = await jobs.escalate_overdue(session, local(3, 11, 14), routing=routing)
    assert [e.ticket.id for e in escalated] == [union.ids["T3"]]
    await session.commit()

    t4 = local(3, 15, 9)
    await union.open(
        "T4", "张三", t4, kind="help", category="legal-aid", summary="被无故辞退",
        fields={"employer": "顺达物流", "dispute_kind": "dismissal"}, unit_key="acme-logistics",
    )  # fmt: skip
    await step(service.reply, legal, union.ids["T4"], "请提供合同", t4 + timedelta(hours=1))

    await union.open(
        "T6", "李四", local(3, 16, 10), category="facilities", summary="食堂饭菜太贵了",
        unit_key="riverside-textiles",
    )  # fmt: skip
    await union.open(
        "T7", "张三", local(4, 1, 0, 30), category="other-grievance", summary="四月的事",
        unit_key=None,
    )  # fmt: skip
    await _questions(session, union)
    await session.commit()
    return Scenario(routing, union.references)


async def _questions(session: AsyncSession, union: _Union) -> None:
    zhang = union.workers["张三"].person_id
    li = union.workers["李四"].person_id
    asked = [
        (zhang, "zh-CN", "食堂几点开门？", 20.0, "canteen-hours", local(3, 3, 9)),
        (li, "zh-CN", "你好，请问食堂几点开门", 25.0, "canteen-hours", local(3, 4, 9)),
        (zhang, "zh-CN", "食堂 几点开门！", 18.0, "canteen-menu", local(3, 6, 9)),
        (None, "en", "How do I join the union?", 12.0, None, local(3, 7, 9)),
        (li, "zh-CN", "食堂几点开门", 22.0, "canteen-hours", local(4, 1, 9)),  # April
    ]
    for person_id, language, question, score, entry, at in asked:
        record_unanswered(
            session,
            person_id=person_id,
            language=language,
            text=question,
            score=score,
            best_entry_id=entry,
            now=at,
            suggested=at.day == 6,
        )
    answered = [
        (zhang, "互助金怎么报", "mutual-aid-claim-online", "match", local(3, 2, 9), True),
        (li, "年假有几天", "annual-leave", "match", local(3, 9, 9), False),
        (li, "报销", "mutual-aid-cap", "suggestion", local(3, 10, 9), None),
    ]
    for person_id, question, entry, via, at, helpful in answered:
        record_answer(
            session,
            person_id=person_id,
            language="zh-CN",
            text=question,
            entry_id=entry,
            via=via,
            now=at,
        )
        if helpful is not None:
            assert await record_feedback(
                session, person_id=person_id, entry_id=entry, helpful=helpful
            )
