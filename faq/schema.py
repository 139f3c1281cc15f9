"""The knowledge base as the rest of the program sees it: validated, immutable entries."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

LANGUAGES: tuple[str, ...] = ("zh-CN", "en")
"""Languages a knowledge base file may declare; the bot speaks exactly these."""

ENTRY_ID = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$")
"""Stable entry ids: lower-case ASCII letters, digits and inner hyphens."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One question the union answers, with the other ways workers ask it."""

    id: str
    language: str
    question: str
    answer: str
    alternates: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KnowledgeBase:
    """All entries of a knowledge base, in file order, with lookup by id."""

    entries: tuple[Entry, ...]
    digest: str | None = field(default=None, compare=False)
    """Names the entries: equal digests, equal entries (the loader's hash of the files and
    of its own code); what is built from the entries is cached under it. None: unknown."""
    _by_id: dict[str, Entry] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {entry.id: entry for entry in self.entries})

    def get(self, entry_id: str) -> Entry | None:
        return self._by_id.get(entry_id)

    def languages(self) -> dict[str, int]:
        """Number of entries per language, in the order languages first appear."""
        counts: dict[str, int] = {}
        for entry in self.entries:
            counts[entry.language] = counts.get(entry.language, 0) + 1
        return counts


class KnowledgeBaseError(Exception):
    """A knowledge base that cannot be used; `problems` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
