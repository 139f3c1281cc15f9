"""Find the knowledge base entry a worker's message asks about, and know when there is none.

Ranking combines character TF-IDF (characters, character pairs and sound pairs, so
typos by sound still meet), a token-sort ratio on words, and two coverage signals:
how much of an entry's key words the message contains (long, chatty messages mention
their topic among many other words) and how much of the message the entry explains.
Deciding to answer also weighs words the knowledge base never uses, by how rare they are
in general Chinese ("丧假有几天" shares characters with "年假有几天", but "丧假" is a rare
word no entry knows), and the lead over the runner-up: an ambiguous message is offered
as suggestions rather than answered.

Everything that does not depend on the message is computed once, at construction, or
read from the cache where an earlier process left it (`faq.cache`).
"""

from __future__ import annotations

import functools
import itertools
import json
import math
import re
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from rapidfuzz import fuzz

from faq import cache
from faq.cache import DEFAULT_CACHE_DIR
from faq.normalize import (
    STOP_WORDS,
    Segmenter,
    cjk_runs,
    content_words,
    fold,
    is_cjk,
    normalize,
    script_language,
    stem,
    strip_symbols,
    syllables,
)
from faq.packed import Strings, StringTable, pack_strings, pack_table
from faq.tables import load_language_tables

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from numpy.typing import NDArray

    from faq.schema import Entry, KnowledgeBase

Band = Literal["answer", "suggest", "none"]

MAX_SUGGESTIONS = 3
_CANDIDATE_VARIANTS = 40  # variants read from the index before entries are scored in full
_SUGGESTION_SPREAD = 30.0  # suggestions further than this below the best one are noise
_SOUND_CREDIT = 0.8  # a word matched only by sound is probably, not surely, the same word
_CLEAR_LEAD = 10.0  # a runner-up closer than this means the message is ambiguous
_AMBIGUITY_COST = 2.0  # points of confidence lost per point of lead missing
_UNKNOWN_PENALTY = 20.0  # points lost when every key word of the message is unknown and rare
_ANSWER_CREDIT = 0.5  # a message word the entry's answer uses, but none of its questions
_EXPLAINED_ENOUGH = 3.0  # key-word weight of a short question (about three rare words)
_RICH_WAYS = 4  # ways of asking (question, alternates, keywords) that make an entry rich
_THIN_CREDIT = 2.0  # points given back per way of asking an entry lacks ...
_THIN_CREDIT_MAX = 4.0  # ... up to this many
_ENTRIES_KEPT = 4096  # entries kept read from the index, the most recently compared ones
_INDEX_CODE = ("matcher.py", "normalize.py", "packed.py")  # what builds and reads the index
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NEEDLESS_SPACE = re.compile(r"(?<![a-z0-9]) | (?![a-z0-9])")


@dataclass(frozen=True, slots=True)
class Match:
    """What the matcher makes of one message.

    `band` is "answer" when `entry` should be answered, "suggest" when `suggestions`
    should be offered to pick from, "none" when nothing fits well enough to guess.
    `score` (0-100) is the confidence in the best entry: its score, less a cost when the
    runner-up comes close (an ambiguous message). `suggestions` holds the best entries,
    best first, up to three, in every band: when answering, the first one is `entry`
    and the rest are the runners-up; with "none" they are the closest entries found,
    if any scored at all.
    """

    query: str
    band: Band
    entry: Entry | None
    score: float
    suggestions: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class _Text:
    """One way of asking an entry's question, prepared for comparison."""

    key_words: tuple[tuple[str, float], ...]  # content words with their weight
    key_weight: float  # their weights added up, in order
    sorted_words: str
    sound: str  # syllables joined by spaces, with a trailing space for whole-word search


class _Query:
    """A message prepared once for scoring against many entries."""

    def __init__(self, text: str, segmenter: Segmenter) -> None:
        self.normalized = normalize(text)
        self.compact = _compact(self.normalized)
        words = segmenter.words(self.normalized)
        self.words = frozenset(words)
        self.key_words = [(w, _weight(w, segmenter)) for w in dict.fromkeys(content_words(words))]
        self.sorted_words = " ".join(sorted(w for w, _ in self.key_words))
        self.pairs = _char_pairs(self.compact)
        self.sound = _sound(self.compact)
        self.credits = _Credits(self)


