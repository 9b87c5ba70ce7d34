"""QR payloads: Base45 known answers, the SW1 round trip through a real image and decoder, and bad input."""

from __future__ import annotations

import io
import os
import zlib

import pytest
from export_helpers import ob2_hosted_credential, ob3_credential, vc_jwt_credential
from hypothesis import given, settings
from hypothesis import strategies as st

from skillwallet.errors import ExportError, InvalidInputError
from skillwallet.export import qr
from skillwallet.formats import inputs, sw1


@pytest.mark.parametrize(
    ("raw", "encoded"),
    # RFC 9285 §4.3 examples
    [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0"), (b"", "")],
)
def test_base45_matches_rfc9285_examples(raw: bytes, encoded: str) -> None:
    assert sw1.base45_encode(raw) == encoded
    assert sw1.base45_decode(encoded) == raw


@given(st.binary(max_size=300))
@settings(max_examples=200)
def test_base45_round_trips_any_bytes(data: bytes) -> None:
    text = sw1.base45_encode(data)
    assert set(text) <= set(sw1.BASE45_ALPHABET)
    assert sw1.base45_decode(text) == data


@pytest.mark.parametrize("bad", ["GGW", "A", "ab", "ZZZ"])
def test_base45_rejects_invalid_text(bad: str) -> None:
    # GGW = 65536 (one past 0xFFFF, RFC 9285 §6); lowercase is outside the alphabet; a lone char is dangling
    with pytest.raises(ValueError):
        sw1.base45_decode(bad)


def test_embedded_credential_survives_png_and_real_decoder() -> None:
    credential = ob3_credential("Zertifikat für Datenschutz", "TU München", index=1, skills=("GDPR",))
    content = qr.qr_content_for(credential)
    assert content.kind == "embedded"
    assert content.text.startswith("SW1:")
    png = qr.qr_png(content.text)
    texts = inputs.decode_qr_image(png)
    assert texts == [content.text]
    assert sw1.decode_qr_payload(texts[0]) == credential.original


def test_hosted_ob2_gets_its_verification_url() -> None:
    credential = ob2_hosted_credential()
    content = qr.qr_content_for(credential)
    assert content == qr.QrContent(credential.credential_id, "url")
    assert inputs.decode_qr_image(qr.qr_png(content.text)) == [credential.credential_id]
    assert sw1.decode_qr_payload(content.text) == credential.credential_id
    # and embedding is still possible on request
    embedded = qr.qr_content_for(credential, mode="embed")
    assert sw1.decode_qr_payload(embedded.text) == credential.original


def test_url_mode_without_url_is_a_clear_error() -> None:
    with pytest.raises(ExportError, match="no public verification URL"):
        qr.qr_content_for(vc_jwt_credential(), mode="url")


def test_too_large_credential_raises_export_error_with_advice() -> None:
    credential = vc_jwt_credential()
    credential.original = os.urandom(6000)  # incompressible: cannot fit in any QR version
    with pytest.raises(ExportError) as info:
        qr.qr_content_for(credential)
    assert "too large for a QR code" in info.value.message
    assert any("--presentation" in hint for hint in info.value.hints)


def test_largest_embeddable_credential_still_decodes() -> None:
    # close to the version-40 limit: the symbol must still be produced and read back
    data = os.urandom(2700)
    text = sw1.encode_credential_payload(data)
    assert len(text) <= qr.max_embeddable_characters()
    png = qr.qr_png(text, module_pixels=4)
    assert [sw1.decode_qr_payload(t) for t in inputs.decode_qr_image(png)] == [data]


def test_svg_output_is_a_scannable_symbol() -> None:
    from PIL import Image, ImageDraw

    text = "https://badges.example.edu/assertions/1234"
    svg = qr.qr_svg(text).decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    # rasterise the path ourselves (no SVG library needed: it is only h/v runs) and decode it
    matrix = qr.qr_matrix(text)
    scale = 6
    image = Image.new("L", (len(matrix) * scale,) * 2, 255)
    draw = ImageDraw.Draw(image)
    path = svg.split(' d="', 1)[1].split('"', 1)[0]
    for segment in path.split("M")[1:]:
        start, rest = segment.split("h", 1)
        x, y = (int(v) for v in start.split())
        width = int(rest.split("v", 1)[0])
        draw.rectangle([x * scale, y * scale, (x + width) * scale - 1, (y + 1) * scale - 1], fill=0)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    assert inputs.decode_qr_image(buffer.getvalue()) == [text]


def test_terminal_rendering_encodes_the_matrix() -> None:
    text = "https://example.org/v/1"
    matrix = qr.qr_matrix(text)
    lines = qr.qr_terminal(text).splitlines()
    assert len(lines) == (len(matrix) + 1) // 2
    assert all(len(line) == len(matrix) for line in lines)
    # the quiet zone (light) is drawn as full blocks
    assert set(lines[0]) == {"\u2588"}
    # rebuild the top module row from the half blocks
    top_dark = [ch in (" ", "\u2584") for ch in lines[2]]
    assert top_dark == matrix[4]


def test_decode_image_with_no_code_returns_empty_list() -> None:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (200, 200), "white").save(buffer, format="PNG")
    assert inputs.decode_qr_image(buffer.getvalue()) == []


