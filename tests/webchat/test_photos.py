"""Photos from the web chat keep their pixels and lose what the phone wrote about them."""

from __future__ import annotations

import struct
import zlib

from bot.web import photos
from tests.webchat.stage import JPEG, PIXELS


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png(*extra: bytes) -> bytes:
    header = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    pixels = _chunk(b"IDAT", zlib.compress(b"\x00\x00"))
    return b"\x89PNG\r\n\x1a\n" + header + b"".join(extra) + pixels + _chunk(b"IEND", b"")


def test_a_jpeg_loses_its_exif_and_keeps_its_pixels() -> None:
    assert b"GPS" in JPEG
    assert photos.clean(JPEG) == (PIXELS, "image/jpeg")


def test_a_png_loses_its_text_and_exif_chunks() -> None:
    tagged = _png(_chunk(b"tEXt", b"Author\x00Zhang San"), _chunk(b"eXIf", b"GPS"))
    assert photos.clean(tagged) == (_png(), "image/png")


def test_a_webp_loses_its_exif_and_says_so_in_its_header() -> None:
    def riff(*chunks: bytes) -> bytes:
        body = b"".join(chunks)
        return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + body

    def chunk(kind: bytes, data: bytes) -> bytes:
        return kind + struct.pack("<I", len(data)) + data + b"\x00" * (len(data) & 1)

    flags = 0x08  # EXIF present
    header = chunk(b"VP8X", bytes([flags, 0, 0, 0]) + b"\x00" * 6)
    image = chunk(b"VP8L", b"\x2f\x00\x00\x00\x00")
    cleaned = photos.clean(riff(header, image, chunk(b"EXIF", b"GPS 31N")))
    assert cleaned == (riff(chunk(b"VP8X", bytes(4) + b"\x00" * 6), image), "image/webp")


def test_anything_else_or_a_broken_file_is_refused() -> None:
    assert photos.clean(b"%PDF-1.4") is None
    assert photos.clean(JPEG[:30]) is None
    assert photos.clean(_png()[:20]) is None
