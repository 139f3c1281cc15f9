"""jieba's word segmentation without jieba's start-up: its dictionary as a memory-mapped
table, a knowledge base's own words on top.

jieba builds a Python dict of half a million words on every start (about a second and
90 MB). `WordTable` holds the same word frequencies (prefixes of words as 0, as jieba
keeps them) in a `faq.packed.StringTable`, built once into the cache and memory-mapped
afterwards. `Dictionary` adds a knowledge base's terms
the way `jieba.Tokenizer.add_word` does, and `Dictionary.cut` is jieba's precise mode
without HMM (`Tokenizer.cut(text, HMM=False)`), word for word: the same directed graph
of dictionary words, the same maximum-probability route, the same tie-breaking.
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING

import numpy as np

from faq.packed import StringTable, pack_table

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from pathlib import Path

    from faq.cache import Arrays

# jieba's own patterns (jieba/__init__.py, 0.42): what it cuts with the dictionary, what
# it yields as is, and the Latin letters and digits it glues back together.
_HAN = re.compile("([\u4e00-\u9fd5a-zA-Z0-9+#&\\._%\\-]+)", re.UNICODE)
_SKIP = re.compile(r"(\r\n|\s)", re.UNICODE)
_LATIN_OR_DIGIT = re.compile("[a-zA-Z0-9]", re.UNICODE)

_MEMO_LIMIT = 200_000  # looked-up fragments remembered per dictionary before starting over


def build_word_table(dictionary_file: Path) -> Arrays:
    """The arrays of a `WordTable` from a jieba dictionary file ("word freq [tag]" lines)."""
    frequencies: dict[str, int] = {}
    total = 0
    with dictionary_file.open("rb") as lines:
        for number, line in enumerate(lines, 1):
            # jieba's parsing, so that an odd line means what it means to jieba.
            try:
                word, frequency_text = line.strip().decode("utf-8").split(" ")[:2]
                frequency = int(frequency_text)
            except ValueError as error:
                raise ValueError(f"{dictionary_file}: line {number}: {line!r}") from error
            frequencies[word] = frequency
            total += frequency
            for end in range(1, len(word) + 1):
                frequencies.setdefault(word[:end], 0)
    return {**pack_table("word", frequencies), "word.total": np.array([total], dtype=np.int64)}


class WordTable(StringTable):
    """Word -> frequency from jieba's dictionary (0 for a mere prefix of words), read in
    place from the built arrays; `get` gives None when jieba has neither."""

    def __init__(self, arrays: Arrays) -> None:
        super().__init__(arrays, "word")
        self.total = int(arrays["word.total"][0])


class Dictionary:
    """A `WordTable` with a knowledge base's terms added; segments text like jieba.

    Several dictionaries share one table; each keeps its added words to itself, so one
    knowledge base's terms never change how another one is segmented.
    """

    def __init__(self, table: WordTable) -> None:
        self._table = table
        self._added: dict[str, int] = {}
        self._memo: dict[str, int | None] = {}
        self.total = table.total

    def frequency(self, word: str) -> int | None:
        """As jieba's `FREQ.get(word)`: None for a word it has never seen."""
        memo = self._memo
        if word in memo:
            return memo[word]
        found = self._added.get(word)
        if found is None:
            found = self._table.get(word)
        if len(memo) >= _MEMO_LIMIT:
            memo.clear()
        memo[word] = found
        return found

    def add_words(self, words: Iterable[str]) -> None:
        """Each new word at a frequency high enough that the whole word beats its parts.

        Words the dictionary already knows (also as a prefix of longer words) stay as they
        are; the order matters as in jieba, each word is weighed with the ones before it.
        """
        for word in words:
            if self.frequency(word) is None:
                self._add(word, max(self._suggested_frequency(word), 10))

    def added(self) -> dict[str, int]:
        """The words added on top of the table, with their frequencies (prefixes as 0)."""
        return dict(self._added)

    def restore(self, added: dict[str, int], total: int) -> None:
        """Take over what `added` and `total` of an equal dictionary were (a cached build)."""
        self._added = dict(added)
        self._memo.clear()
        self.total = total

    def _add(self, word: str, frequency: int) -> None:
        # jieba's add_word: the word, then its prefixes as 0 where they are new.
        self._added[word] = frequency
        self.total += frequency
        for end in range(1, len(word)):
            prefix = word[:end]
            if prefix not in self._added and self._table.get(prefix) is None:
                self._added[prefix] = 0
        self._memo.clear()

    def _suggested_frequency(self, word: str) -> int:
        # jieba's suggest_freq(word) for one word kept whole; `.get(seg, 1)`, not `or 1`.
        total = float(self.total)
        product = 1.0
        for piece in self.cut(word):
            found = self.frequency(piece)
            product *= (1 if found is None else found) / total
        found = self.frequency(word)
        return max(int(product * self.total) + 1, 1 if found is None else found)

    def cut(self, sentence: str) -> Iterator[str]:
        """jieba's `Tokenizer.cut(sentence, HMM=False)`."""
        for block in _HAN.split(sentence):
            if not block:
                continue
            if _HAN.match(block):
                yield from self._cut_block(block)
                continue
            for piece in _SKIP.split(block):
                if _SKIP.match(piece):
                    yield piece
                else:
                    yield from piece

    def _cut_block(self, sentence: str) -> Iterator[str]:
        route = self._route(sentence)
        start = 0
        glued = ""
        while start < len(sentence):
            end = route[start] + 1
            word = sentence[start:end]
            if len(word) == 1 and _LATIN_OR_DIGIT.match(word):
                glued += word
            else:
                if glued:
                    yield glued
                    glued = ""
                yield word
            start = end
        if glued:
            yield glued

    def _route(self, sentence: str) -> list[int]:
        """Where the most probable word starting at each position ends (jieba's calc)."""
        frequency = self.frequency
        length = len(sentence)
        ends: list[list[int]] = []
        for start in range(length):
            found: list[int] = []
            end = start
            fragment = sentence[start]
            while end < length and (known := frequency(fragment)) is not None:
                if known:
                    found.append(end)
                end += 1
                fragment = sentence[start : end + 1]
            ends.append(found or [start])
        log_total = math.log(self.total)
        best: list[tuple[float, int]] = [(0.0, 0)] * (length + 1)
        for start in range(length - 1, -1, -1):
            best[start] = max(
                (
                    math.log(frequency(sentence[start : end + 1]) or 1)
                    - log_total
                    + best[end + 1][0],
                    end,
                )
                for end in ends[start]
            )
        return [end for _, end in best[:length]]
