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


def extract_png(data: bytes, source: str) -> BakedPayload:
    """The credential text of a baked PNG. Raises when the PNG is corrupt or holds no badge."""
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
        if kind in (b"iTXt", b"tEXt", b"zTXt"):
            found = _decode_text_chunk(kind, body, source)
            if found is not None:
                keyword, text = found
                text = text.strip()
                if not text:
                    raise fail(source, f"the PNG's {keyword.decode()!r} chunk is empty")
                return BakedPayload(text=text, container="png", version="ob3" if keyword == OB3_KEYWORD else "ob2")
        if kind == b"IEND":
            raise NotBakedError(f"{source}: a PNG image without Open Badges data (not a baked badge)")
        offset = end


def extract_svg(data: bytes, source: str) -> BakedPayload:
    """The credential text of a baked SVG (untrusted XML, parsed with defusedxml)."""
    import xml.etree.ElementTree as ET

    import defusedxml
    from defusedxml.ElementTree import fromstring

    try:
        root = fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
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
    if not isinstance(root.tag, str) or not root.tag.endswith("svg"):
        raise fail(source, "an XML document that is not an SVG image")
    for namespace, local, version in (
        (OB3_SVG_NAMESPACE, "credential", "ob3"),
        (OB2_SVG_NAMESPACE, "assertion", "ob2"),
    ):
        element = root.find(f".//{{{namespace}}}{local}")
        if element is None:
            continue
        body = (element.text or "").strip()
        verify = (element.get("verify") or "").strip()
        text = body or verify
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