class _Credits(dict[str, float]):
    """How surely each word occurs in the message (`_credit`), worked out once per word
    when first looked up: the candidate entries' ways of asking share most of their words."""

    def __init__(self, query: _Query) -> None:
        super().__init__()
        self._query = query

    def __missing__(self, word: str) -> float:
        q = self._query
        credit = self[word] = _credit(word, q.words, q.compact, q.pairs, q.sound)
        return credit


class Matcher:
    """Matches messages against a knowledge base; build once, call `match` many times."""

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        answer_score: float,
        suggest_score: float,
        cache_dir: Path | None = DEFAULT_CACHE_DIR,
    ) -> None:
        """`cache_dir` keeps what is built once per machine (`faq.cache`); None: nothing.

        The index is a pure function of the entries, the language tables and this code,
        and is cached under that key: a process that loads a knowledge base loaded before
        (another replica, the next start, a reload of unchanged files) maps the index
        instead of building it.
        """
        if not 0 <= suggest_score <= answer_score <= 100:
            raise ValueError("need 0 <= suggest_score <= answer_score <= 100")
        self.answer_score = answer_score
        self.suggest_score = suggest_score
        self._entries = kb.entries
        tables = load_language_tables(cache_dir)
        segmenter = Segmenter(dict.fromkeys(k for e in kb.entries for k in e.keywords), tables)
        self._segmenter = segmenter
        entries_digest = kb.digest or cache.digest(_entry_parts(kb.entries))
        key = cache.digest([_code_digest(), tables.key, entries_digest])
        arrays = cache.load_or_build(
            cache_dir, "matcher", key, lambda: _build_index(kb.entries, segmenter)
        )
        try:
            self._load(arrays)
        except (ValueError, KeyError, IndexError):
            # A sound checksum over arrays this code cannot read: never trusted.
            self._load(_build_index(kb.entries, segmenter))
        self._thin_credit = [_thin_credit(entry) for entry in kb.entries]
        entry_language = np.array([entry.language for entry in kb.entries])
        variant_language = entry_language[self._variant_entry]
        self._language_mask = {
            language: (variant_language == language).astype(np.float32)
            for language in set(entry_language.tolist())
        }
        # Entries are read from the index when they are candidates for a message; the
        # ones asked about recently stay read.
        self._entry = functools.lru_cache(maxsize=_ENTRIES_KEPT)(self._read_entry)

    def _load(self, arrays: cache.Arrays) -> None:
        entries_count = len(self._entries)
        self._term_ids = StringTable(arrays, "terms")
        # Messages share most of their terms (common characters and pairs): the ones met
        # recently are kept as Python objects instead of hashed and searched in the table.
        self._term_id = functools.lru_cache(maxsize=_WORDS_KEPT)(self._term_ids.get)
        self._kb_words = StringTable(arrays, "words")
        self._kb_pairs = StringTable(arrays, "pairs")
        self._kb_sound_pairs = StringTable(arrays, "sound_pairs")
        self._records = Strings(arrays["records.blob"], arrays["records.offsets"])
        # astype: typed for the reader, no copy (the arrays were built with these types).
        self._idf = arrays["idf"].astype(np.float32, copy=False)
        self._unknown_idf = math.log(entries_count + 1) + 1.0
        self._posting_variants = arrays["posting_variants"].astype(np.int32, copy=False)
        self._posting_weights = arrays["posting_weights"].astype(np.float32, copy=False)
        self._posting_start = arrays["posting_start"].astype(np.int64, copy=False)
        self._variant_entry = arrays["variant_entry"].astype(np.int32, copy=False)
        # Each entry's ways of asking are consecutive variants.
        self._entry_start: list[int] = np.concatenate(
            ([0], np.cumsum(np.bincount(self._variant_entry, minlength=entries_count)))
        ).tolist()
        if (
            len(self._records) != entries_count
            or len(self._entry_start) != entries_count + 1
            or len(self._idf) != len(self._term_ids)
            or len(self._posting_start) != len(self._term_ids) + 1
            or len(self._posting_variants) != len(self._posting_weights)
            or (
                len(self._posting_start) and self._posting_start[-1] != len(self._posting_variants)
            )
            or np.any(np.diff(self._variant_entry) < 0)
        ):
            raise ValueError("index arrays do not fit together")

    def _read_entry(self, index: int) -> _EntryView:
        texts, keywords, answer = json.loads(self._records[index])
        return _entry_view(texts, keywords, answer, self._segmenter)

    def match(self, text: str, language: str | None = None) -> Match:
        """Score `text` against the knowledge base.

        Entries in the language of the message's script are compared (Chinese text with
        Chinese entries, Latin text with English ones); when the script says nothing
        (digits only), `language`, the user's language, decides. A knowledge base without
        entries in that language is compared whole.
        """
        query = _Query(text, self._segmenter)
        scored = self._rank(query, language)
        if not scored:
            return Match(query=text, band="none", entry=None, score=0.0, suggestions=())
        best_score = scored[0][1]
        suggestions = tuple(
            self._entries[i]
            for i, score in scored[:MAX_SUGGESTIONS]
            if score > 0 and score >= best_score - _SUGGESTION_SPREAD
        )
        if len(scored) >= 2:
            # An ambiguous message is not answered with confidence: the best score drops
            # by twice what the runner-up lacks to a clear lead.
            lead = best_score - scored[1][1]
            best_score = max(0.0, best_score - _AMBIGUITY_COST * max(0.0, _CLEAR_LEAD - lead))
        if best_score >= self.answer_score:
            band: Band = "answer"
        elif best_score >= self.suggest_score:
            band = "suggest"
        else:
            band = "none"
        return Match(
            query=text,
            band=band,
            entry=self._entries[scored[0][0]] if band == "answer" else None,
            score=round(best_score, 1),
            suggestions=suggestions,
        )

    def _rank(self, query: _Query, language: str | None) -> list[tuple[int, float]]:
        """Candidate entries with their final scores (0-100), best first."""
        similarity = self._similarities(query, language)
        if similarity is None:
            return []
        cosine = similarity[0]
        top = np.argpartition(-cosine, min(_CANDIDATE_VARIANTS, len(cosine) - 1))
        top = top[:_CANDIDATE_VARIANTS]
        candidates = list(dict.fromkeys(self._variant_entry[top[cosine[top] > 0]].tolist()))
        unknown = self._unknown_share(query)
        # Each entry's best way of asking, for both measures, in one numpy call rather
        # than two per candidate.
        best = np.maximum.reduceat(similarity, self._entry_start[:-1], axis=1)
        return sorted(
            ((i, self._score(query, i, best, unknown) + self._thin_credit[i]) for i in candidates),
            key=lambda item: -item[1],
        )

    def _similarities(self, query: _Query, language: str | None) -> NDArray[np.float32] | None:
        terms = _terms(query.normalized)
        if not terms:
            return None
        known: list[int] = []
        known_weights: list[float] = []
        squares = 0.0
        for term, count in terms.items():
            term_id = self._term_id(term)
            idf = self._unknown_idf if term_id is None else float(self._idf[term_id])
            weight = (1 + math.log(count)) * idf
            squares += weight * weight
            if term_id is not None:
                known.append(term_id)
                known_weights.append(weight)
        norm = math.sqrt(squares)
        similarity = np.zeros((2, len(self._variant_entry)), dtype=np.float32)
        if known:
            # Every known term's postings at once, in the order of the terms: np.add.at adds
            # one posting after another, so each variant sums its terms in the same order,
            # in float32, as a loop over the terms did (the same scores to the last bit),
            # without two numpy calls per term.
            starts = self._posting_start[known]
            lengths = self._posting_start[np.array(known) + 1] - starts
            # Each term's postings, one range after another: position k of the whole run
            # is posting k - (the run's length before the term) + the term's start.
            rows = np.arange(lengths.sum()) + np.repeat(
                starts - (np.cumsum(lengths) - lengths), lengths
            )
            variants = self._posting_variants[rows]
            weights = self._posting_weights[rows]
            scale = np.array([w / norm for w in known_weights]).astype(np.float32)
            np.add.at(similarity[0], variants, weights * np.repeat(scale, lengths))
            np.add.at(similarity[1], variants, weights * weights)
        wanted = script_language(query.normalized) or language
        mask = self._language_mask.get(wanted) if wanted else None
        if mask is not None:
            similarity *= mask[np.newaxis, :]
        return similarity

    def _unknown_share(self, query: _Query) -> float:
        """Share of the message's key-word weight in rare words no entry ever uses.

        A Chinese word is as unknown as the share of its character pairs that no question
        or answer has, unless its sound pairs are all known (a typo by sound is not a new
        topic): "丧假" is wholly unknown, "热线电话" a third known through "热线".
        """
        total = unknown = 0.0
        for word, weight in query.key_words:
            total += weight
            if word in self._kb_words or len(word) < 2:
                continue
            if not is_cjk(word[0]):
                unknown += weight * self._segmenter.novelty(word)
                continue
            pairs = _word_pairs(word)
            missing = sum(p not in self._kb_pairs for p in pairs) / len(pairs) if pairs else 0.0
            if not missing:
                continue
            sounds = syllables(word)
            if all(f"{a} {b}" in self._kb_sound_pairs for a, b in itertools.pairwise(sounds)):
                continue
            unknown += weight * missing * self._segmenter.novelty(word)
        return unknown / total if total else 0.0

    def _score(
        self, query: _Query, index: int, best: NDArray[np.float32], unknown: float
    ) -> float:
        return _combine(self._features(query, index, best), unknown)

    def _features(self, query: _Query, index: int, best: NDArray[np.float32]) -> _Features:
        """`best`: per entry, the similarity and containment of its best way of asking."""
        view = self._entry(index)
        texts = view.texts
        keyword = max(
            (
                1.0
                if k in query.compact
                else _SOUND_CREDIT
                if len(k) >= 2 and sound.strip() and sound in query.sound
                else 0.0
                for k, sound in view.keywords
            ),
            default=0.0,
        )
        return _Features(
            cosine=float(best[0, index]),
            containment=float(best[1, index]),
            token_sort=max(fuzz.ratio(query.sorted_words, t.sorted_words) for t in texts) / 100,
            entry_coverage=max(_coverage(t, query.credits) for t in texts),
            keyword=keyword,
            query_coverage=self._explained(query, view.vocabulary),
        )

    def _explained(self, query: _Query, vocabulary: _Vocabulary) -> float:
        """Weighted share of the message's key words that this entry knows."""
        total = known = 0.0
        for word, weight in query.key_words:
            total += weight
            credit = _credit(
                word, vocabulary.words, vocabulary.compact, vocabulary.pairs, vocabulary.sound
            )
            if credit < _ANSWER_CREDIT and word in vocabulary.answer:
                credit = _ANSWER_CREDIT
            known += weight * credit
        # A long message is not expected to be explained word by word: the entry has to
        # explain about as much as a short question holds.
        return min(1.0, known / min(total, _EXPLAINED_ENOUGH)) if total else 0.0