def test_decode_image_rejects_non_images() -> None:
    with pytest.raises(InvalidInputError, match="not a readable image"):
        inputs.decode_qr_image(b"%PDF-1.7 not an image")


def test_decode_transparent_png() -> None:
    from PIL import Image

    text = "SW1:" + sw1.base45_encode(zlib.compress(b'{"a": 1}'))
    symbol = qr.qr_pil_image(text, module_pixels=5).convert("L")
    rgba = Image.new("RGBA", symbol.size, (0, 0, 0, 0))
    rgba.putalpha(symbol.point(lambda v: 255 - v))  # dark modules opaque black, light ones transparent
    buffer = io.BytesIO()
    rgba.save(buffer, format="PNG")
    assert inputs.decode_qr_image(buffer.getvalue()) == [text]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SW1:GGW", "damaged"),
        ("SW1:" + sw1.base45_encode(b"not zlib at all"), "damaged"),
        ("SW1:" + sw1.base45_encode(zlib.compress(b"{}" * 100)[:-6]), "truncated"),
        ("SW2:ABC", "newer"),
        ("hello world", "neither a credential nor a verification link"),
    ],
)
def test_bad_payloads_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        sw1.decode_qr_payload(text)


def test_zlib_bomb_is_refused() -> None:
    bomb = "SW1:" + sw1.base45_encode(zlib.compress(b"\0" * (sw1.MAX_DECOMPRESSED_BYTES + 10), 9))
    with pytest.raises(InvalidInputError, match="more than 1 MiB"):
        sw1.decode_qr_payload(bomb)


def test_bare_credentials_from_other_tools_are_accepted() -> None:
    jwt = vc_jwt_credential().original.decode()
    assert sw1.decode_qr_payload(jwt) == jwt.encode()
    assert sw1.decode_qr_payload(' {"@context": []} ') == b'{"@context": []}'


# --- Drawing: data masks, the ISO penalty, the terminal ----------------------------------------------------------


def _read_at_print_size(bitmap: qr.QrBitmap, dpi: int = 150):
    """The symbol as a reader draws it in the PDF (its printed size, no interpolation), decoded by zxing-cpp."""
    import zxingcpp
    from PIL import Image

    from skillwallet.export.pdf import qr_print_size

    points = qr_print_size(bitmap.modules, 25 * 72 / 25.4)
    pixels = round(points / 72 * dpi)
    image = Image.frombytes("1", (bitmap.modules, bitmap.modules), bitmap.rows).convert("L")
    image = image.resize((pixels, pixels), Image.Resampling.NEAREST)  # PDF 1.7 §8.9.5.3: no /Interpolate
    return zxingcpp.read_barcodes(image, formats=[zxingcpp.BarcodeFormat.QRCode])


@pytest.mark.parametrize("mask", range(8))
def test_every_data_mask_gives_a_code_that_decodes_at_150_dpi(mask: int) -> None:
    credential = ob3_credential("Zertifikat für Datenschutz", "TU München", index=mask, skills=("GDPR", "Python"))
    for text in (qr.qr_content_for(credential).text, "https://badges.example.edu/assertions/1234?lang=en&v=2"):
        bitmap = qr.qr_bitmap(text, mask=mask)
        (result,) = _read_at_print_size(bitmap)
        assert result.text == text
        assert result.extra["DataMask"] == mask  # the mask asked for is the mask drawn


def test_large_codes_use_the_fixed_mask_and_score_like_the_search() -> None:
    import zxingcpp

    credential = ob3_credential("Professional Certificate 001", "Open University", index=1, skills=("Skill 1", "Topic 1"))
    text = qr.qr_content_for(credential).text
    assert len(text) > qr.FIXED_MASK_MIN_CHARACTERS
    bitmap = qr.qr_bitmap(text)
    assert bitmap.mask == qr.FIXED_MASK
    (result,) = _read_at_print_size(bitmap)
    assert result.text == text and result.extra["DataMask"] == qr.FIXED_MASK
    penalties = [qr.mask_penalty(qr.qr_bitmap(text, mask=m)) for m in range(8)]
    assert penalties[qr.FIXED_MASK] <= 1.2 * min(penalties)
    # small codes (links) keep zxing-cpp's own search over the eight masks
    url = "https://badges.example.edu/assertions/1234"
    searched = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    assert qr.qr_bitmap(url).mask is None
    assert qr.qr_bitmap(url).rows == qr._bitmap(searched, None).rows


