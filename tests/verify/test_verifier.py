"""The verifier end to end, with the real key resolution and document resolver (offline)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixtures.di.helpers import did_key_for, load_json, ob3_credential
from skillwallet.model import Credential, Issuer
from skillwallet.verify import data_integrity as di
from skillwallet.verify.data_integrity import precompute_canonical_hashes, sign_data_integrity
from skillwallet.verify.resolver import DocumentResolver
from skillwallet.verify.verifier import (
    cache_key,
    credential_from_document,
    verify_credential,
    verify_presentation,
)

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


@pytest.fixture
def resolver():
    return DocumentResolver(offline=True)


@pytest.fixture
def issuer():
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    return key, did, vm


def signed(issuer, **fields) -> dict:
    key, did, vm = issuer
    return sign_data_integrity(ob3_credential(did, **fields), key, vm)


def verify_doc(doc, resolver, as_of=NOW, **kwargs):
    return verify_credential(credential_from_document(doc), resolver=resolver, as_of=as_of, **kwargs)


def test_ob3_with_did_key_is_verified(issuer, resolver):
    verdict = verify_doc(signed(issuer), resolver)
    assert verdict.verdict == "verified", verdict.reasons
    assert verdict.checks["signature"] == "pass"
    assert verdict.checks["issuer_binding"] == "pass"
    assert (verdict.checks["expiry"], verdict.checks["not_before"], verdict.checks["status"]) == ("na", "pass", "na")


@pytest.mark.parametrize(
    "path, value",
    [
        (("name",), "Brain Surgery"),
        (("credentialSubject", "achievement", "name"), "Brain Surgery"),
        (("credentialSubject", "id"), "did:example:attacker"),
        (("validFrom",), "2023-01-01T00:00:00Z"),
    ],
)
def test_any_tampering_is_invalid(issuer, resolver, path, value):
    doc = signed(issuer)
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    assert verify_doc(doc, resolver).verdict == "invalid"


def test_issuer_swapped_for_another_did_is_invalid(issuer, resolver):
    doc = signed(issuer)
    other_did, _ = did_key_for(Ed25519PrivateKey.generate())
    doc["issuer"]["id"] = other_did
    verdict = verify_doc(doc, resolver)
    assert verdict.verdict == "invalid"


def test_re_signed_by_an_attacker_key_for_the_victim_issuer_is_invalid(issuer, resolver):
    _, victim_did, _ = issuer
    attacker = Ed25519PrivateKey.generate()
    _, attacker_vm = did_key_for(attacker)
    forged = sign_data_integrity(ob3_credential(victim_did), attacker, attacker_vm)
    verdict = verify_doc(forged, resolver)
    assert verdict.verdict == "invalid"
    assert verdict.checks["issuer_binding"] == "fail"


def test_undefined_property_injected_is_never_verified(issuer, resolver):
    doc = signed(issuer)
    doc["credentialSubject"]["achievement"]["grade"] = "A+"  # not in the OB 3.0 context
    verdict = verify_doc(doc, resolver)
    assert verdict.verdict == "invalid"
    assert verdict.checks["undefined_terms"] == "fail"


def test_unknown_context_is_unverifiable(issuer, resolver):
    key, did, vm = issuer
    doc = signed(issuer)
    doc["@context"].append("https://example.org/private-context.json")
    verdict = verify_doc(doc, resolver)
    assert verdict.verdict == "unverifiable"
    assert any("https://example.org/private-context.json" in r for r in verdict.reasons)


def test_vector_with_fragment_key_is_self_asserted(resolver):
    verdict = verify_doc(load_json("eddsa-rdfc-2022-signed.json"), resolver)
    assert verdict.verdict == "self-asserted"


def test_unsigned_credential(resolver, issuer):
    verdict = verify_doc(ob3_credential(issuer[1]), resolver)
    assert verdict.verdict == "unsigned"
    assert verdict.checks["signature"] == "na"


def test_did_web_offline_is_unverifiable(resolver):
    key = Ed25519PrivateKey.generate()
    doc = sign_data_integrity(ob3_credential("did:web:issuer.example"), key, "did:web:issuer.example#key-1")
    verdict = verify_doc(doc, resolver)
    assert verdict.verdict == "unverifiable"
    assert verdict.checks["signature"] == "unknown"


def test_did_web_with_supplied_document_is_verified():
    from skillwallet.verify.keys import multibase_encode
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = Ed25519PrivateKey.generate()
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    did = "did:web:issuer.example"
    did_doc = {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [
            {"id": f"{did}#key-1", "type": "Multikey", "controller": did, "publicKeyMultibase": multibase_encode(b"\xed\x01" + raw)}
        ],
        "assertionMethod": [f"{did}#key-1"],
    }
    resolver = DocumentResolver(offline=True, supplied={"https://issuer.example/.well-known/did.json": json.dumps(did_doc).encode()})
    doc = sign_data_integrity(ob3_credential(did), key, f"{did}#key-1")
    assert verify_doc(doc, resolver).verdict == "verified"
    # the same key listed only for authentication must not sign credentials
    did_doc["assertionMethod"] = []
    did_doc["authentication"] = [f"{did}#key-1"]
    resolver = DocumentResolver(offline=True, supplied={"https://issuer.example/.well-known/did.json": json.dumps(did_doc).encode()})
    assert verify_doc(doc, resolver).verdict != "verified"


# ---- time ---------------------------------------------------------------------------------------------


def test_expired_credential_stays_verified_but_not_in_force(issuer, resolver):
    doc = signed(issuer, validUntil="2026-01-01T00:00:00Z")
    verdict = verify_doc(doc, resolver)
    assert verdict.verdict == "verified"
    assert verdict.checks["expiry"] == "fail" and not verdict.in_force
    assert verify_doc(doc, resolver, as_of=datetime(2025, 6, 1, tzinfo=timezone.utc)).checks["expiry"] == "pass"


def test_not_yet_valid(issuer, resolver):
    doc = signed(issuer, validFrom="2027-01-01T00:00:00Z")
    verdict = verify_doc(doc, resolver)
    assert verdict.checks["not_before"] == "fail" and not verdict.in_force
    assert verify_doc(doc, resolver, as_of=datetime(2027, 2, 1, tzinfo=timezone.utc)).checks["not_before"] == "pass"


def test_vc_1_1_dates(resolver, issuer):
    key, did, vm = issuer
    doc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "expirationDate": "2026-03-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abc"},
    }
    verdict = verify_doc(sign_data_integrity(doc, key, vm), resolver)
    assert verdict.verdict == "verified"
    assert verdict.checks["expiry"] == "fail"


def test_malformed_date_is_invalid_even_if_signed(resolver, issuer):
    # xsd:dateTime typed values are signed as given; a date nobody can read is a structural failure
    key, did, vm = issuer
    doc = sign_data_integrity(ob3_credential(did, validUntil="next tuesday"), key, vm)
    verdict = verify_doc(doc, resolver)
    assert verdict.verdict == "invalid"
    assert verdict.checks["dates"] == "fail"


def test_ob2_dates_and_jwt_fields_come_from_the_credential(resolver):
    cred = Credential(
        format="ob2",
        original=json.dumps({"id": "urn:uuid:1", "type": "Assertion", "issuedOn": "2024-01-01", "expires": "2025-01-01"}).encode(),
        issuer=Issuer(id="https://issuer.example/profile"),
    )
    verdict = verify_credential(cred, resolver=resolver, as_of=NOW)
    assert verdict.checks["expiry"] == "fail"
    assert verdict.verdict != "verified"


# ---- cache ---------------------------------------------------------------------------------------------


class FakeWallet:
    def __init__(self):
        self.data = {}
        self.puts = 0

    def get(self, collection, key):
        return self.data.get((collection, key))

    def put(self, collection, key, value):
        self.puts += 1
        self.data[(collection, key)] = json.loads(json.dumps(value))


def test_unchanged_credential_is_not_canonicalised_again(issuer, resolver, monkeypatch):
    cred = credential_from_document(signed(issuer))
    wallet = FakeWallet()
    assert verify_credential(cred, resolver=resolver, as_of=NOW, wallet=wallet).verdict == "verified"
    assert wallet.puts == 1 and ("verify_cache", cache_key(cred)) in wallet.data

    def no_canonicalisation(*args, **kwargs):  # pragma: no cover - reaching it is the failure
        raise AssertionError("canonicalised again")

    monkeypatch.setattr(di, "hash_data", no_canonicalisation)
    assert verify_credential(cred, resolver=resolver, as_of=NOW, wallet=wallet).verdict == "verified"
    assert wallet.puts == 1  # nothing new to store


def test_cache_does_not_hide_tampering(issuer, resolver):
    doc = signed(issuer)
    cred = credential_from_document(doc)
    wallet = FakeWallet()
    verify_credential(cred, resolver=resolver, as_of=NOW, wallet=wallet)
    doc["name"] = "Forged"
    assert verify_credential(credential_from_document(doc), resolver=resolver, as_of=NOW, wallet=wallet).verdict == "invalid"


def test_precomputed_hashes_match_what_the_verifier_computes(issuer, resolver, monkeypatch):
    doc = signed(issuer)
    hashes = precompute_canonical_hashes(doc)
    assert len(hashes) == 1
    monkeypatch.setattr(di, "hash_data", lambda *a, **k: pytest.fail("canonicalised despite precomputed hashes"))
    verdict = verify_credential(credential_from_document(doc), resolver=resolver, as_of=NOW, canonical_cache=hashes)
    assert verdict.verdict == "verified"


def test_a_wrong_cached_hash_cannot_make_a_forgery_pass(issuer, resolver):
    # the cache maps inputs to hashes; a poisoned entry only makes the signature fail
    doc = signed(issuer)
    hashes = {k: "00" * 64 for k in precompute_canonical_hashes(doc)}
    verdict = verify_credential(credential_from_document(doc), resolver=resolver, as_of=NOW, canonical_cache=hashes)
    assert verdict.verdict == "invalid"


# ---- presentations ---------------------------------------------------------------------------------------


def issued_to(issuer, subject_did: str) -> dict:
    """A credential about the presenting holder (holder binding: the subject DID is the holder's)."""
    key, did, vm = issuer
    doc = ob3_credential(did)
    doc["credentialSubject"]["id"] = subject_did
    return sign_data_integrity(doc, key, vm)


def make_vp(holder_key, holder_did, holder_vm, credentials, **kwargs):
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder_did,
        "verifiableCredential": credentials,
    }
    return sign_data_integrity(vp, holder_key, holder_vm, proof_purpose="authentication", **kwargs)


