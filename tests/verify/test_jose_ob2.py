"""Open Badges 2.0: signed assertions (RS256, CryptographicKey owned by the issuer, revocation list) and
hosted assertions (fetched from their id through the resolver, compared, 410 Gone)."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from test_jose_helpers import make_jws, offline, replace_payload, rsa2048

from skillwallet.model import Credential, Issuer
from skillwallet.verify import jose
from skillwallet.verify.base import BOUND, FAIL, PASS, UNKNOWN
from skillwallet.verify.resolver import DocumentGoneError, DocumentResolver

ISSUER = "https://badges.example/issuer.json"
KEY = "https://badges.example/key.json"
BADGE = "https://badges.example/badges/welding.json"
ASSERTION = "https://badges.example/assertions/123.json"


def assertion(verification: dict | None = None, **extra) -> dict:
    doc = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": "urn:uuid:2d5c4d2e-3b1a-4a8e-9c1b-1f1f1f1f1f1f",
        "recipient": {"type": "email", "hashed": True, "identity": "sha256$c7ef86405ba71b85acd8e2e95166c4b111448089f2e1599f42fe1bba46e865c5", "salt": "deadsea"},
        "badge": BADGE,
        "issuedOn": "2024-05-01T00:00:00Z",
        "verification": verification or {"type": "SignedBadge", "creator": KEY},
    }
    doc.update(extra)
    return doc


def documents(public_key, *, owner: str = ISSUER, listed: bool = True, revocation: dict | None = None) -> dict:
    profile = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Issuer",
        "id": ISSUER,
        "name": "Badge Academy",
        "publicKey": KEY if listed else [],
    }
    docs = {
        KEY: {
            "@context": "https://w3id.org/openbadges/v2",
            "type": "CryptographicKey",
            "id": KEY,
            "owner": owner,
            "publicKeyPem": public_key.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode(),
        },
        ISSUER: profile,
        BADGE: {"@context": "https://w3id.org/openbadges/v2", "type": "BadgeClass", "id": BADGE, "name": "Welding", "issuer": ISSUER},
    }
    if revocation is not None:
        profile["revocationList"] = "https://badges.example/revocations.json"
        docs["https://badges.example/revocations.json"] = revocation
    return docs


def signed_credential(payload: dict, private_key, alg: str = "RS256") -> Credential:
    token = make_jws({"alg": alg}, payload, private_key)
    return Credential(format="ob2", original=token.encode(), media_type="application/jwt", issuer=Issuer(id=ISSUER))


@pytest.fixture(scope="module")
def issuer_key():
    return rsa2048()


def test_signed_assertion_passes_bound(issuer_key):
    finding = jose.verify_jose_credential(signed_credential(assertion(), issuer_key), resolver=offline(documents(issuer_key.public_key())))
    assert finding.outcome == PASS and finding.binding == BOUND, finding.reasons
    assert finding.details["controller"] == ISSUER and finding.details["status"] == "na"


def test_signed_assertion_tampered_fails(issuer_key):
    cred = signed_credential(assertion(), issuer_key)
    tampered = replace_payload(cred.original.decode(), assertion(issuedOn="2020-01-01T00:00:00Z"))
    cred.original = tampered.encode()
    finding = jose.verify_jose_credential(cred, resolver=offline(documents(issuer_key.public_key())))
    assert finding.outcome == FAIL and "does not verify" in finding.reasons[0]


def test_signed_assertion_by_another_key_fails(issuer_key):
    finding = jose.verify_jose_credential(signed_credential(assertion(), rsa2048()), resolver=offline(documents(issuer_key.public_key())))
    assert finding.outcome == FAIL


def test_key_owned_by_someone_else_fails(issuer_key):
    docs = documents(issuer_key.public_key(), owner="https://evil.example/issuer.json")
    docs["https://evil.example/issuer.json"] = {"id": "https://evil.example/issuer.json", "publicKey": KEY}
    finding = jose.verify_jose_credential(signed_credential(assertion(), issuer_key), resolver=offline(docs))
    assert finding.outcome == FAIL and "not by the issuer" in finding.reasons[0]


def test_key_not_listed_by_profile_fails(issuer_key):
    finding = jose.verify_jose_credential(signed_credential(assertion(), issuer_key), resolver=offline(documents(issuer_key.public_key(), listed=False)))
    assert finding.outcome == FAIL and "does not list the key" in finding.reasons[0]


def test_offline_without_documents_is_unverifiable(issuer_key):
    finding = jose.verify_jose_credential(signed_credential(assertion(), issuer_key), resolver=offline())
    assert finding.outcome == UNKNOWN and finding.unverifiable


def test_embedded_badge_class_still_needs_the_issuer_key_documents(issuer_key):
    payload = assertion(badge={"id": BADGE, "type": "BadgeClass", "name": "Welding", "issuer": ISSUER})
    docs = documents(issuer_key.public_key())
    del docs[BADGE]
    assert jose.verify_jose_credential(signed_credential(payload, issuer_key), resolver=offline(docs)).outcome == PASS


def test_revocation_list(issuer_key):
    payload = assertion()
    revocation = {"type": "RevocationList", "id": "https://badges.example/revocations.json",
                  "revokedAssertions": [{"id": payload["id"], "revocationReason": "issued in error"}, "urn:uuid:other"]}
    finding = jose.verify_jose_credential(signed_credential(payload, issuer_key), resolver=offline(documents(issuer_key.public_key(), revocation=revocation)))
    assert finding.outcome == PASS and finding.details["status"] == "revoked"
    assert any("issued in error" in r for r in finding.reasons)
    clean = {"type": "RevocationList", "revokedAssertions": ["urn:uuid:other"]}
    finding = jose.verify_jose_credential(signed_credential(payload, issuer_key), resolver=offline(documents(issuer_key.public_key(), revocation=clean)))
    assert finding.details["status"] == "pass"


def test_revocation_list_unavailable_is_unknown_status(issuer_key):
    docs = documents(issuer_key.public_key(), revocation={})
    del docs["https://badges.example/revocations.json"]
    finding = jose.verify_jose_credential(signed_credential(assertion(), issuer_key), resolver=offline(docs))
    assert finding.outcome == PASS and finding.details["status"] == "unknown"


def test_without_creator_the_profile_keys_are_tried(issuer_key):
    payload = assertion({"type": "signed"})
    finding = jose.verify_jose_credential(signed_credential(payload, issuer_key), resolver=offline(documents(issuer_key.public_key())))
    assert finding.outcome == PASS and finding.binding == BOUND


def test_signed_assertion_with_hosted_verification_type_fails(issuer_key):
    payload = assertion({"type": "HostedBadge"})
    assert jose.verify_jose_credential(signed_credential(payload, issuer_key), resolver=offline(documents(issuer_key.public_key()))).outcome == FAIL


def test_signed_assertion_alg_confusion_fails(issuer_key):
    from test_jose_helpers import ed25519

    finding = jose.verify_jose_credential(signed_credential(assertion(), ed25519(), alg="EdDSA"), resolver=offline(documents(issuer_key.public_key())))
    assert finding.outcome == FAIL and "needs an EdDSA key" in finding.reasons[0]


# -- hosted -------------------------------------------------------------------------------------------------


def hosted(**extra) -> dict:
    return assertion({"type": "HostedBadge"}, id=ASSERTION, **extra)


def hosted_credential(doc: dict) -> Credential:
    return Credential(format="ob2", original=json.dumps(doc).encode(), issuer=Issuer(id=ISSUER))


def test_hosted_assertion_offline_is_unverifiable_without_network():
    resolver = offline()
    finding = jose.verify_jose_credential(hosted_credential(hosted()), resolver=resolver)
    assert finding.outcome == UNKNOWN and finding.unverifiable and finding.details["status"] == "unknown"
    assert resolver.network_requests == 0


def test_hosted_assertion_matches_supplied_copy():
    finding = jose.verify_jose_credential(hosted_credential(hosted()), resolver=offline({ASSERTION: hosted()}))
    assert finding.outcome == PASS and finding.binding == BOUND and finding.details["status"] == "pass"
    assert finding.details["source"] == "supplied"


def test_hosted_copy_that_differs_fails():
    finding = jose.verify_jose_credential(hosted_credential(hosted()), resolver=offline({ASSERTION: hosted(issuedOn="2019-01-01")}))
    assert finding.outcome == FAIL and "issuedOn" in finding.reasons[0]


def test_hosted_copy_marked_revoked():
    finding = jose.verify_jose_credential(hosted_credential(hosted()), resolver=offline({ASSERTION: hosted(revoked=True, revocationReason="fraud")}))
    assert finding.details["status"] == "revoked" and "fraud" in finding.reasons[0]


def test_hosted_gone_means_revoked(monkeypatch):
    resolver = DocumentResolver(offline=False)

    def gone(url):
        raise DocumentGoneError(f"{url} is gone (HTTP 410)")

    monkeypatch.setattr(resolver, "_download", gone)
    finding = jose.verify_jose_credential(hosted_credential(hosted()), resolver=resolver)
    assert finding.details["status"] == "revoked"


def test_hosted_on_a_foreign_origin_fails():
    doc = hosted()
    doc["id"] = "https://evil.example/assertions/123.json"
    finding = jose.verify_jose_credential(hosted_credential(doc), resolver=offline({doc["id"]: doc}))
    assert finding.outcome == FAIL and "not on the issuer's origin" in finding.reasons[0]


def test_hosted_allowed_origins_from_issuer_profile():
    doc = hosted()
    doc["id"] = "https://cdn.badges-host.example/a/123.json"
    profile = {"id": ISSUER, "verification": {"allowedOrigins": ["cdn.badges-host.example"]}}
    finding = jose.verify_jose_credential(hosted_credential(doc), resolver=offline({doc["id"]: doc, ISSUER: profile}))
    assert finding.outcome == PASS


def test_hosted_issuer_found_through_the_badge_class():
    cred = Credential(format="ob2", original=json.dumps(hosted()).encode())  # no issuer in the stored view
    badge = {"id": BADGE, "type": "BadgeClass", "issuer": ISSUER}
    assert jose.verify_jose_credential(cred, resolver=offline({ASSERTION: hosted(), BADGE: badge})).outcome == PASS
    unknown = jose.verify_jose_credential(cred, resolver=offline({ASSERTION: hosted()}))
    assert unknown.outcome == UNKNOWN and unknown.unverifiable


def test_signed_assertion_without_its_jws_is_unsigned():
    finding = jose.verify_jose_credential(hosted_credential(assertion()), resolver=offline())
    assert finding.outcome == "na" and "without its JWS" in finding.reasons[0]


def test_key_embedded_in_the_issuer_profile(issuer_key):
    key_id = f"{ISSUER}#key-1"
    pem = issuer_key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    docs = documents(issuer_key.public_key())
    docs[ISSUER]["publicKey"] = [{"id": key_id, "type": "CryptographicKey", "owner": ISSUER, "publicKeyPem": pem}]
    payload = assertion({"type": "SignedBadge", "creator": key_id})
    finding = jose.verify_jose_credential(signed_credential(payload, issuer_key), resolver=offline(docs))
    assert finding.outcome == PASS and finding.binding == BOUND and finding.details["key_id"] == key_id


def test_profile_listing_a_different_key_than_the_key_document_fails(issuer_key):
    other_pem = rsa2048().public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()
    docs = documents(issuer_key.public_key())
    docs[ISSUER]["publicKey"] = [{"id": KEY, "type": "CryptographicKey", "owner": ISSUER, "publicKeyPem": other_pem}]
    finding = jose.verify_jose_credential(signed_credential(assertion(), issuer_key), resolver=offline(docs))
    assert finding.outcome == FAIL and "different key" in finding.reasons[0]


def test_hosted_copy_cached_by_an_earlier_fetch_is_unknown_offline():
    from skillwallet.verify.resolver import document_record

    class Wallet:
        def __init__(self):
            self.data = {("documents", ASSERTION): document_record(ASSERTION, json.dumps(hosted()).encode(), source="fetched")}

        def get(self, collection, key):
            return self.data.get((collection, key))

        def put(self, collection, key, value):
            self.data[(collection, key)] = value

    wallet = Wallet()
    finding = jose.verify_jose_credential(hosted_credential(hosted()), resolver=DocumentResolver(offline=True, wallet=wallet))
    assert finding.outcome == UNKNOWN and finding.unverifiable and finding.details["status"] == "unknown"
    assert "cached at" in finding.reasons[0]
    # the user's own copy (documents add) counts as supplied
    wallet.data[("documents", ASSERTION)]["source"] = "added"
    finding = jose.verify_jose_credential(hosted_credential(hosted()), resolver=DocumentResolver(offline=True, wallet=wallet))
    assert finding.outcome == PASS
