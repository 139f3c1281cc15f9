"""A knowledge base that learns: the questions it failed, and the admins' changes to it.

Gaps: questions the bot could not answer and answers rated "not helpful", grouped by
what they say (`text_groups`), with counts; wordings the knowledge base answers now are
left out, so a gap closes as soon as a change lands.

Changes: the console edits one file of the knowledge-base folder, `CONSOLE_FILE`, which
holds the entries written in the console and, under `alternates`, questions added to
entries of any file; the files people edit by hand are never rewritten. Every change
 - re-checks that the actor is an active admin;
 - builds the file's new content and validates the whole folder with it, by the same
   loader as `workerbot faq check`: a change that would break the knowledge base is
   refused with the loader's problems, and nothing is saved;
 - is saved as a new `kb_revisions` row (the content, who, what, when), whose id is the
   knowledge-base version. Each process polls it and writes the file and swaps its
   matcher itself (`bot.knowledge_sync`), so every replica on the database follows.

From a resolved ticket, `draft_from_ticket` prefills a new entry with the worker's
question and the officer's answer, with names, ids and personal numbers masked.
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ActorKind,
    FaqAnswer,
    MessageVisibility,
    Officer,
    OfficerRole,
    Person,
    TicketMessage,
    TicketStatus,
    UnansweredQuestion,
)
from db.repositories import kb_revisions
from faq.loader import load_knowledge_base
from faq.matcher import Matcher
from faq.schema import ENTRY_ID, LANGUAGES, Entry, KnowledgeBase, KnowledgeBaseError
from handlers import text_groups
from handlers.reports.council import mask, masker
from handlers.tickets import service
from handlers.tickets.authz import OfficerActor, active_officer
from handlers.tickets.errors import NotAllowed

CONSOLE_FILE = "console.yaml"
# Only this many of the newest distinct wordings are grouped: clustering is quadratic.
GAP_WORDINGS = 500
_HEADER = (
    "# Written by the Workerbot console: questions learnt from workers and entries\n"
    "# written there. Edit in the console; hand edits here are replaced by its next save.\n"
)


class KnowledgeError(Exception):
    """A change the admin can correct; `problems` says what is wrong, nothing was saved."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = tuple(problems)


# --- the console's file ---------------------------------------------------------------


@dataclass(slots=True)
class ConsoleFile:
    """The console's file: its own entries, and questions added to entries of any file."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    alternates: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def parse(cls, content: str) -> ConsoleFile:
        document = yaml.safe_load(content) if content.strip() else None
        if not isinstance(document, dict):
            return cls()
        entries = document.get("entries") or []
        alternates = document.get("alternates") or {}
        return cls(
            [e for e in entries if isinstance(e, dict)],
            {str(k): list(v) for k, v in alternates.items() if isinstance(v, list)},
        )

    def dump(self) -> str:
        document: dict[str, Any] = {"entries": self.entries}
        if self.alternates:
            document["alternates"] = self.alternates
        return _HEADER + yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000)

    def entry(self, entry_id: str) -> dict[str, Any] | None:
        return next((e for e in self.entries if e.get("id") == entry_id), None)


def check_folder(folder: Path, console_content: str) -> KnowledgeBase:
    """The knowledge base `folder` would be with `console_content` as the console's file,
    checked as `workerbot faq check` does; KnowledgeBaseError (with the real file names)
    when it is broken. Nothing in `folder` changes."""
    if not folder.is_dir():
        msg = f"{folder}: the knowledge base must be a folder for the console to add a file"
        raise KnowledgeBaseError([msg])
    with tempfile.TemporaryDirectory(prefix="workerbot-kb-") as scratch:
        trial = Path(scratch)
        for file in folder.iterdir():
            if file.is_file() and file.suffix in {".yaml", ".yml"} and file.name != CONSOLE_FILE:
                shutil.copyfile(file, trial / file.name)
        (trial / CONSOLE_FILE).write_text(console_content, encoding="utf-8")
        try:
            return load_knowledge_base(trial)
        except KnowledgeBaseError as error:
            raise KnowledgeBaseError(
                [p.replace(str(trial), str(folder)) for p in error.problems]
            ) from None


async def console_content(session: AsyncSession, folder: Path) -> str:
    """The console's file as last saved: the newest revision, else what is on disk."""
    latest = await kb_revisions.latest(session)
    if latest is not None:
        return latest.content
    on_disk = folder / CONSOLE_FILE
    return on_disk.read_text(encoding="utf-8") if on_disk.is_file() else ""


async def _admin(session: AsyncSession, actor: OfficerActor, action: str) -> int:
    officer = await active_officer(session, actor, action)
    if officer.role != OfficerRole.ADMIN:
        raise NotAllowed(action, "admins_only")
    return officer.id


@dataclass(frozen=True, slots=True)
class Saved:
    revision: int
    kb: KnowledgeBase


