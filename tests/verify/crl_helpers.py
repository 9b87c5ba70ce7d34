"""Certificate revocation lists made in the test (no tests here), and certificate chains whose certificates name
their CRL distribution points. Every key is generated here, never a published one.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from x509_helpers import START, Pki, certificate, name, p256

LEAF_CRL_URL = "http://crl.issuing-ca.example/issuing.crl"
ROOT_CRL_URL = "http://crl.root-ca.example/root.crl"
#: a CRL current at the tests' as-of date (2026-06-01)
THIS_UPDATE = datetime(2026, 5, 25, tzinfo=timezone.utc)
NEXT_UPDATE = datetime(2026, 6, 8, tzinfo=timezone.utc)


def distribution_point(url: str) -> tuple[Any, bool]:
    point = x509.DistributionPoint([x509.UniformResourceIdentifier(url)], None, None, None)
    return x509.CRLDistributionPoints([point]), False


def seal_pki(organisation: str = "Test University", *, leaf_days: int = 3650, leaf_url: str = LEAF_CRL_URL) -> Pki:
    """Root -> issuing CA -> a seal certificate naming ``organisation`` (as a qualified seal certificate does); the
    issuing CA names the root's CRL, the seal certificate the issuing CA's."""
    root_key, intermediate_key, leaf_key = p256(), p256(), p256()
    root = certificate("Test Root CA", root_key, "Test Root CA", root_key, ca=True)
    intermediate = certificate("Test Issuing CA", intermediate_key, "Test Root CA", root_key, ca=True,
                               extensions=(distribution_point(ROOT_CRL_URL),))
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                                 x509.NameAttribute(NameOID.COMMON_NAME, f"{organisation} seal")]))
        .issuer_name(name("Test Issuing CA"))
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(START)
        .not_valid_after(START + timedelta(days=leaf_days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(*distribution_point(leaf_url))
        .sign(intermediate_key, hashes.SHA256())
    )
    return Pki(root, intermediate, leaf, leaf_key, root_key, intermediate_key)


def crl(
    issuer: str,
    key: Any,
    revoked: tuple[tuple[x509.Certificate, datetime, x509.ReasonFlags | None], ...] = (),
    *,
    this_update: datetime = THIS_UPDATE,
    next_update: datetime = NEXT_UPDATE,
    extensions: tuple[tuple[Any, bool], ...] = (),
) -> bytes:
    """A DER CRL of the CA ``issuer`` (its common name) signed with ``key``, listing ``revoked`` (certificate,
    revocation date, reason code or None)."""
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(name(issuer))
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(7), critical=False)
    )
    for certificate_, when, reason in revoked:
        entry = x509.RevokedCertificateBuilder().serial_number(certificate_.serial_number).revocation_date(when)
        if reason is not None:
            entry = entry.add_extension(x509.CRLReason(reason), critical=False)
        builder = builder.add_revoked_certificate(entry.build())
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(key, hashes.SHA256()).public_bytes(Encoding.DER)


def rvals(*crls: bytes, ocsp: bool = False) -> dict:
    """An ``etsiU`` member carrying revocation values (ETSI TS 119 182-1 §5.3.5.3)."""
    values: dict = {"crlVals": [{"val": base64.b64encode(c).decode()} for c in crls]}
    if ocsp:
        values["ocspVals"] = [{"val": base64.b64encode(b"\x30\x03\x0a\x01\x00").decode()}]
    return {"rVals": values}