def test_presentation_and_its_credentials(issuer, resolver):
    holder = Ed25519PrivateKey.generate()
    holder_did, holder_vm = did_key_for(holder)
    vp = make_vp(holder, holder_did, holder_vm, [issued_to(issuer, holder_did)], challenge="c-123", domain="jobs.example")
    vp_verdict, inner = verify_presentation(vp, resolver=resolver, as_of=NOW, challenge="c-123", domain="jobs.example")
    assert vp_verdict.verdict == "verified", vp_verdict.reasons
    assert [v.verdict for v in inner] == ["verified"]
    wrong, _ = verify_presentation(vp, resolver=resolver, as_of=NOW, challenge="other")
    assert wrong.verdict == "invalid"


def test_presentation_with_a_tampered_inner_credential(issuer, resolver):
    holder = Ed25519PrivateKey.generate()
    holder_did, holder_vm = did_key_for(holder)
    cred = issued_to(issuer, holder_did)
    cred["name"] = "Forged after issuance"
    # the holder signs over the forged credential: the presentation proof holds, the credential does not
    vp = make_vp(holder, holder_did, holder_vm, [cred])
    vp_verdict, inner = verify_presentation(vp, resolver=resolver, as_of=NOW)
    assert vp_verdict.verdict == "verified"
    assert inner[0].verdict == "invalid"