@dataclass(frozen=True, slots=True)
class _EntryView:
    """An entry as its messages are compared with it."""

    texts: tuple[_Text, ...]  # its question and alternates
    keywords: tuple[tuple[str, str], ...]  # its keywords, compact, with their sound
    vocabulary: _Vocabulary


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    """What an entry knows: the words and text of its questions, and its answer."""

    words: frozenset[str]
    compact: str
    pairs: frozenset[str]
    sound: str
    answer: str


@dataclass(frozen=True, slots=True)
class _Features:
    """How one entry relates to one message, each from 0 to 1."""

    cosine: float  # character TF-IDF, best way of asking
    containment: float  # share of the best way of asking's TF-IDF mass found in the message
    token_sort: float  # sorted key words, best way of asking
    entry_coverage: float  # share of the best way of asking's key words in the message
    keyword: float  # a keyword of the entry appears in the message (by sound: less)
    query_coverage: float  # share of the message's key words the entry knows


def _build_index(entries: tuple[Entry, ...], segmenter: Segmenter) -> cache.Arrays:
    """Everything about the entries that does not depend on a message, as flat arrays.

    Per entry a record of what segmenting found (compact text and words of each way of
    asking, the compact keywords), read back by `_entry_view`; for the whole knowledge
    base the words, character pairs and sound pairs it uses, and the TF-IDF index.
    """
    records: list[str] = []
    kb_words: set[str] = set()
    kb_pairs: set[str] = set()
    # Index terms of every way of asking, flat: (variant, term id, count) per row.
    term_ids: dict[str, int] = {}
    # Compact machine arrays, not lists of int objects: millions of rows at 10,000 entries.
    row_variant = array("i")
    row_term = array("i")
    row_count = array("f")
    variant_entry: list[int] = []
    for index, entry in enumerate(entries):
        normalized = [normalize(t) for t in (entry.question, *entry.alternates)]
        texts = [(_compact(n), segmenter.words(n)) for n in normalized]
        keywords = [k for k in dict.fromkeys(_compact(normalize(k)) for k in entry.keywords) if k]
        # Answers only serve to recognise words: no filler removal needed.
        answer = _compact(" ".join(strip_symbols(fold(entry.answer)).split()))
        record = [texts, keywords, answer]
        records.append(json.dumps(record, ensure_ascii=False, separators=(",", ":")))
        vocabulary = _entry_view(texts, keywords, answer, segmenter).vocabulary
        kb_words.update(vocabulary.words)
        kb_pairs.update(vocabulary.pairs)
        kb_pairs.update(_char_pairs(vocabulary.answer))

        sources = normalized
        if keywords:
            sources.append(" ".join(keywords))
        for source in sources:
            variant = len(variant_entry)
            variant_entry.append(index)
            terms = _terms(source)
            row_variant.extend([variant] * len(terms))
            row_term.extend([term_ids.setdefault(term, len(term_ids)) for term in terms])
            row_count.extend(terms.values())
    blob, offsets = pack_strings(records)
    return {
        **pack_table("terms", term_ids),
        **pack_table("words", dict.fromkeys(sorted(kb_words), 1)),
        **pack_table("pairs", dict.fromkeys(sorted(kb_pairs), 1)),
        **pack_table(
            "sound_pairs", dict.fromkeys(sorted(t[1:] for t in term_ids if t.startswith("~")), 1)
        ),
        "records.blob": blob,
        "records.offsets": offsets,
        **_tf_idf(
            np.frombuffer(row_variant, dtype=np.int32),
            np.frombuffer(row_term, dtype=np.int32),
            np.frombuffer(row_count, dtype=np.float32),
            np.array(variant_entry, dtype=np.int32),
            terms_count=len(term_ids),
            entries_count=len(entries),
        ),
    }


