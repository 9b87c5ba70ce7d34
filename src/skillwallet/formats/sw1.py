"""The ``SW1:`` payload a skillwallet QR code carries, both directions (see ``docs/qr.md``).

``SW1:`` followed by the Base45 (RFC 9285) encoding of the zlib (RFC 1950) compressed *original bytes* of a
credential, so the credential itself travels in the code and can be verified offline. Base45 uses exactly the
45 characters of the QR alphanumeric mode (ISO/IEC 18004 §7.4.4), which packs 2 bytes into 16.5 bits; the prefix
``SW1:`` is alphanumeric too, so the whole payload is encoded in that dense mode (the same design as the EU
Digital COVID Certificate's ``HC1:``).

The importer reads these payloads back (:func:`decode_qr_payload`); :mod:`skillwallet.export.qr` writes them
(:func:`encode_credential_payload`) and only draws the symbols.
"""

from __future__ import annotations

import struct
import zlib

from skillwallet.errors import InvalidInputError

PREFIX_V1 = "SW1:"
# Decompressed credentials larger than this are refused (a QR code holds < 3 KB; this bounds a zlib bomb).
MAX_DECOMPRESSED_BYTES = 1 << 20

BASE45_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_BASE45_INDEX = {c: i for i, c in enumerate(BASE45_ALPHABET)}


# --- Base45, RFC 9285 -------------------------------------------------------------------------------------------


# the first two characters of a group for each value mod 45 * 45: c then d, least significant first (RFC 9285 §4)
_BASE45_PAIRS = [c + d for d in BASE45_ALPHABET for c in BASE45_ALPHABET]


def base45_encode(data: bytes) -> str:
    """Base45-encode ``data`` (RFC 9285 §4): each 2 bytes become 3 characters, a final odd byte 2 characters.

    A 2-byte value n = c + 45 d + 2025 e is written c d e; the pairs (c, d) come from a table, so one lookup and
    one division per group (a resume encodes hundreds of credentials).
    """
    even = len(data) - len(data) % 2
    values = struct.unpack(f">{even // 2}H", data[:even])
    pairs, alphabet = _BASE45_PAIRS, BASE45_ALPHABET
    out = [pairs[n % 2025] + alphabet[n // 2025] for n in values]
    if len(data) % 2:
        e, c = divmod(data[-1], 45)
        out.append(BASE45_ALPHABET[c] + BASE45_ALPHABET[e])
    return "".join(out)


def base45_decode(text: str) -> bytes:
    """Decode Base45 text (RFC 9285 §4.2); :class:`ValueError` on a bad character, length or overflowing group."""
    try:
        values = [_BASE45_INDEX[c] for c in text]
    except KeyError as exc:
        raise ValueError(f"not a Base45 character: {exc.args[0]!r}") from None
    if len(values) % 3 == 1:
        raise ValueError("Base45 text has a dangling character")
    out = bytearray()
    for i in range(0, len(values), 3):
        group = values[i : i + 3]
        if len(group) == 3:
            n = group[0] + group[1] * 45 + group[2] * 2025
            if n > 0xFFFF:
                raise ValueError("Base45 group out of range")
            out += n.to_bytes(2, "big")
        else:
            n = group[0] + group[1] * 45
            if n > 0xFF:
                raise ValueError("Base45 group out of range")
            out.append(n)
    return bytes(out)


def encode_credential_payload(original: bytes) -> str:
    """``SW1:`` + Base45(zlib(original)): the credential's exact bytes in QR alphanumeric characters."""
    return PREFIX_V1 + base45_encode(zlib.compress(original, 9))


def decode_qr_payload(text: str) -> bytes | str:
    """What a scanned QR text stands for: the credential's original bytes, or a URL (``str``) to fetch.

    ``SW1:`` payloads are Base45-decoded and decompressed (bounded to :data:`MAX_DECOMPRESSED_BYTES`); a bare
    credential (JSON, compact JWS, SD-JWT) put in a QR code by another tool is returned as its bytes. Raises
    :class:`InvalidInputError` for anything else, including a damaged or newer-version payload.
    """
    stripped = text.strip()
    if stripped.startswith(PREFIX_V1):
        try:
            compressed = base45_decode(stripped[len(PREFIX_V1) :])
        except ValueError as exc:
            raise InvalidInputError(f"damaged skillwallet QR code: {exc}") from None
        decompressor = zlib.decompressobj()
        try:
            original = decompressor.decompress(compressed, MAX_DECOMPRESSED_BYTES)
        except zlib.error as exc:
            raise InvalidInputError(f"damaged skillwallet QR code: {exc}") from None
        if decompressor.unconsumed_tail:
            raise InvalidInputError("skillwallet QR code expands to more than 1 MiB; refused")
        if not decompressor.eof:
            raise InvalidInputError("damaged skillwallet QR code: the compressed data is truncated")
        return original
    if len(stripped) > 3 and stripped[:2] == "SW" and stripped[2:].split(":", 1)[0].isdigit() and ":" in stripped:
        version = stripped[2:].split(":", 1)[0]
        raise InvalidInputError(
            f"this QR code uses skillwallet encoding version {version}, newer than this skillwallet understands",
            "upgrade skillwallet",
        )
    lowered = stripped.lower()
    if lowered.startswith(("https://", "http://")) and " " not in stripped:
        return stripped
    if stripped.startswith("{") or _looks_like_jws(stripped):
        return stripped.encode("utf-8")
    raise InvalidInputError(
        "this QR code holds neither a credential nor a verification link",
        f"it reads: {stripped[:60]!r}",
    )


def _looks_like_jws(text: str) -> bool:
    head = text.split("~", 1)[0]
    parts = head.split(".")
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    return len(parts) == 3 and parts[0].startswith("eyJ") and all(set(p) <= allowed for p in parts)
