"""Extract the credential baked into a PNG or SVG badge image.

PNG (PNG spec §5.3 chunk layout, §11.3.3 text chunks): Open Badges 2.0 bakes into an ``iTXt`` chunk with
keyword ``openbadges`` (OB 2.0 §Baking); Open Badges 3.0 into ``iTXt`` with keyword
``openbadgecredential`` (OB 3.0 §5.3.1). Older bakers used ``tEXt``/``zTXt``; those are read too.
Chunks are parsed here with strict length and CRC checks; any compressed text is inflated with a hard
output limit so a small image cannot expand into gigabytes.

SVG (OB 2.0 and OB 3.0 §5.3.2): ``<openbadges:assertion>`` in namespace ``http://openbadges.org`` or
``<openbadges:credential>`` in ``https://purl.imsglobal.org/ob/v3p0``, holding JSON in CDATA or a
``verify`` attribute with a compact JWS (or, for OB 2.0, a hosted assertion URL). Parsed with
defusedxml: entity declarations and external references are refused.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from skillwallet.errors import InvalidInputError
from skillwallet.formats._common import fail
from skillwallet.formats.detect import PNG_SIGNATURE

OB2_KEYWORD = b"openbadges"
OB3_KEYWORD = b"openbadgecredential"
OB2_SVG_NAMESPACE = "http://openbadges.org"
OB3_SVG_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
MAX_TEXT_BYTES = 5 * 1024 * 1024  # baked credential text, after decompression
MAX_CHUNK_BYTES = 64 * 1024 * 1024  # PNG spec allows 2^31-1; anything near that in a badge is hostile


class NotBakedError(InvalidInputError):
    """A well-formed image that carries no badge data (it may still show a QR code)."""


@dataclass
class BakedPayload:
    """The text baked into an image and where it came from."""

    text: str
    container: str  # "png" | "svg"
    version: str  # "ob2" | "ob3" (from the keyword / namespace)


def _inflate(data: bytes, source: str) -> bytes:
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(data, MAX_TEXT_BYTES + 1)
    except zlib.error:
        raise fail(source, "the badge text chunk holds corrupt compressed data") from None
    if len(out) > MAX_TEXT_BYTES or inflater.unconsumed_tail:
        raise fail(source, f"the badge text chunk inflates beyond {MAX_TEXT_BYTES // (1024 * 1024)} MiB")
    return out


def _decode_text_chunk(kind: bytes, body: bytes, source: str) -> tuple[bytes, str] | None:
    """(keyword, text) of a tEXt/zTXt/iTXt chunk body, or None if it is not a badge keyword."""
    keyword, sep, rest = body.partition(b"\x00")
    if not sep or keyword not in (OB2_KEYWORD, OB3_KEYWORD):
        return None
    if kind == b"tEXt":
        return keyword, rest.decode("latin-1")
    if kind == b"zTXt":
        if not rest or rest[0] != 0:
            raise fail(source, "the badge zTXt chunk uses an unknown compression method")
        return keyword, _inflate(rest[1:], source).decode("latin-1")
    # iTXt: compression flag, method, language tag\0, translated keyword\0, text
    if len(rest) < 2:
        raise fail(source, "the badge iTXt chunk is truncated")
    flag, method = rest[0], rest[1]
    language, sep1, rest = rest[2:].partition(b"\x00")
    translated, sep2, text = rest.partition(b"\x00")
    if not sep1 or not sep2:
        raise fail(source, "the badge iTXt chunk is malformed")
    if flag == 1:
        if method != 0:
            raise fail(source, "the badge iTXt chunk uses an unknown compression method")
        text = _inflate(text, source)
    elif flag != 0:
        raise fail(source, "the badge iTXt chunk has an invalid compression flag")
    try:
        return keyword, text.decode("utf-8")
    except UnicodeDecodeError:
        raise fail(source, "the badge iTXt text is not UTF-8") from None


def _png_chunks(data: bytes, source: str):
    """Yield ``(kind, body)`` for each chunk of a PNG (PNG spec §5.3), with strict length and CRC checks.

    Stops after IEND; raises when the stream is corrupt or ends without IEND.
    """
    if not data.startswith(PNG_SIGNATURE):
        raise fail(source, "not a PNG image")
    offset = len(PNG_SIGNATURE)
    first = True
    while True:
        if offset + 8 > len(data):
            raise fail(source, "the PNG is truncated (no IEND chunk) and holds no badge data")
        length, kind = struct.unpack(">I4s", data[offset : offset + 8])
        if length > MAX_CHUNK_BYTES or length > 0x7FFFFFFF:
            raise fail(source, "the PNG is corrupt (impossible chunk length)")
        end = offset + 8 + length + 4
        if end > len(data):
            raise fail(source, f"the PNG is truncated inside its {kind.decode('latin-1')!r} chunk")
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise fail(source, f"the PNG is corrupt (bad CRC in a {kind.decode('latin-1')!r} chunk)")
        if first and kind != b"IHDR":
            raise fail(source, "the PNG is corrupt (first chunk is not IHDR)")
        first = False
        yield kind, body
        if kind == b"IEND":
            return
        offset = end


def extract_png(data: bytes, source: str) -> BakedPayload:
    """The credential text of a baked PNG. Raises when the PNG is corrupt or holds no badge.

    Only the chunk stream is read: no pixel is decoded, and compressed text is inflated with a hard limit.
    """
    for kind, body in _png_chunks(data, source):
        if kind in (b"iTXt", b"tEXt", b"zTXt"):
            found = _decode_text_chunk(kind, body, source)
            if found is not None:
                keyword, text = found
                text = text.strip()
                if not text:
                    raise fail(source, f"the PNG's {keyword.decode()!r} chunk is empty")
                return BakedPayload(text=text, container="png", version="ob3" if keyword == OB3_KEYWORD else "ob2")
    raise NotBakedError(f"{source}: a PNG image without Open Badges data (not a baked badge)")


#: The chunks an image decoder needs to draw the pixels (PNG spec §5.6 critical chunks, plus tRNS for transparency).
_PIXEL_CHUNKS = (b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND")


def png_pixel_stream(data: bytes, source: str) -> tuple[int, int, bytes]:
    """``(width, height, png)``: the PNG's size from IHDR (§11.2.2) and a copy holding only the chunks that draw it.

    For decoding the pixels of an image that is not a baked badge (to look for a QR code): an image library
    given the original would inflate every text chunk (up to 64 MiB in Pillow) before the first pixel.
    """
    chunks = [PNG_SIGNATURE]
    width = height = 0
    for kind, body in _png_chunks(data, source):
        if kind == b"IHDR":
            if len(body) != 13:
                raise fail(source, "the PNG is corrupt (IHDR is not 13 bytes)")
            width, height = struct.unpack(">II", body[:8])
        if kind in _PIXEL_CHUNKS:
            chunks.append(_png_chunk(kind, body))
    return width, height, b"".join(chunks)


#: Bounds on a baked SVG's XML: no badge image comes near them (a detailed illustration has a few thousand
#: elements nested a few dozen deep), and the parser keeps no tree, so 5 MiB of markup stays a few MiB in memory.
MAX_SVG_ELEMENTS = 100_000
MAX_SVG_DEPTH = 256
#: Attributes in one element: expat holds every attribute of a start tag at once (about 300 bytes each), so a
#: 5 MiB tag of 400,000 attributes costs 130 MiB before any handler runs. Counted in the raw bytes first.
MAX_SVG_ATTRIBUTES = 1_000
_SVG_BADGE_ELEMENTS = (
    (f"{{{OB3_SVG_NAMESPACE}}}credential", "credential", "ob3"),
    (f"{{{OB2_SVG_NAMESPACE}}}assertion", "assertion", "ob2"),
)


class _SvgTooComplex(Exception):
    pass


class _BadgeElementFinder:
    """An ElementTree parser target that builds no tree: it counts elements and depth and keeps only the text
    (before its first child, like ``Element.text``) and ``verify`` attribute of the first badge element of each
    Open Badges version."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.found: dict[str, tuple[str, str, str]] = {}  # version -> (local name, text, verify)
        self._elements = 0
        self._depth = 0
        self._capture: tuple[str, str, int, str] | None = None  # version, local, depth, verify
        self._text: list[str] = []
        self._text_bytes = 0
        self._child_started = False

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        self._elements += 1
        self._depth += 1
        if self._elements > MAX_SVG_ELEMENTS:
            raise _SvgTooComplex(f"it has more than {MAX_SVG_ELEMENTS:,} elements")
        if self._depth > MAX_SVG_DEPTH:
            raise _SvgTooComplex(f"its elements are nested deeper than {MAX_SVG_DEPTH}")
        if self.root is None:
            self.root = tag
        if self._capture is not None:
            self._child_started = True
            return
        for name, local, version in _SVG_BADGE_ELEMENTS:
            if tag == name and version not in self.found:
                self._capture = (version, local, self._depth, attrib.get("verify") or "")
                self._text, self._text_bytes, self._child_started = [], 0, False

    def data(self, text: str) -> None:
        if self._capture is not None and not self._child_started:
            self._text_bytes += len(text)
            if self._text_bytes > MAX_TEXT_BYTES:
                raise _SvgTooComplex("its badge data is too large")
            self._text.append(text)

    def end(self, tag: str) -> None:
        if self._capture is not None and self._depth == self._capture[2]:
            version, local, _depth, verify = self._capture
            self.found[version] = (local, "".join(self._text), verify)
            self._capture = None
        self._depth -= 1

    def close(self) -> None:
        return None


