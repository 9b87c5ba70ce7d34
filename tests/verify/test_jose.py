"""JWS verification: RFC test vectors, VC 1.1 JWT, VC-JOSE vc+jwt, algorithm confusion, issuer binding."""

from __future__ import annotations

import hmac
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from test_jose_helpers import (
    credential,
    ed25519,
    encode_segment,
    make_jws,
    offline,
    p256,
    replace_payload,
    rsa2048,
)

from skillwallet.verify import jose, keys
from skillwallet.verify.base import BOUND, FAIL, NA, PASS, SELF_ASSERTED, UNKNOWN

VECTORS = json.loads((Path(__file__).parent / "fixtures" / "jose" / "rfc-jws-vectors.json").read_text())


# -- published RFC vectors -----------------------------------------------------------------------------


@pytest.mark.parametrize("name,alg", [("rfc7515_a2_rs256", "RS256"), ("rfc7515_a3_es256", "ES256"), ("rfc8037_a4_ed25519", "EdDSA")])
def test_rfc_vectors_verify(name, alg):
    vector = VECTORS[name]
    header, payload, signature, signing_input = jose.decode_compact_jws(vector["jws"])
    assert header == {"alg": alg}
    key = keys.public_key_from_jwk(vector["jwk"])
    assert jose.verify_jws_signature(alg, key, signing_input, signature) is True
    if "payload_text" in vector:
        assert payload.decode() == vector["payload_text"]
    else:
        assert json.loads(payload) == {"iss": "joe", "exp": 1300819380, "http://example.com/is_root": True}


@pytest.mark.parametrize("name,alg", [("rfc7515_a2_rs256", "RS256"), ("rfc7515_a3_es256", "ES256"), ("rfc8037_a4_ed25519", "EdDSA")])
def test_rfc_vectors_with_tampered_payload_fail(name, alg):
    vector = VECTORS[name]
    header_b64, payload_b64, signature_b64 = vector["jws"].split(".")
    _, payload, signature, _ = jose.decode_compact_jws(vector["jws"])
    tampered = payload.replace(b"joe", b"eve").replace(b"Ed25519", b"Ed25518")
    assert tampered != payload
    signing_input = f"{header_b64}.{keys.b64url_encode(tampered)}".encode()
    assert jose.verify_jws_signature(alg, keys.public_key_from_jwk(vector["jwk"]), signing_input, signature) is False


def test_rfc8037_signature_is_reproduced_from_the_published_private_key():
    vector = VECTORS["rfc8037_a4_ed25519"]
    private_key = Ed25519PrivateKey.from_private_bytes(keys.b64url_decode(vector["private_d"]))
    assert keys.public_jwk(private_key.public_key()) == vector["jwk"]
    header_b64, payload_b64, signature_b64 = vector["jws"].split(".")
    # Ed25519 is deterministic: the same key and input give the RFC's exact signature.
    assert keys.b64url_encode(private_key.sign(f"{header_b64}.{payload_b64}".encode())) == signature_b64


def test_es256_der_signature_is_not_accepted():
    vector = VECTORS["rfc7515_a3_es256"]
    _, _, signature, signing_input = jose.decode_compact_jws(vector["jws"])
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
    key = keys.public_key_from_jwk(vector["jwk"])
    assert jose.verify_jws_signature("ES256", key, signing_input, der) is False


@pytest.mark.parametrize(
    "alg,vector",
    [("ES256", "rfc7515_a2_rs256"), ("RS256", "rfc7515_a3_es256"), ("EdDSA", "rfc7515_a3_es256"), ("ES384", "rfc7515_a3_es256"), ("RS256", "rfc8037_a4_ed25519")],
)
def test_algorithm_key_mismatch_is_refused(alg, vector):
    _, _, signature, signing_input = jose.decode_compact_jws(VECTORS[vector]["jws"])
    with pytest.raises(jose.AlgorithmKeyMismatchError):
        jose.verify_jws_signature(alg, keys.public_key_from_jwk(VECTORS[vector]["jwk"]), signing_input, signature)


@pytest.mark.parametrize("alg", ["none", "HS256", "foo"])
def test_refused_algorithms(alg):
    with pytest.raises(jose.UnsupportedAlgorithmError):
        jose.verify_jws_signature(alg, keys.public_key_from_jwk(VECTORS["rfc7515_a3_es256"]["jwk"]), b"x.y", b"sig")