def test_a_payload_that_scores_badly_with_the_fixed_mask_gets_the_full_search() -> None:
    import zxingcpp

    # Regular data (not compressed): with mask 4 it leaves long runs and blocks the penalty rules punish
    text = "SW1:" + "D0" * 750
    fixed = qr.qr_bitmap(text, mask=qr.FIXED_MASK)
    inner = fixed.modules - 2 * qr.QUIET_ZONE
    assert qr.mask_penalty(fixed) > qr.FIXED_MASK_MAX_PENALTY * inner * inner
    chosen = qr.qr_bitmap(text)
    assert chosen.mask is None
    searched = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    assert chosen.rows == qr._bitmap(searched, None).rows  # exactly the symbol zxing-cpp's search makes
    assert qr.mask_penalty(chosen) < 0.7 * qr.mask_penalty(fixed)
    (result,) = _read_at_print_size(chosen)
    assert result.text == text and result.extra["DataMask"] != qr.FIXED_MASK


def _reference_penalty(bitmap: qr.QrBitmap) -> int:
    """ISO/IEC 18004:2015 §7.8.3.1, module by module: the plain reading of Table 11 to check the bit-parallel one."""
    size, stride, quiet = bitmap.modules, (bitmap.modules + 7) // 8, qr.QUIET_ZONE
    full = [[not (bitmap.rows[y * stride + x // 8] >> (7 - x % 8)) & 1 for x in range(size)] for y in range(size)]
    inner = [row[quiet : size - quiet] for row in full[quiet : size - quiet]]
    n = len(inner)
    score = 0
    for lines in (inner, [list(col) for col in zip(*inner)]):
        for line in lines:
            run = 1
            for i in range(1, n + 1):
                if i < n and line[i] == line[i - 1]:
                    run += 1
                    continue
                if run >= 5:
                    score += 3 + (run - 5)
                run = 1
    for y in range(n - 1):
        for x in range(n - 1):
            if inner[y][x] == inner[y][x + 1] == inner[y + 1][x] == inner[y + 1][x + 1]:
                score += 3
    patterns = ([True, False, True, True, True, False, True, False, False, False, False],)
    patterns += (patterns[0][::-1],)
    for lines in (full, [list(col) for col in zip(*full)]):  # the quiet zone is light
        for line in lines:
            for i in range(len(line) - 10):
                if any(line[i : i + 11] == p for p in patterns):
                    score += 40
    dark = sum(map(sum, inner))
    score += 10 * int(abs(dark * 100 / (n * n) - 50) // 5)
    return score


@given(st.binary(min_size=1, max_size=120), st.integers(min_value=0, max_value=7))
@settings(max_examples=25, deadline=None)
def test_penalty_matches_the_plain_reading_of_the_rules(data: bytes, mask: int) -> None:
    bitmap = qr.qr_bitmap(sw1.encode_credential_payload(data), mask=mask)
    assert qr.mask_penalty(bitmap) == _reference_penalty(bitmap)


def test_penalty_of_a_blank_symbol() -> None:
    # 5x5 light modules in a 4-module quiet zone: N1 10 runs of 5 (30), N2 16 blocks (48), N4 50 % off (100)
    size = 13
    blank = qr.QrBitmap(size, b"\xff\xf8" * size, None)
    assert qr.mask_penalty(blank) == 30 + 48 + 100 == _reference_penalty(blank)


def test_terminal_half_blocks_scan_back_to_the_payload() -> None:
    """Draw the half-block text as a terminal would (each character one cell, two modules tall) and scan it."""
    import zxingcpp
    from PIL import Image

    credential = ob3_credential("Zertifikat für Datenschutz", "TU München", index=1, skills=("GDPR",))
    for text in ("https://example.org/v/1", qr.qr_content_for(credential).text):
        lines = qr.qr_terminal(text).splitlines()
        light = {"\u2588": (True, True), "\u2580": (True, False), "\u2584": (False, True), " ": (False, False)}
        cell = 4  # pixels per module
        image = Image.new("L", (len(lines[0]) * cell, len(lines) * 2 * cell), 0)  # the terminal's dark background
        for row, line in enumerate(lines):
            for column, char in enumerate(line):
                top, bottom = light[char]
                for half, is_light in ((0, top), (1, bottom)):
                    if is_light:
                        y = (row * 2 + half) * cell
                        image.paste(255, (column * cell, y, (column + 1) * cell, y + cell))
        # the dark background around the drawing is what a screenshot shows; the code's own quiet zone is light
        framed = Image.new("L", (image.width + 40, image.height + 40), 0)
        framed.paste(image, (20, 20))
        (result,) = zxingcpp.read_barcodes(framed, formats=[zxingcpp.BarcodeFormat.QRCode])
        assert result.text == text
