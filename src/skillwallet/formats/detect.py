"""Recognise what a blob of bytes is, by content only (never by file name).

The sniffers look at the first bytes: the PNG signature (PNG spec §5.2), an XML/SVG prolog or root,
a JSON object, a compact JWS (RFC 7515 §7.1: three base64url segments separated by dots) or an
SD-JWT (draft-ietf-oauth-selective-disclosure-jwt §4: a compact JWS followed by ``~``-separated
disclosures). ZIP archives are recognised here but unpacked by :mod:`skillwallet.formats.inputs`.
"""

from __future__ import annotations

import re

PNG = "png"
SVG = "svg"
JSON = "json"
JWS = "jws"
SD_JWT = "sd-jwt"
ZIP = "zip"
JPEG = "jpeg"
IMAGE = "image"  # GIF, WebP, BMP: cannot carry a baked badge, may show a QR code
URL = "url"
UNKNOWN = "unknown"

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
PDF_MAGIC = b"%PDF-"

_B64URL = r"[A-Za-z0-9_-]"
# header.payload.signature; the signature may be empty only for an unsecured JWS, which we refuse later.
JWS_RE = re.compile(rf"^{_B64URL}+\.{_B64URL}+\.{_B64URL}*$")
# issuer-signed JWT, then zero or more disclosures, each followed by '~'; optionally a key-binding JWT.
SD_JWT_RE = re.compile(rf"^{_B64URL}+\.{_B64URL}+\.{_B64URL}+~(?:{_B64URL}+~)*(?:{_B64URL}+\.{_B64URL}+\.{_B64URL}+)?$")
URL_RE = re.compile(r"^https?://\S+$")


def sniff(data: bytes) -> str:
    """Return one of the kind constants of this module for ``data``."""
    if data.startswith(PNG_SIGNATURE):
        return PNG
    if data.startswith(ZIP_SIGNATURES):
        return ZIP
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith((b"GIF87a", b"GIF89a")) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return IMAGE
    if data[:2] == b"BM" and len(data) > 26 and data[6:10] == b"\x00\x00\x00\x00":  # BMP: reserved fields zero
        return IMAGE
    head = data[:4096].lstrip(b"\xef\xbb\xbf").lstrip()
    if head.startswith((b"{", b"[")):
        return JSON
    if head.startswith(b"<"):
        lowered = head.lower()
        if b"<svg" in lowered or lowered.startswith(b"<?xml") or b"<!doctype svg" in lowered:
            return SVG
        return UNKNOWN
    return sniff_text(data)


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` is a PDF (a resume ``verify`` checks against the proof it carries), not a credential."""
    # PDF 1.7 §7.5.2: the header is the first line; readers accept it within the first 1024 bytes
    return PDF_MAGIC in data[:1024]


def sniff_text(data: bytes | str) -> str:
    """Classify text that is not JSON/XML: a compact JWS, an SD-JWT, a URL, or unknown."""
    if isinstance(data, bytes):
        if len(data) > 8 * 1024 * 1024:
            return UNKNOWN
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            return UNKNOWN
    else:
        text = data
    text = text.strip()
    if not text:
        return UNKNOWN
    if "~" in text and SD_JWT_RE.match(text):
        return SD_JWT
    if JWS_RE.match(text):
        return JWS
    if URL_RE.match(text):
        return URL
    if text.startswith(("{", "[")):
        return JSON
    return UNKNOWN
