"""RFC 3161 time-stamp tokens checked on their own (skillwallet.verify.timestamps): what makes one prove that some
data existed at its genTime, and each way one made here with fresh keys fails to."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from cryptography.x509.oid import ExtendedKeyUsageOID
from tsa_helpers import make_tsa, time_stamp_token
from x509_helpers import pki

from skillwallet.verify.timestamps import check_time_stamp
from skillwallet.verify.x509 import TrustAnchor

WHEN = datetime(2025, 6, 1, 12, 30, tzinfo=timezone.utc)
DATA = b"MEUCIQDsignaturevalue"


@pytest.fixture
def ca():
    chain = pki()
    return chain, [TrustAnchor(chain.root, "supplied")]


def test_a_token_from_an_anchored_tsa_proves_its_time(ca) -> None:
    chain, anchors = ca
    check = check_time_stamp(time_stamp_token(DATA, make_tsa("Test Root CA", chain.root_key), WHEN), DATA, anchors)
    assert check.ok, check.problem
    assert check.gen_time == WHEN and check.tsa == "CN=Test TSA,O=Test Time Stamping"
    assert check.anchor is anchors[0]


def test_a_tsa_certificate_not_in_the_token_is_not_found(ca) -> None:
    chain, anchors = ca
    token = time_stamp_token(DATA, make_tsa("Test Root CA", chain.root_key), WHEN, carry_certificate=False)
    check = check_time_stamp(token, DATA, anchors)
    assert not check.ok and "neither in it nor among your trust anchors" in check.problem


@pytest.mark.parametrize("eku", [
    (ExtendedKeyUsageOID.CLIENT_AUTH,),
    (ExtendedKeyUsageOID.TIME_STAMPING, ExtendedKeyUsageOID.CLIENT_AUTH),
])
def test_a_certificate_for_another_purpose_is_no_tsa(eku, ca) -> None:
    chain, anchors = ca
    token = time_stamp_token(DATA, make_tsa("Test Root CA", chain.root_key, eku=eku), WHEN)
    check = check_time_stamp(token, DATA, anchors)
    assert not check.ok and "is not a time-stamping certificate" in check.problem


def test_a_time_stamping_usage_that_is_not_critical_is_refused(ca) -> None:
    # RFC 3161 §2.3: "This extension MUST be critical."
    chain, anchors = ca
    token = time_stamp_token(DATA, make_tsa("Test Root CA", chain.root_key, eku_critical=False), WHEN)
    check = check_time_stamp(token, DATA, anchors)
    assert not check.ok and "critical" in check.problem


def test_a_tsa_certificate_expired_at_gen_time_does_not_count(ca) -> None:
    chain, anchors = ca
    token = time_stamp_token(DATA, make_tsa("Test Root CA", chain.root_key, days=30), WHEN)  # 2025-01-01 + 30 days
    check = check_time_stamp(token, DATA, anchors)
    assert not check.ok and "does not lead to a trust anchor you supplied at 2025-06-01T12:30:00Z" in check.problem


def test_signed_attributes_that_name_no_certificate_are_refused(ca) -> None:
    chain, anchors = ca
    check = check_time_stamp(time_stamp_token(DATA, make_tsa("Test Root CA", chain.root_key), WHEN, names=None),
                             DATA, anchors)
    assert not check.ok and "do not name the TSA certificate" in check.problem


def test_signed_attributes_that_name_another_certificate_are_refused(ca) -> None:
    chain, anchors = ca
    token = time_stamp_token(DATA, make_tsa("Test Root CA", chain.root_key), WHEN, names=chain.leaf)
    check = check_time_stamp(token, DATA, anchors)
    assert not check.ok and "name another certificate" in check.problem


def test_a_sha1_message_imprint_is_not_accepted(ca) -> None:
    chain, anchors = ca
    token = time_stamp_token(DATA, make_tsa("Test Root CA", chain.root_key), WHEN, imprint_hash="sha1")
    check = check_time_stamp(token, DATA, anchors)
    assert not check.ok and "hash algorithm sha1" in check.problem


def test_a_signature_by_another_key_than_the_certificates_is_refused(ca) -> None:
    # the attacker copies the genuine TSA certificate into a token they sign with their own key
    from tsa_helpers import Tsa
    from x509_helpers import p256

    chain, anchors = ca
    genuine = make_tsa("Test Root CA", chain.root_key)
    token = time_stamp_token(DATA, Tsa(p256(), genuine.certificate, []), WHEN)
    check = check_time_stamp(token, DATA, anchors)
    assert not check.ok and "its signature does not verify with the key of the TSA certificate" in check.problem


@pytest.mark.parametrize("token", [b"", b"\x30\x00", b"not DER at all", b"\x30\x82\xff\xff" + b"\x00" * 10])
def test_bytes_that_are_not_a_token_are_reported(token, ca) -> None:
    _, anchors = ca
    check = check_time_stamp(token, DATA, anchors)
    assert not check.ok and check.problem
