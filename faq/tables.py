"""Language data the matcher consults for every text, built once per machine and
memory-mapped by every process after.

- jieba's word frequencies (`faq.words.WordTable`),
- the toneless syllable of every Chinese character, as pypinyin spells it alone,
- the characters that make OpenCC's traditional-to-simplified conversion change a text,
- the punctuation, symbol, control and separator characters of the planes people type in.

Building them takes seconds and needs jieba's dictionary file, pypinyin and OpenCC's
tables; loading the built file takes milliseconds and, memory-mapped, no private
memory. The file's key is the content of the code that builds it, the installed files of
the packages it is built from and the Unicode version, so an upgrade builds it afresh.

The tables are shared by the whole process and loaded once, on first use: from the cache
directory given to `load_language_tables` (the bot passes its setting), else from the
default one.
"""

from __future__ import annotations

import importlib.util
import itertools
import threading
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from faq import cache
from faq.packed import Strings, int_view, pack_strings
from faq.words import WordTable, build_word_table

if TYPE_CHECKING:
    from faq.cache import Arrays

CJK_RANGES: tuple[tuple[int, int], ...] = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
"""The Chinese characters the matcher reads (CJK unified ideographs, extension A and the
compatibility ideographs)."""

_SOUND_START, _SOUND_END = CJK_RANGES[0][0], CJK_RANGES[-1][1]
_KEPT_SYMBOLS = frozenset("+%.")  # mean something inside numbers: 3.5, 80%, +86
_TABLES_CODE = ("tables.py", "words.py", "packed.py")  # what builds and reads the tables
_SOURCES = {  # the installed files the tables are built from
    "jieba": ("__init__.py", "dict.txt"),
    "pypinyin": ("__init__.py", "core.py", "pinyin_dict.py", "pinyin_dict.json"),
    "opencc": ("__init__.py", "dictionary/TSCharacters.txt", "dictionary/TSPhrases.txt"),
}


class LanguageTables:
    """The loaded tables; see the module docstring."""

    def __init__(self, arrays: Arrays, key: str) -> None:
        self.key = key
        """What the tables were built from: part of the key of anything built with them."""
        self.words = WordTable(arrays)
        sounds = Strings(arrays["syllables"], arrays["syllable_offsets"])
        self._syllables = [sounds[i] for i in range(len(sounds))]
        self._sound_of = int_view(arrays["sound_of"], "H")
        if len(self._sound_of) != _SOUND_END - _SOUND_START + 1:
            raise ValueError("not a syllable table")
        self.traditional = frozenset(map(chr, arrays["traditional"].tolist()))
        ranges = arrays["symbol_ranges"].tolist()
        # str.translate with a dict: several times faster than a regex of the same ranges.
        self.symbols: dict[int, str] = dict.fromkeys(
            itertools.chain.from_iterable(
                range(low, high + 1) for low, high in zip(ranges[::2], ranges[1::2], strict=True)
            ),
            " ",
        )

    def syllable(self, char: str) -> str:
        """The toneless syllable of one Chinese character; the character itself when
        pypinyin knows no sound for it (rare extension-A characters)."""
        index = self._sound_of[ord(char) - _SOUND_START]
        return self._syllables[index] or char


_lock = threading.Lock()
_loaded: LanguageTables | None = None


def load_language_tables(cache_dir: Path | None) -> LanguageTables:
    """The process's tables; the first call loads them, from or into `cache_dir`."""
    global _loaded  # noqa: PLW0603 - one copy per process is the point
    with _lock:
        if _loaded is None:
            _loaded = _load(cache_dir)
        return _loaded


def language_tables() -> LanguageTables:
    """The process's tables, loaded from the default cache directory if nobody has yet."""
    loaded = _loaded
    return loaded if loaded is not None else load_language_tables(cache.DEFAULT_CACHE_DIR)


def _load(cache_dir: Path | None) -> LanguageTables:
    key = cache.digest(
        [
            cache.source_digest(*(Path(__file__).with_name(name) for name in _TABLES_CODE)),
            unicodedata.unidata_version,
            *_installed(),
        ]
    )
    arrays = cache.load_or_build(cache_dir, "language", key, _build)
    try:
        return LanguageTables(arrays, key)
    except (ValueError, KeyError, IndexError):
        # A sound checksum over arrays this code cannot read: never trusted.
        return LanguageTables(_build(), key)


def _installed() -> list[str]:
    """Which jieba, pypinyin and OpenCC the tables come from: path, size and modification
    time of their code and data files, as Python does for its bytecode; an upgrade
    rewrites them. (Reading package versions would import importlib.metadata, a tenth
    of a second.)"""
    signature = []
    for package, files in _SOURCES.items():
        folder = _package_folder(package)
        for name in files:
            status = (folder / name).stat()
            signature.append(f"{folder / name} {status.st_size} {status.st_mtime_ns}")
    return signature


def _build() -> Arrays:
    arrays = build_word_table(_package_folder("jieba") / "dict.txt")
    arrays.update(_sound_table())
    arrays["traditional"] = np.array(sorted(map(ord, _traditional_characters())), np.int32)
    arrays["symbol_ranges"] = np.array(_symbol_ranges(), dtype=np.int32)
    return arrays


def _package_folder(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(name)
    return Path(next(iter(spec.submodule_search_locations)))


def _sound_table() -> Arrays:
    from pypinyin import Style, lazy_pinyin  # noqa: PLC0415 - only when building: 60 MB

    syllables: dict[str, int] = {"": 0}
    sound_of = np.zeros(_SOUND_END - _SOUND_START + 1, dtype=np.uint16)
    for low, high in CJK_RANGES:
        for code in range(low, high + 1):
            spelt = lazy_pinyin(chr(code), style=Style.NORMAL, errors="ignore")
            if spelt:
                sound_of[code - _SOUND_START] = syllables.setdefault(spelt[0], len(syllables))
    blob, offsets = pack_strings(syllables)
    return {"syllables": blob, "syllable_offsets": offsets, "sound_of": sound_of}


def _traditional_characters() -> frozenset[str]:
    """Characters whose presence makes t2s change a text, from OpenCC's own tables.

    Converting is slow in pure Python; text without any of these characters is already
    simplified, which is most text, so it skips the conversion. A phrase rule only
    matters when the text has one of its changed characters: either one the character
    table converts anyway (then conversion runs), or one that only converts inside
    phrases ("瞭" in "明瞭"), which is added here.
    """
    folder = _package_folder("opencc") / "dictionary"

    def changes(name: str) -> list[tuple[str, str]]:
        rows = []
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            source, _, targets = line.partition("\t")
            target = targets.split(" ")[0]
            if source != target:
                rows.append((source, target))
        return rows

    characters = {c for source, _ in changes("TSCharacters.txt") for c in source}
    phrase_only: set[str] = set()
    for source, target in changes("TSPhrases.txt"):
        if characters.isdisjoint(source):
            phrase_only.update(c for c in source if c not in target)
    return frozenset(characters | phrase_only)


def _symbol_ranges() -> list[int]:
    """Punctuation, symbols (emoji too), controls, format and separator characters, and
    unassigned code points, of the basic and supplementary planes, as (low, high) pairs."""
    ranges: list[int] = []
    for code in range(0x20000):
        char = chr(code)
        if unicodedata.category(char)[0] in "PSCZ" and char not in _KEPT_SYMBOLS:
            if ranges and ranges[-1] == code - 1:
                ranges[-1] = code
            else:
                ranges += [code, code]
    return ranges
