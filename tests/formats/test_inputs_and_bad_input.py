"""Inputs (files, folders, ZIP, stdin) and hostile or broken input: one clear line, nothing else happens."""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from pathlib import Path

import pytest
from formats_helpers import baked_png, baked_svg, fixture_bytes, plain_png, sign_jws

from skillwallet.errors import InvalidInputError
from skillwallet.formats import inputs, parse_credential_bytes
from skillwallet.formats.inputs import expand_inputs


def zip_bytes(members: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name), content, compress_type=compression)
    return buffer.getvalue()


# --- expanding inputs ---------------------------------------------------------------------------------


def test_folder_is_walked_recursively_in_a_stable_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a.json").write_bytes(b"{}")
    (tmp_path / "b" / "c.json").write_bytes(b"[]")
    (tmp_path / ".hidden").write_bytes(b"x")
    items = list(expand_inputs([str(tmp_path)]))
    assert [Path(i.source).relative_to(tmp_path).as_posix() for i in items] == ["a.json", "b/c.json"]
    assert [i.data for i in items] == [b"{}", b"[]"]


def test_missing_file_is_an_item_error_not_an_exception(tmp_path: Path) -> None:
    (item,) = expand_inputs([str(tmp_path / "nope.json")])
    assert item.data is None and item.error.endswith("nope.json: no such file or folder")


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (inputs.MAX_FILE_BYTES + 1))
    (item,) = expand_inputs([str(big)])
    assert item.data is None and "larger than the 5 MiB limit" in item.error


def test_stdin_is_read_once() -> None:
    stream = io.BytesIO(b'{"x": 1}')
    items = list(expand_inputs(["-", "-"], stdin=stream))
    assert [(i.source, i.data) for i in items] == [("<stdin>", b'{"x": 1}')]


def test_zip_members_are_read_in_memory(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    archive = work / "download.zip"
    archive.write_bytes(zip_bytes({"badges/one.json": b"{}", "two.png": b"\x89PNG", "__MACOSX/._one.json": b"junk"}))
    items = list(expand_inputs([str(archive)]))
    assert [i.source for i in items] == [f"{archive}!badges/one.json", f"{archive}!two.png"]
    assert sorted(p.name for p in work.iterdir()) == ["download.zip"]  # nothing extracted


def test_zip_path_traversal_is_refused_and_nothing_written(tmp_path: Path) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    archive = work / "evil.zip"
    archive.write_bytes(zip_bytes({"../../evil.json": b"{}", "/etc/passwd": b"x", "C:/win.json": b"{}", "ok.json": b"{}"}))
    items = list(expand_inputs([str(archive)]))
    errors = [i.error for i in items if i.error]
    assert len(errors) == 3 and all("path traversal" in e for e in errors)
    assert [i.source for i in items if i.data is not None] == [f"{archive}!ok.json"]
    assert not list(tmp_path.rglob("evil.json"))


def test_zip_bomb_member_is_refused() -> None:
    bomb = zip_bytes({"bomb.json": b"\x00" * (4 * 1024 * 1024)})  # ~4 KiB compressed, ratio ~1000:1
    assert len(bomb) < 50_000
    (item,) = list(inputs.expand_zip(bomb, "bomb.zip"))
    assert item.data is None and "zip bomb" in item.error


def test_zip_member_larger_than_the_limit_is_refused() -> None:
    archive = zip_bytes({"huge.json": b"\x20" * (inputs.MAX_FILE_BYTES + 10)})
    (item,) = list(inputs.expand_zip(archive, "x.zip"))
    assert "larger than the 5 MiB limit" in item.error


def test_zip_total_uncompressed_size_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs, "MAX_ZIP_TOTAL_BYTES", 100)
    archive = zip_bytes({f"{n}.json": b"{" + b" " * 40 + b"}" for n in range(5)}, compression=zipfile.ZIP_STORED)
    items = list(inputs.expand_zip(archive, "x.zip"))
    assert [i.data is not None for i in items] == [True, True, False]
    assert "uncompressed" in items[-1].error


def test_zip_with_too_many_entries_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs, "MAX_ZIP_ENTRIES", 3)
    archive = zip_bytes({f"{n}.json": b"{}" for n in range(4)})
    (item,) = list(inputs.expand_zip(archive, "x.zip"))
    assert "more than 3 entries" in item.error


def test_corrupt_zip_is_one_error() -> None:
    archive = bytearray(zip_bytes({"a.json": b'{"a": "' + b"x" * 200 + b'"}'}))
    archive[40:60] = b"\xff" * 20  # damage the compressed stream
    results = list(inputs.expand_zip(bytes(archive), "x.zip"))
    assert len(results) == 1 and results[0].error and results[0].data is None


def test_truncated_zip_is_one_error() -> None:
    archive = zip_bytes({"a.json": b"{}"})
    (item,) = list(inputs.expand_zip(archive[:-30], "x.zip"))
    assert "corrupt" in item.error


# --- bad credential input: one line naming the source and the reason -----------------------------------------


def b64url_json(value) -> bytes:
    import base64

    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=")


