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


@pytest.mark.parametrize(
    ("raw", "encoded"),
    # RFC 9285 §4.3 examples
    [(b"AB", "BB8"), (b"Hello!!", "%69 VD92EX0"), (b"base-45", "UJCLQE7W581"), (b"ietf!", "QED8WEX0"), (b"", "")],
)
def test_base45_matches_rfc9285_examples(raw: bytes, encoded: str) -> None:
    assert qr.base45_encode(raw) == encoded
    assert qr.base45_decode(encoded) == raw


@given(st.binary(max_size=300))
@settings(max_examples=200)
def test_base45_round_trips_any_bytes(data: bytes) -> None:
    text = qr.base45_encode(data)
    assert set(text) <= set(qr.BASE45_ALPHABET)
    assert qr.base45_decode(text) == data


@pytest.mark.parametrize("bad", ["GGW", "A", "ab", "ZZZ"])
def test_base45_rejects_invalid_text(bad: str) -> None:
    # GGW = 65536 (one past 0xFFFF, RFC 9285 §6); lowercase is outside the alphabet; a lone char is dangling
    with pytest.raises(ValueError):
        qr.base45_decode(bad)


def test_embedded_credential_survives_png_and_real_decoder() -> None:
    credential = ob3_credential("Zertifikat für Datenschutz", "TU München", index=1, skills=("GDPR",))
    content = qr.qr_content_for(credential)
    assert content.kind == "embedded"
    assert content.text.startswith("SW1:")
    png = qr.qr_png(content.text)
    texts = qr.decode_qr_image(png)
    assert texts == [content.text]
    assert qr.decode_qr_payload(texts[0]) == credential.original


def test_hosted_ob2_gets_its_verification_url() -> None:
    credential = ob2_hosted_credential()
    content = qr.qr_content_for(credential)
    assert content == qr.QrContent(credential.credential_id, "url")
    assert qr.decode_qr_image(qr.qr_png(content.text)) == [credential.credential_id]
    assert qr.decode_qr_payload(content.text) == credential.credential_id
    # and embedding is still possible on request
    embedded = qr.qr_content_for(credential, mode="embed")
    assert qr.decode_qr_payload(embedded.text) == credential.original


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
    text = qr.encode_credential_payload(data)
    assert len(text) <= qr.max_embeddable_characters()
    png = qr.qr_png(text, module_pixels=4)
    assert [qr.decode_qr_payload(t) for t in qr.decode_qr_image(png)] == [data]


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
    assert qr.decode_qr_image(buffer.getvalue()) == [text]


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
    assert qr.decode_qr_image(buffer.getvalue()) == []


def test_decode_image_rejects_non_images() -> None:
    with pytest.raises(InvalidInputError, match="not a readable image"):
        qr.decode_qr_image(b"%PDF-1.7 not an image")


def test_decode_transparent_png() -> None:
    from PIL import Image

    text = "SW1:" + qr.base45_encode(zlib.compress(b'{"a": 1}'))
    symbol = qr.qr_pil_image(text, module_pixels=5).convert("L")
    rgba = Image.new("RGBA", symbol.size, (0, 0, 0, 0))
    rgba.putalpha(symbol.point(lambda v: 255 - v))  # dark modules opaque black, light ones transparent
    buffer = io.BytesIO()
    rgba.save(buffer, format="PNG")
    assert qr.decode_qr_image(buffer.getvalue()) == [text]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SW1:GGW", "damaged"),
        ("SW1:" + qr.base45_encode(b"not zlib at all"), "damaged"),
        ("SW1:" + qr.base45_encode(zlib.compress(b"{}" * 100)[:-6]), "truncated"),
        ("SW2:ABC", "newer"),
        ("hello world", "neither a credential nor a verification link"),
    ],
)
def test_bad_payloads_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        qr.decode_qr_payload(text)


def test_zlib_bomb_is_refused() -> None:
    bomb = "SW1:" + qr.base45_encode(zlib.compress(b"\0" * (qr.MAX_DECOMPRESSED_BYTES + 10), 9))
    with pytest.raises(InvalidInputError, match="more than 1 MiB"):
        qr.decode_qr_payload(bomb)


def test_bare_credentials_from_other_tools_are_accepted() -> None:
    jwt = vc_jwt_credential().original.decode()
    assert qr.decode_qr_payload(jwt) == jwt.encode()
    assert qr.decode_qr_payload(' {"@context": []} ') == b'{"@context": []}'