def _tf_idf(
    row_variant: NDArray[np.int32],
    row_term: NDArray[np.int32],
    row_count: NDArray[np.float32],
    variant_entry: NDArray[np.int32],
    *,
    terms_count: int,
    entries_count: int,
) -> cache.Arrays:
    """Character TF-IDF, L2-normalised per way of asking, as a compressed inverted index.

    A term's document frequency counts entries, not ways of asking: an entry that says
    "工伤" in all its alternates does not make "工伤" a common word.
    """
    entry_term = np.sort(variant_entry[row_variant].astype(np.int64) * terms_count + row_term)
    # Distinct (entry, term) pairs; np.unique does the same, but far slower on numpy 2.
    entry_term = entry_term[np.concatenate(([True], entry_term[1:] != entry_term[:-1]))]
    document_frequency = np.bincount(entry_term % terms_count, minlength=terms_count)
    idf = (np.log((entries_count + 1) / (document_frequency + 1)) + 1.0).astype(np.float32)
    weight = (1 + np.log(row_count)) * idf[row_term]
    norm = np.sqrt(np.bincount(row_variant, weights=weight * weight, minlength=len(variant_entry)))
    weight = (weight / np.maximum(norm[row_variant], 1e-9)).astype(np.float32)
    order = np.argsort(row_term, kind="stable")
    return {
        "idf": idf,
        "posting_variants": row_variant[order],
        "posting_weights": weight[order],
        "posting_start": np.concatenate(
            ([0], np.cumsum(np.bincount(row_term, minlength=terms_count)))
        ).astype(np.int64),
        "variant_entry": variant_entry,
    }


