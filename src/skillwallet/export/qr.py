"""QR codes that let a reader check a credential.

What a QR code holds (see ``docs/qr.md``):

* the credential's public verification page when it has one (see :func:`verification_url`: an Open Badges 2.0
  hosted assertion URL, a Credly badge page, an https id on the issuer's own host, or a URL the importer recorded
  as ``extra["verification_url"]``); or
* the ``SW1:`` payload: the credential's original bytes, compressed and Base45-encoded, so the credential itself
  travels in the code and can be verified offline. The payload codec, both directions, is
  :mod:`skillwallet.formats.sw1`; reading QR images back is :func:`skillwallet.formats.inputs.decode_qr_image`.

Generation uses zxing-cpp's writer (fast, native); this module only chooses the content and draws the symbols.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from skillwallet.errors import ExportError
from skillwallet.formats.sw1 import encode_credential_payload
from skillwallet.model import FORMAT_OB2

if TYPE_CHECKING:
    from skillwallet.model import Credential

# ISO/IEC 18004 version 40 capacity in alphanumeric mode, by error-correction level.
ALPHANUMERIC_CAPACITY = {"L": 4296, "M": 3391, "Q": 2420, "H": 1852}
# Prefer medium error correction (15 % of the symbol recoverable: survives creases and print blur); fall back to
# low when a large credential would not fit otherwise.
ERROR_CORRECTION_ORDER = ("M", "L")


# --- What goes in the code --------------------------------------------------------------------------------------


# Credly badge pages (www.credly.com/badges/<uuid>) and the Open Badges 2.0 assertion URLs Credly hosts for the
# same badge (api.credly.com/v1/obi/v2/badge_assertions/<uuid>): the page is what a phone shows well.
_CREDLY_PAGE = re.compile(r"^https://(www\.)?credly\.com/badges/([0-9a-f-]{36})(/public_url)?/?$", re.IGNORECASE)
_CREDLY_ASSERTION = re.compile(r"^https://api\.credly\.com/v1/obi/v2/badge_assertions/([0-9a-f-]{36})/?$", re.IGNORECASE)


def _host(value: str | None) -> str | None:
    """The host of an https URL, or of a did:web (``did:web:example.org:path`` -> ``example.org``)."""
    from urllib.parse import unquote, urlsplit

    if not isinstance(value, str):
        return None
    if value.startswith("did:web:"):
        return unquote(value[len("did:web:"):].split(":", 1)[0]).split(":", 1)[0].lower() or None
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return parts.hostname.lower() if parts.scheme == "https" and parts.hostname else None


def credly_page(credential: "Credential") -> str | None:
    """The Credly badge page of a Credly-issued badge, from its id or a URL the importer recorded."""
    candidates = [credential.credential_id]
    if isinstance(credential.extra, dict):
        candidates += [v for k, v in credential.extra.items() if isinstance(v, str) and k.endswith("url")]
    for candidate in candidates:
        if not isinstance(candidate, str):
            continue
        page = _CREDLY_PAGE.match(candidate)
        if page:
            return f"https://www.credly.com/badges/{page.group(2).lower()}"
        assertion = _CREDLY_ASSERTION.match(candidate)
        if assertion:
            return f"https://www.credly.com/badges/{assertion.group(1).lower()}"
    return None


def verification_url(credential: "Credential") -> str | None:
    """The credential's public verification page a phone can open, or ``None``.

    In order: a URL the importer recorded as ``extra["verification_url"]``; the Credly badge page of a Credly
    badge; an Open Badges 2.0 hosted assertion's ``id`` (OB 2.0 §Verification, "hosted": it is verified by
    fetching that URL); a credential ``id`` over HTTPS on its issuer's own host (the issuer's id or URL, or the
    host of its did:web). A VC's ``id`` elsewhere need not resolve to anything, so it is not offered.
    """
    explicit = credential.extra.get("verification_url") if isinstance(credential.extra, dict) else None
    if isinstance(explicit, str) and explicit.startswith(("https://", "http://")):
        return explicit
    credly = credly_page(credential)
    if credly:
        return credly
    credential_id = credential.credential_id or ""
    if credential.format == FORMAT_OB2 and credential_id.startswith(("https://", "http://")):
        return credential_id
    host = _host(credential_id)
    if host and host in {_host(credential.issuer.id), _host(credential.issuer.url)}:
        return credential_id
    return None


def qr_choice_text(kind: str) -> str:
    """What a QR code of ``kind`` holds, in words (``export --qr`` says which it chose)."""
    if kind == "url":
        return "the credential's verification page: any phone camera opens it"
    return ("the signed credential itself (skillwallet SW1 encoding: it has no verification page); "
            "check it with `skillwallet verify` on a scan of the code")


def max_embeddable_characters() -> int:
    return ALPHANUMERIC_CAPACITY["L"]


@dataclass
class QrContent:
    """The text of a QR code for one credential and what kind it is (``url`` or ``embedded``)."""

    text: str
    kind: str


def qr_content_for(credential: "Credential", *, mode: str = "auto") -> QrContent:
    """Choose what a credential's QR code holds.

    ``mode``: ``auto`` (the verification URL when there is one, else the embedded credential), ``url`` (only the
    URL) or ``embed`` (always the credential itself). Raises :class:`ExportError` with advice when the choice is
    impossible (no URL; too large to embed).
    """
    if mode not in ("auto", "url", "embed"):
        raise ExportError(f"unknown QR content mode {mode!r}", "use auto, url or embed")
    url = verification_url(credential) if mode != "embed" else None
    if url:
        return QrContent(url, "url")
    if mode == "url":
        raise ExportError(
            "this credential has no public verification URL",
            "use --qr-content embed to put the credential itself in the code",
        )
    text = encode_credential_payload(credential.original)
    if len(text) > max_embeddable_characters():
        raise ExportError(
            f"the credential is too large for a QR code ({len(credential.original):,} bytes, "
            f"{len(text):,} characters encoded; a QR code holds at most {max_embeddable_characters():,})",
            "share it with `skillwallet export --presentation -o vp.json` or the issuer's public link instead",
        )
    return QrContent(text, "embedded")


# --- Drawing ----------------------------------------------------------------------------------------------------

# ISO/IEC 18004:2015 §7.8.2 has the encoder try all eight data masks and keep the one whose symbol scores the
# lowest penalty (§7.8.3.1). On a large symbol that search is most of the cost of making it (zxing-cpp: about
# 2.5 ms of 3 for a version-23 code, against 0.4 ms with the mask given). The payloads that make large symbols
# here are Base45 of zlib output, which looks random: with mask 4 such symbols score 0.70-0.95 penalty points per
# module from version 10 up (measured on 300 random payloads; the best of the eight masks scores 0.69-0.87), and
# decode like any other. So a large symbol is made with mask 4, scored, and made again with the full search
# only when it scores above FIXED_MASK_MAX_PENALTY per module: the runs, blocks and finder-like patterns the
# penalty exists to avoid. Small symbols (links) always get the search: it costs little there.
FIXED_MASK = 4
FIXED_MASK_MIN_CHARACTERS = 300  # at level M, more than this needs version 10 or above in any mode
FIXED_MASK_MAX_PENALTY = 1.0
QUIET_ZONE = 4  # modules of light margin on each side (ISO/IEC 18004:2015 §6.3.8)


@dataclass(frozen=True)
class QrBitmap:
    """A QR symbol with its quiet zone, one bit per module: ``modules`` per side, rows packed most significant bit
    first and padded to whole bytes, 1 = light. That is the layout of a 1-bit DeviceGray PDF image (PDF 1.7
    §8.9.3) and of a Pillow mode "1" image."""

    modules: int
    rows: bytes
    mask: int | None  # the data mask forced on it; None when the encoder's penalty search chose


def _encode(text: str, level: str, mask: int | None):
    import zxingcpp

    options = {"ec_level": level} if mask is None else {"ec_level": level, "data_mask": mask}
    return zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, **options)


_TO_BINARY_DIGITS = bytes.maketrans(b"\x00\xff", b"01")


def _bitmap(barcode, mask: int | None) -> QrBitmap:
    image = barcode.to_image(scale=1, add_quiet_zones=True)  # one byte per module: 0 dark, 255 light
    size = image.shape[0]
    # each module becomes the digit 0 or 1, each row is padded to whole bytes, and int(..., 2) packs the lot
    digits = bytes(memoryview(image)).translate(_TO_BINARY_DIGITS)
    padding = b"0" * (-size % 8)
    if padding:
        digits = b"".join([digits[start : start + size] + padding for start in range(0, len(digits), size)])
    return QrBitmap(size, int(digits, 2).to_bytes(len(digits) // 8, "big"), mask)


def qr_bitmap(text: str, *, mask: int | None = None) -> QrBitmap:
    """The QR symbol for ``text`` as a 1-bit bitmap (level M, else L when only L holds the data).

    ``mask`` forces one of the eight data masks (0-7); by default a large symbol gets :data:`FIXED_MASK` unless
    that scores badly, and a small one the encoder's full penalty search.
    """
    if mask is not None and mask not in range(8):
        raise ValueError(f"a QR data mask is 0-7, not {mask!r}")
    if mask is None and len(text) > FIXED_MASK_MIN_CHARACTERS:
        mask, search_if_poor = FIXED_MASK, True
    else:
        search_if_poor = False
    last_error: Exception | None = None
    for level in ERROR_CORRECTION_ORDER:
        try:
            barcode = _encode(text, level, mask)
        except Exception as exc:  # zxing raises a plain exception when the data exceeds version 40
            last_error = exc
            continue
        bitmap = _bitmap(barcode, mask)
        if search_if_poor:
            inner = bitmap.modules - 2 * QUIET_ZONE
            if mask_penalty(bitmap) > FIXED_MASK_MAX_PENALTY * inner * inner:
                # the same level fitted with mask 4, so it fits with the mask the search picks
                bitmap = _bitmap(_encode(text, level, None), None)
        return bitmap
    raise ExportError(
        f"the data is too large for a QR code ({len(text):,} characters)",
        "share the credential with `skillwallet export --presentation` or its public link instead",
    ) from last_error


@lru_cache(maxsize=64)
def _penalty_masks(size: int) -> tuple[int, int, int]:
    """(row stride in bits, every module, the symbol without its quiet zone) as bit masks of a packed bitmap."""
    stride = (size + 7) // 8 * 8
    row_all = ((1 << size) - 1) << (stride - size)
    row_symbol = ((1 << (size - 2 * QUIET_ZONE)) - 1) << (stride - size + QUIET_ZONE)
    every = symbol = 0
    for y in range(size):
        shift = (size - 1 - y) * stride
        every |= row_all << shift
        if QUIET_ZONE <= y < size - QUIET_ZONE:
            symbol |= row_symbol << shift
    return stride, every, symbol


_FINDER_LIKE = ((1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0), (0, 0, 0, 0, 1, 0, 1, 1, 1, 0, 1))


def mask_penalty(bitmap: QrBitmap) -> int:
    """The symbol's penalty score, ISO/IEC 18004:2015 §7.8.3.1 (Table 11): the lower, the easier to read.

    N1 = 3: each row or column run of 5 or more same-coloured modules scores 3 + (length - 5); N2 = 3: each 2x2
    block of one colour (blocks overlap); N3 = 40: each 1:1:3:1:1 finder-like pattern with 4 light modules on
    one side (the quiet zone counts as light); N4 = 10: each full 5 % by which the dark modules stray from half.

    The whole bitmap is one integer, one bit per module, so each rule is a handful of shifts and ANDs over all
    rows at once: about 0.1 ms for a version-40 symbol.
    """
    size = bitmap.modules
    stride, every, symbol = _penalty_masks(size)
    light = int.from_bytes(bitmap.rows, "big") & every
    dark = ~light & every
    score = 0
    same_in_row = 0
    # step 1 compares each module with its left neighbour, step `stride` with the one above
    for step in (1, stride):
        same = ~(light ^ (light >> step)) & symbol & (symbol >> step)
        # a run of n >= 5 holds n - 4 windows of five and one start: 3 + (n - 5) = windows + 2 * starts
        five = same & (same >> step) & (same >> 2 * step) & (same >> 3 * step)
        score += five.bit_count() + 2 * (five & ~(five >> step)).bit_count()
        if step == 1:
            same_in_row = same
        else:
            score += 3 * (same_in_row & (same_in_row >> stride) & same).bit_count()
        for pattern in _FINDER_LIKE:
            hits = every
            for offset, is_dark in enumerate(pattern):
                hits &= (dark if is_dark else light) >> ((10 - offset) * step)
                if not hits:
                    break
            score += 40 * hits.bit_count()
    inner = size - 2 * QUIET_ZONE
    cells = inner * inner
    score += 10 * (abs(20 * (dark & symbol).bit_count() - 10 * cells) // cells)
    return score


def qr_matrix(text: str) -> list[list[bool]]:
    """The QR symbol for ``text`` as rows of modules (``True`` = dark), with a 4-module quiet zone."""
    bitmap = qr_bitmap(text)
    size, stride = bitmap.modules, (bitmap.modules + 7) // 8
    matrix = []
    for y in range(size):
        row = int.from_bytes(bitmap.rows[y * stride : (y + 1) * stride], "big")
        top = stride * 8 - 1
        matrix.append([not (row >> (top - x)) & 1 for x in range(size)])
    return matrix


def qr_png(text: str, *, module_pixels: int = 8) -> bytes:
    """A PNG of the QR code for ``text`` (1-bit, ``module_pixels`` pixels per module, quiet zone included)."""
    import io

    image = qr_pil_image(text, module_pixels=module_pixels)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def qr_pil_image(text: str, *, module_pixels: int = 4):
    """A 1-bit Pillow image of the QR code for ``text``."""
    from PIL import Image

    bitmap = qr_bitmap(text)
    image = Image.frombytes("1", (bitmap.modules, bitmap.modules), bitmap.rows)
    if module_pixels == 1:
        return image
    return image.resize((bitmap.modules * module_pixels,) * 2, Image.Resampling.NEAREST)


def qr_svg(text: str, *, module_size: int = 8) -> bytes:
    """A standalone SVG of the QR code for ``text`` (one rect per dark module, quiet zone included)."""
    matrix = qr_matrix(text)
    size = len(matrix)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size * module_size}" height="{size * module_size}" ',
        f'viewBox="0 0 {size} {size}" shape-rendering="crispEdges">\n',
        f'<rect width="{size}" height="{size}" fill="#ffffff"/>\n<path fill="#000000" d="',
    ]
    for y, row in enumerate(matrix):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    parts.append('"/>\n</svg>\n')
    return "".join(parts).encode("ascii")


def qr_terminal(text: str) -> str:
    """The QR code as text blocks for a terminal: two module rows per line, with half-block characters.

    Light modules (and the quiet zone) are drawn as blocks and dark modules left as the background, like
    ``qrencode -t UTF8``: on the usual dark terminal background this gives dark modules on a light field, which
    is what scanners expect.
    """
    matrix = qr_matrix(text)
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    lines = []
    for y in range(0, len(matrix), 2):
        top, bottom = matrix[y], matrix[y + 1]
        chars = []
        for a, b in zip(top, bottom):
            # light = block: upper half light, lower half light
            light_top, light_bottom = not a, not b
            if light_top and light_bottom:
                chars.append("\u2588")
            elif light_top:
                chars.append("\u2580")
            elif light_bottom:
                chars.append("\u2584")
            else:
                chars.append(" ")
        lines.append("".join(chars))
    return "\n".join(lines) + "\n"


