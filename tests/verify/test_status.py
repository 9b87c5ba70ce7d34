"""Bitstring Status List / StatusList2021: decoding, and status through the verifier with real signed lists."""

from __future__ import annotations

import base64
import gzip
import json
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fixtures.di.helpers import did_key_for, ob3_credential, status_entry, status_list_credential
from skillwallet.verify import status
from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.resolver import DocumentResolver
from skillwallet.verify.verifier import credential_from_document, verify_credential

NOW = datetime(2026, 6, 1, tzinfo=timezone.utc)
LIST_URL = "https://issuer.example/status/1"


def test_bit_order_is_most_significant_first():
    # §2.1: index 0 is the left-most bit of the first byte
    bits = bytes([0b1000_0001, 0b0100_0000])
    assert [status.bit_at(bits, i) for i in range(10)] == [1, 0, 0, 0, 0, 0, 0, 1, 0, 1]


def test_encode_then_decode_round_trips_with_multibase_prefix():
    raw = bytes(range(256)) * 64
    encoded = status.encode_bitstring(raw)
    assert encoded.startswith("u") and "=" not in encoded
    assert status.decode_encoded_list(encoded, multibase=True) == raw


def test_statuslist2021_plain_base64url_is_accepted():
    raw = b"\x00" * 16384
    plain = base64.urlsafe_b64encode(gzip.compress(raw)).decode().rstrip("=")
    assert status.decode_encoded_list(plain, multibase=False) == raw


@pytest.mark.parametrize("encoded", ["", "u!!!!", "uAAAA", 5, "u" + base64.urlsafe_b64encode(b"not gzip").decode()])
def test_undecodable_lists_raise(encoded):
    with pytest.raises(status.StatusListError):
        status.decode_encoded_list(encoded, multibase=True)


