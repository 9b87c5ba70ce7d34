"""Data Integrity eddsa suites against the published W3C vc-di-eddsa test vectors, plus tampering and bad input."""

from __future__ import annotations

import copy
import hashlib
import json
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixtures.di.helpers import (
    did_key_for,
    load_json,
    load_text,
    private_key_from_multibase,
    test_key_resolver,
)
from skillwallet.errors import InvalidInputError
from skillwallet.verify import data_integrity as di
from skillwallet.verify.base import BOUND, FAIL, NA, PASS, SELF_ASSERTED, UNKNOWN
from skillwallet.verify.jsonld import canonicalize

CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def _test_keys(monkeypatch):
    monkeypatch.setattr(di, "resolve_key", test_key_resolver)


def vector_key() -> Ed25519PrivateKey:
    return private_key_from_multibase(load_json("keyPair.json")["privateKeyMultibase"])


def unsigned_alumni() -> dict:
    doc = load_json("eddsa-rdfc-2022-signed.json")
    doc.pop("proof")
    return doc


# ---- eddsa-rdfc-2022: every intermediate value of the published vector -------------------------------


def test_rdfc_proof_canonical_nquads_match_the_vector_byte_for_byte():
    signed = load_json("eddsa-rdfc-2022-signed.json")
    proof_config = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    proof_config["@context"] = signed["@context"]
    assert canonicalize(proof_config).nquads == load_text("eddsa-rdfc-2022-proof-canon.nq")


def test_rdfc_combined_hash_matches_the_vector():
    signed = load_json("eddsa-rdfc-2022-signed.json")
    proof_config = {k: v for k, v in signed["proof"].items() if k != "proofValue"}
    proof_config["@context"] = signed["@context"]
    unsecured = {k: v for k, v in signed.items() if k != "proof"}
    data = di.hash_data(proof_config, unsecured, di.EDDSA_RDFC_2022)
    assert data.hex() == load_text("eddsa-rdfc-2022-combined-hash.txt")
    # the proof hash comes first: its half is the SHA-256 of the published proof N-Quads
    assert data[:32] == hashlib.sha256(load_text("eddsa-rdfc-2022-proof-canon.nq").encode()).digest()


def test_rdfc_signing_reproduces_the_published_proof_value():
    signed = di.sign_data_integrity(
        unsigned_alumni(),
        vector_key(),
        "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        created=CREATED,
    )
    assert signed["proof"]["proofValue"] == load_text("eddsa-rdfc-2022-sig-btc58.txt")
    assert signed == load_json("eddsa-rdfc-2022-signed.json")


def test_rdfc_vector_verifies_with_a_self_asserted_fragment_key():
    doc = load_json("eddsa-rdfc-2022-signed.json")
    finding = di.verify_data_integrity_proofs(doc, resolver=None, issuer=doc["issuer"])
    assert finding.outcome == PASS, finding.reasons
    # the key sits in a URL fragment: nothing but the document binds it to the issuer
    assert finding.binding == SELF_ASSERTED
    assert finding.details["checks"]["issuer_binding"] == SELF_ASSERTED


def test_legacy_eddsa_2022_name_uses_the_same_algorithm():
    doc = load_json("eddsa-rdfc-2022-signed.json")
    doc["proof"]["cryptosuite"] = "eddsa-2022"
    # the cryptosuite string is part of the signed proof config, so the renamed vector no longer verifies...
    assert di.verify_data_integrity_proofs(doc, resolver=None, issuer=doc["issuer"]).outcome == FAIL
    # ...but a proof made under the draft name verifies
    key = vector_key()
    unsigned = unsigned_alumni()
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": "eddsa-2022",
        "created": "2023-02-24T23:36:38Z",
        "verificationMethod": "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        "proofPurpose": "assertionMethod",
    }
    config = dict(proof, **{"@context": unsigned["@context"]})
    proof["proofValue"] = di.encode_proof_value(key.sign(di.hash_data(config, unsigned, "eddsa-2022")))
    assert di.verify_data_integrity_proofs(dict(unsigned, proof=proof), resolver=None, issuer=unsigned["issuer"]).outcome == PASS


# ---- eddsa-jcs-2022 ------------------------------------------------------------------------------------


def test_jcs_canonical_document_matches_the_vector():
    import rfc8785

    assert rfc8785.dumps(unsigned_alumni()).decode() == load_text("eddsa-jcs-2022-canon-doc.json")


def test_jcs_did_key_combined_hash_matches_the_vector():
    proof_config = json.loads(load_text("eddsa-jcs-2022-proof-canon-didkey.json"))
    data = di.hash_data(proof_config, unsigned_alumni(), di.EDDSA_JCS_2022)
    assert data.hex() == load_text("eddsa-jcs-2022-combined-hash-didkey.txt")


def test_jcs_signing_reproduces_the_published_signed_credential():
    signed = di.sign_data_integrity(
        unsigned_alumni(),
        vector_key(),
        "https://vc.example/issuers/5678#z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2",
        cryptosuite="eddsa-jcs-2022",
        created=CREATED,
    )
    assert signed == load_json("eddsa-jcs-2022-signed.json")


