"""The x5c chain of a published EUDI PID credential, checked against the IACA the EUDI reference wallet publishes.

fixtures/eudi-pid-issuer (see SOURCES.md): the issuer-signed JWT of a PID SD-JWT VC from the EUDI iOS
OpenID4VCI library's tests, whose x5c leaf is issued by "PID Issuer CA - UT 01", and that IACA from the EUDI
Android wallet. A chain counts only up to an anchor the user chose; the leaf must be the ``iss`` host's.
Dates are inside the leaf's validity (2024-11-29 to 2026-11-29) and the credential's (exp 2025-01-16).
"""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from skillwallet.cli.app import run
from skillwallet.verify.base import FAIL, PASS, UNKNOWN
from skillwallet.verify.x509 import TrustAnchor, chain_from_x5c, leaf_matches_issuer, load_certificates, validate_chain

FIXTURES = Path(__file__).parent / "fixtures" / "eudi-pid-issuer"
IN_FORCE = datetime(2025, 1, 1, tzinfo=timezone.utc)
ISSUER = "https://dev.issuer-backend.eudiw.dev"


def published_chain() -> list:
    header = (FIXTURES / "pid-sd-jwt-vc.jwt").read_text().split(".")[0]
    return chain_from_x5c(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["x5c"])


def iaca() -> TrustAnchor:
    (certificate,) = load_certificates((FIXTURES / "eudi_pid_issuer_ut.pem").read_bytes(), "eudi_pid_issuer_ut.pem")
    return TrustAnchor(certificate, "supplied")


def test_the_published_leaf_validates_up_to_the_published_iaca() -> None:
    result = validate_chain(published_chain(), [iaca()], IN_FORCE)
    assert result.outcome == PASS, result.reason
    assert result.chain_subjects == [
        "C=UT,O=EUDI Wallet Reference Implementation,2.5.4.5=001,CN=EUDI Remote Verifier",
        "C=UT,O=EUDI Wallet Reference Implementation,CN=PID Issuer CA - UT 01",
    ]


def test_the_leaf_is_bound_to_its_issuer_host_only() -> None:
    (leaf,) = published_chain()
    assert leaf_matches_issuer(ISSUER, leaf)[0]
    assert not leaf_matches_issuer("https://issuer.eudiw.dev", leaf)[0]


def test_without_the_anchor_the_chain_leads_nowhere() -> None:
    result = validate_chain(published_chain(), [], IN_FORCE)
    assert result.outcome == UNKNOWN and "leads to no trust anchor" in result.reason


def test_after_the_leaf_expired_the_chain_settles_nothing() -> None:
    # EN 319 102-1 OUT_OF_BOUNDS_NO_POE: whole and anchored while the leaf was valid, but never a pass after it
    result = validate_chain(published_chain(), [iaca()], datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert result.outcome == UNKNOWN and result.outside == "expired", result.reason
    assert result.reason == (
        "the certificate C=UT,O=EUDI Wallet Reference Implementation,2.5.4.5=001,CN=EUDI Remote Verifier is not "
        "valid at 2027-01-01 (valid 2024-11-29 to 2026-11-29)"
    )
    assert result.valid_until.date().isoformat() == "2026-11-29"
    assert result.within is not None and result.within.outcome == PASS


def test_a_chain_broken_in_itself_fails_after_expiry_too() -> None:
    # the published leaf with the wrong issuing CA in its place: its signature matches no key there
    (leaf,) = published_chain()
    other = iaca_lookalike()
    result = validate_chain([leaf, other], [iaca()], datetime(2027, 1, 1, tzinfo=timezone.utc))
    assert result.outcome == FAIL, result.reason


def iaca_lookalike():
    """Same subject as the published IACA, a fresh key."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    real = iaca().certificate
    key = ec.generate_private_key(ec.SECP384R1())
    return (
        x509.CertificateBuilder()
        .subject_name(real.subject)
        .issuer_name(real.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(IN_FORCE - timedelta(days=365))
        .not_valid_after(IN_FORCE + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA384())
    )


def test_an_attackers_ca_with_the_iaca_name_is_not_the_anchor() -> None:
    # a name proves nothing, the published key does
    result = validate_chain(published_chain(), [TrustAnchor(iaca_lookalike(), "supplied")], IN_FORCE)
    assert result.outcome != PASS, result.reason


def test_the_published_jwt_is_never_verified_even_with_its_anchor(capsys) -> None:
    code = run([
        "verify", "--offline", "--json", "--as-of", "2025-01-01",
        "--trust-anchor", str(FIXTURES / "eudi_pid_issuer_ut.pem"), str(FIXTURES / "pid-sd-jwt-vc.jwt"),
    ])
    out = capsys.readouterr()
    result = json.loads(out.out)["results"][0]
    assert result["verdict"] == "invalid", result
    assert any("without its '~' separator" in r for r in result["reasons"]), result["reasons"]
    assert code != 0
