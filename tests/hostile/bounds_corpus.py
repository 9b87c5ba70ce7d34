"""Small hostile inputs that once cost unbounded work, built here rather than stored (see test_bounded_work.py).

Each builder returns the bytes a hostile issuer or sender could hand to ``skillwallet add`` / ``verify``.
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from typing import Any, Callable

POISON_NODES = 8


def did_key(seed: int = 1) -> tuple[Any, str]:
    """A fresh Ed25519 key (deterministic from ``seed``) and its did:key verification method."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    from skillwallet.verify.data_integrity import encode_proof_value

    key = Ed25519PrivateKey.from_private_bytes(bytes([seed]) * 32)
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    multikey = encode_proof_value(b"\xed\x01" + raw)
    return key, f"did:key:{multikey}#{multikey}"


def poison_graph(nodes: int = POISON_NODES) -> list[dict[str, Any]]:
    """``nodes`` blank nodes each linked to every other one by the same property: every node has the same
    first-degree hash, and Hash N-Degree Quads explores every permutation of every path (RDFC-1.0
    "Dataset Poisoning")."""
    return [
        {"@id": f"_:n{i}", "https://example.org/p": [{"@id": f"_:n{j}"} for j in range(nodes) if j != i]}
        for i in range(nodes)
    ]


def poison_credential(nodes: int = POISON_NODES) -> dict[str, Any]:
    """A VC 2.0 credential whose subject holds the poison graph, with an eddsa-rdfc-2022 proof whose value is
    a well-formed signature by a fresh key over nothing in particular: canonicalisation runs before the check."""
    from skillwallet.verify.data_integrity import encode_proof_value

    key, vm = did_key(7)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": vm.split("#")[0],
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"https://example.org/knows": poison_graph(nodes)},
        "proof": {
            "type": "DataIntegrityProof",
            "cryptosuite": "eddsa-rdfc-2022",
            "created": "2024-01-01T00:00:00Z",
            "verificationMethod": vm,
            "proofPurpose": "assertionMethod",
            "proofValue": encode_proof_value(key.sign(b"not the document")),
        },
    }


# --- images -----------------------------------------------------------------------------------------------------


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def one_bit_png(width: int = 9400, height: int = 9400, extra_chunks: bytes = b"") -> bytes:
    """A white 1-bit grayscale PNG built row by row (never held decoded): 9400 x 9400 is 22 KB on disk and
    88 megapixels, just under Pillow's own warning, which Pillow decodes into one byte a pixel."""
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    parts = [compressor.compress(row) for _ in range(height)]
    parts.append(compressor.flush())
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + extra_chunks
        + png_chunk(b"IDAT", b"".join(parts))
        + png_chunk(b"IEND", b"")
    )


def png_with_text_bomb(chunks: int = 80) -> bytes:
    """A small plain PNG carrying ``chunks`` zTXt comments that each inflate to 1 MiB (not badge data):
    an image library reading it inflates them all before the first pixel."""
    body = b"Comment\x00\x00" + zlib.compress(b"\x00" * (1024 * 1024), 9)
    return one_bit_png(64, 64, extra_chunks=png_chunk(b"zTXt", body) * chunks)


def png_with_badge_bomb(kind: str = "zTXt") -> bytes:
    """A baked-badge chunk whose compressed text inflates to 20 MiB (the limit is 5 MiB)."""
    bomb = zlib.compress(b"{" * (20 * 1024 * 1024), 9)
    if kind == "zTXt":
        chunk = png_chunk(b"zTXt", b"openbadgecredential\x00\x00" + bomb)
    else:
        chunk = png_chunk(b"iTXt", b"openbadgecredential\x00\x01\x00\x00\x00" + bomb)
    return one_bit_png(16, 16, extra_chunks=chunk)


