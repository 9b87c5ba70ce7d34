"""JOSE credentials end to end: bytes through the real importer, then the verifier's verdict.

These tests check that the importer's normalised view, the JOSE checks and the verifier agree: a signed token
imported as-is verifies; an imported token whose issuer key is not available offline is unverifiable, never
verified; a tampered token is invalid.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from test_jose_helpers import ed25519, make_jws, offline, p256, replace_payload, rsa2048

from skillwallet.formats import parse_credential_bytes
from skillwallet.model import VERDICT_INVALID, VERDICT_SELF_ASSERTED, VERDICT_UNVERIFIABLE, VERDICT_VERIFIED
from skillwallet.verify import keys
from skillwallet.verify.verifier import verify_credential

NOW = datetime(2025, 1, 1, tzinfo=timezone.utc)


def vc_jwt(issuer: str, kid: str, key, alg: str) -> str:
    claims = {
        "iss": issuer,
        "nbf": 1700000000,
        "jti": "urn:uuid:5b1d7f4e-95c2-4a54-8a0e-e4c8f2a1b001",
        "sub": "did:example:holder",
        "vc": {
            "@context": ["https://www.w3.org/2018/credentials/v1", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
            "type": ["VerifiableCredential", "OpenBadgeCredential"],
            "issuer": {"id": issuer, "type": ["Profile"], "name": "Example University"},
            "name": "Welding I",
            "credentialSubject": {
                "type": ["AchievementSubject"],
                "achievement": {"id": "https://example.edu/achievements/welding-1", "type": ["Achievement"],
                                "name": "Welding I", "criteria": {"narrative": "Pass the practical."}, "description": "d"},
            },
        },
    }
    return make_jws({"alg": alg, "typ": "JWT", "kid": kid}, claims, key)


def imported(token: str):
    (cred,) = parse_credential_bytes(token.encode(), source="test")
    return cred


def test_vc_jwt_with_did_key_is_verified():
    sk = ed25519()
    did = keys.did_key_from_public_key(sk.public_key())
    cred = imported(vc_jwt(did, f"{did}#{did[8:]}", sk, "EdDSA"))
    assert cred.format == "vc-jwt"
    verdict = verify_credential(cred, resolver=offline(), as_of=NOW)
    assert verdict.verdict == VERDICT_VERIFIED, verdict.reasons
    assert verdict.checks["signature"] == "pass"


def test_tampered_vc_jwt_is_invalid():
    sk = ed25519()
    did = keys.did_key_from_public_key(sk.public_key())
    token = vc_jwt(did, f"{did}#{did[8:]}", sk, "EdDSA")
    header, payload, signature = token.split(".")
    claims = json.loads(keys.b64url_decode(payload))
    claims["vc"]["name"] = "Welding IV"
    claims["vc"]["credentialSubject"]["achievement"]["name"] = "Welding IV"
    cred = imported(replace_payload(token, claims))
    assert cred.title and "IV" in cred.title
    assert verify_credential(cred, resolver=offline(), as_of=NOW).verdict == VERDICT_INVALID


def test_did_web_vc_jwt_is_unverifiable_offline_and_verified_with_the_document():
    sk = p256()
    did = "did:web:example.edu"
    cred = imported(vc_jwt(did, f"{did}#k1", sk, "ES256"))
    assert verify_credential(cred, resolver=offline(), as_of=NOW).verdict == VERDICT_UNVERIFIABLE
    document = {
        "id": did,
        "verificationMethod": [{"id": f"{did}#k1", "type": "JsonWebKey2020", "controller": did,
                                "publicKeyJwk": keys.public_jwk(sk.public_key())}],
        "assertionMethod": [f"{did}#k1"],
    }
    verdict = verify_credential(cred, resolver=offline({did: document}), as_of=NOW)
    assert verdict.verdict == VERDICT_VERIFIED, verdict.reasons


def test_header_jwk_only_is_self_asserted():
    sk = p256()
    issuer = "https://example.edu/issuer"
    token = vc_jwt(issuer, "unused", sk, "ES256")
    header, payload, _ = token.split(".")
    token = make_jws({"alg": "ES256", "jwk": keys.public_jwk(sk.public_key())}, json.loads(keys.b64url_decode(payload)), sk)
    verdict = verify_credential(imported(token), resolver=offline(), as_of=NOW)
    assert verdict.verdict == VERDICT_SELF_ASSERTED


def test_signed_ob2_assertion_end_to_end():
    sk = rsa2048()
    issuer, key_url, badge = "https://badges.example/issuer", "https://badges.example/key", "https://badges.example/badge"
    docs = {
        issuer: {"@context": "https://w3id.org/openbadges/v2", "type": "Issuer", "id": issuer, "name": "Academy", "publicKey": key_url},
        key_url: {"@context": "https://w3id.org/openbadges/v2", "type": "CryptographicKey", "id": key_url, "owner": issuer,
                  "publicKeyPem": sk.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()},
        badge: {"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": badge, "name": "Welding",
                "issuer": issuer, "description": "d", "criteria": {"narrative": "n"}, "image": "https://badges.example/i.png"},
    }
    assertion = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "urn:uuid:0c1e4d7a-8f1b-4a43-9a39-7c4f4f2b5a10",
        "recipient": {"type": "email", "hashed": False, "identity": "ada@example.org"},
        "badge": badge,
        "issuedOn": "2024-05-01T00:00:00Z",
        "verification": {"type": "SignedBadge", "creator": key_url},
    }
    token = make_jws({"alg": "RS256"}, assertion, sk)
    (cred,) = parse_credential_bytes(token.encode(), source="test", related=docs)
    assert cred.format == "ob2"
    assert verify_credential(cred, resolver=offline(docs), as_of=NOW).verdict == VERDICT_VERIFIED
    assert verify_credential(cred, resolver=offline(), as_of=NOW).verdict == VERDICT_UNVERIFIABLE