def test_jcs_vector_verifies_and_a_tampered_copy_fails():
    doc = load_json("eddsa-jcs-2022-signed.json")
    assert di.verify_data_integrity_proofs(doc, resolver=None, issuer=doc["issuer"]).outcome == PASS
    doc["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    finding = di.verify_data_integrity_proofs(doc, resolver=None, issuer=doc["issuer"])
    assert finding.outcome == FAIL
    assert "signature does not match" in finding.reasons[0]


def test_jcs_proof_context_must_be_a_prefix_of_the_documents():
    doc = load_json("eddsa-jcs-2022-signed.json")
    doc["proof"]["@context"] = ["https://www.w3.org/ns/credentials/examples/v2"]
    finding = di.verify_data_integrity_proofs(doc, resolver=None, issuer=doc["issuer"])
    assert finding.outcome == FAIL
    assert "prefix" in finding.reasons[0]


# ---- proof sets and chains (vc-di-eddsa TestVectors/proof-set-chain) ----------------------------------


def test_published_proof_chain_verifies():
    doc = load_json("signedProofChain2.json")
    finding = di.verify_data_integrity_proofs(doc, resolver=None, issuer=None)
    assert finding.outcome == PASS, finding.reasons
    assert [p["outcome"] for p in finding.details["proofs"]] == [PASS] * 4


def test_proof_chain_with_a_dangling_previous_proof_fails():
    doc = load_json("signedProofChain2.json")
    doc["proof"][3]["previousProof"] = "urn:uuid:not-in-the-document"
    finding = di.verify_data_integrity_proofs(doc, resolver=None, issuer=None)
    assert finding.outcome == FAIL
    assert any("previousProof" in r for r in finding.reasons)


def test_proof_chain_with_a_removed_proof_fails():
    doc = load_json("signedProofChain2.json")
    del doc["proof"][0]  # proof 3 names it
    assert di.verify_data_integrity_proofs(doc, resolver=None, issuer=None).outcome == FAIL


def test_proof_set_every_proof_must_verify():
    keys = [Ed25519PrivateKey.generate() for _ in range(2)]
    issuer_did, issuer_vm = did_key_for(keys[0])
    other_did, other_vm = did_key_for(keys[1])
    doc = dict(unsigned_alumni(), issuer=issuer_did)
    signed = di.sign_data_integrity(doc, keys[0], issuer_vm)
    signed = di.sign_data_integrity(signed, keys[1], other_vm)
    assert isinstance(signed["proof"], list) and len(signed["proof"]) == 2
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=issuer_did)
    assert finding.outcome == PASS and finding.binding == BOUND
    # corrupt the endorser's proof: the set fails even though the issuer's proof is fine
    bad = copy.deepcopy(signed)
    bad["proof"][1]["proofValue"] = signed["proof"][0]["proofValue"]
    assert di.verify_data_integrity_proofs(bad, resolver=None, issuer=issuer_did).outcome == FAIL


# ---- binding, purposes, bad input -------------------------------------------------------------------


def signed_with_did_key(**kwargs) -> tuple[dict, str]:
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    doc = dict(unsigned_alumni(), issuer=did)
    return di.sign_data_integrity(doc, key, vm, **kwargs), did


def test_did_key_issuer_is_bound():
    signed, did = signed_with_did_key()
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=did)
    assert (finding.outcome, finding.binding) == (PASS, BOUND)
    assert finding.details["checks"]["issuer_binding"] == PASS


def test_issuer_mismatch_with_a_valid_signature_is_not_verified():
    key = Ed25519PrivateKey.generate()
    _, vm = did_key_for(key)
    doc = dict(unsigned_alumni(), issuer="did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2")
    signed = di.sign_data_integrity(doc, key, vm)
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=doc["issuer"])
    assert finding.outcome == FAIL
    assert finding.details["checks"]["issuer_binding"] == FAIL
    assert "no proof is made with a key controlled by the issuer" in finding.reasons[-1]


def test_wrong_proof_purpose_fails():
    signed, did = signed_with_did_key(proof_purpose="authentication")
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=did)
    assert finding.outcome == FAIL
    assert finding.details["checks"]["proof_purpose"] == FAIL


def test_challenge_and_domain_are_checked_when_given():
    signed, did = signed_with_did_key(proof_purpose="authentication", challenge="abc", domain="example.org")
    ok = di.verify_data_integrity_proofs(
        signed, resolver=None, issuer=did, expected_purpose="authentication", challenge="abc", domain="example.org"
    )
    assert ok.outcome == PASS
    for kwargs in ({"challenge": "other"}, {"domain": "evil.example"}):
        bad = di.verify_data_integrity_proofs(
            signed, resolver=None, issuer=did, expected_purpose="authentication", **kwargs
        )
        assert bad.outcome == FAIL


