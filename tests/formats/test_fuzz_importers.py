"""Property-based robustness: generated malformed input never lets anything but the project's own errors escape.

Sum of max_examples over this module: 11,600 (see EXAMPLES). Every case either parses into credentials
that survive the wallet's JSON round trip, or raises a SkillwalletError with a one-line message naming
the source. Inputs are random bytes, mutations (bit flips, truncation, splices) of real fixtures of each
format, and structural fuzz: a valid credential with one field replaced by an arbitrary JSON value.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile

from formats_helpers import baked_png, baked_svg, fixture_bytes, fixture_json, sd_jwt, sign_jws, vc_jose, vc_jwt_v11
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from skillwallet.errors import SkillwalletError
from skillwallet.formats import parse_credential_bytes
from skillwallet.formats.inputs import expand_zip
from skillwallet.model import Credential

EXAMPLES = {
    "random_bytes": 1500,
    "mutated_fixture": 2500,
    "json_field_replaced": 2500,
    "jws_payload": 1200,
    "sd_jwt": 800,
    "baked_text": 1000,
    "zip": 600,
    "text_garbage": 1500,
}
assert sum(EXAMPLES.values()) >= 10_000

FUZZ = dict(deadline=None, suppress_health_check=list(HealthCheck), database=None)

SEEDS: list[bytes] = [
    fixture_bytes("ob2_assertion_hosted.json"),
    fixture_bytes("ob2_assertion_embedded.json"),
    fixture_bytes("ob3_full_v2.json"),
    fixture_bytes("ob3_basic_v1.json"),
    fixture_bytes("clr2_transcript.json"),
    fixture_bytes("vc_degree_v1.json"),
    vc_jwt_v11(fixture_json("ob3_basic_v1.json")).encode(),
    vc_jose(fixture_json("ob3_full_v2.json")).encode(),
    sd_jwt({"iss": "https://i.example", "vct": "https://vct.example/d", "iat": 1700000000}, {"name": "X", "email": "a@b.c"}).encode(),
    baked_png(fixture_bytes("ob3_basic_v1.json").decode()),
    baked_png(fixture_bytes("ob2_assertion_embedded.json").decode(), version="ob2", chunk="zTXt"),
    baked_svg(fixture_bytes("ob3_basic_v1.json").decode()),
    baked_svg(vc_jose(fixture_json("ob3_basic_v1.json")), as_verify=True),
    json.dumps({
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": [fixture_json("ob3_basic_v1.json"), vc_jose(fixture_json("ob3_full_v2.json"))],
    }).encode(),
]

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


def check(data: bytes, **kwargs) -> None:
    """The property: a clean error naming the source, or credentials the wallet can store and read back."""
    try:
        credentials = parse_credential_bytes(data, source="fuzz.in", **kwargs)
    except SkillwalletError as exc:
        assert exc.message.startswith("fuzz.in"), exc.message
        assert "\n" not in exc.message
        return
    assert credentials
    for credential in credentials:
        assert isinstance(credential, Credential)
        record = json.loads(json.dumps(credential.to_dict()))  # what the store writes
        assert Credential.from_dict(record).wallet_id() == credential.wallet_id()
        credential.summary()


@settings(max_examples=EXAMPLES["random_bytes"], **FUZZ)
@given(st.binary(max_size=2048))
def test_random_bytes(data: bytes) -> None:
    check(data)


@st.composite
def mutations(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "delete", "overwrite"]))
        position = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[position:]
        elif kind == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[position : position + draw(st.integers(1, 32))]
        else:
            chunk = draw(st.sampled_from([b"{", b"}", b"[", b'"', b"~", b".", b"\x00", b"<!ENTITY", b"]]>", b"\\u0000"]))
            data[position : position + len(chunk)] = chunk
    return bytes(data)


@settings(max_examples=EXAMPLES["mutated_fixture"], **FUZZ)
@given(mutations())
def test_mutated_fixtures(data: bytes) -> None:
    check(data, holder_emails=["beth@example.org"])


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths(value, (*prefix, index))


JSON_SEEDS = [
    fixture_json(name)
    for name in (
        "ob2_assertion_hosted.json",
        "ob2_assertion_embedded.json",
        "ob3_full_v2.json",
        "ob3_basic_v1.json",
        "clr2_transcript.json",
        "vc_degree_v1.json",
    )
]
JSON_PATHS = [(i, path) for i, seed in enumerate(JSON_SEEDS) for path in _paths(seed) if path]


def _replace(document, path, value):
    document = json.loads(json.dumps(document))
    node = document
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return document


@settings(max_examples=EXAMPLES["json_field_replaced"], **FUZZ)
@given(st.sampled_from(JSON_PATHS), JSON_VALUES, st.sampled_from(["json", "jwt", "jose", "png"]))
def test_one_field_replaced_by_any_json(target, value, shape: str) -> None:
    index, path = target
    document = _replace(JSON_SEEDS[index], path, value)
    related = {"https://example.org/robotics-badge.json": fixture_json("ob2_badgeclass.json")}
    if shape == "json":
        data = json.dumps(document).encode()
    elif shape == "jwt" and isinstance(document.get("credentialSubject"), dict) and "id" in document and "issuer" in document:
        try:
            data = vc_jwt_v11(document).encode()
        except (KeyError, AttributeError, TypeError):
            data = json.dumps(document).encode()
    elif shape == "jose":
        data = vc_jose(document).encode()
    else:
        data = baked_png(json.dumps(document))
    check(data, related=related, holder_emails=["beth@example.org", "student@1edtech.edu"])


@settings(max_examples=EXAMPLES["jws_payload"], **FUZZ)
@given(
    st.dictionaries(st.text(max_size=10), JSON_VALUES, max_size=6),
    st.dictionaries(st.sampled_from(["typ", "alg", "kid", "b64", "cty"]), JSON_VALUES, max_size=4),
    st.sampled_from(["vc", "payload", "ob2"]),
)
def test_jws_with_arbitrary_claims(claims, header, where) -> None:
    if where == "vc":
        payload = {"vc": claims, "iss": claims.get("iss", "x"), "jti": claims.get("", 1)}
    elif where == "ob2":
        payload = {"@context": "https://w3id.org/openbadges/v2", "type": "Assertion", "badge": claims, "recipient": claims}
    else:
        payload = {"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], **claims}
    try:
        token = sign_jws(payload, header)
    except (TypeError, ValueError):
        return
    check(token.encode())


@settings(max_examples=EXAMPLES["sd_jwt"], **FUZZ)
@given(
    st.dictionaries(st.sampled_from(["iss", "vct", "iat", "exp", "nbf", "sub", "name", "status", "_sd", "_sd_alg"]), JSON_VALUES, max_size=6),
    st.dictionaries(st.text(max_size=8), JSON_VALUES, max_size=4),
    st.lists(st.binary(max_size=40), max_size=3),
)
def test_sd_jwt_with_arbitrary_claims_and_disclosures(claims, disclosed, extra_disclosures) -> None:
    try:
        token = sd_jwt(claims, disclosed)
    except (TypeError, ValueError):
        return
    extra = "".join(base64.urlsafe_b64encode(d).rstrip(b"=").decode() + "~" for d in extra_disclosures if d)
    check((token + extra).encode())


@settings(max_examples=EXAMPLES["baked_text"], **FUZZ)
@given(
    st.text(max_size=300) | st.sampled_from([s.decode("latin-1") for s in SEEDS[:9]]),
    st.sampled_from(["png-ob2", "png-ob3", "svg-ob2", "svg-ob3", "svg-verify"]),
)
def test_anything_baked_into_an_image(text: str, container: str) -> None:
    if container.startswith("png"):
        data = baked_png(text, version=container[-3:])
    elif container == "svg-verify":
        data = baked_svg(text.replace('"', "&quot;").replace("<", "&lt;").replace("&", "&amp;"), as_verify=True)
    else:
        data = baked_svg(text.replace("]]>", ""), version=container[-3:])
    check(data)


@settings(max_examples=EXAMPLES["zip"], **FUZZ)
@given(st.dictionaries(st.text(min_size=1, max_size=20), st.binary(max_size=200), max_size=5), st.integers(0, 400))
@example(members={"\x00": b""}, cut=0)  # found by this test: a NUL-truncated empty member name broke zipfile.is_dir
def test_zip_expansion_of_damaged_archives(members, cut) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(zipfile.ZipInfo(name), content)
    data = buffer.getvalue()
    if cut:
        data = data[:-cut] if cut < len(data) else data[: len(data) // 2]
    for item in expand_zip(data, "fuzz.zip"):
        assert (item.data is None) != (item.error is None)
        if item.error:
            assert item.error.startswith("fuzz.zip") and "\n" not in item.error
        else:
            check(item.data)


@settings(max_examples=EXAMPLES["text_garbage"], **FUZZ)
@given(st.from_regex(r"[A-Za-z0-9_\-.~{}\[\]\"':,= ]{0,200}", fullmatch=True))
def test_token_like_text(text: str) -> None:
    check(text.encode())
