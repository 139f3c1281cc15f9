"""Texts as flat arrays that a cache file holds and every process reads in place.

`pack_strings` and `Strings`: a sequence of texts, one UTF-8 byte array and the offsets
where each text starts. `pack_table` and `StringTable`: texts mapped to integers by an
open-addressing hash table over their UTF-8 bytes (crc32, linear probing, at most half
full), so a lookup reads a few array items instead of every process building a dict of
every text first. The arrays of a table are named `<name>.<part>`, so one file holds
several tables.
"""

from __future__ import annotations

import zlib
from typing import TYPE_CHECKING, Literal

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from numpy.typing import NDArray

    from faq.cache import Arrays


def int_view(array: NDArray[np.generic], code: Literal["B", "H", "I", "q"]) -> memoryview[int]:
    """A flat integer array as a memoryview: item access from Python is several times
    faster than on the numpy array. `code` is the struct format of the array's items."""
    return np.ascontiguousarray(array).data.cast("B").cast(code)


def pack_strings(texts: Iterable[str]) -> tuple[NDArray[np.uint8], NDArray[np.int64]]:
    """Texts as one UTF-8 byte array and the offsets where each starts (and the last ends)."""
    encoded = [text.encode("utf-8") for text in texts]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return np.frombuffer(b"".join(encoded), dtype=np.uint8), offsets


class Strings:
    """Read-only sequence of texts packed by `pack_strings`, decoded when asked for."""

    def __init__(self, blob: NDArray[np.generic], offsets: NDArray[np.generic]) -> None:
        self._blob = int_view(blob, "B")
        self._offsets = int_view(offsets.astype(np.int64, copy=False), "q")
        if len(self._offsets) < 1 or self._offsets[-1] > len(self._blob):
            raise ValueError("offsets outside the packed texts")

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, index: int) -> str:
        if not 0 <= index < len(self):
            raise IndexError(index)
        return str(self._blob[self._offsets[index] : self._offsets[index + 1]], "utf-8")


def pack_table(name: str, values: Mapping[str, int]) -> Arrays:
    """The arrays of a `StringTable` named `name` holding `values`."""
    blob, offsets = pack_strings(values)
    hashes = np.array(
        [zlib.crc32(blob[offsets[i] : offsets[i + 1]].data) for i in range(len(values))],
        dtype=np.int64,
    )
    return {
        f"{name}.keys": blob,
        f"{name}.offsets": offsets,
        f"{name}.values": np.fromiter(values.values(), dtype=np.int64, count=len(values)),
        f"{name}.slots": _hash_slots(hashes),
    }


def _hash_slots(hashes: NDArray[np.int64]) -> NDArray[np.uint32]:
    """Slot -> 1 + index of the key in it, 0 for an empty slot.

    Filled in rounds rather than key by key: in each round every key not yet placed tries
    its current slot, the first one per free slot takes it, the others move one on. A key
    thus only ever passes occupied slots, which is all a lookup needs.
    """
    slots_count = 1 << max(4, (2 * len(hashes)).bit_length())
    mask = slots_count - 1
    slots = np.zeros(slots_count, dtype=np.uint32)
    waiting = np.arange(len(hashes), dtype=np.int64)
    position = hashes & mask
    while len(waiting):
        free = slots[position] == 0
        first = np.zeros(len(waiting), dtype=bool)
        _, firsts = np.unique(position[free], return_index=True)
        first[np.flatnonzero(free)[firsts]] = True
        slots[position[first]] = waiting[first] + 1
        waiting, position = waiting[~first], (position[~first] + 1) & mask
    return slots


class StringTable:
    """Text -> integer, read in place from the arrays of `pack_table`."""

    def __init__(self, arrays: Arrays, name: str) -> None:
        self._keys = int_view(arrays[f"{name}.keys"], "B")
        self._offsets = int_view(arrays[f"{name}.offsets"], "q")
        self._values = int_view(arrays[f"{name}.values"], "q")
        self._slots = int_view(arrays[f"{name}.slots"], "I")
        self._mask = len(self._slots) - 1
        if (
            not self._slots
            or len(self._slots) & self._mask
            or len(self._offsets) != len(self._values) + 1
            or self._offsets[-1] > len(self._keys)
        ):
            raise ValueError(f"{name} is not a string table")

    def __len__(self) -> int:
        return len(self._values)

    def __contains__(self, text: object) -> bool:
        return isinstance(text, str) and self.get(text) is not None

    def get(self, text: str) -> int | None:
        key = text.encode("utf-8")
        slots, offsets, keys, mask = self._slots, self._offsets, self._keys, self._mask
        slot = zlib.crc32(key) & mask
        while index := slots[slot]:
            index -= 1
            if keys[offsets[index] : offsets[index + 1]] == key:
                return self._values[index]
            slot = (slot + 1) & mask
        return None
