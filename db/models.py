"""The database schema: SQLAlchemy 2 typed models for everything Workerbot keeps.

Rows only; rules about who may change what, and how, live in `handlers`.
Times are stored as UTC and always come back timezone-aware, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    ColumnElement,
    DateTime,
    Dialect,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    case,
    or_,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite drops the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = "naive datetime given to the database; use an aware UTC datetime"
            raise ValueError(msg)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


def _str_enum(enum_class: type[enum.Enum]) -> Enum:
    # Stored as plain strings: adding a value later needs no ALTER TYPE on PostgreSQL.
    return Enum(
        enum_class,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class UnitKind(enum.StrEnum):
    ENTERPRISE = "enterprise"
    PARK = "park"
    DISTRICT = "district"
    CITY = "city"

    @property
    def rank(self) -> int:
        """Declaration order, smallest first: a unit sits only under a higher-ranked one."""
        return list(UnitKind).index(self)


class OfficerRole(enum.StrEnum):
    OFFICER = "officer"
    ADMIN = "admin"


class TicketKind(enum.StrEnum):
    GRIEVANCE = "grievance"
    HELP = "help"


class TicketStatus(enum.StrEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    WAITING_WORKER = "waiting_worker"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLOSED = "closed"


class ActorKind(enum.StrEnum):
    WORKER = "worker"
    OFFICER = "officer"
    SYSTEM = "system"


class MessageVisibility(enum.StrEnum):
    # A relayed message both sides see, or an officers-only internal note.
    THREAD = "thread"
    INTERNAL = "internal"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class AnnouncementStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    SENDING = "sending"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    DONE = "done"


class SurveyStatus(enum.StrEnum):
    DRAFT = "draft"  # built, not sent
    OPEN = "open"  # sent (or to be sent), taking answers until it closes
    CLOSED = "closed"


class RecipientStatus(enum.StrEnum):
    # Not handed to delivery yet; QUEUED ones have an outbox row, which tells the outcome.
    PENDING = "pending"
    QUEUED = "queued"


class CaseStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class Unit(Base):
    """A union body: enterprise union, park federation, district or city federation."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(_str_enum(UnitKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="raise")
    queues: Mapped[list[Queue]] = relationship(back_populates="unit", lazy="raise")


class Person(Base):
    """Somebody who talks to the bot on a messenger: a worker, and an officer's account."""

    __tablename__ = "people"
    __table_args__ = (UniqueConstraint("platform", "platform_user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    platform_user_id: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str | None] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(16))
    # Set once the person picked a language with /lang; until then it follows the messenger.
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    # Workplace remembered from the last form, offered again next time.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    workplace: Mapped[str | None] = mapped_column(String(200))
    # False after the messenger told us the person blocked the bot (Telegram 403).
    reachable: Mapped[bool] = mapped_column(Boolean, default=True)
    # False after /unsubscribe or the button under an announcement: no more announcements.
    subscribed: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when the person's data was erased (on request or by retention); the row stays,
    # blank, so their tickets remain as anonymous facts.
    erased_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship(lazy="raise")


queue_officers = Table(
    "queue_officers",
    Base.metadata,
    Column("queue_id", ForeignKey("queues.id", ondelete="CASCADE"), primary_key=True),
    Column("officer_id", ForeignKey("officers.id", ondelete="CASCADE"), primary_key=True),
)


class Officer(Base):
    """A union officer or admin, linked to a messenger account by id or invite code."""

    __tablename__ = "officers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[OfficerRole] = mapped_column(_str_enum(OfficerRole), default=OfficerRole.OFFICER)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"), unique=True)
    # Only a hash is kept, so a database dump does not hand out working invite codes.
    invite_code_hash: Mapped[str | None] = mapped_column(String(128), unique=True)
    invite_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person | None] = relationship(lazy="raise")
    queues: Mapped[list[Queue]] = relationship(
        secondary=queue_officers, back_populates="officers", lazy="raise"
    )


class Queue(Base):
    """Where tickets wait for officers; belongs to a unit."""

    __tablename__ = "queues"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # Officers' forum group for this queue (one topic per ticket), if the union uses one,
    # and the messenger it is on.
    group_chat_id: Mapped[str | None] = mapped_column(String(64))
    group_platform: Mapped[str | None] = mapped_column(String(32))

    unit: Mapped[Unit] = relationship(back_populates="queues", lazy="raise")
    officers: Mapped[list[Officer]] = relationship(
        secondary=queue_officers, back_populates="queues", lazy="raise"
    )