async def _save(
    session: AsyncSession,
    *,
    folder: Path,
    content: str,
    officer_id: int,
    action: str,
    entry_id: str,
    now: datetime,
) -> Saved:
    try:
        kb = await asyncio.to_thread(check_folder, folder, content)
    except KnowledgeBaseError as error:
        raise KnowledgeError(error.problems) from None
    revision = await kb_revisions.add_revision(
        session,
        content=content,
        author_officer_id=officer_id,
        action=action,
        entry_id=entry_id,
        now=now,
    )
    return Saved(revision, kb)


def _clean(texts: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(" ".join(t.split()) for t in texts if t.strip()))


async def add_alternates(
    session: AsyncSession,
    actor: OfficerActor,
    *,
    folder: Path,
    entry_id: str,
    questions: Sequence[str],
    now: datetime,
) -> Saved:
    """Workers' wordings become more ways to ask entry `entry_id` (of any file)."""
    officer_id = await _admin(session, actor, "kb_alternates")
    wanted = _clean(questions)
    if not wanted:
        raise KnowledgeError(["no question to add"])
    current = ConsoleFile.parse(await console_content(session, folder))
    own = current.entry(entry_id)
    if own is not None:
        own["alternates"] = _clean([*own.get("alternates", []), *wanted])
    else:
        current.alternates[entry_id] = _clean([*current.alternates.get(entry_id, []), *wanted])
    return await _save(
        session,
        folder=folder,
        content=current.dump(),
        officer_id=officer_id,
        action="alternates",
        entry_id=entry_id,
        now=now,
    )


async def save_entry(
    session: AsyncSession, actor: OfficerActor, *, folder: Path, draft: Entry, now: datetime
) -> Saved:
    """A new entry, or a new version of one written in the console before. The id of an
    entry from a hand-edited file is refused by validation (ids are unique)."""
    officer_id = await _admin(session, actor, "kb_entry")
    problems = []
    if not ENTRY_ID.fullmatch(draft.id):
        problems.append(
            f"bad id '{draft.id}': use lower-case letters a-z, digits and hyphens, starting "
            "and ending with a letter or digit"
        )
    if draft.language not in LANGUAGES:
        problems.append(f"unknown language {draft.language!r}; use one of {', '.join(LANGUAGES)}")
    if problems:
        raise KnowledgeError(problems)
    entry: dict[str, Any] = {
        "id": draft.id,
        "language": draft.language,
        "question": draft.question.strip(),
        "alternates": _clean(draft.alternates),
        "keywords": _clean(draft.keywords),
        "answer": draft.answer.strip(),
        "tags": _clean(draft.tags),
    }
    entry = {key: value for key, value in entry.items() if value != []}
    current = ConsoleFile.parse(await console_content(session, folder))
    own = current.entry(draft.id)
    if own is None:
        current.entries.append(entry)
        action = "new_entry"
    else:
        current.entries[current.entries.index(own)] = entry
        action = "edit_entry"
    return await _save(
        session,
        folder=folder,
        content=current.dump(),
        officer_id=officer_id,
        action=action,
        entry_id=draft.id,
        now=now,
    )


async def draft_from_ticket(
    session: AsyncSession, actor: OfficerActor, ticket_ref: int | str, *, language: str
) -> Entry:
    """A new entry prefilled from a resolved ticket: the worker's question and the
    officer's last answer to them, with names, messenger ids and personal numbers masked."""
    await _admin(session, actor, "kb_entry")
    ticket = await service.get_ticket(session, actor, ticket_ref)
    if ticket.status not in (TicketStatus.RESOLVED, TicketStatus.CLOSED):
        raise KnowledgeError([f"{ticket.reference} is not resolved yet: no answer to use"])
    answer = await session.scalar(
        select(TicketMessage.body)
        .where(
            TicketMessage.ticket_id == ticket.id,
            TicketMessage.author_kind == ActorKind.OFFICER,
            TicketMessage.visibility == MessageVisibility.THREAD,
        )
        .order_by(TicketMessage.id.desc())
        .limit(1)
    )
    worker = await session.get(Person, ticket.worker_id)
    # Every officer's name: the answer may name a colleague as well as its author.
    identifiers: list[str] = list(await session.scalars(select(Officer.name)))
    if worker is not None:
        identifiers += [i for i in (worker.display_name, worker.platform_user_id) if i]
    pattern = masker(identifiers)
    reference = (ticket.reference or str(ticket.id)).lower()
    return Entry(
        id=f"from-{reference}",
        language=language,
        question=mask(ticket.summary, pattern),
        answer=mask(answer or "", pattern),
    )


@dataclass(frozen=True, slots=True)
class Change:
    """One saved version of the console's file: what was done to which entry, by whom."""

    revision: int
    action: str
    entry_id: str | None
    author: str | None
    at: datetime