BAD_INPUTS = {
    "empty": (b"   \n", "the file is empty"),
    "truncated JSON": (fixture_bytes("ob3_full_v2.json")[:300], "JSON is truncated"),
    "malformed JSON": (b'{"a": 1,, "b": 2}', "malformed JSON at line 1"),
    "NaN in JSON": (b'{"a": NaN}', "malformed JSON"),
    "deep JSON": (b"[" * 100_000 + b"]" * 100_000, "nested deeper than"),
    "JSON array of junk": (b"[1, 2]", "none of the credentials it holds could be read"),
    "empty JSON array": (b"[]", "a JSON array, not a credential"),
    "JSON scalar": (b'"hello"', "not a recognised credential"),
    "JSON not a credential": (b'{"name": "x"}', "not a credential"),
    "not UTF-8": (b'{"a": "\xff\xfe"}', "not UTF-8"),
    "unknown context": (
        json.dumps({"@context": ["https://evil.example/ctx"], "type": ["VerifiableCredential"], "issuer": "x", "credentialSubject": {}}).encode(),
        "unknown @context",
    ),
    "VC without issuer": (
        json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], "credentialSubject": {}}).encode(),
        "has no issuer",
    ),
    "empty presentation": (
        json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"]}).encode(),
        "a presentation that carries no credentials",
    ),
    "presentation of junk": (
        json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiablePresentation"], "verifiableCredential": [{"a": 1}]}).encode(),
        "none of the credentials it holds could be read",
    ),
    "OB assertion without recipient": (
        json.dumps({"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "badge": "https://x"}).encode(),
        "has no recipient object",
    ),
    "not a JWS": (b"abc.def", "not a JWS"),
    "JWS with bad base64": (b"eyJhbGciOiJFZERTQSJ9.@@@.sig", "not a JWS"),
    "JWS header not JSON": (b"bm90IGpzb24.eyJhIjoxfQ.c2ln", "JSON in the JWS header"),
    "JWS alg none": (b"eyJhbGciOiJub25lIn0.eyJ2YyI6e319.", "unsecured JWS"),
    "JWS without a credential": (sign_jws({"sub": "x", "name": "y"}).encode(), "payload is not a credential"),
    "SD-JWT with a bad disclosure": (
        (sign_jws({"iss": "x", "vct": "y", "_sd": []}) + "~bm90IGFuIGFycmF5~").encode(),
        "disclosure 1",
    ),
    "PNG without badge": (plain_png(), "without Open Badges data"),
    "PNG with bad CRC": (None, "bad CRC"),
    "truncated PNG": (None, "truncated"),
    "PNG with compressed bomb": (None, "inflates beyond"),
    "PNG with empty badge": (baked_png("   ", version="ob3"), "is empty"),
    "SVG without badge": (b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="1"/></svg>', "without Open Badges data"),
    "SVG with an unknown encoding": (  # found by the property tests (a LookupError escaped)
        b'<?xml version="1.0" encoding="TTF-8"?><svg xmlns="http://www.w3.org/2000/svg"/>',
        "unknown encoding",
    ),
    "XML not SVG": (b"<?xml version='1.0'?><root/>", "not an SVG"),
    "malformed SVG": (b'<svg xmlns="http://www.w3.org/2000/svg"><g></svg>', "malformed SVG"),
    "entity bomb SVG": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><svg xmlns="http://www.w3.org/2000/svg">&c;</svg>',
        "entities",
    ),
    "external entity SVG": (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        b"<openbadges:assertion>&xxe;</openbadges:assertion></svg>",
        "entities",
    ),
    "SVG baked with garbage": (baked_svg("this is not json", version="ob3"), "not a recognised credential"),
    "zip given as a credential": (zip_bytes({"a.json": b"{}"}), "ZIP archive"),
    "JPEG without QR": (None, "no QR code"),
    # a compact JWS cut after its first part (RFC 7515 §7.1 needs header.payload.signature)
    "JOSE header alone": (
        b64url_json({"alg": "ES256", "typ": "JOSE"}) + b"\n",
        "a JWS protected header alone (alg ES256): the payload and the signature that should follow it are missing",
    ),
    "JOSE header alone with a hostile alg": (
        b64url_json({"alg": "\x1b]52;c;ZWNobyBwd25lZA==\x07"}), "a JWS protected header alone (no alg)",
    ),
    "base64url of JSON without alg": (b64url_json({"name": "x"}), "not a recognised credential"),
    "base64url of JSON with a numeric alg": (b64url_json({"alg": 256}), "not a recognised credential"),
    "base64url of a JSON array": (b64url_json(["alg"]), "not a recognised credential"),
}



def _special(name: str) -> bytes:
    png = baked_png(fixture_bytes("ob3_basic_v1.json").decode(), version="ob3")
    if name == "PNG with bad CRC":
        damaged = bytearray(png)
        damaged[40] ^= 0xFF  # inside the iTXt chunk, after IHDR
        return bytes(damaged)
    if name == "truncated PNG":
        return png[:60]
    if name == "PNG with compressed bomb":
        import struct

        body = b"openbadgecredential\x00\x01\x00\x00\x00" + zlib.compress(b"{" * (20 * 1024 * 1024), 9)
        chunk = struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))
        plain = plain_png()
        return plain[:33] + chunk + plain[33:]
    if name == "JPEG without QR":
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (32, 32), (10, 200, 10)).save(buffer, format="JPEG")
        return buffer.getvalue()
    raise AssertionError(name)


@pytest.mark.parametrize("name", sorted(BAD_INPUTS))
def test_bad_input_gives_one_line_naming_the_source(name: str) -> None:
    data, reason = BAD_INPUTS[name]
    data = data if data is not None else _special(name)
    with pytest.raises(InvalidInputError) as caught:
        parse_credential_bytes(data, source="in/put.file")
    message = caught.value.message
    assert message.startswith("in/put.file: ")
    assert "\n" not in message
    assert reason in message, message