def test_presentation_signed_for_assertion_is_rejected(issuer, resolver):
    holder = Ed25519PrivateKey.generate()
    holder_did, holder_vm = did_key_for(holder)
    vp = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiablePresentation"],
        "holder": holder_did,
        "verifiableCredential": [signed(issuer)],
    }
    vp = sign_data_integrity(vp, holder, holder_vm)  # assertionMethod, not authentication
    vp_verdict, _ = verify_presentation(vp, resolver=resolver, as_of=NOW)
    assert vp_verdict.verdict == "invalid"
    assert vp_verdict.checks["proof_purpose"] == "fail"


def test_presentation_by_someone_other_than_the_holder(issuer, resolver):
    holder_did, _ = did_key_for(Ed25519PrivateKey.generate())
    impostor = Ed25519PrivateKey.generate()
    _, impostor_vm = did_key_for(impostor)
    vp = make_vp(impostor, holder_did, impostor_vm, [signed(issuer)])
    vp_verdict, _ = verify_presentation(vp, resolver=resolver, as_of=NOW)
    assert vp_verdict.verdict == "invalid"


def test_not_a_presentation(resolver):
    verdict, inner = verify_presentation({"type": ["VerifiableCredential"]}, resolver=resolver, as_of=NOW)
    assert verdict.verdict == "invalid" and inner == []