async def changes(session: AsyncSession, actor: OfficerActor, limit: int = 20) -> list[Change]:
    """The newest changes first, for admins."""
    await _admin(session, actor, "kb_history")
    return [
        Change(revision.id, revision.action, revision.entry_id, author, revision.created_at)
        for revision, author in await kb_revisions.history(session, limit)
    ]


def find_entries(kb: KnowledgeBase, matcher: Matcher, text: str, limit: int = 8) -> list[Entry]:
    """Entries for a search box: the one with this id, the matcher's best for the text as a
    question, then entries whose id or question holds the text."""
    wanted = " ".join(text.split())
    if not wanted:
        return []
    found: dict[str, Entry] = {}
    exact = kb.get(wanted.lower())
    if exact is not None:
        found[exact.id] = exact
    for entry in matcher.match(wanted).suggestions:
        found.setdefault(entry.id, entry)
    folded = wanted.casefold()
    for entry in kb.entries:
        if len(found) >= limit:
            break
        if folded in entry.id or folded in entry.question.casefold():
            found.setdefault(entry.id, entry)
    return list(found.values())[:limit]


# --- gaps -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Gap:
    """Questions alike, that the knowledge base failed: the wordings (most asked first)
    with how often each was asked, and the entries it offered or answered with."""

    wordings: tuple[tuple[str, int], ...]
    unanswered: int
    not_helpful: int
    people: int
    last_asked: datetime
    entries: tuple[str, ...]

    @property
    def count(self) -> int:
        return self.unanswered + self.not_helpful


@dataclass(slots=True)
class _Asked:
    text: str
    person_id: int | None
    at: datetime
    entry_id: str | None
    not_helpful: bool


async def gaps(
    session: AsyncSession,
    since: datetime,
    *,
    matcher: Matcher | None = None,
    newest_first: bool = False,
) -> list[Gap]:
    """The failed questions since `since`, grouped; most asked first (or newest first).
    With `matcher`, wordings it answers now are left out."""
    asked = [
        _Asked(row.text, row.person_id, row.created_at, row.best_entry_id, False)
        for row in await session.execute(
            select(
                UnansweredQuestion.text,
                UnansweredQuestion.person_id,
                UnansweredQuestion.created_at,
                UnansweredQuestion.best_entry_id,
            ).where(UnansweredQuestion.created_at >= since)
        )
    ]
    asked += [
        _Asked(row.text, row.person_id, row.created_at, row.entry_id, True)
        for row in await session.execute(
            select(
                FaqAnswer.text, FaqAnswer.person_id, FaqAnswer.created_at, FaqAnswer.entry_id
            ).where(FaqAnswer.created_at >= since, FaqAnswer.helpful.is_(False))
        )
    ]
    by_wording: dict[str, list[_Asked]] = {}
    answered_now: set[str] = set()
    for question in sorted(asked, key=lambda q: q.at, reverse=True):
        key = text_groups.comparable(question.text)
        if key in answered_now:
            continue
        if (
            matcher is not None
            and key not in by_wording
            and not question.not_helpful
            and matcher.match(question.text).band == "answer"
        ):
            answered_now.add(key)
            continue
        by_wording.setdefault(key, []).append(question)
    keys = list(by_wording)[:GAP_WORDINGS]
    texts = [by_wording[k][0].text for k in keys]
    groups = text_groups.cluster(text_groups.similarity(texts, texts), text_groups.SIMILAR_SCORE)
    found = [_gap([by_wording[keys[i]] for i in members]) for members in groups]
    if newest_first:
        found.sort(key=lambda g: (g.last_asked, g.count), reverse=True)
    else:
        found.sort(key=lambda g: (g.count, g.people, g.last_asked), reverse=True)
    return found


async def failed_questions(
    session: AsyncSession,
    actor: OfficerActor,
    since: datetime,
    *,
    matcher: Matcher | None = None,
    newest_first: bool = False,
) -> list[Gap]:
    """`gaps` for an admin: what workers asked, which only admins read."""
    await _admin(session, actor, "kb_gaps")
    return await gaps(session, since, matcher=matcher, newest_first=newest_first)


def _gap(wordings: Sequence[Sequence[_Asked]]) -> Gap:
    every = [q for questions in wordings for q in questions]
    entries = Counter(q.entry_id for q in every if q.entry_id)
    return Gap(
        wordings=tuple(
            sorted(
                ((" ".join(qs[0].text.split()), len(qs)) for qs in wordings),
                key=lambda w: -w[1],
            )
        ),
        unanswered=sum(not q.not_helpful for q in every),
        not_helpful=sum(q.not_helpful for q in every),
        people=len({q.person_id for q in every if q.person_id is not None}),
        last_asked=max(q.at for q in every),
        entries=tuple(entry for entry, _ in entries.most_common(3)),
    )
