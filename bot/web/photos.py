"""A photo from a worker's phone, as the web chat keeps it: its type by its bytes, and
nothing but its pixels.

A phone writes where and when a photo was taken, and on which device, into it (EXIF, XMP,
comments). Telegram strips that from photos; the web chat does the same before keeping
one, so an officer who opens an anonymous worker's photo learns nothing the picture does
not show. Accepted: JPEG, PNG and WebP; anything else, or a file that ends where its own
structure says it goes on, is refused (None).
"""

from __future__ import annotations

import struct

JPEG, PNG, WEBP = "image/jpeg", "image/png", "image/webp"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# PNG chunks that carry text or EXIF rather than the image.
_PNG_METADATA = {b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"}
# WebP chunks of metadata, and their flags in the extended header (VP8X).
_WEBP_METADATA = {b"EXIF": 0x08, b"XMP ": 0x04}


def clean(content: bytes) -> tuple[bytes, str] | None:
    """The photo without its metadata, and its type; None if it is none of the three."""
    try:
        if content.startswith(b"\xff\xd8\xff"):
            return _jpeg(content), JPEG
        if content.startswith(_PNG_SIGNATURE):
            return _png(content), PNG
        if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
            return _webp(content), WEBP
    except (ValueError, struct.error):
        return None
    return None


def _jpeg(content: bytes) -> bytes:
    """Segments up to the image data, without APP1-APP15 (EXIF, XMP, ...) and comments."""
    out = bytearray(content[:2])
    at = 2
    while at < len(content):
        if content[at] != 0xFF:
            msg = "not a JPEG segment"
            raise ValueError(msg)
        marker = content[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker == 0xD9 or 0xD0 <= marker <= 0xD7:  # end, or a marker without a length
            out += content[at : at + 2]
            at += 2
            continue
        (length,) = struct.unpack(">H", content[at + 2 : at + 4])
        end = at + 2 + length
        if end > len(content):
            msg = "a JPEG segment runs past the end"
            raise ValueError(msg)
        if marker == 0xDA:  # start of scan: the image data follows to the end
            out += content[at:]
            return bytes(out)
        if not (0xE1 <= marker <= 0xEF or marker == 0xFE):
            out += content[at:end]
        at = end
    return bytes(out)


def _png(content: bytes) -> bytes:
    out = bytearray(_PNG_SIGNATURE)
    at = len(_PNG_SIGNATURE)
    while at < len(content):
        (length,) = struct.unpack(">I", content[at : at + 4])
        kind = content[at + 4 : at + 8]
        end = at + 12 + length  # length, type, data, CRC
        if end > len(content):
            msg = "a PNG chunk runs past the end"
            raise ValueError(msg)
        if kind not in _PNG_METADATA:
            out += content[at:end]
        at = end
        if kind == b"IEND":
            break
    return bytes(out)


def _webp(content: bytes) -> bytes:
    body = bytearray()
    at = 12
    dropped = 0
    while at + 8 <= len(content):
        kind = content[at : at + 4]
        (length,) = struct.unpack("<I", content[at + 4 : at + 8])
        end = at + 8 + length + (length & 1)  # chunks are padded to an even length
        if end > len(content):
            msg = "a WebP chunk runs past the end"
            raise ValueError(msg)
        if kind in _WEBP_METADATA:
            dropped |= _WEBP_METADATA[kind]
        else:
            body += content[at:end]
        at = end
    if dropped and body[:4] == b"VP8X":
        body[8] &= ~dropped & 0xFF  # the header no longer announces what went
    return b"RIFF" + struct.pack("<I", 4 + len(body)) + b"WEBP" + bytes(body)