class Ticket(Base):
    __tablename__ = "tickets"
    __table_args__ = (
        Index("ix_tickets_queue_open", "queue_id", "status", "resolution_due"),
        Index("ix_tickets_assignee_status", "assignee_id", "status"),
        Index("ix_tickets_worker", "worker_id", "created_at"),
        # An officer's message in a group topic is looked up by the topic it was written in.
        Index("ix_tickets_topic", "topic_chat_id", "topic_thread_id"),
        # Retention looks for tickets closed before its cut-off.
        Index("ix_tickets_closed_at", "closed_at"),
        # The console's counts per status read this index alone, not the table.
        Index("ix_tickets_status", "status"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    # Public reference shown to people, e.g. GR-2026-000123; set right after insert.
    reference: Mapped[str | None] = mapped_column(String(32), unique=True)
    kind: Mapped[TicketKind] = mapped_column(_str_enum(TicketKind))
    category: Mapped[str] = mapped_column(String(64))
    status: Mapped[TicketStatus] = mapped_column(_str_enum(TicketStatus), default=TicketStatus.NEW)
    worker_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    workplace: Mapped[str | None] = mapped_column(String(200))
    queue_id: Mapped[int] = mapped_column(ForeignKey("queues.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    summary: Mapped[str] = mapped_column(Text)
    # Category-specific answers (hospital, dates, amounts, ...), keyed by field name.
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)
    language: Mapped[str] = mapped_column(String(16))
    escalation_level: Mapped[int] = mapped_column(Integer, default=0)
    satisfaction: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    first_response_due: Mapped[datetime | None]
    resolution_due: Mapped[datetime | None]
    first_response_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    # Officers' forum topic for this ticket, when the queue works from a group: the group's
    # chat and the topic's thread there (a ticket moved to another group gets a new topic).
    topic_thread_id: Mapped[str | None] = mapped_column(String(64))
    topic_chat_id: Mapped[str | None] = mapped_column(String(64))
    # When the worker's words and files on this ticket were erased (request or retention).
    purged_at: Mapped[datetime | None]
    # A duplicate closed into another ticket: the one its worker's later words go to.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # The collective case this ticket is worked in, with other workers' tickets.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)

    worker: Mapped[Person] = relationship(lazy="raise")
    queue: Mapped[Queue] = relationship(lazy="raise")
    assignee: Mapped[Officer | None] = relationship(lazy="raise")
    unit: Mapped[Unit | None] = relationship(lazy="raise")
    events: Mapped[list[TicketEvent]] = relationship(
        back_populates="ticket", order_by="TicketEvent.id", lazy="raise"
    )
    messages: Mapped[list[TicketMessage]] = relationship(
        back_populates="ticket", order_by="TicketMessage.id", lazy="raise"
    )
    attachments: Mapped[list[TicketAttachment]] = relationship(
        back_populates="ticket", order_by="TicketAttachment.id", lazy="raise"
    )

    @property
    def ref(self) -> str:
        """The reference people see; empty only in the moment between insert and numbering."""
        return self.reference or ""


def nearest_unmet_due() -> ColumnElement[datetime | None]:
    """The deadline an open ticket meets next: the first response while nobody has answered
    and it comes sooner, else the resolution (the same rule as `views.next_deadline`)."""
    first_counts = and_(
        Ticket.first_response_at.is_(None),
        Ticket.first_response_due.is_not(None),
        or_(Ticket.resolution_due.is_(None), Ticket.first_response_due < Ticket.resolution_due),
    )
    return case((first_counts, Ticket.first_response_due), else_=Ticket.resolution_due)


# The queue's order (`most_urgent_first`) read from an index, so a page of every queue's
# tickets stops after its rows instead of sorting the whole table. The expression must be
# spelled exactly as the queries spell it, or the planners do not match it.
Index("ix_tickets_urgency", Ticket.urgent.desc(), nearest_unmet_due(), Ticket.id)


class TicketSearchGram(Base):
    """What the console's search looks up before it reads any text: each two-character
    piece of a ticket's reference, summary and thread, and each CJK character alone
    (lowercased; see `db.repositories.search`). Erasing a ticket's words rebuilds its grams
    from what is left, so no erased text survives here."""

    __tablename__ = "ticket_search_grams"
    __table_args__ = (Index("ix_ticket_search_grams_gram", "gram", "ticket_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    gram: Mapped[str] = mapped_column(String(8))


class TicketEvent(Base):
    """The audit trail: appended, never edited."""

    __tablename__ = "ticket_events"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(_str_enum(ActorKind))
    actor_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    # e.g. "created", "status", "assigned", "escalated", "rated", "message", "note"
    event: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[TicketStatus | None] = mapped_column(_str_enum(TicketStatus))
    to_status: Mapped[TicketStatus | None] = mapped_column(_str_enum(TicketStatus))
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)

    ticket: Mapped[Ticket] = relationship(back_populates="events", lazy="raise")


class TicketMessage(Base):
    """The conversation on a ticket: relayed messages and officers' internal notes."""

    __tablename__ = "ticket_messages"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    author_kind: Mapped[ActorKind] = mapped_column(_str_enum(ActorKind))
    author_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    visibility: Mapped[MessageVisibility] = mapped_column(_str_enum(MessageVisibility))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="messages", lazy="raise")


class TicketAttachment(Base):
    """A photo or document on a ticket; the file stays on the messenger, we keep its id."""

    __tablename__ = "ticket_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("ticket_messages.id"))
    platform: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(256))
    file_name: Mapped[str | None] = mapped_column(String(256))
    mime_type: Mapped[str | None] = mapped_column(String(128))
    size: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    ticket: Mapped[Ticket] = relationship(back_populates="attachments", lazy="raise")


class ConversationState(Base):
    """Where a person is in a flow, so a restart or another replica resumes it."""

    __tablename__ = "conversation_states"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    flow: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProcessedUpdate(Base):
    """Updates handled lately: the primary key makes processing exactly-once.

    Kept only while the messenger may deliver an update again (see
    db.repositories.updates); `event` tells a redelivery from a new update that was given
    an id used before.
    """

    __tablename__ = "processed_updates"

    platform: Mapped[str] = mapped_column(String(32), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # What the update carried, as the messenger names it (handlers.messages.Incoming.event);
    # empty when the messenger's ids are never reused, and for rows from before it was kept.
    event: Mapped[str] = mapped_column(String(64), default="")
    processed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class OutboxMessage(Base):
    """A message to send, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before", "id"),
        # Every claim checks each candidate's chat for an older pending row; sent rows are
        # kept for good, so without this the check reads the chat's whole history.
        Index("ix_outbox_chat", "platform", "chat_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(64))
    # handlers.messages.Outgoing as JSON.
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[OutboxStatus] = mapped_column(
        _str_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    sent_message_id: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str | None] = mapped_column(Text)
    # The delivery loop holding the row while it is in flight (see outbox.claim_due);
    # None once it is handed back.
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    # Who it is for and about, so a failed delivery can be told to the right officer.
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"))
    # Lower goes first: conversation (0) before bulk such as announcements (1).
    priority: Mapped[int] = mapped_column(Integer, default=0)


class UnansweredQuestion(Base):
    """Questions the knowledge base could not answer, for the knowledge-base report."""

    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    score: Mapped[float]
    best_entry_id: Mapped[str | None] = mapped_column(String(128))
    # "suggest" when the person was offered entries to pick from, "none" when not (older
    # rows: unknown, counted as "none").
    band: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class FaqAnswer(Base):
    """A question the knowledge base answered, and whether the person found it helpful."""

    __tablename__ = "faq_answers"
    __table_args__ = (Index("ix_faq_answers_person", "person_id", "entry_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    language: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    entry_id: Mapped[str] = mapped_column(String(128))
    # "match": answered outright; "suggestion": the person picked it from suggestions.
    via: Mapped[str] = mapped_column(String(16))
    helpful: Mapped[bool | None] = mapped_column(Boolean)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Block(Base):
    """A worker an officer stopped from writing to the bot.

    Named by the ticket it was made from, so an officer blocks an anonymous worker without
    learning who it is. Lifting deletes the row; the ticket's audit trail keeps both.
    """

    __tablename__ = "blocks"

    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    ticket_id: Mapped[int] = mapped_column(ForeignKey("tickets.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KnowledgeBaseRevision(Base):
    """One saved version of the console-owned knowledge-base file, newest id wins.

    Every process polls the newest id and, when it changes, rebuilds its matcher from the
    knowledge-base folder with this content as the console's file; the row also says who
    changed what and when.
    """

    __tablename__ = "kb_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    author_officer_id: Mapped[int | None] = mapped_column(ForeignKey("officers.id"))
    action: Mapped[str] = mapped_column(String(32))
    entry_id: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Announcement(Base):
    """A message from the union to many workers, sent through the outbox a little at a time."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Plain text as the admin wrote it; escaped when sent.
    text: Mapped[str] = mapped_column(Text)
    # A photo by the messenger's file id or an https URL, sent with the text as caption.
    photo: Mapped[str | None] = mapped_column(String(1024))
    # Link buttons: [[label, url], ...].
    links: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    # Audience: workers of this unit and every unit below it; in this language; None: all.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    language: Mapped[str | None] = mapped_column(String(16))
    status: Mapped[AnnouncementStatus] = mapped_column(_str_enum(AnnouncementStatus))
    send_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Recipients chosen when sending started.
    total: Mapped[int] = mapped_column(Integer, default=0)
    # The survey this announcement invites its recipients to answer, if any.
    survey_id: Mapped[int | None] = mapped_column(ForeignKey("surveys.id"))


class Survey(Base):
    """A short survey (问卷): its questions, and until when it takes answers."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    intro: Mapped[str] = mapped_column(Text)
    # A list of questions, each with its kind (single, multiple, scale, text), text, options.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[SurveyStatus] = mapped_column(_str_enum(SurveyStatus))
    closes_at: Mapped[datetime]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SurveyParticipant(Base):
    """That a person has answered a survey, and nothing else: no time, no link to what they
    answered (see SurveyResponse)."""

    __tablename__ = "survey_participants"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)


class SurveyResponse(Base):
    """One person's answers, stored apart from who they are: a random id, no time, no
    person, so no row can be joined to a participant by key, time or order."""

    __tablename__ = "survey_responses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), index=True)
    # {"<question index>": option index | [option indexes] | 1-5 | text | None (skipped)}
    answers: Mapped[dict[str, Any]]


class SurveyDraft(Base):
    """Answers given so far by a person who has not finished yet, so they can stop and come
    back; deleted when they finish (their answers then become a SurveyResponse)."""

    __tablename__ = "survey_drafts"

    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)


class AnnouncementRecipient(Base):
    """One worker an announcement goes to: the primary key makes it once per person."""

    __tablename__ = "announcement_recipients"
    __table_args__ = (Index("ix_announcement_recipients_status", "announcement_id", "status"),)

    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), primary_key=True)
    status: Mapped[RecipientStatus] = mapped_column(_str_enum(RecipientStatus))
    # The outbox row carrying it; no foreign key, because erasure deletes outbox rows.
    outbox_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))


class JobLease(Base):
    """Scheduler lease: only the replica holding an unexpired lease runs the job."""

    __tablename__ = "job_leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime]


class LoginLink(Base):
    """A one-time console sign-in link for an officer; only the token's hash is kept."""

    __tablename__ = "login_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officers.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class WebSession(Base):
    """A signed-in console browser; deleting the row signs it out."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    officer_id: Mapped[int] = mapped_column(
        ForeignKey("officers.id", ondelete="CASCADE"), index=True
    )
    # The cookie carries the token; a database dump holds only its hash.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Sent back in every form: a page of another site cannot know it.
    csrf_token: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class SigninFailure(Base):
    """A sign-in link that did not work, by address: too many in a while are refused."""

    __tablename__ = "signin_failures"
    __table_args__ = (Index("ix_signin_failures_address", "address", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class SavedReply(Base):
    """A reply officers reuse, in one language, with {reference}, {officer}, {deadline}."""

    __tablename__ = "saved_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Case(Base):
    """A collective case: several workers' tickets about one problem, worked once.

    Its tickets point at it (`Ticket.case_id`); what happens to the case is recorded in
    each ticket's own audit trail, so the case keeps no trail of its own."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[CaseStatus] = mapped_column(_str_enum(CaseStatus), default=CaseStatus.OPEN)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("officers.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolution: Mapped[str | None] = mapped_column(Text)


class WebChatSession(Base):
    """A worker's browser in the web chat: the cookie names it, `user_id` is who it speaks
    as (the person's id on the "web" platform). A recovery code moves it to another id."""

    __tablename__ = "web_chat_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The cookie carries the token; a database dump holds only its hash.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebChatRecovery(Base):
    """The recovery code of a web chat identity (hashed), shown once after the first ticket."""

    __tablename__ = "web_chat_recovery"

    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebChatEntry(Base):
    """One line of a web chat conversation, as the page shows it: what the worker sent
    (`in`), what delivery handed over for them (`out`), or that an earlier `out` entry was
    edited (`edit`, its payload naming the entry), so an open page learns of the change."""

    __tablename__ = "web_chat_entries"
    # Ids only grow, also on SQLite after the newest rows were erased: an open page asks
    # for the entries after the last id it has.
    __table_args__ = (
        Index("ix_web_chat_entries_user", "user_id", "id"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebChatFile(Base):
    """A photo a worker attached in the web chat, kept here (the page has no file host).

    `token` is the random id tickets store as the attachment's file id; nothing serves a
    file by it without checking who asks."""

    __tablename__ = "web_chat_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[str] = mapped_column(String(64), index=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    mime_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
