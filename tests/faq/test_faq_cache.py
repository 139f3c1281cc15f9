"""Tables built once are reused by later processes, and a damaged file is never trusted."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import numpy as np
import pytest

from faq import cache
from faq.packed import Strings, pack_strings

if TYPE_CHECKING:
    from pathlib import Path


class Builder:
    """Counts its builds; its table depends on nothing but the key."""

    def __init__(self) -> None:
        self.builds = 0

    def __call__(self) -> cache.Arrays:
        self.builds += 1
        blob, offsets = pack_strings(["工伤", "", "hotline"])
        return {
            "numbers": np.arange(1000, dtype=np.int64),
            "blob": blob,
            "offsets": offsets,
            "empty": np.zeros(0, dtype=np.uint32),
        }


def check(arrays: cache.Arrays) -> None:
    assert arrays["numbers"].tolist() == list(range(1000))
    assert arrays["empty"].size == 0
    strings = Strings(arrays["blob"], arrays["offsets"])
    assert [strings[i] for i in range(len(strings))] == ["工伤", "", "hotline"]


def table_file(folder: Path) -> Path:
    (found,) = folder.glob("test-*.bin")
    return found


def test_a_table_is_built_once_and_then_read(tmp_path: Path) -> None:
    build = Builder()
    check(cache.load_or_build(tmp_path, "test", "k1", build))
    check(cache.load_or_build(tmp_path, "test", "k1", build))
    assert build.builds == 1
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind


def test_another_key_is_another_table(tmp_path: Path) -> None:
    build = Builder()
    cache.load_or_build(tmp_path, "test", "k1", build)
    cache.load_or_build(tmp_path, "test", "k2", build)
    assert build.builds == 2


@pytest.mark.parametrize("damage", ["flip a data byte", "truncate", "empty", "garbage"])
def test_a_damaged_file_is_built_again(tmp_path: Path, damage: str) -> None:
    build = Builder()
    cache.load_or_build(tmp_path, "test", "k1", build)
    path = table_file(tmp_path)
    content = bytearray(path.read_bytes())
    if damage == "flip a data byte":
        content[-100] ^= 0xFF
    elif damage == "truncate":
        del content[len(content) // 2 :]
    elif damage == "empty":
        content.clear()
    else:
        content[:] = b"not a table at all" * 10
    path.write_bytes(bytes(content))

    check(cache.load_or_build(tmp_path, "test", "k1", build))
    assert build.builds == 2
    check(cache.load_or_build(tmp_path, "test", "k1", build))  # the rebuilt file is sound
    assert build.builds == 2


def test_a_file_renamed_to_another_key_is_not_trusted(tmp_path: Path) -> None:
    build = Builder()
    cache.load_or_build(tmp_path, "test", "k1", build)
    original = table_file(tmp_path)
    original.rename(original.with_name(original.name.replace("k1", "k2")))
    cache.load_or_build(tmp_path, "test", "k2", build)
    assert build.builds == 2


def test_an_unusable_folder_still_gives_the_table(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    check(cache.load_or_build(not_a_folder / "cache", "test", "k1", Builder()))


def test_without_a_folder_nothing_is_written(tmp_path: Path) -> None:
    build = Builder()
    check(cache.load_or_build(None, "test", "k1", build))
    check(cache.load_or_build(None, "test", "k1", build))
    assert build.builds == 2


def test_the_least_recently_used_tables_of_a_kind_are_removed(tmp_path: Path) -> None:
    for number in range(16):
        cache.load_or_build(tmp_path, "test", f"k{number}", Builder())
        (path,) = tmp_path.glob(f"test-*-k{number}.bin")
        os.utime(path, (number, number))  # one second apart
    build = Builder()
    cache.load_or_build(tmp_path, "test", "k0", build)  # read: now recently used
    cache.load_or_build(tmp_path, "test", "new", build)
    kept = {p.name.rsplit("-", 1)[1] for p in tmp_path.glob("test-*.bin")}
    assert len(kept) == 16
    assert {"new.bin", "k0.bin", "k15.bin"} <= kept
    assert "k1.bin" not in kept
    assert build.builds == 1
