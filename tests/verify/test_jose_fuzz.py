"""Property tests: hostile input never escapes as a library exception, and never verifies.

Whatever bytes arrive as a token, the JOSE checks return a finding (never raise), and a token whose
payload or signature was changed never passes.
"""

from __future__ import annotations

import json
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_jose_helpers import credential, ed25519, make_jws, offline

from skillwallet.verify import jose, keys
from skillwallet.verify.base import KeyResolutionError, PASS

B64URL = string.ascii_letters + string.digits + "-_"
segment = st.text(alphabet=B64URL, max_size=60)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)

SIGNER = ed25519()
DID = keys.did_key_from_public_key(SIGNER.public_key())
KID = f"{DID}#{DID[8:]}"


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=200), st.builds(lambda a, b, c: f"{a}.{b}.{c}", segment, segment, segment)))
def test_decode_raises_only_malformed_jws(text):
    try:
        jose.decode_compact_jws(text)
    except jose.MalformedJwsError:
        pass


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(["vc-jwt", "vc+jwt", "sd-jwt", "ob2"]),
    header=st.dictionaries(st.sampled_from(["alg", "kid", "jwk", "crit", "b64", "typ", "x5c"]), json_values, max_size=5),
    payload=json_values,
    tail=st.text(alphabet=B64URL + "~.", max_size=80),
)
def test_arbitrary_tokens_give_a_finding_and_never_pass(fmt, header, payload, tail):
    token = f"{jose.b64url_encode(json.dumps(header).encode())}.{jose.b64url_encode(json.dumps(payload).encode())}.{tail}"
    finding = jose.verify_jose_credential(credential(fmt, token, DID), resolver=offline())
    assert finding.outcome != PASS


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(max_size=12), value=json_values)
def test_changed_payload_never_verifies(name, value):
    claims = {"iss": DID, "vc": {"credentialSubject": {"name": "original"}}}
    token = make_jws({"alg": "EdDSA", "kid": KID}, claims, SIGNER)
    changed = {**claims, "vc": {"credentialSubject": {"name": "original", name: value}}}
    if changed == claims:
        return
    header, _, signature = token.split(".")
    forged = f"{header}.{jose.b64url_encode(json.dumps(changed).encode())}.{signature}"
    assert jose.verify_jose_credential(credential("vc-jwt", forged, DID), resolver=offline()).outcome != PASS


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    payload=st.dictionaries(st.sampled_from(["_sd", "_sd_alg", "a", "list", "..."]), json_values, max_size=4),
    disclosures=st.lists(st.one_of(segment, st.builds(lambda v: jose.b64url_encode(json.dumps(v).encode()), json_values)), max_size=4),
)
def test_apply_disclosures_raises_only_value_error(payload, disclosures):
    try:
        jose.apply_disclosures(payload, disclosures)
    except ValueError:
        pass


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.text(max_size=80),
        st.builds(lambda s: "did:key:" + s, st.text(max_size=60)),
        st.builds(lambda s: "did:key:z" + s, st.text(alphabet="123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz", max_size=60)),
        st.builds(lambda s: "did:jwk:" + s, segment),
        st.builds(lambda v: "did:jwk:" + jose.b64url_encode(json.dumps(v).encode()), json_values),
        st.builds(lambda s: "did:web:" + s, st.text(max_size=30)),
    )
)
def test_key_resolution_raises_only_key_resolution_error(vm):
    try:
        keys.resolve_verification_method(vm, offline())
    except KeyResolutionError:
        pass


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(method=st.dictionaries(
    st.sampled_from(["id", "type", "controller", "publicKeyJwk", "publicKeyMultibase", "publicKeyBase58", "publicKeyPem"]),
    json_values, max_size=5,
))
def test_verification_method_objects_raise_only_key_resolution_error(method):
    try:
        keys.public_key_from_verification_method(method)
    except KeyResolutionError:
        pass


@settings(max_examples=200)
@given(st.binary(max_size=64), st.sampled_from(["z", "u"]))
def test_multibase_round_trip(data, base):
    assert keys.multibase_decode(keys.multibase_encode(data, base)) == data


documents = st.dictionaries(
    st.sampled_from(["id", "type", "controller", "owner", "publicKey", "publicKeyPem", "verificationMethod",
                     "assertionMethod", "authentication", "publicKeyJwk", "publicKeyMultibase", "revocationList"]),
    st.one_of(json_values, st.just("did:web:x.example"), st.just("https://x.example/k"),
              st.just([{"id": "did:web:x.example#k", "controller": 3}]), st.just(["#k"])),
    max_size=6,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(
    vm=st.sampled_from(["did:web:x.example#k", "did:web:x.example", "https://x.example/k", "https://x.example/k#k",
                        "https://x.example/k#z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp"]),
    document=documents,
    purpose=st.sampled_from(["assertionMethod", "authentication"]),
)
def test_resolution_against_hostile_documents_raises_only_key_resolution_error(vm, document, purpose):
    resolver = offline({"https://x.example/.well-known/did.json": document, "https://x.example/k": document})
    try:
        keys.resolve_verification_method(vm, resolver, purpose=purpose)
    except KeyResolutionError:
        pass


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(assertion=json_values, hosted=json_values, issuer=st.one_of(st.none(), st.just("https://x.example/i")))
def test_ob2_hosted_check_on_hostile_documents_gives_a_finding(assertion, hosted, issuer):
    if isinstance(assertion, dict):
        assertion.setdefault("id", "https://x.example/a")
    cred = credential("ob2", json.dumps(assertion), issuer)
    jose.verify_jose_credential(cred, resolver=offline({"https://x.example/a": hosted, "https://x.example/i": hosted}))