def _entry_view(
    texts: Sequence[Sequence[Any]], keywords: Sequence[str], answer: str, segmenter: Segmenter
) -> _EntryView:
    """An entry ready to compare, from what `_build_index` recorded of it."""
    prepared = tuple(_text(compact, words, segmenter) for compact, words in texts)
    sounded = tuple((k, _sound(k)) for k in keywords)
    words = frozenset(itertools.chain(*(w for _, w in texts), keywords))
    compact = " ".join([*(c for c, _ in texts), *keywords])
    sound = "".join([*(t.sound for t in prepared), *(s for _, s in sounded)])
    return _EntryView(
        texts=prepared,
        keywords=sounded,
        vocabulary=_Vocabulary(
            words=words,
            compact=compact,
            pairs=frozenset(_char_pairs(compact)),
            sound=sound,
            answer=answer,
        ),
    )


def _text(compact: str, words: list[str], segmenter: Segmenter) -> _Text:
    """One way of asking, ready to compare."""
    keys = tuple((w, _weight(w, segmenter)) for w in dict.fromkeys(content_words(words)))
    # Added one after another, as the scores always were (not `sum`, which may compensate).
    key_weight = 0.0
    for _, weight in keys:
        key_weight += weight
    return _Text(
        key_words=keys,
        key_weight=key_weight,
        sorted_words=" ".join(sorted(w for w, _ in keys)),
        sound=_sound(compact),
    )


@functools.cache
def _code_digest() -> str:
    """The code an index is built and read by: a change to it is a new cache key."""
    folder = Path(__file__).parent
    return cache.source_digest(*(folder / name for name in _INDEX_CODE))