# -- decoding --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "abc.def",
        "a.b.c.d",
        "eyJhbGciOiJFUzI1NiJ9.eyJ4IjoxfQ.",  # no signature
        "eyJhbGciOiJFUzI1NiJ9=.eyJ4IjoxfQ.AAAA",  # padding
        "eyJhbGciOiJFUzI1NiJ9.eyJ4Ijox fQ.AAAA",  # space
        "WzFd.eyJ4IjoxfQ.AAAA",  # header is an array
        "e30.eyJ4IjoxfQ.AAAA",  # header without alg
        "bm90IGpzb24.eyJ4IjoxfQ.AAAA",  # header not JSON
        ".eyJ4IjoxfQ.AAAA",
        "Zm9v\u00e9.e30.AAAA",
    ],
)
def test_malformed_compact_jws(text):
    with pytest.raises(jose.MalformedJwsError):
        jose.decode_compact_jws(text)


def test_header_problems():
    assert jose.header_problems({"alg": "EdDSA"}) == []
    assert "unsecured" in jose.header_problems({"alg": "none"})[0]
    assert "shared-secret" in jose.header_problems({"alg": "HS256"})[0]
    assert "critical" in jose.header_problems({"alg": "EdDSA", "crit": ["exp"], "exp": 1})[0]
    assert "b64" in jose.header_problems({"alg": "EdDSA", "b64": False, "crit": ["b64"]})[0]


# -- VC 1.1 JWT ------------------------------------------------------------------------------------------


def vc_claims(issuer: str, **extra) -> dict:
    claims = {
        "iss": issuer,
        "nbf": 1700000000,
        "jti": "urn:uuid:6a9c92a9-2530-4e2b-9776-530467e9bbe0",
        "sub": "did:example:holder",
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "credentialSubject": {"achievement": {"name": "Welding I"}},
        },
    }
    claims.update(extra)
    return claims


def did_key_issuer(private_key) -> tuple[str, str]:
    did = keys.did_key_from_public_key(private_key.public_key())
    return did, f"{did}#{did[8:]}"


def test_vc_jwt_eddsa_did_key_passes_bound():
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "EdDSA", "typ": "JWT", "kid": kid}, vc_claims(did), sk)
    finding = jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline())
    assert finding.outcome == PASS and finding.binding == BOUND, finding.reasons
    assert finding.details["controller"] == did and finding.details["key_id"] == kid


def test_vc_jwt_tampered_payload_fails():
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    claims = vc_claims(did)
    token = make_jws({"alg": "EdDSA", "kid": kid}, claims, sk)
    claims["vc"]["credentialSubject"]["achievement"]["name"] = "Welding IV"
    finding = jose.verify_jose_credential(credential("vc-jwt", replace_payload(token, claims), did), resolver=offline())
    assert finding.outcome == FAIL and "does not verify" in finding.reasons[0]


@pytest.mark.parametrize("alg,make_key", [("ES256", p256), ("ES384", lambda: ec.generate_private_key(ec.SECP384R1()))])
def test_vc_jwt_ecdsa_did_key(alg, make_key):
    sk = make_key()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": alg, "kid": kid}, vc_claims(did), sk)
    assert jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline()).outcome == PASS


def test_es256k_with_secp256k1_did_key():
    sk = ec.generate_private_key(ec.SECP256K1())
    did, kid = did_key_issuer(sk)
    assert did.startswith("did:key:zQ3s")
    token = make_jws({"alg": "ES256K", "kid": kid}, vc_claims(did), sk, alg="ES256")  # same r||s over SHA-256
    assert jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline()).outcome == PASS
    confused = make_jws({"alg": "ES256", "kid": kid}, vc_claims(did), sk)
    assert jose.verify_jose_credential(credential("vc-jwt", confused, did), resolver=offline()).outcome == FAIL


@pytest.mark.parametrize("alg", ["RS256", "PS256", "RS512", "PS384"])
def test_rsa_algorithms_with_did_jwk(alg):
    sk = rsa2048()
    did = "did:jwk:" + keys.b64url_encode(json.dumps(keys.public_jwk(sk.public_key())).encode())
    token = make_jws({"alg": alg, "kid": f"{did}#0"}, vc_claims(did), sk)
    finding = jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline())
    assert finding.outcome == PASS and finding.binding == BOUND


def test_kid_relative_to_issuer_did_and_no_kid():
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    for header in ({"alg": "EdDSA", "kid": "#" + did[8:]}, {"alg": "EdDSA"}):
        token = make_jws(header, vc_claims(did), sk)
        assert jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline()).outcome == PASS


def test_key_of_another_controller_fails():
    issuer_key, attacker_key = ed25519(), ed25519()
    issuer_did, _ = did_key_issuer(issuer_key)
    _, attacker_kid = did_key_issuer(attacker_key)
    token = make_jws({"alg": "EdDSA", "kid": attacker_kid}, vc_claims(issuer_did), attacker_key)
    finding = jose.verify_jose_credential(credential("vc-jwt", token, issuer_did), resolver=offline())
    assert finding.outcome == FAIL and "not by the issuer" in finding.reasons[0]


