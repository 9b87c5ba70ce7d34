"""Real credentials from public test suites (Digital Credentials Consortium), verified offline."""

from __future__ import annotations

import copy
from datetime import datetime, timezone

import pytest

from fixtures.di.helpers import load_json
from skillwallet.verify.resolver import DocumentResolver
from skillwallet.verify.verifier import credential_from_document, verify_credential

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)


def verify(doc):
    return verify_credential(credential_from_document(doc), resolver=DocumentResolver(offline=True), as_of=NOW)


@pytest.mark.parametrize(
    "name",
    [
        "real/dcc-v1-ed25519-signature-2020.json",  # VC 1.1 + OB 3.0.3, Ed25519Signature2020, did:key
        "real/dcc-v2-both-signature-types.json",  # VC 2.0 proof set: eddsa-rdfc-2022 + Ed25519Signature2020
    ],
)
def test_published_credentials_verify(name):
    verdict = verify(load_json(name))
    assert verdict.verdict == "verified", verdict.reasons
    assert verdict.checks["issuer_binding"] == "pass"


@pytest.mark.parametrize("name", ["real/dcc-v1-ed25519-signature-2020.json", "real/dcc-v2-both-signature-types.json"])
def test_published_credentials_tampered(name):
    doc = load_json(name)
    doc["credentialSubject"]["achievement"]["name"] = "Rocket Surgery"
    assert verify(doc).verdict == "invalid"


def test_proof_set_with_one_proof_removed_still_verifies_but_a_corrupted_one_does_not():
    doc = load_json("real/dcc-v2-both-signature-types.json")
    single = copy.deepcopy(doc)
    single["proof"] = single["proof"][:1]
    assert verify(single).verdict == "verified"
    corrupted = copy.deepcopy(doc)
    corrupted["proof"][1]["proofValue"] = corrupted["proof"][0]["proofValue"]
    assert verify(corrupted).verdict == "invalid"


def test_safe_mode_breaker_is_never_verified():
    # The DCC verifier's "safe mode breaker": properties its contexts do not define (endorsementJwt on a
    # Profile) and a status entry type the VC 2.0 context does not know. JSON-LD expansion silently drops
    # both, so an RDF signature cannot cover them.
    verdict = verify(load_json("real/dcc-safe-mode-breaker.json"))
    assert verdict.verdict == "invalid"
    assert verdict.checks["undefined_terms"] == "fail"
    assert any("endorsementJwt" in r for r in verdict.reasons)


STATUS_URL = (
    "https://raw.githubusercontent.com/digitalcredentials/verifier-core/refs/heads/main/src/test-fixtures/status/"
    "e5WK8CbZ1GjycuPombrj"
)


def status_resolver() -> DocumentResolver:
    from fixtures.di.helpers import FIXTURES

    data = (FIXTURES / "real" / "dcc-status-list-e5WK8CbZ1GjycuPombrj.json").read_bytes()
    return DocumentResolver(offline=True, supplied={STATUS_URL: data})


def test_published_revoked_credential_is_revoked():
    doc = load_json("real/dcc-v2-revoked.json")
    verdict = verify_credential(credential_from_document(doc), resolver=status_resolver(), as_of=NOW)
    assert verdict.verdict == "verified"  # authentic...
    assert verdict.checks["status"] == "revoked"  # ...and revoked by its issuer
    assert not verdict.in_force


def test_published_unrevoked_credential_passes_status():
    doc = load_json("real/dcc-v2-valid-status.json")
    verdict = verify_credential(credential_from_document(doc), resolver=status_resolver(), as_of=NOW)
    assert (verdict.verdict, verdict.checks["status"]) == ("verified", "pass")


def test_revoked_credential_pointed_at_the_unrevoked_index_breaks_its_signature():
    doc = load_json("real/dcc-v2-revoked.json")
    doc["credentialStatus"]["statusListIndex"] = "9"
    verdict = verify_credential(credential_from_document(doc), resolver=status_resolver(), as_of=NOW)
    assert verdict.verdict == "invalid"
    assert verdict.checks["signature"] == "fail"
