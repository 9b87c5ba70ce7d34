"""ecdsa-rdfc-2019 and ecdsa-jcs-2019 (P-256, P-384): the published W3C vc-di-ecdsa vectors, and bad input."""

from __future__ import annotations

import copy

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from fixtures.di.helpers import load_json, load_text, ob3_credential
from skillwallet.verify import data_integrity as di
from skillwallet.verify.base import BOUND, FAIL, PASS
from skillwallet.verify.keys import did_key_from_public_key
from skillwallet.verify.resolver import DocumentResolver


@pytest.fixture
def resolver():
    return DocumentResolver(offline=True)


def proof_inputs(doc):
    proof_config = {k: v for k, v in doc["proof"].items() if k != "proofValue"}
    proof_config["@context"] = doc["@context"]
    return proof_config, {k: v for k, v in doc.items() if k != "proof"}


@pytest.mark.parametrize("curve, hash_name", [("p256", "sha256"), ("p384", "sha384")])
def test_published_ecdsa_rdfc_vectors_verify(curve, hash_name, resolver):
    doc = load_json(f"ecdsa-rdfc-2019-{curve}-signed.json")
    data = di.hash_data(*proof_inputs(doc), "ecdsa-rdfc-2019", hash_name)
    assert data.hex() == load_text(f"ecdsa-rdfc-2019-{curve}-combined-hash.txt")
    # the vector's issuer is an https URL while the key is a did:key: check the signature without the binding
    finding = di.verify_data_integrity_proofs(doc, resolver=resolver, issuer=None)
    assert finding.outcome == PASS, finding.reasons
    assert finding.binding == BOUND


@pytest.mark.parametrize("curve", ["p256", "p384"])
def test_published_ecdsa_vector_tampered_fails(curve, resolver):
    doc = load_json(f"ecdsa-rdfc-2019-{curve}-signed.json")
    doc["credentialSubject"]["alumniOf"] = "Another School"
    assert di.verify_data_integrity_proofs(doc, resolver=resolver, issuer=None).outcome == FAIL


def sign_ecdsa(doc: dict, key: ec.EllipticCurvePrivateKey, suite: str) -> dict:
    """Test-side ECDSA signer (the package signs with Ed25519 only)."""
    did = did_key_from_public_key(key.public_key())
    fragment = did.split(":")[-1]
    proof = {
        "type": "DataIntegrityProof",
        "cryptosuite": suite,
        "created": "2025-01-01T00:00:00Z",
        "verificationMethod": f"{did}#{fragment}",
        "proofPurpose": "assertionMethod",
    }
    size = key.curve.key_size
    hash_name = "sha256" if size == 256 else "sha384"
    data = di.hash_data(dict(proof, **{"@context": doc["@context"]}), doc, suite, hash_name)
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256() if size == 256 else hashes.SHA384())))
    n = 32 if size == 256 else 48
    proof["proofValue"] = di.encode_proof_value(r.to_bytes(n, "big") + s.to_bytes(n, "big"))
    return dict(doc, proof=proof), did


@pytest.mark.parametrize("suite", ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"])
@pytest.mark.parametrize("curve", [ec.SECP256R1(), ec.SECP384R1()])
def test_ecdsa_suites_bound_to_a_did_key_issuer(suite, curve, resolver):
    key = ec.generate_private_key(curve)
    did = did_key_from_public_key(key.public_key())
    signed, _ = sign_ecdsa(ob3_credential(did), key, suite)
    finding = di.verify_data_integrity_proofs(signed, resolver=resolver, issuer=did)
    assert (finding.outcome, finding.binding) == (PASS, BOUND), finding.reasons
    tampered = copy.deepcopy(signed)
    tampered["name"] = "Something else"
    assert di.verify_data_integrity_proofs(tampered, resolver=resolver, issuer=did).outcome == FAIL


def test_ecdsa_proof_with_an_ed25519_key_is_refused(resolver):
    # algorithm confusion: an ecdsa cryptosuite naming an Ed25519 did:key
    from fixtures.di.helpers import did_key_for

    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    signed = di.sign_data_integrity(ob3_credential(did), key, vm)
    signed["proof"]["cryptosuite"] = "ecdsa-rdfc-2019"
    finding = di.verify_data_integrity_proofs(signed, resolver=resolver, issuer=did)
    assert finding.outcome == FAIL
    assert "needs a P-256 or P-384 key" in finding.reasons[0]


def test_eddsa_proof_with_a_p256_key_is_refused(resolver):
    key = ec.generate_private_key(ec.SECP256R1())
    did = did_key_from_public_key(key.public_key())
    signed, _ = sign_ecdsa(ob3_credential(did), key, "ecdsa-rdfc-2019")
    signed["proof"]["cryptosuite"] = "eddsa-rdfc-2022"
    finding = di.verify_data_integrity_proofs(signed, resolver=resolver, issuer=did)
    assert finding.outcome == FAIL
    assert "needs an Ed25519 key" in finding.reasons[0]


def test_p384_length_signature_on_a_p256_key_fails_cleanly(resolver):
    key = ec.generate_private_key(ec.SECP256R1())
    did = did_key_from_public_key(key.public_key())
    signed, _ = sign_ecdsa(ob3_credential(did), key, "ecdsa-rdfc-2019")
    signed["proof"]["proofValue"] = di.encode_proof_value(b"\x01" * 96)
    finding = di.verify_data_integrity_proofs(signed, resolver=resolver, issuer=did)
    assert finding.outcome == FAIL
    assert "decodes to 96 bytes" in finding.reasons[0]


def test_zero_signature_is_rejected(resolver):
    key = ec.generate_private_key(ec.SECP256R1())
    did = did_key_from_public_key(key.public_key())
    signed, _ = sign_ecdsa(ob3_credential(did), key, "ecdsa-rdfc-2019")
    signed["proof"]["proofValue"] = di.encode_proof_value(b"\x00" * 64)
    assert di.verify_data_integrity_proofs(signed, resolver=resolver, issuer=did).outcome == FAIL


def test_ecdsa_precomputed_hashes_are_used(resolver, monkeypatch):
    key = ec.generate_private_key(ec.SECP384R1())
    did = did_key_from_public_key(key.public_key())
    signed, _ = sign_ecdsa(ob3_credential(did), key, "ecdsa-rdfc-2019")
    cache = di.precompute_canonical_hashes(signed)
    monkeypatch.setattr(di, "hash_data", lambda *a, **k: pytest.fail("canonicalised again"))
    finding = di.verify_data_integrity_proofs(signed, resolver=resolver, issuer=did, canonical_cache=cache)
    assert finding.outcome == PASS