def _check_attribute_counts(data: bytes) -> None:
    """Refuse a start tag with more than :data:`MAX_SVG_ATTRIBUTES` attributes, before expat sees it.

    Counts ``=`` in each ``<...>`` span long enough to hold that many (each attribute needs at least ``a=""``);
    an over-count (an ``=`` inside a quoted value) can only refuse a tag already thousands of bytes long.
    """
    import re

    for match in re.finditer(rb"<[^<>]{%d,}>" % (4 * MAX_SVG_ATTRIBUTES), data):
        if match.group().count(b"=") > MAX_SVG_ATTRIBUTES:
            raise _SvgTooComplex(f"an element has more than {MAX_SVG_ATTRIBUTES:,} attributes")


def extract_svg(data: bytes, source: str) -> BakedPayload:
    """The credential text of a baked SVG (untrusted XML, parsed with defusedxml, streamed without a tree)."""
    import xml.etree.ElementTree as ET

    import defusedxml
    from defusedxml.ElementTree import DefusedXMLParser

    finder = _BadgeElementFinder()
    try:
        _check_attribute_counts(data)
        parser = DefusedXMLParser(target=finder, forbid_dtd=False, forbid_entities=True, forbid_external=True)
        parser.feed(data)
        parser.close()
    except _SvgTooComplex as exc:
        raise fail(source, f"the SVG is refused: {exc}") from None
    except defusedxml.DTDForbidden:
        raise fail(source, "the SVG declares a DTD, which is refused") from None
    except defusedxml.EntitiesForbidden:
        raise fail(source, "the SVG declares XML entities (possible entity bomb), which are refused") from None
    except defusedxml.ExternalReferenceForbidden:
        raise fail(source, "the SVG references external entities, which are refused") from None
    except defusedxml.DefusedXmlException as exc:
        raise fail(source, f"the SVG is refused: {type(exc).__name__}") from None
    except ET.ParseError as exc:
        raise fail(source, f"malformed SVG/XML: {exc}") from None
    except LookupError as exc:  # an unknown encoding named in the XML declaration
        raise fail(source, f"malformed SVG/XML: {exc}") from None
    except (ValueError, RecursionError) as exc:
        raise fail(source, f"malformed SVG/XML: {exc}") from None
    if finder.root is None or not finder.root.endswith("svg"):
        raise fail(source, "an XML document that is not an SVG image")
    for version in ("ob3", "ob2"):
        if version not in finder.found:
            continue
        local, body, verify = finder.found[version]
        text = body.strip() or verify.strip()
        if not text:
            raise fail(source, f"the SVG's openbadges:{local} element is empty")
        if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
            raise fail(source, "the SVG's badge data is too large")
        return BakedPayload(text=text, container="svg", version=version)
    raise NotBakedError(f"{source}: an SVG image without Open Badges data (not a baked badge)")


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def bake_png(image: bytes, text: str, *, version: str = "ob3") -> bytes:
    """Insert an uncompressed ``iTXt`` badge chunk right after IHDR (OB 2.0/3.0 baking). For tests and export."""
    if not image.startswith(PNG_SIGNATURE):
        raise ValueError("not a PNG image")
    keyword = OB3_KEYWORD if version == "ob3" else OB2_KEYWORD
    (ihdr_length,) = struct.unpack(">I", image[8:12])
    split = 8 + 8 + ihdr_length + 4
    chunk = _png_chunk(b"iTXt", keyword + b"\x00\x00\x00\x00\x00" + text.encode("utf-8"))
    return image[:split] + chunk + image[split:]
