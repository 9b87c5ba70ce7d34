"""ecdsa-rdfc-2019 and ecdsa-jcs-2019 (P-256, P-384): the published W3C vc-di-ecdsa vectors, and bad input."""

from __future__ import annotations

import copy
import json

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


# -- W3C vc-di-ecdsa P-384 vectors, byte for byte (fixtures/di/SOURCES.md names each file and commit) -----------


def p384_vector_keys():
    """The published P-384 key pair (TestVectors/p384KeyPair.json): public key and the one its secret derives."""
    from skillwallet.verify.keys import multibase_decode, public_key_from_multicodec

    pair = load_json("p384KeyPair.json")
    public = public_key_from_multicodec(multibase_decode(pair["publicKeyMultibase"]))
    secret = multibase_decode(pair["privateKeyMultibase"])
    assert secret[:2] == b"\x87\x26" and len(secret) == 50  # multicodec p384-priv (0x1307), 48 key bytes
    private = ec.derive_private_key(int.from_bytes(secret[2:], "big"), ec.SECP384R1())
    return public, private


def raw_to_der(signature: bytes) -> bytes:
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    half = len(signature) // 2
    return encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))


def test_p384_vector_key_pair_is_consistent():
    public, private = p384_vector_keys()
    assert public.curve.name == "secp384r1"
    assert private.public_key().public_numbers() == public.public_numbers()
    doc = load_json("ecdsa-rdfc-2019-p384-signed.json")
    assert doc["proof"]["verificationMethod"].endswith("#" + load_json("p384KeyPair.json")["publicKeyMultibase"])


def test_p384_rdfc_vector_canonical_forms_and_hashes_byte_for_byte():
    import hashlib

    from skillwallet.verify.jsonld import canonicalize

    doc = load_json("ecdsa-rdfc-2019-p384-signed.json")
    proof_config, unsecured = proof_inputs(doc)
    proof_canon = canonicalize(proof_config).nquads
    assert proof_canon == load_text("ecdsa-rdfc-2019-p384-proof-canon.nq")
    document_canon = canonicalize(unsecured).nquads
    combined = load_text("ecdsa-rdfc-2019-p384-combined-hash.txt")
    # vc-di-ecdsa §3.2.4 (hashing): SHA-384 for a P-384 key, over each canonical form, the proof's first
    assert hashlib.sha384(proof_canon.encode()).hexdigest() == combined[:96]
    assert hashlib.sha384(document_canon.encode()).hexdigest() == load_text("ecdsa-2019-p384-doc-hash.txt")
    assert hashlib.sha384(document_canon.encode()).hexdigest() == combined[96:]
    assert di.hash_data(proof_config, unsecured, "ecdsa-rdfc-2019", "sha384").hex() == combined


def test_p384_rdfc_vector_signature_is_ecdsa_sha384_over_the_combined_hash():
    from cryptography.exceptions import InvalidSignature

    doc = load_json("ecdsa-rdfc-2019-p384-signed.json")
    signature = di.decode_proof_value(doc["proof"]["proofValue"], 96, "a P-384 signature")
    assert signature.hex() == load_text("ecdsa-rdfc-2019-p384-sig-hex.txt")
    data = bytes.fromhex(load_text("ecdsa-rdfc-2019-p384-combined-hash.txt"))
    public, _ = p384_vector_keys()
    public.verify(raw_to_der(signature), data, ec.ECDSA(hashes.SHA384()))
    with pytest.raises(InvalidSignature):  # the same bytes under SHA-256 are not the signed message
        public.verify(raw_to_der(signature), data, ec.ECDSA(hashes.SHA256()))


def test_p384_jcs_vector_hashes_and_verifies(resolver):
    import hashlib

    import rfc8785

    doc = load_json("ecdsa-jcs-2019-p384-signed.json")
    proof_config, unsecured = proof_inputs(doc)
    assert proof_config == load_json("ecdsa-jcs-2019-p384-proof-config.json")
    combined = load_text("ecdsa-jcs-2019-p384-combined-hash.txt")
    assert hashlib.sha384(rfc8785.dumps(proof_config)).hexdigest() == combined[:96]
    assert di.hash_data(proof_config, unsecured, "ecdsa-jcs-2019", "sha384").hex() == combined
    # The published proofValue predates the proof configuration taking the document's @context (the combined
    # hash above has it): it is an ECDSA P-384 / SHA-384 signature over the proof hash without @context. Pin
    # that it is SHA-384 all the same; skillwallet follows the current algorithm and does not accept it.
    legacy_config = {k: v for k, v in proof_config.items() if k != "@context"}
    legacy_data = hashlib.sha384(rfc8785.dumps(legacy_config)).digest() + bytes.fromhex(combined[96:])
    public, _ = p384_vector_keys()
    signature = di.decode_proof_value(doc["proof"]["proofValue"], 96, "a P-384 signature")
    public.verify(raw_to_der(signature), legacy_data, ec.ECDSA(hashes.SHA384()))