def png_claiming_huge_size() -> bytes:
    """IHDR says 100,000 x 100,000 (10 gigapixels); the data is a few bytes."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + png_chunk(b"IEND", b"")


def pillow_image(fmt: str, size: tuple[int, int], mode: str = "L", **save: Any) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new(mode, size, 255).save(buffer, format=fmt, **save)
    return buffer.getvalue()


# --- SVG --------------------------------------------------------------------------------------------------------

_SVG_OPEN = b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0">'
_FIVE_MIB = 5 * 1024 * 1024 - 1024


def svg_deep() -> bytes:
    n = (_FIVE_MIB - 200) // 7
    return _SVG_OPEN + b"<g>" * n + b"</g>" * n + b"</svg>"


def svg_wide() -> bytes:
    return _SVG_OPEN + b"<g/>" * ((_FIVE_MIB - 200) // 4) + b"</svg>"


def svg_many_attributes() -> bytes:
    attributes = b" ".join(b'a%d=""' % i for i in range(600_000))[: _FIVE_MIB - 200]
    attributes = attributes[: attributes.rfind(b" ")]
    return _SVG_OPEN + b"<g " + attributes + b"/></svg>"


def svg_huge_attribute_value() -> bytes:
    return _SVG_OPEN + b'<ob:credential verify="' + b"A" * (_FIVE_MIB - 300) + b'"/></svg>'


def svg_entity_bomb() -> bytes:
    return (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg">&c;</svg>'
    )


# --- JSON-LD ----------------------------------------------------------------------------------------------------


def credential_with_subject(subject: Any) -> bytes:
    document = poison_credential()
    document["credentialSubject"] = subject
    return json.dumps(document).encode()


def wide_subject(count: int = 9_000) -> dict[str, Any]:
    """One property with ``count`` distinct blank nodes: 300 KB that pyld's node map merges quadratically."""
    return {"https://example.org/item": [{"https://example.org/n": i} for i in range(count)]}


def merged_subject(copies: int = 100, per_copy: int = 90) -> dict[str, Any]:
    """The same node (one ``@id``) written ``copies`` times, each with its own short array: every array is
    short, but the node map merges them into one property of ``copies * per_copy`` values."""
    return {
        "https://example.org/part": [
            {"@id": "urn:example:same", "https://example.org/v": [c * per_copy + i for i in range(per_copy)]}
            for c in range(copies)
        ]
    }


# --- archives ---------------------------------------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def hostile_corpus() -> dict[str, Callable[[], bytes]]:
    """Every hostile input of the memory and time test, by name (built on demand: some take a second)."""
    return {
        "png-9400x9400-1bit": one_bit_png,
        "png-text-chunk-bomb": png_with_text_bomb,
        "png-ztxt-badge-bomb": lambda: png_with_badge_bomb("zTXt"),
        "png-itxt-badge-bomb": lambda: png_with_badge_bomb("iTXt"),
        "png-claims-10-gigapixels": png_claiming_huge_size,
        "png-4096-rgba": lambda: pillow_image("PNG", (4096, 4096), "RGBA"),
        "jpeg-6000x6000": lambda: pillow_image("JPEG", (6000, 6000), quality=10),
        "webp-4096": lambda: pillow_image("WEBP", (4096, 4096)),
        "gif-4096": lambda: pillow_image("GIF", (4096, 4096), "P"),
        "svg-deep": svg_deep,
        "svg-wide": svg_wide,
        "svg-many-attributes": svg_many_attributes,
        "svg-huge-attribute-value": svg_huge_attribute_value,
        "svg-entity-bomb": svg_entity_bomb,
        "json-deep-arrays": lambda: b"[" * 100_000 + b"]" * 100_000,
        "json-poison-graph": lambda: json.dumps(poison_credential()).encode(),
        "json-wide-array": lambda: credential_with_subject(wide_subject()),
        "json-merged-node": lambda: credential_with_subject(merged_subject()),
        "json-550k-numbers": lambda: credential_with_subject({"https://example.org/n": list(range(550_000))}),
        "json-over-5-mib": lambda: b'{"a": "' + b"x" * (5 * 1024 * 1024) + b'"}',
        "zip-bomb": lambda: zip_bytes({"bomb.json": b"\x00" * (4 * 1024 * 1024)}),
        "zip-traversal-and-nested": lambda: zip_bytes({"../evil.json": b"{}", "inner.zip": zip_bytes({"a.json": b"{}"})}),
    }


# --- measuring a CLI run ----------------------------------------------------------------------------------------

_MEASURE = textwrap.dedent(
    """
    import json, resource, subprocess, sys, time
    started = time.perf_counter()
    try:
        done = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=float(sys.argv[1]))
        rc, stderr = done.returncode, done.stderr
    except subprocess.TimeoutExpired as exc:
        rc, stderr = "timeout", str(exc.stderr or "")
    print(json.dumps({
        "rc": rc, "stderr": stderr, "seconds": time.perf_counter() - started,
        "peak_bytes": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024,
    }))
    """
)


def measure_cli(args: list[str], env: dict[str, str], timeout: float = 20) -> dict:
    """Run ``skillwallet ARGS`` as the only child of a fresh interpreter, whose RUSAGE_CHILDREN is then the
    CLI's own peak resident set size (ru_maxrss is in KiB on Linux)."""
    command = [sys.executable, "-c", _MEASURE, str(timeout), sys.executable, "-m", "skillwallet", *args]
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=timeout + 30)
    return json.loads(done.stdout)