def test_wrong_key_for_kid_fails():
    sk, other = ed25519(), ed25519()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "EdDSA", "kid": kid}, vc_claims(did), other)
    assert jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline()).outcome == FAIL


@pytest.mark.parametrize(
    "extra,reason",
    [
        ({"vc": {"issuer": "did:example:other", "credentialSubject": {}}}, "contradicts the credential's issuer"),
        ({"jti": "urn:uuid:other", "vc": {"id": "urn:uuid:x", "credentialSubject": {}}}, "jti"),
        ({"vc": {"credentialSubject": {"id": "did:example:someone-else"}}}, "sub"),
    ],
)
def test_vc_jwt_claim_contradictions_fail(extra, reason):
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "EdDSA", "kid": kid}, vc_claims(did, **extra), sk)
    finding = jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline())
    assert finding.outcome == FAIL and reason in finding.reasons[0]


def test_vc_jwt_without_vc_claim_fails():
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "EdDSA", "kid": kid}, {"iss": did}, sk)
    assert jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline()).outcome == FAIL


def test_stored_issuer_must_match_the_signed_one():
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "EdDSA", "kid": kid}, vc_claims(did), sk)
    finding = jose.verify_jose_credential(credential("vc-jwt", token, "did:example:university"), resolver=offline())
    assert finding.outcome == FAIL and "differs from the stored one" in finding.reasons[0]


# -- algorithm confusion and header rules --------------------------------------------------------------------


def test_alg_none_token_fails():
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    token = f"{encode_segment({'alg': 'none', 'kid': kid})}.{encode_segment(vc_claims(did))}.AAAA"
    finding = jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline())
    assert finding.outcome == FAIL and "unsecured" in finding.reasons[0]


def test_hs256_signed_with_the_public_key_as_secret_fails():
    # The classic confusion attack: HMAC keyed with the issuer's public key bytes.
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    signing_input = f"{encode_segment({'alg': 'HS256', 'kid': kid})}.{encode_segment(vc_claims(did))}"
    secret = sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    mac = hmac.new(secret, signing_input.encode(), "sha256").digest()
    token = f"{signing_input}.{keys.b64url_encode(mac)}"
    finding = jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline())
    assert finding.outcome == FAIL and "shared-secret" in finding.reasons[0]


def test_es256_header_with_ed25519_key_fails():
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "ES256", "kid": kid}, vc_claims(did), sk, alg="EdDSA")
    finding = jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline())
    assert finding.outcome == FAIL and "needs a secp256r1 key" in finding.reasons[0]


def test_eddsa_header_with_p256_key_fails():
    sk = p256()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "EdDSA", "kid": kid}, vc_claims(did), sk, alg="ES256")
    assert jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline()).outcome == FAIL


@pytest.mark.parametrize("extra", [{"crit": ["exp"], "exp": 1}, {"b64": False, "crit": ["b64"]}, {"crit": []}])
def test_crit_and_unencoded_payload_fail(extra):
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "EdDSA", "kid": kid, **extra}, vc_claims(did), sk)
    assert jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline()).outcome == FAIL


def test_header_jwk_is_self_asserted():
    sk = p256()
    issuer = "https://issuer.example"
    token = make_jws({"alg": "ES256", "jwk": keys.public_jwk(sk.public_key())}, vc_claims(issuer), sk)
    finding = jose.verify_jose_credential(credential("vc-jwt", token, issuer), resolver=offline())
    assert finding.outcome == PASS and finding.binding == SELF_ASSERTED
    assert "not bound to the issuer" in finding.reasons[0]


def test_header_jwk_contradicting_kid_fails():
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    other = keys.public_jwk(ed25519().public_key())
    token = make_jws({"alg": "EdDSA", "kid": kid, "jwk": other}, vc_claims(did), sk)
    assert jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline()).outcome == FAIL


def test_an_x5c_that_is_not_a_certificate_is_a_failed_check():
    # x5c chains are checked (tests/verify/test_x509_chains.py); one that is not base64 DER fails that check
    sk = p256()
    token = make_jws({"alg": "ES256", "x5c": ["MIIB"]}, vc_claims("https://issuer.example"), sk)
    finding = jose.verify_jose_credential(credential("vc-jwt", token, "https://issuer.example"), resolver=offline())
    assert finding.outcome == FAIL and "x5c" in finding.reasons[0]