# ---- odd inputs never raise ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "original",
    [
        b"",
        b"not json at all",
        b"{",
        b"[]",
        b'{"proof": "nope"}',
        b'{"proof": [1, 2]}',
        b'{"@context": 5, "proof": {"type": "DataIntegrityProof"}}',
        b'{"@context": ["https://www.w3.org/ns/credentials/v2"], "proof": {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "proofPurpose": "assertionMethod", "verificationMethod": "did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2", "proofValue": "z21EVs3eXERqTn4acNHT9viboqgzUaQ3kTmhPT3eA8qrVPE7CrQq78WkzctnMX5W4CrzcKnHw8V6dvy5pgWYCU5e9"}}',
        b"eyJhbGciOiJub25lIn0.eyJ2YyI6e319.",
        b"a.b.c",
        b"\xff\xfe\x00",
    ],
)
def test_garbage_gives_a_verdict_not_an_exception(original, resolver):
    verdict = verify_credential(Credential(format="vc", original=original), resolver=resolver, as_of=NOW)
    assert verdict.verdict in ("invalid", "unverifiable", "unsigned")
    assert set(verdict.checks) >= {"signature", "expiry", "not_before", "status"}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.pop("credentialSubject"), "no credentialSubject"),
        (lambda d: d["issuer"].pop("id"), "names no issuer"),
    ],
)
def test_signed_documents_that_are_not_credentials_are_invalid(issuer, resolver, change, message):
    key, did, vm = issuer
    doc = ob3_credential(did)
    change(doc)
    verdict = verify_doc(sign_data_integrity(doc, key, vm), resolver)
    assert verdict.verdict == "invalid"
    assert verdict.checks["structure"] == "fail"
    assert any(message in r for r in verdict.reasons)


def test_structure_requires_the_verifiable_credential_type():
    from skillwallet.verify.verifier import _structure_problem

    doc = ob3_credential("did:example:1", type=["OpenBadgeCredential"])
    assert "not typed VerifiableCredential" in _structure_problem(doc)
    assert _structure_problem(ob3_credential("did:example:1")) is None


def _compact_jws(header: dict, payload: dict, key: Ed25519PrivateKey) -> bytes:
    import base64

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(payload).encode())
    return (signing_input + "." + b64(key.sign(signing_input.encode()))).encode()


def test_ob3_delivered_as_vc_jose_token_goes_through_jose_with_dates_and_binding(issuer, resolver):
    key, did, vm = issuer
    payload = ob3_credential(did, validUntil="2026-03-01T00:00:00Z")
    token = _compact_jws({"alg": "EdDSA", "kid": vm, "typ": "vc+jwt"}, payload, key)
    cred = Credential(format="ob3", original=token, media_type="application/vc+jwt", issuer=Issuer(id=did))
    verdict = verify_credential(cred, resolver=resolver, as_of=NOW)
    assert verdict.verdict == "verified", verdict.reasons
    assert verdict.checks["expiry"] == "fail"  # validUntil inside the token payload
    # a token signed by another key for the same issuer is not verified
    forged = _compact_jws({"alg": "EdDSA", "kid": vm, "typ": "vc+jwt"}, payload, Ed25519PrivateKey.generate())
    cred = Credential(format="ob3", original=forged, issuer=Issuer(id=did))
    assert verify_credential(cred, resolver=resolver, as_of=NOW).verdict == "invalid"