def _entry_parts(entries: tuple[Entry, ...]) -> Iterator[str]:
    """What of each entry the index depends on, in order."""
    for e in entries:
        yield json.dumps(
            [e.id, e.language, e.question, e.alternates, e.keywords, e.answer], ensure_ascii=False
        )


def _combine(features: _Features, unknown: float) -> float:
    """The 0-100 score of an entry for a message, from its features.

    Key-word coverage in both directions carries most weight: character similarity
    ranks well but cannot tell "丧假" from "年假". Rare words no entry knows pull the
    score down whichever entry it is.
    """
    score = (
        0.20 * features.cosine
        + 0.10 * features.containment
        + 0.10 * features.token_sort
        + 0.30 * max(features.entry_coverage, _SOUND_CREDIT * features.keyword)
        + 0.30 * features.query_coverage
    )
    return min(100.0, max(0.0, 100 * score - _UNKNOWN_PENALTY * unknown))


def _thin_credit(entry: Entry) -> float:
    """Points an entry with few ways of asking gets back for its true matches.

    A paraphrase of a question written once scores lower than one of a question written
    four ways (less vocabulary to cover the message), whoever wrote the knowledge base: a
    union that writes terse entries should not see its questions go unanswered for it.
    Measured on knowledge bases thinned to one or two ways per entry, the credit brings
    back more right answers than the uncovered questions it lets through.
    """
    ways = 1 + len(entry.alternates) + (1 if entry.keywords else 0)
    return min(_THIN_CREDIT_MAX, _THIN_CREDIT * max(0, _RICH_WAYS - ways))


def _coverage(text: _Text, credits: _Credits) -> float:
    """Weighted share of one way of asking's key words that the message contains."""
    if not text.key_weight:
        return 0.0
    covered = 0.0
    for word, weight in text.key_words:
        covered += weight * credits[word]
    return covered / text.key_weight


def _credit(
    word: str, words: frozenset[str], compact: str, pairs: frozenset[str] | set[str], sound: str
) -> float:
    """How surely `word` occurs in a text: whole, by most of its character pairs, by sound."""
    if word in words or word in compact:
        return 1.0
    word_pairs, word_sound = _word_parts(word)
    credit = len(word_pairs & pairs) / len(word_pairs) if word_pairs else 0.0
    if word_sound and word_sound in sound:
        credit = max(credit, _SOUND_CREDIT)
    return credit


def _weight(word: str, segmenter: Segmenter) -> float:
    """Importance of a key word: rare words decide more, everyday words still count."""
    return 0.25 + segmenter.rarity(word)


def _compact(normalized: str) -> str:
    """Spaces only matter between Latin words; Chinese is written without them."""
    return _NEEDLESS_SPACE.sub("", normalized)


def _char_pairs(text: str) -> set[str]:
    return {run[i : i + 2] for run in cjk_runs(text) for i in range(len(run) - 1)}


def _sound(text: str) -> str:
    return " " + " ".join(syllables(text)) + " "


# A question is compared word by word with the words of every candidate entry, the same
# few thousand words again and again: their pairs and sounds are worked out once each.
_WORDS_KEPT = 65_536


@functools.lru_cache(maxsize=_WORDS_KEPT)
def _word_pairs(word: str) -> frozenset[str]:
    return frozenset(_char_pairs(word))


@functools.lru_cache(maxsize=_WORDS_KEPT)
def _word_parts(word: str) -> tuple[frozenset[str], str]:
    """What `_credit` compares of a word: its character pairs if it has three characters or
    more, and its sound if it is a Chinese word of two or more ('' otherwise)."""
    pairs = _word_pairs(word) if len(word) >= 3 else frozenset()
    sound = _sound(word) if len(word) >= 2 and is_cjk(word[0]) else ""
    return pairs, sound


def _terms(normalized: str) -> Counter[str]:
    """Index terms: Chinese characters, character pairs and sound pairs; English stems."""
    terms: Counter[str] = Counter()
    runs = cjk_runs(normalized)
    for run in runs:
        terms.update(run)
        terms.update(run[i : i + 2] for i in range(len(run) - 1))
        sounds = syllables(run)
        terms.update(f"~{a} {b}" for a, b in itertools.pairwise(sounds))
    if runs:
        normalized = _CJK_RUN.sub(" ", normalized)
    terms.update(w if w in STOP_WORDS else stem(w) for w in normalized.split())
    return terms
