"""JAdES signature time-stamps (ETSI TS 119 182-1 §5.3.4 ``sigTst``): an RFC 3161 token from a TSA the user
trusts proves a seal existed while its certificate was valid (EN 319 102-1, proof of existence), so a seal
whose certificate has since expired is verified; a token that proves nothing changes nothing.

The seals, the TSA and its tokens are made here with fresh keys (tests/verify/tsa_helpers.py); every attack
uses the attacker's own keys or a genuine token for something else.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from test_wild_verdicts import EDC, edc_pki, jades, verify, write_json
from tsa_helpers import Tsa, make_tsa, time_stamp_token
from x509_helpers import pki

from skillwallet.errors import ExitCode
from skillwallet.verify.keys import b64url_encode

SEALED_AT = datetime(2025, 3, 20, 10, 0, 5, tzinfo=timezone.utc)  # the seal certificate: 2025-01-01 to 2026-01-01
TSA_NAME = "CN=Test TSA,O=Test Time Stamping"


def with_time_stamps(envelope: dict, *tokens: bytes, encoded: bool = True) -> dict:
    """The envelope with ``tokens`` in ``etsiU`` (base64url-encoded members, or in clear)."""
    member = {"sigTst": {"tstTokens": [{"val": base64.b64encode(t).decode()} for t in tokens]}}
    element = b64url_encode(json.dumps(member).encode()) if encoded else member
    envelope["signatures"][0]["header"] = {"etsiU": [element]}
    return envelope


def signature_of(envelope: dict) -> bytes:
    """What a sigTst covers: the base64url JWS signature value (ETSI TS 119 182-1 §5.3.4)."""
    return envelope["signatures"][0]["signature"].encode("ascii")


@pytest.fixture
def expired_seal(tmp_path):
    """An EDC sealed under a certificate that expired before the as-of date, the root as the user's anchor."""
    chain = edc_pki(leaf_days=365)
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    return chain, jades(EDC, chain.x5c, chain.leaf_key), root


def check(capsys, tmp_path: Path, envelope: dict, *anchors: Path) -> tuple[int, dict]:
    options = [o for a in anchors for o in ("--trust-anchor", str(a))]
    return verify(capsys, write_json(tmp_path, "edc.jsonld", envelope), *options)


@pytest.mark.parametrize("encoded", [True, False], ids=["base64url etsiU", "clear etsiU"])
def test_a_time_stamp_from_while_the_certificate_was_valid_makes_the_expired_seal_verified(
    encoded, expired_seal, tmp_path, capsys
) -> None:
    chain, envelope, root = expired_seal
    tsa = make_tsa("Test Root CA", chain.root_key)
    token = time_stamp_token(signature_of(envelope), tsa, SEALED_AT)
    code, result = check(capsys, tmp_path, with_time_stamps(envelope, token, encoded=encoded), root)
    assert result["verdict"] == "verified", result["reasons"]
    assert result["checks"]["signature"] == "pass"
    assert any(
        r.startswith("sealed by CN=Test University seal,O=Test University, the issuer; ")
        and f"sealed before 2025-03-20T10:00:05Z, proven by a time-stamp from {TSA_NAME}" in r
        and "validates up to the trust anchor CN=Test Root CA" in r
        for r in result["reasons"]
    ), result["reasons"]
    assert code == ExitCode.OK
    # without the time-stamp the same seal settles nothing
    _, result = check(capsys, tmp_path, jades(EDC, chain.x5c, chain.leaf_key), root)
    assert result["verdict"] == "unverifiable"


def test_a_tsa_under_its_own_anchor_counts_when_the_user_trusts_that_anchor(expired_seal, tmp_path, capsys) -> None:
    chain, envelope, root = expired_seal
    tsa_pki = pki("https://tsa.example")  # a separate hierarchy: root -> issuing CA -> TSA
    tsa = make_tsa("Test Issuing CA", tsa_pki.intermediate_key, extra=[tsa_pki.intermediate])
    token = time_stamp_token(signature_of(envelope), tsa, SEALED_AT)
    tsa_root = tmp_path / "tsa-root.pem"
    tsa_root.write_bytes(tsa_pki.root_pem())
    _, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root, tsa_root)
    assert result["verdict"] == "verified", result["reasons"]
    # the seal's anchor alone does not vouch for that TSA
    _, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root)
    assert result["verdict"] == "unverifiable", result
    assert any("time-stamping authority" in r and "does not lead to a trust anchor you supplied" in r
               for r in result["reasons"]), result["reasons"]


def assert_no_proof(result: dict, problem: str) -> None:
    assert result["verdict"] == "unverifiable", result
    assert result["checks"]["signature"] == "unknown"
    assert any("no time-stamp proves the seal was made before 2026-01-01" in r for r in result["reasons"]), result
    assert any(problem in r for r in result["reasons"]), result["reasons"]


def test_a_time_stamp_of_another_signature_proves_nothing(expired_seal, tmp_path, capsys) -> None:
    # a genuine token from the trusted TSA, taken from another seal (or asked for any other data)
    chain, envelope, root = expired_seal
    other = jades({**EDC, "id": "urn:credential:other"}, chain.x5c, chain.leaf_key)
    token = time_stamp_token(signature_of(other), make_tsa("Test Root CA", chain.root_key), SEALED_AT)
    code, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root)
    assert_no_proof(result, f"the time-stamp from {TSA_NAME} covers other data than this signature")
    assert code != ExitCode.OK