def test_unsupported_did_method_is_unknown():
    sk = ed25519()
    token = make_jws({"alg": "EdDSA", "kid": "did:ion:abc#k"}, vc_claims("did:ion:abc"), sk)
    finding = jose.verify_jose_credential(credential("vc-jwt", token, "did:ion:abc"), resolver=offline())
    assert finding.outcome == UNKNOWN and finding.unverifiable and "unsupported DID method" in finding.reasons[0]


# -- did:web through the resolver --------------------------------------------------------------------------


def did_web_doc(did: str, public_key) -> dict:
    return {
        "id": did,
        "verificationMethod": [{"id": f"{did}#k1", "type": "JsonWebKey2020", "controller": did, "publicKeyJwk": keys.public_jwk(public_key)}],
        "assertionMethod": [f"{did}#k1"],
    }


def test_did_web_offline_is_unverifiable_and_supplied_document_passes():
    sk = p256()
    did = "did:web:university.example"
    token = make_jws({"alg": "ES256", "kid": f"{did}#k1"}, vc_claims(did), sk)
    cred = credential("vc-jwt", token, did)
    unknown = jose.verify_jose_credential(cred, resolver=offline())
    assert unknown.outcome == UNKNOWN and unknown.unverifiable and "not available offline" in unknown.reasons[0]
    passed = jose.verify_jose_credential(cred, resolver=offline({did: did_web_doc(did, sk.public_key())}))
    assert passed.outcome == PASS and passed.binding == BOUND
    assert passed.details["documents"] == {"https://university.example/.well-known/did.json": "supplied"}


# -- VC-JOSE vc+jwt --------------------------------------------------------------------------------------------


def jose_credential_payload(issuer) -> dict:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "credentialSubject": {"id": "did:example:holder", "skill": "Python"},
    }


def test_vc_jose_passes_with_issuer_object():
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid}, jose_credential_payload({"id": did, "name": "U"}), sk)
    finding = jose.verify_jose_credential(credential("vc+jwt", token, did, "application/vc+jwt"), resolver=offline())
    assert finding.outcome == PASS and finding.binding == BOUND and finding.details["typ"] == "vc+jwt"


@pytest.mark.parametrize("extra", [{"vc": {}}, {"vp": {}}, {"iss": "did:example:other"}])
def test_vc_jose_forbidden_claims_fail(extra):
    sk = ed25519()
    did, kid = did_key_issuer(sk)
    token = make_jws({"alg": "EdDSA", "typ": "vc+jwt", "kid": kid}, {**jose_credential_payload(did), **extra}, sk)
    assert jose.verify_jose_credential(credential("vc+jwt", token, did), resolver=offline()).outcome == FAIL


def test_malformed_token_and_other_formats():
    assert jose.verify_jose_credential(credential("vc-jwt", "not-a-jws"), resolver=offline()).outcome == FAIL
    assert jose.verify_jose_credential(credential("ob3", "{}"), resolver=offline()).outcome == NA


def test_pss_signature_with_wrong_salt_length_fails():
    from cryptography.hazmat.primitives.asymmetric import padding

    sk = rsa2048()
    did = "did:jwk:" + keys.b64url_encode(json.dumps(keys.public_jwk(sk.public_key())).encode())
    header, claims = {"alg": "PS256", "kid": f"{did}#0"}, vc_claims(did)
    signing_input = f"{encode_segment(header)}.{encode_segment(claims)}"
    signature = sk.sign(signing_input.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=0), hashes.SHA256())
    token = f"{signing_input}.{keys.b64url_encode(signature)}"
    assert jose.verify_jose_credential(credential("vc-jwt", token, did), resolver=offline()).outcome == FAIL


def test_https_issuer_key_from_jwt_vc_issuer_metadata():
    sk = p256()
    issuer = "https://university.example/issuers/7"
    jwk = {**keys.public_jwk(sk.public_key()), "kid": "2024"}
    token = make_jws({"alg": "ES256", "kid": "2024"}, vc_claims(issuer), sk)
    cred = credential("vc-jwt", token, issuer)
    unknown = jose.verify_jose_credential(cred, resolver=offline())
    assert unknown.outcome == UNKNOWN and unknown.unverifiable
    metadata = {"issuer": issuer, "jwks": {"keys": [jwk]}}
    resolver = offline({"https://university.example/.well-known/jwt-vc-issuer/issuers/7": metadata})
    finding = jose.verify_jose_credential(cred, resolver=resolver)
    assert finding.outcome == PASS and finding.binding == BOUND
    wrong = {"issuer": "https://elsewhere.example", "jwks": {"keys": [jwk]}}
    resolver = offline({"https://university.example/.well-known/jwt-vc-issuer/issuers/7": wrong})
    assert jose.verify_jose_credential(cred, resolver=resolver).outcome == FAIL