def test_p384_jcs_proof_made_as_the_spec_says_verifies(resolver):
    # the published key pair signing the published proof configuration and document: verified end to end
    doc = load_json("ecdsa-jcs-2019-p384-signed.json")
    _, private = p384_vector_keys()
    data = bytes.fromhex(load_text("ecdsa-jcs-2019-p384-combined-hash.txt"))
    r, s = decode_dss_signature(private.sign(data, ec.ECDSA(hashes.SHA384())))
    doc["proof"]["proofValue"] = di.encode_proof_value(r.to_bytes(48, "big") + s.to_bytes(48, "big"))
    finding = di.verify_data_integrity_proofs(doc, resolver=resolver, issuer="https://vc.example/issuers/5678")
    assert finding.outcome == PASS, finding.reasons
    tampered = copy.deepcopy(doc)
    tampered["credentialSubject"]["alumniOf"] = "Another School"
    assert di.verify_data_integrity_proofs(tampered, resolver=resolver, issuer=None).outcome == FAIL


@pytest.mark.parametrize("suite", ["ecdsa-rdfc-2019", "ecdsa-jcs-2019"])
@pytest.mark.parametrize("hash_name, ecdsa_hash", [("sha256", "sha256"), ("sha256", "sha384"), ("sha384", "sha256")])
def test_p384_proof_hashed_other_than_with_sha384_is_invalid(resolver, suite, hash_name, ecdsa_hash):
    key = ec.generate_private_key(ec.SECP384R1())
    did = did_key_from_public_key(key.public_key())
    doc = ob3_credential(did)
    proof = {
        "type": "DataIntegrityProof", "cryptosuite": suite, "created": "2025-01-01T00:00:00Z",
        "verificationMethod": f"{did}#{did.split(':')[-1]}", "proofPurpose": "assertionMethod",
    }
    data = di.hash_data(dict(proof, **{"@context": doc["@context"]}), doc, suite, hash_name)
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA({"sha256": hashes.SHA256, "sha384": hashes.SHA384}[ecdsa_hash]())))
    proof["proofValue"] = di.encode_proof_value(r.to_bytes(48, "big") + s.to_bytes(48, "big"))
    finding = di.verify_data_integrity_proofs(dict(doc, proof=proof), resolver=resolver, issuer=did)
    assert finding.outcome == FAIL


def expected_cache_key(proof_config, unsecured, canon, hash_name):
    import hashlib
    import json

    material = json.dumps([canon, hash_name, proof_config, unsecured], sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def test_precomputed_hash_follows_the_did_key_curve_not_the_proof_value(resolver):
    # the proofValue is the attacker's to shape: its length must not choose the hash
    key = ec.generate_private_key(ec.SECP384R1())
    did = did_key_from_public_key(key.public_key())
    signed, _ = sign_ecdsa(ob3_credential(did), key, "ecdsa-rdfc-2019")
    signed["proof"]["proofValue"] = di.encode_proof_value(b"\x01" * 64)  # a P-256-sized value
    proof_config, unsecured = proof_inputs(signed)
    cache = di.precompute_canonical_hashes(signed)
    assert set(cache) == {expected_cache_key(proof_config, unsecured, "rdfc", "sha384")}
    assert len(bytes.fromhex(next(iter(cache.values())))) == 96


def test_precompute_for_a_key_it_cannot_see_covers_both_curves(resolver):
    doc = load_json("ecdsa-jcs-2019-p384-signed.json")  # an https verification method: curve unknown offline
    proof_config, unsecured = proof_inputs(doc)
    cache = di.precompute_canonical_hashes(doc)
    assert set(cache) == {expected_cache_key(proof_config, unsecured, "jcs", h) for h in ("sha256", "sha384")}
    assert cache[expected_cache_key(proof_config, unsecured, "jcs", "sha384")] == load_text(
        "ecdsa-jcs-2019-p384-combined-hash.txt"
    )


def test_p384_credential_through_the_cli(tmp_path):
    # `skillwallet verify FILE`: a conformant P-384 proof is verified (exit 0), a SHA-256 one invalid (exit 13)
    from skillwallet.cli.app import run

    key = ec.generate_private_key(ec.SECP384R1())
    did = did_key_from_public_key(key.public_key())
    good, _ = sign_ecdsa(ob3_credential(did), key, "ecdsa-rdfc-2019")
    (tmp_path / "good.json").write_text(json.dumps(good))
    assert run(["verify", str(tmp_path / "good.json")]) == 0
    doc = ob3_credential(did)
    proof = {k: v for k, v in good["proof"].items() if k != "proofValue"}
    data = di.hash_data(dict(proof, **{"@context": doc["@context"]}), doc, "ecdsa-rdfc-2019", "sha256")
    r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
    bad = dict(doc, proof=dict(proof, proofValue=di.encode_proof_value(r.to_bytes(48, "big") + s.to_bytes(48, "big"))))
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    assert run(["verify", str(tmp_path / "bad.json")]) == 13
