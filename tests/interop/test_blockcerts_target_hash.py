"""Blockcerts step 1 ("compute local hash"): the certificate's own hash must be its proof's targetHash.

The published certificates (fixtures/blockcerts, see SOURCES.md) reproduce their targetHash with the shipped
Blockcerts contexts; a certificate changed while its proof was kept, a proof moved onto another certificate and a
property no context defines (JSON-LD would drop it, so the hash would not cover it) are all ``invalid``.
Blockcerts 1.2 has no published sample small enough to keep: its certificate is built here, hashed the way
cert-verifier-js hashes it (its 1.2 context's "image:signature" term renamed, as its
``adjustV1ContextForLegacySupport`` does, since JSON-LD 1.1 refuses that term) and put in a two-leaf Merkle tree.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import pytest

from skillwallet.cli.app import run
from skillwallet.verify import contexts
from skillwallet.verify.base import PASS
from skillwallet.verify.blockcerts import V3, target_hash_of

FIXTURES = Path(__file__).parent / "fixtures" / "blockcerts"
AS_OF = "2026-06-01"


def published(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def verify(capsys, tmp_path: Path, document: dict) -> dict:
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(document, indent=2))
    run(["verify", "--offline", "--json", "--as-of", AS_OF, str(path)])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return json.loads(out.out)["results"][0]


@pytest.mark.parametrize(
    ("name", "target_hash"),
    [
        ("testnet-v3-did.json", "eca54e560dd43cccd900fa4bb9221f144d4c451c24beeddfd82e31db842bced1"),
        ("mocknet-vc-v2-data-integrity-proof.json", "357997ba81404cff4065f003b86aaf54f99daa8828fb8ed4ba756eff0fcc9edb"),
    ],
)
def test_the_published_certificates_reproduce_their_target_hash(name, target_hash) -> None:
    # the targetHash values are those inside the published proofValue (decoded by hand from the CBOR)
    assert target_hash_of(published(name), V3) == (PASS, target_hash, "")


def test_a_property_no_context_defines_is_invalid(tmp_path, capsys) -> None:
    # JSON-LD drops "grade": the hash is unchanged, but nothing covers the grade a wallet would show
    document = published("testnet-v3-did.json")
    document["credentialSubject"]["grade"] = "A+ with distinction"
    result = verify(capsys, tmp_path, document)
    assert result["verdict"] == "invalid", result
    assert result["checks"]["target_hash"] == "fail" and result["checks"]["merkle_path"] == "pass"
    assert any("fields the hash does not cover" in r and "grade" in r for r in result["reasons"]), result["reasons"]


def test_a_proof_moved_onto_another_certificate_is_invalid(tmp_path, capsys) -> None:
    document = published("testnet-v3-did.json")
    document["proof"] = published("mocknet-vc-v2-data-integrity-proof.json")["proof"]
    result = verify(capsys, tmp_path, document)
    assert result["verdict"] == "invalid", result
    assert result["checks"]["target_hash"] == "fail"
    assert any("is not the targetHash 357997ba81404cff" in r for r in result["reasons"]), result["reasons"]


def test_the_display_html_is_covered_by_the_hash(tmp_path, capsys) -> None:
    # what a Blockcerts viewer renders is display.content: changing it must break the certificate
    document = published("mocknet-vc-v2-data-integrity-proof.json")
    document["display"]["content"] = "<div>Master of Puppets, summa cum laude</div>"
    result = verify(capsys, tmp_path, document)
    assert result["verdict"] == "invalid" and result["checks"]["target_hash"] == "fail", result


def test_a_chained_proof_without_the_proof_it_names_is_invalid(tmp_path, capsys) -> None:
    # the second proof of a published chain, kept alone: what it signed (the certificate with the first) is gone
    document = published("mocknet-vc-v2-data-integrity-proof-multiple-signatures.json")
    document["proof"] = [document["proof"][1]]
    result = verify(capsys, tmp_path, document)
    assert result["verdict"] == "invalid", result
    assert any("previous proof it names is not in the certificate" in r for r in result["reasons"]), result["reasons"]


def test_a_chained_proof_covers_the_proof_before_it(tmp_path, capsys) -> None:
    # the first proof's date changed: the first proof still checks (it covers the certificate without proofs),
    # the second does not (it covers the certificate holding the first)
    document = published("mocknet-vc-v2-data-integrity-proof-multiple-signatures.json")
    document["proof"][0]["created"] = "2020-01-01T00:00:00"
    result = verify(capsys, tmp_path, document)
    assert result["verdict"] == "invalid" and result["checks"]["target_hash"] == "fail", result
    assert any(r.startswith("Blockcerts 3 (MerkleProof2019), proof 2 of 2: target hash check failed") for r in result["reasons"])


# --- Blockcerts 1.2, built here

V1_CERTIFICATE = {
    "@context": "https://w3id.org/blockcerts/v1",
    "type": "BlockchainCertificate",
    "certificate": {
        "type": "Certificate",
        "name": "Certificate of Accomplishment",
        "description": "Awarded for completing the course",
        "issuer": {"type": "Issuer", "id": "https://issuer.example/issuer.json", "name": "University of Learning"},
    },
    "assertion": {
        "type": "Assertion",
        "uid": "68656c6c6f",
        "issuedOn": "2017-05-01T00:00:00Z",
        "image:signature": "data:image/png;base64,iVBORw0KGgo=",
    },
    "recipient": {"type": "email", "identity": "ann@example.org", "hashed": False, "givenName": "Ann", "familyName": "Lee"},
    "verify": {"type": "ECDSA(secp256k1)", "signer": "https://issuer.example/keys/issuer.pub", "attribute-signed": "uid"},
    "signature": "H0JfaXNzdWVyIHNpZ25hdHVyZSBvZiB0aGUgdWlk",
}


def cert_verifier_js_hash(document: dict) -> str:
    """SHA-256 of the URDNA2015 N-Quads with the 1.2 context served under its URL, the term renamed in both."""
    from pyld import jsonld

    context = json.loads(contexts.context_bytes("https://w3id.org/blockcerts/v1"))
    context["@context"][0]["__IMAGE__SIGNATURE__"] = context["@context"][0].pop("image:signature")
    document = copy.deepcopy(document)
    document["assertion"]["__IMAGE__SIGNATURE__"] = document["assertion"].pop("image:signature")

    def loader(url, options=None):
        assert url == "https://w3id.org/blockcerts/v1", url
        return {"contextUrl": None, "documentUrl": url, "document": context}

    options = {"algorithm": "URDNA2015", "format": "application/n-quads", "documentLoader": loader, "base": None}
    return hashlib.sha256(jsonld.normalize(document, options).encode()).hexdigest()


def v1_certificate(document: dict) -> dict:
    leaf = cert_verifier_js_hash(document)
    sibling = hashlib.sha256(b"another certificate of the batch").hexdigest()
    root = hashlib.sha256(bytes.fromhex(leaf) + bytes.fromhex(sibling)).hexdigest()
    receipt = {
        "type": "ChainpointSHA256v2",
        "@context": "https://w3id.org/chainpoint/v2",
        "targetHash": leaf,
        "merkleRoot": root,
        "proof": [{"right": sibling}],
        "anchors": [{"sourceId": "b8d3525124aa9417e22e2723f85073de8ef08719e7c47c62fcdccd12667b29e6", "type": "BTCOpReturn"}],
    }
    return {"@context": "https://w3id.org/blockcerts/v1", "type": "BlockchainCertificate", "document": document, "receipt": receipt}


def test_a_blockcerts_12_certificate_is_checked_up_to_its_anchor(tmp_path, capsys) -> None:
    result = verify(capsys, tmp_path, v1_certificate(V1_CERTIFICATE))
    assert result["verdict"] == "unverifiable", result
    assert result["checks"]["target_hash"] == "pass" and result["checks"]["merkle_path"] == "pass"
    assert result["checks"]["anchor"] == "unknown"
    assert any("Merkle path checked, target hash checked, anchor on Bitcoin not checked offline" in r for r in result["reasons"])


@pytest.mark.parametrize(
    ("part", "key", "value"),
    [
        ("certificate", "name", "Doctor of Philosophy"),
        ("recipient", "givenName", "Mallory"),
        ("assertion", "image:signature", "data:image/png;base64,iVBORw0KGgoAAAA="),  # the renamed term is covered
    ],
)
def test_a_blockcerts_12_certificate_changed_after_issuance_is_invalid(part, key, value, tmp_path, capsys) -> None:
    certificate = v1_certificate(V1_CERTIFICATE)
    certificate["document"][part][key] = value
    result = verify(capsys, tmp_path, certificate)
    assert result["verdict"] == "invalid", result
    assert result["checks"]["target_hash"] == "fail" and result["checks"]["merkle_path"] == "pass"


def test_a_receipt_an_attacker_rebuilt_for_changed_content_is_never_verified(tmp_path, capsys) -> None:
    # Who wrote the receipt: anyone can hash changed content and build a Merkle path to a root of their own. Only
    # the blockchain anchor could say the root was published by the issuer, and it is not checked offline, so the
    # self-consistent forgery passes the hash and path checks and still is no more than unverifiable.
    forged = copy.deepcopy(V1_CERTIFICATE)
    forged["certificate"]["name"] = "Doctor of Philosophy"
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(v1_certificate(forged)))
    code = run(["verify", "--offline", "--json", "--as-of", AS_OF, str(path)])
    result = json.loads(capsys.readouterr().out)["results"][0]
    assert code == 13
    assert result["verdict"] == "unverifiable", result
    assert result["checks"]["target_hash"] == "pass" and result["checks"]["anchor"] == "unknown"