@pytest.mark.parametrize(
    "proof_value, message",
    [
        ("u" + "A" * 86, "not multibase base58btc"),
        ("z0OIl", "not valid base58btc"),
        ("z" + "2" * 40, "bytes; an Ed25519 signature is 64"),
        (12345, "missing or not a string"),
        ("", "missing or not a string"),
        ("z" + "2" * 500, "far too long"),
    ],
)
def test_malformed_proof_values_fail_cleanly(proof_value, message):
    signed, did = signed_with_did_key()
    signed["proof"]["proofValue"] = proof_value
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=did)
    assert finding.outcome == FAIL
    assert message in finding.reasons[0]


def test_unknown_cryptosuite_is_unverifiable_not_valid():
    signed, did = signed_with_did_key()
    signed["proof"]["cryptosuite"] = "bbs-2023"
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=did)
    assert finding.outcome == UNKNOWN and finding.unverifiable
    assert "is not supported" in finding.reasons[0]


def test_unknown_proof_type_is_unverifiable():
    signed, did = signed_with_did_key()
    signed["proof"]["type"] = "RsaSignature2018"
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=did)
    assert finding.outcome == UNKNOWN


def test_undefined_term_added_after_signing_fails_even_though_rdf_is_unchanged():
    # VC 2.0's context has no @vocab: an undefined property vanishes in expansion, so the RDF signature
    # still "matches". The verifier must notice the property and refuse.
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "credentialSubject": {"id": "did:example:abc", "name": "Alice"},
    }
    signed = di.sign_data_integrity(doc, key, vm)
    assert di.verify_data_integrity_proofs(signed, resolver=None, issuer=did).outcome == PASS
    signed["credentialSubject"]["degreeAwarded"] = "PhD"
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=did)
    assert finding.outcome == FAIL
    assert finding.details["checks"]["undefined_terms"] == FAIL
    assert "degreeAwarded" in finding.reasons[0]


def test_undefined_type_is_detected():
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential", "MadeUpCredential"],
        "issuer": did,
        "credentialSubject": {"id": "did:example:abc"},
    }
    with pytest.raises(InvalidInputError, match="MadeUpCredential"):
        di.sign_data_integrity(doc, key, vm)


def test_signing_refuses_undefined_terms_and_unknown_contexts():
    key = Ed25519PrivateKey.generate()
    _, vm = did_key_for(key)
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": "did:example:1",
        "credentialSubject": {"id": "did:example:abc", "undefinedThing": 1},
    }
    with pytest.raises(InvalidInputError, match="undefinedThing"):
        di.sign_data_integrity(doc, key, vm)
    doc["@context"].append("https://example.com/my-context.json")
    with pytest.raises(InvalidInputError, match="not available offline"):
        di.sign_data_integrity(doc, key, vm)


def test_context_not_shipped_is_unverifiable():
    signed, did = signed_with_did_key()
    signed["@context"] = [*signed["@context"], "https://example.com/unknown-context.jsonld"]
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=did)
    assert finding.outcome == UNKNOWN and finding.unverifiable
    assert "https://example.com/unknown-context.jsonld" in finding.reasons[0]


def test_vc_1_1_document_gets_the_data_integrity_context():
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    doc = {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abc"},
    }
    signed = di.sign_data_integrity(doc, key, vm)
    assert signed["@context"][-1] == "https://w3id.org/security/data-integrity/v2"
    assert "proof" not in doc  # the input is not mutated
    assert di.verify_data_integrity_proofs(signed, resolver=None, issuer=did).outcome == PASS


def test_no_proof_is_na():
    assert di.verify_data_integrity_proofs(unsigned_alumni(), resolver=None, issuer=None).outcome == NA


def test_algorithm_confusion_non_ed25519_key_fails(monkeypatch):
    from cryptography.hazmat.primitives.asymmetric import ec

    from skillwallet.verify.base import ResolvedKey

    signed, did = signed_with_did_key()

    def p256_resolver(vm, resolver=None, purpose="assertionMethod"):
        return ResolvedKey(ec.generate_private_key(ec.SECP256R1()).public_key(), vm, did)

    monkeypatch.setattr(di, "resolve_key", p256_resolver)
    finding = di.verify_data_integrity_proofs(signed, resolver=None, issuer=did)
    assert finding.outcome == FAIL
    assert "needs an Ed25519 key" in finding.reasons[0]


def test_ed25519_signature_2020_proof_verifies():
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    doc = {
        "@context": ["https://www.w3.org/2018/credentials/v1", "https://w3id.org/security/suites/ed25519-2020/v1"],
        "type": ["VerifiableCredential"],
        "issuer": did,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:abc"},
    }
    proof = {
        "type": "Ed25519Signature2020",
        "created": "2024-01-01T00:00:00Z",
        "verificationMethod": vm,
        "proofPurpose": "assertionMethod",
    }
    config = dict(proof, **{"@context": doc["@context"]})
    proof["proofValue"] = di.encode_proof_value(key.sign(di.hash_data(config, doc, di.EDDSA_RDFC_2022)))
    signed = dict(doc, proof=proof)
    assert di.verify_data_integrity_proofs(signed, resolver=None, issuer=did).outcome == PASS
    signed["issuanceDate"] = "2025-01-01T00:00:00Z"
    assert di.verify_data_integrity_proofs(signed, resolver=None, issuer=did).outcome == FAIL
