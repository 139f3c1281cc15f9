"""Grouping short texts people wrote by what they say: grievances into council topics,
unanswered questions into gaps of the knowledge base.

Texts are normalised as the FAQ matcher does (full-width, traditional characters, fillers,
synonyms) and compared pairwise (`similarity`); `cluster` is average-linkage agglomerative
clustering: it merges the two most alike groups while their mean pairwise similarity is at
least the threshold. Average linkage, not single: a chain of loosely alike texts does not
snowball into one group.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

import numpy as np
from numpy.typing import NDArray
from rapidfuzz import fuzz, process

from faq.normalize import Segmenter, content_words, normalize

# Two texts at least this alike (0-100) are the same matter raised again; tuned on short
# Chinese complaints ("3号门的路灯坏了" / "3号门路灯坏了好几天了" are alike, "食堂的饭太贵了"
# is not).
SIMILAR_SCORE = 60.0

_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff])\s+|\s+(?=[\u3400-\u9fff])")


def comparable(text: str) -> str:
    """`text` as groups compare it: normalised like the FAQ matcher does, no spaces
    between Chinese words."""
    return _CJK_GAP.sub("", normalize(text)) or text.strip().casefold()


@cache
def _segmenter() -> Segmenter:
    return Segmenter()


def _content(text: str) -> str:
    """The words that say what `text` is about, as the FAQ matcher cuts them."""
    return " ".join(content_words(_segmenter().words(normalize(text))))


def similarity(rows: Sequence[str], columns: Sequence[str]) -> NDArray[np.float64]:
    """How alike (0-100) each of `rows` is to each of `columns`: the better of the
    whole-text ratio and the ratio of shared content words (word order aside), so "3号门的
    路灯坏了" and "3号门路灯坏了好几天了" are alike, and "食堂饭菜太贵了" is not."""
    if not rows or not columns:
        return np.zeros((len(rows), len(columns)))
    whole = process.cdist(
        [comparable(t) for t in rows],
        [comparable(t) for t in columns],
        scorer=fuzz.ratio,
        dtype=np.float64,
    )
    words = process.cdist(
        [_content(t) for t in rows],
        [_content(t) for t in columns],
        scorer=fuzz.token_set_ratio,
        dtype=np.float64,
    )
    best: NDArray[np.float64] = np.maximum(whole, words)
    return best


def cluster(similarity: NDArray[np.float64], threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering of a symmetric similarity matrix: merge the
    two most alike groups while their mean pairwise similarity is at least `threshold`."""
    size = len(similarity)
    members = [[index] for index in range(size)]
    alike = similarity.astype(np.float64, copy=True)
    np.fill_diagonal(alike, -np.inf)
    while size > 1:
        a, b = divmod(int(np.argmax(alike)), size)
        if alike[a, b] < threshold:
            break
        # Lance-Williams update for average linkage: the merged group's similarity to any
        # other is the size-weighted mean of its two parts'.
        na, nb = len(members[a]), len(members[b])
        merged = (na * alike[a] + nb * alike[b]) / (na + nb)
        alike[a, :] = merged
        alike[:, a] = merged
        alike[b, :] = -np.inf
        alike[:, b] = -np.inf
        alike[a, a] = -np.inf
        members[a] += members[b]
        members[b] = []
    return sorted((sorted(m) for m in members if m), key=lambda m: (-len(m), m[0]))
