"""Tables built once and kept as files under a cache directory, keyed by what they are
built from.

A cached table is a set of named flat numpy arrays in one file. Its name carries a hash of
everything its content is a pure function of (the caller's `key`), so changed input finds
no file and builds a new one, and every process on the machine reuses the same file:
opened memory-mapped, it costs neither parsing nor private memory.

Writers write a temporary file in the same directory and rename it into place, so a
reader sees a whole file or none, and two processes building the same key at once just
replace equal content. A file whose checksum, key or layout is wrong is never trusted: it
is built again and replaced (a CRC-32 over the data finds damage, as in a zip file, in a
fraction of the time a cryptographic hash takes). Without a cache directory (`None`), or
when the directory cannot be written, tables are built in memory for this process only.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import mmap
import os
import tempfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

    from numpy.typing import NDArray

Arrays = dict[str, "NDArray[np.generic]"]

_log = logging.getLogger(__name__)

_MAGIC = b"WBTABLE\n"
_FORMAT = "v2"  # of the file itself; a new format gets new file names, not warnings
_ALIGN = 64  # every array starts on a cache-line boundary
_KEEP_PER_KIND = 16  # older files of one kind are removed when a new one is written


def default_cache_dir() -> Path:
    """Where tables go unless configured: the user's cache folder (XDG), `workerbot/`."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "workerbot"


DEFAULT_CACHE_DIR = default_cache_dir()


def digest(parts: Iterable[str | bytes]) -> str:
    """A key from the parts a table is built from; each part is delimited, not just joined."""
    hasher = hashlib.sha256()  # several times faster than blake2b where CPUs have SHA-NI
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()[:40]


def source_digest(*files: Path) -> str:
    """The content of the code that builds a table: a change to it is a new key."""
    return digest(file.read_bytes() for file in files)


def load_or_build(
    cache_dir: Path | None, kind: str, key: str, build: Callable[[], Arrays]
) -> Arrays:
    """The arrays of table `kind` for `key`: from its file if sound, else built (and saved)."""
    if cache_dir is None:
        return build()
    path = cache_dir / f"{kind}-{_FORMAT}-{key}.bin"
    loaded = _read(path, key)
    if loaded is not None:
        return loaded
    arrays = build()
    _write(path, kind, key, arrays)
    return arrays


def _read(path: Path, key: str) -> Arrays | None:
    try:
        with path.open("rb") as file:
            mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError):  # missing, unreadable, or empty (mmap refuses size 0)
        return None
    try:
        arrays = _parse(mapped, key)
    except (ValueError, KeyError, TypeError, OverflowError, UnicodeDecodeError) as error:
        _log.warning("cache file %s is damaged (%s); building it again", path, error)
        arrays = None
    if arrays is None:
        mapped.close()
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept when older files of its kind are removed
    return arrays


def _parse(mapped: mmap.mmap, key: str) -> Arrays | None:
    if mapped[: len(_MAGIC)] != _MAGIC:
        raise ValueError("not a table file")
    header_end = len(_MAGIC) + 8
    header_size = int.from_bytes(mapped[len(_MAGIC) : header_end], "little")
    header = json.loads(mapped[header_end : header_end + header_size])
    if header["key"] != key:
        raise ValueError("written for another key")
    data_start = int(header["data"])
    data = memoryview(mapped)[data_start:]
    if len(data) != int(header["size"]) or zlib.crc32(data) != header["crc32"]:
        data.release()
        raise ValueError("checksum mismatch")
    data.release()
    arrays: Arrays = {}
    for name, dtype, count, offset in header["arrays"]:
        arrays[name] = np.frombuffer(
            mapped, dtype=np.dtype(dtype), count=int(count), offset=data_start + int(offset)
        )
    return arrays


def _write(path: Path, kind: str, key: str, arrays: Arrays) -> None:
    contiguous = {name: np.ascontiguousarray(array) for name, array in arrays.items()}
    layout = []
    offset = 0
    crc32 = 0
    for name, array in contiguous.items():
        layout.append((name, array.dtype.str, int(array.size), offset))
        offset = _aligned(offset + array.nbytes)
        crc32 = zlib.crc32(array.data.cast("B"), crc32)
        crc32 = zlib.crc32(bytes(_aligned(array.nbytes) - array.nbytes), crc32)
    size = offset
    fields = {
        "kind": kind,
        "key": key,
        "arrays": layout,
        "size": size,
        "crc32": crc32,
    }
    # The header says where the data starts, which depends on the header's own length.
    data_start = _aligned(len(_MAGIC) + 8 + len(json.dumps({**fields, "data": 0})) + 32)
    header = json.dumps({**fields, "data": data_start}).encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{kind}-", suffix=".tmp", delete=False
        ) as file:
            temporary = Path(file.name)
            file.write(_MAGIC + len(header).to_bytes(8, "little") + header)
            file.write(bytes(data_start - file.tell()))
            for array in contiguous.values():
                file.write(array.data.cast("B"))
                file.write(bytes(_aligned(array.nbytes) - array.nbytes))
        temporary.chmod(0o644)  # readable by whoever shares the folder, like any cache
        os.replace(temporary, path)
    except OSError as error:
        _log.warning("cannot write cache file %s (%s); working without it", path, error)
        with contextlib.suppress(OSError, UnboundLocalError):
            temporary.unlink()
        return
    _prune(path.parent, kind)


def _prune(folder: Path, kind: str) -> None:
    """Keep the most recently used files of a kind: an edited knowledge base leaves its
    old tables behind, which nothing will read again."""
    files = []
    for candidate in folder.glob(f"{kind}-*.bin"):
        with contextlib.suppress(OSError):
            files.append((candidate.stat().st_mtime, candidate))
    files.sort(reverse=True)
    for _, old in files[_KEEP_PER_KIND:]:
        with contextlib.suppress(OSError):
            old.unlink()


def _aligned(size: int) -> int:
    return -(-size // _ALIGN) * _ALIGN