def test_truncated_gzip_is_refused():
    compressed = gzip.compress(b"\x00" * 16384)
    encoded = "u" + base64.urlsafe_b64encode(compressed[: len(compressed) // 2]).decode().rstrip("=")
    with pytest.raises(status.StatusListError):
        status.decode_encoded_list(encoded, multibase=True)


def test_compression_bomb_is_refused():
    bomb = gzip.compress(b"\x00" * (status.MAX_BITSTRING_BYTES + 1024))
    encoded = "u" + base64.urlsafe_b64encode(bomb).decode().rstrip("=")
    with pytest.raises(status.StatusListError, match="16 MiB"):
        status.decode_encoded_list(encoded, multibase=True)


def test_index_outside_the_list_raises():
    with pytest.raises(status.StatusListError, match="outside"):
        status.bit_at(b"\x00", 8)


# ---- through the verifier, with signed lists supplied to the resolver --------------------------------


@pytest.fixture
def issuer():
    key = Ed25519PrivateKey.generate()
    did, vm = did_key_for(key)
    return key, did, vm


def signed_credential(issuer, index, purpose="revocation", url=LIST_URL):
    key, did, vm = issuer
    doc = ob3_credential(did, credentialStatus=status_entry(url, index, purpose))
    return credential_from_document(sign_data_integrity(doc, key, vm))


def resolver_with(list_doc) -> DocumentResolver:
    return DocumentResolver(offline=True, supplied={LIST_URL: json.dumps(list_doc).encode()})


def test_revoked_bit_gives_revoked(issuer):
    key, did, vm = issuer
    list_doc = sign_data_integrity(status_list_credential(did, LIST_URL, [42]), key, vm)
    verdict = verify_credential(signed_credential(issuer, 42), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "revoked"
    assert verdict.verdict == "verified" and not verdict.in_force


def test_clear_bit_gives_pass(issuer):
    key, did, vm = issuer
    list_doc = sign_data_integrity(status_list_credential(did, LIST_URL, [42]), key, vm)
    verdict = verify_credential(signed_credential(issuer, 41), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "pass", verdict.reasons
    assert verdict.in_force


def test_suspension_list(issuer):
    key, did, vm = issuer
    list_doc = sign_data_integrity(status_list_credential(did, LIST_URL, [7], purpose="suspension"), key, vm)
    verdict = verify_credential(signed_credential(issuer, 7, purpose="suspension"), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "suspended"


def test_purpose_mismatch_is_unknown(issuer):
    key, did, vm = issuer
    list_doc = sign_data_integrity(status_list_credential(did, LIST_URL, [7], purpose="suspension"), key, vm)
    verdict = verify_credential(signed_credential(issuer, 7, purpose="revocation"), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "unknown"
    assert any("not revocation" in r for r in verdict.reasons)


def test_unsigned_list_is_unknown_never_pass(issuer):
    _, did, _ = issuer
    list_doc = status_list_credential(did, LIST_URL, [])
    verdict = verify_credential(signed_credential(issuer, 3), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "unknown"


def test_tampered_list_is_unknown(issuer):
    key, did, vm = issuer
    list_doc = sign_data_integrity(status_list_credential(did, LIST_URL, [3]), key, vm)
    # an attacker clears the bit: the list's signature no longer holds
    list_doc["credentialSubject"]["encodedList"] = status_list_credential(did, LIST_URL, [])["credentialSubject"]["encodedList"]
    verdict = verify_credential(signed_credential(issuer, 3), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "unknown"


def test_list_from_another_issuer_answers_for_its_own_url(issuer):
    """Bitstring Status List v1.0 §2.2: the list's issuer MAY differ from the credential's. A verified list whose
    id is the URL the entry names, supplied deliberately, answers; its issuer is named."""
    other = Ed25519PrivateKey.generate()
    other_did, other_vm = did_key_for(other)
    list_doc = sign_data_integrity(status_list_credential(other_did, LIST_URL, [5]), other, other_vm)
    verdict = verify_credential(signed_credential(issuer, 3), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "pass", verdict.reasons
    (entry,) = verdict.details["status_entries"]
    assert (entry["list_issuer"], entry["source"]) == (other_did, "supplied")
    assert verify_credential(signed_credential(issuer, 5), resolver=resolver_with(list_doc), as_of=NOW).checks["status"] == "revoked"


def test_list_from_another_issuer_for_another_url_is_unknown(issuer):
    other = Ed25519PrivateKey.generate()
    other_did, other_vm = did_key_for(other)
    list_doc = sign_data_integrity(status_list_credential(other_did, "https://other.example/list", [3]), other, other_vm)
    verdict = verify_credential(signed_credential(issuer, 3), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "unknown"
    assert any("is not the credential issuer's" in r for r in verdict.reasons)


def test_expired_list_is_unknown(issuer):
    key, did, vm = issuer
    list_doc = sign_data_integrity(status_list_credential(did, LIST_URL, [], validUntil="2025-01-01T00:00:00Z"), key, vm)
    verdict = verify_credential(signed_credential(issuer, 3), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "unknown"


def test_wrong_list_type_is_unknown(issuer):
    key, did, vm = issuer
    list_doc = status_list_credential(did, LIST_URL, [])
    list_doc["type"] = ["VerifiableCredential"]
    list_doc = sign_data_integrity(list_doc, key, vm)
    verdict = verify_credential(signed_credential(issuer, 3), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "unknown"


def test_list_not_available_offline_is_unknown(issuer):
    verdict = verify_credential(signed_credential(issuer, 3), resolver=DocumentResolver(offline=True), as_of=NOW)
    assert verdict.checks["status"] == "unknown"
    assert verdict.verdict == "verified"  # the signature still holds; the status is what is unknown


def test_index_out_of_range_is_unknown(issuer):
    key, did, vm = issuer
    list_doc = sign_data_integrity(status_list_credential(did, LIST_URL, [], length_bits=64), key, vm)
    verdict = verify_credential(signed_credential(issuer, 1000), resolver=resolver_with(list_doc), as_of=NOW)
    assert verdict.checks["status"] == "unknown"


def test_unsupported_status_type_is_unknown():
    def must_not_fetch(data, when):  # pragma: no cover - reaching it is the failure
        raise AssertionError("an unsupported entry must not be fetched")

    result = status.check_status(
        {"id": "https://x.example/1", "type": "1EdTechRevocationList"},
        issuer="did:example:1",
        resolver=DocumentResolver(offline=True),
        as_of=NOW,
        verify_list=must_not_fetch,
    )
    assert result.status == "unknown"
    assert "not supported" in result.reasons[0]


def test_revoked_beats_suspended_beats_unknown():
    entries = [{"type": "Nope"}]
    result = status.check_status(entries, issuer=None, resolver=None, as_of=NOW, verify_list=None)
    assert result.status == "unknown"
    assert status.check_status([], issuer=None, resolver=None, as_of=NOW, verify_list=None).status == "na"


def test_status_list_delivered_as_a_vc_jose_token(issuer):
    import base64

    key, did, vm = issuer

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).decode().rstrip("=")

    def token_for(list_doc, signing_key):
        signing_input = b64(json.dumps({"alg": "EdDSA", "kid": vm, "typ": "vc+jwt"}).encode()) + "." + b64(json.dumps(list_doc).encode())
        return (signing_input + "." + b64(signing_key.sign(signing_input.encode()))).encode()

    list_doc = status_list_credential(did, LIST_URL, [9])
    cred = signed_credential(issuer, 9)
    resolver = DocumentResolver(offline=True, supplied={LIST_URL: token_for(list_doc, key)})
    assert verify_credential(cred, resolver=resolver, as_of=NOW).checks["status"] == "revoked"
    resolver = DocumentResolver(offline=True, supplied={LIST_URL: token_for(list_doc, Ed25519PrivateKey.generate())})
    assert verify_credential(cred, resolver=resolver, as_of=NOW).checks["status"] == "unknown"


def test_a_shared_status_list_is_verified_once_per_run(issuer, monkeypatch):
    from skillwallet.verify import verifier

    key, did, vm = issuer
    list_doc = sign_data_integrity(status_list_credential(did, LIST_URL, [2]), key, vm)
    resolver = resolver_with(list_doc)
    calls = []
    original = verifier.verify_credential

    def counting(cred, **kwargs):
        calls.append(kwargs.get("_depth", 0))
        return original(cred, **kwargs)

    monkeypatch.setattr(verifier, "verify_credential", counting)
    cache: dict = {}
    results = [
        counting(signed_credential(issuer, index), resolver=resolver, as_of=NOW, status_cache=cache)
        for index in (1, 2, 3)
    ]
    assert [v.checks["status"] for v in results] == ["pass", "revoked", "pass"]
    assert calls.count(1) == 1  # the list credential, verified once for three credentials