def test_vc_jwt_exp_claim_is_checked(issuer, resolver):
    key, did, vm = issuer
    vc = {"@context": ["https://www.w3.org/2018/credentials/v1"], "type": ["VerifiableCredential"],
          "credentialSubject": {"id": "did:example:abc"}}
    token = _compact_jws({"alg": "EdDSA", "kid": vm}, {"iss": did, "nbf": 1700000000, "exp": 1750000000, "vc": vc}, key)
    verdict = verify_credential(Credential(format="vc-jwt", original=token, issuer=Issuer(id=did)), resolver=resolver, as_of=NOW)
    assert verdict.checks["signature"] == "pass", verdict.reasons
    assert verdict.checks["expiry"] == "fail" and verdict.checks["not_before"] == "pass"


def test_an_expired_proof_is_invalid(issuer, resolver):
    # VC Data Integrity §2.1 "expires" on the proof itself (e.g. a short-lived presentation proof)
    key, did, vm = issuer
    doc = ob3_credential(did)
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-rdfc-2022",
        "created": "2025-01-01T00:00:00Z",
        "expires": "2026-01-01T00:00:00Z",
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
    }
    data = di.hash_data(dict(proof, **{"@context": doc["@context"]}), doc, "eddsa-rdfc-2022")
    proof["proofValue"] = di.encode_proof_value(key.sign(data))
    signed_doc = dict(doc, proof=proof)
    assert verify_doc(signed_doc, resolver, as_of=datetime(2025, 6, 1, tzinfo=timezone.utc)).verdict == "verified"
    late = verify_doc(signed_doc, resolver, as_of=NOW)
    assert late.verdict == "invalid"
    assert late.checks["proof_expiry"] == "fail"


def test_self_attested_entry_is_self_asserted_with_a_reason(resolver, issuer):
    from skillwallet.formats.selfattested import SelfAttestedEntry, make_self_attested

    key, did, vm = issuer
    entry = SelfAttestedEntry(kind="project", title="Built a data pipeline", issuer_name="Acme", date="2024-01-01",
                              skills=["Python"])
    cred = make_self_attested(entry, holder_did=did, verification_method=vm, private_key=key)
    verdict = verify_credential(cred, resolver=resolver, as_of=NOW)
    assert verdict.verdict == "self-asserted"
    assert verdict.checks["signature"] == "pass"
    assert any("self-attested" in r for r in verdict.reasons)


@pytest.mark.parametrize("media", ["application/jwt", "application/vc+jwt"])
def test_enveloped_vc_jwt_and_vc_jose_inside_a_presentation(issuer, resolver, media):
    key, did, vm = issuer
    holder = Ed25519PrivateKey.generate()
    holder_did, holder_vm = did_key_for(holder)
    if media == "application/jwt":
        payload = {"iss": did, "nbf": 1700000000, "vc": {"@context": ["https://www.w3.org/2018/credentials/v1"],
                   "type": ["VerifiableCredential"], "credentialSubject": {"id": holder_did}}}
        header = {"alg": "EdDSA", "typ": "JWT", "kid": vm}
    else:
        payload = ob3_credential(did)
        payload["credentialSubject"]["id"] = holder_did
        header = {"alg": "EdDSA", "typ": "vc+jwt", "kid": vm}
    token = _compact_jws(header, payload, key).decode()
    envelope = {"@context": "https://www.w3.org/ns/credentials/v2", "type": "EnvelopedVerifiableCredential",
                "id": f"data:{media},{token}"}
    vp = make_vp(holder, holder_did, holder_vm, [envelope])
    vp_verdict, inner = verify_presentation(vp, resolver=resolver, as_of=NOW)
    assert vp_verdict.verdict == "verified", vp_verdict.reasons
    assert inner[0].verdict == "verified", inner[0].reasons
