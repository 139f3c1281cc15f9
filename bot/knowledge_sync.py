"""Every process answers from the newest knowledge base saved in the console, within
seconds, without a restart.

`KnowledgeSync.run()` polls the newest `kb_revisions` id (one small query every
WORKERBOT_FAQ_RELOAD_INTERVAL seconds, in every replica on the database). When it changes,
off the event loop: the knowledge-base folder is checked with the revision as the
console's file (as `workerbot faq check` would), the file is written to the folder (the
version it replaces kept under `console-history/`), the matcher is rebuilt, and only then
swapped into the dispatcher in one assignment. An update in flight finishes with the
matcher it started with. If the folder does not load (say a hand-edited file was broken
on this machine meanwhile), the process keeps answering from the knowledge base it has,
logs why, and says why in `error`; it tries again at the next saved revision.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import heap
from db.repositories import kb_revisions
from faq.matcher import Matcher
from faq.schema import KnowledgeBase, KnowledgeBaseError
from handlers.knowledge import CONSOLE_FILE, check_folder

log = logging.getLogger(__name__)

HISTORY_FOLDER = "console-history"


def write_console_file(folder: Path, content: str) -> bool:
    """`content` as the folder's console file, atomically; the version it replaces is
    kept in `console-history/`. False when the file already says exactly that."""
    target = folder / CONSOLE_FILE
    if target.is_file():
        previous = target.read_text(encoding="utf-8")
        if previous == content:
            return False
        history = folder / HISTORY_FOLDER
        history.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        (history / f"console-{stamp}.yaml").write_text(previous, encoding="utf-8")
    handle, scratch = tempfile.mkstemp(dir=folder, prefix=".console-", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(content)
    Path(scratch).replace(target)
    return True


class LiveKnowledge:
    """The knowledge base and matcher a process without a dispatcher (the console served
    alone) answers "try it" and searches from; its `KnowledgeSync` swaps them whole."""

    def __init__(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        self._current = (kb, matcher)

    def __call__(self) -> tuple[KnowledgeBase, Matcher]:
        return self._current

    def use(self, kb: KnowledgeBase, matcher: Matcher) -> None:
        self._current = (kb, matcher)


class KnowledgeSync:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        folder: Path,
        *,
        build: Callable[[KnowledgeBase], Matcher],
        apply: Callable[[KnowledgeBase, Matcher], None],
        interval: float,
    ) -> None:
        self._sessionmaker = sessionmaker
        self._folder = folder
        self._build = build
        self._apply = apply
        self._interval = interval
        self._stopping = asyncio.Event()
        # The revision this process answers from (None: the folder as it was at start).
        self.version: int | None = None
        # Why the newest revision is not in use, if it is not.
        self.error: str | None = None
        self._tried: int | None = None
        # A revision was swapped in at the last look: the one it replaced is to be freed.
        self._replaced = False

    async def check(self) -> bool:
        """One look: use the newest saved revision if it is new. True when it changed."""
        if self._replaced:
            # A look later, not at the swap: the updates that were in flight then held
            # the old matcher until they finished.
            heap.release_replaced()
            self._replaced = False
        async with self._sessionmaker() as session:
            newest = await kb_revisions.latest_id(session)
            if newest is None or newest in {self.version, self._tried}:
                return False
            revision = await kb_revisions.latest(session)
        if revision is None:
            return False
        if self.version is None and self._on_disk() == revision.content:
            # What the process loaded at start: nothing to rebuild.
            self.version = revision.id
            return False
        self._tried = revision.id
        try:
            kb, matcher = await asyncio.to_thread(self._load, revision.content)
        except KnowledgeBaseError as error:
            self.error = "\n".join(error.problems)
            log.error(
                "knowledge base revision %s not used, still answering from %s: %s",
                revision.id,
                self.version,
                self.error,
            )
            return False
        self._apply(kb, matcher)
        self._replaced = True
        self.version, self.error = revision.id, None
        log.info("answering from knowledge base revision %s", revision.id)
        return True

    def _on_disk(self) -> str | None:
        try:
            return (self._folder / CONSOLE_FILE).read_text(encoding="utf-8")
        except OSError:
            return None

    def _load(self, content: str) -> tuple[KnowledgeBase, Matcher]:
        # Checked before the file is written: a broken revision never reaches the folder.
        kb = check_folder(self._folder, content)
        try:
            write_console_file(self._folder, content)
        except OSError as error:
            # The database holds the revision; a read-only folder only loses the copy.
            log.warning("could not write %s: %s", self._folder / CONSOLE_FILE, error)
        return kb, self._build(kb)

    async def run(self) -> None:
        self._stopping.clear()
        while not self._stopping.is_set():
            try:
                await self.check()
            except Exception:
                log.exception("looking for a new knowledge base failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self._interval)

    def stop(self) -> None:
        self._stopping.set()