def test_a_time_stamp_over_the_decoded_signature_bytes_proves_nothing(expired_seal, tmp_path, capsys) -> None:
    # TS 119 182-1 §5.3.4 time-stamps the base64url text of the signature, not its octets
    chain, envelope, root = expired_seal
    raw = base64.urlsafe_b64decode(envelope["signatures"][0]["signature"] + "==")
    token = time_stamp_token(raw, make_tsa("Test Root CA", chain.root_key), SEALED_AT)
    _, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root)
    assert_no_proof(result, "covers other data than this signature")


def test_a_time_stamp_from_an_unanchored_tsa_proves_nothing(expired_seal, tmp_path, capsys) -> None:
    # the attacker runs their own TSA, under a root with the same names as the user's, and back-dates at will
    chain, envelope, root = expired_seal
    attacker = pki()
    token = time_stamp_token(signature_of(envelope), make_tsa("Test Root CA", attacker.root_key), SEALED_AT)
    _, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root)
    assert_no_proof(result, f"the time-stamping authority {TSA_NAME} does not lead to a trust anchor you supplied")


def test_a_time_stamp_signed_with_the_seal_key_proves_nothing(expired_seal, tmp_path, capsys) -> None:
    # the sealer (or whoever holds the expired seal key) time-stamps its own seal: an anchored certificate, but
    # no time-stamping one (RFC 3161 §2.3)
    chain, envelope, root = expired_seal
    token = time_stamp_token(signature_of(envelope), Tsa(chain.leaf_key, chain.leaf, [chain.intermediate]), SEALED_AT)
    _, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root)
    assert_no_proof(result, "is not a time-stamping certificate")


def test_a_time_stamp_dated_after_the_certificate_expired_proves_nothing(expired_seal, tmp_path, capsys) -> None:
    # anyone may time-stamp a signature at any time: a late token shows only that the seal existed then
    chain, envelope, root = expired_seal
    late = datetime(2026, 2, 1, tzinfo=timezone.utc)
    token = time_stamp_token(signature_of(envelope), make_tsa("Test Root CA", chain.root_key), late)
    _, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root)
    assert_no_proof(result, f"the signature time-stamp from {TSA_NAME} dates the seal at 2026-02-01T00:00:00Z, after "
                            "its certificate expired on 2026-01-01: it proves only that the seal existed then")


def test_a_time_stamp_dated_after_the_as_of_date_proves_nothing(expired_seal, tmp_path, capsys) -> None:
    chain, envelope, root = expired_seal
    later = datetime(2026, 7, 1, tzinfo=timezone.utc)  # AS_OF is 2026-06-01
    token = time_stamp_token(signature_of(envelope), make_tsa("Test Root CA", chain.root_key), later)
    _, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root)
    assert_no_proof(result, "is dated 2026-07-01T00:00:00Z, after the as-of date")


def test_a_time_stamp_whose_tst_info_was_altered_proves_nothing(expired_seal, tmp_path, capsys) -> None:
    # a genuine token for a late date, its genTime moved back after the TSA signed it
    chain, envelope, root = expired_seal
    token = time_stamp_token(signature_of(envelope), make_tsa("Test Root CA", chain.root_key), SEALED_AT,
                             alter_tst_info=True)
    _, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root)
    assert_no_proof(result, "its TSTInfo does not match the digest the TSA signed")


@pytest.mark.parametrize("val", ["not base64!", base64.b64encode(b"0\x03\x02\x01\x00").decode()])
def test_a_time_stamp_that_is_not_a_token_proves_nothing(val, expired_seal, tmp_path, capsys) -> None:
    _, envelope, root = expired_seal
    envelope["signatures"][0]["header"] = {"etsiU": [{"sigTst": {"tstTokens": [{"val": val}]}}]}
    _, result = check(capsys, tmp_path, envelope, root)
    assert_no_proof(result, "sigTst token is not base64" if val.endswith("!") else "not a well-formed RFC 3161")


def test_a_valid_time_stamp_does_not_save_a_seal_that_does_not_verify(expired_seal, tmp_path, capsys) -> None:
    # the attacker keeps the genuine signature and its genuine time-stamp, and changes the diploma
    chain, envelope, root = expired_seal
    token = time_stamp_token(signature_of(envelope), make_tsa("Test Root CA", chain.root_key), SEALED_AT)
    envelope = with_time_stamps(envelope, token)
    envelope["payload"] = envelope["payload"].replace("Certificate in Data Science", "Doctorate in Data Science")
    _, result = check(capsys, tmp_path, envelope, root)
    assert result["verdict"] == "invalid" and result["checks"]["signature"] == "fail", result


def test_a_proven_seal_of_another_organisation_is_still_not_the_issuers(tmp_path, capsys) -> None:
    chain = edc_pki("Some Other Company", leaf_days=365)
    root = tmp_path / "root.pem"
    root.write_bytes(chain.root_pem())
    envelope = jades(EDC, chain.x5c, chain.leaf_key)
    token = time_stamp_token(signature_of(envelope), make_tsa("Test Root CA", chain.root_key), SEALED_AT)
    _, result = check(capsys, tmp_path, with_time_stamps(envelope, token), root)
    assert result["verdict"] == "unverifiable", result
    assert any("not issued to the credential's issuer" in r for r in result["reasons"]), result["reasons"]
