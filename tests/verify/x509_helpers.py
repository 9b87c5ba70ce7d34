"""Certificate chains made in the test (no tests here): a root CA, an intermediate, a leaf, with fresh keys.

The shape follows the EUDI test PKI (an IACA-like root, a document signer leaf with a URI and a DNS
subjectAltName); every key is generated here, never a published one.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

START = datetime(2025, 1, 1, tzinfo=timezone.utc)


def name(common_name: str, organisation: str = "Test PID Provider") -> x509.Name:
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "EU"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ])


def certificate(
    subject: str,
    key: Any,
    issuer: str,
    issuer_key: Any,
    *,
    ca: bool,
    days: int = 3650,
    start: datetime = START,
    uris: tuple[str, ...] = (),
    dns: tuple[str, ...] = (),
    key_usage: x509.KeyUsage | None = None,
    extensions: tuple[tuple[Any, bool], ...] = (),
) -> x509.Certificate:
    """A certificate; ``key_usage`` replaces the usual one (key signing for a CA, digital signature otherwise),
    ``extensions`` adds (extension, critical) pairs, e.g. name constraints."""
    builder = (
        x509.CertificateBuilder()
        .subject_name(name(subject))
        .issuer_name(name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=1 if ca else None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    usage = dict(content_commitment=False, key_encipherment=False, data_encipherment=False, key_agreement=False,
                 encipher_only=False, decipher_only=False)
    if key_usage is not None:
        builder = builder.add_extension(key_usage, critical=True)
    elif ca:
        builder = builder.add_extension(x509.KeyUsage(digital_signature=False, key_cert_sign=True, crl_sign=True, **usage), critical=True)
    else:
        builder = builder.add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=False, crl_sign=False, **usage), critical=True)
    names = [x509.UniformResourceIdentifier(u) for u in uris] + [x509.DNSName(d) for d in dns]
    if names:
        builder = builder.add_extension(x509.SubjectAlternativeName(names), critical=False)
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(issuer_key, hashes.SHA256())


def p256() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


@dataclass
class Pki:
    root: x509.Certificate
    intermediate: x509.Certificate
    leaf: x509.Certificate
    leaf_key: Any
    root_key: Any
    intermediate_key: Any

    @property
    def x5c(self) -> list[str]:
        return [der_b64(self.leaf), der_b64(self.intermediate)]

    def root_pem(self) -> bytes:
        return self.root.public_bytes(Encoding.PEM)


def der_b64(cert: x509.Certificate) -> str:
    return base64.b64encode(cert.public_bytes(Encoding.DER)).decode("ascii")


def pki(
    issuer_url: str = "https://pid-issuer.example.eu",
    *,
    leaf_days: int = 730,
    uris: tuple[str, ...] | None = None,
    dns: tuple[str, ...] | None = None,
) -> Pki:
    """A root CA, an intermediate CA and a leaf certificate for ``issuer_url`` (URI and DNS SAN)."""
    from urllib.parse import urlsplit

    root_key, intermediate_key, leaf_key = p256(), p256(), p256()
    root = certificate("Test Root CA", root_key, "Test Root CA", root_key, ca=True)
    intermediate = certificate("Test Issuing CA", intermediate_key, "Test Root CA", root_key, ca=True)
    leaf = certificate(
        "Test PID Issuer", leaf_key, "Test Issuing CA", intermediate_key, ca=False, days=leaf_days,
        uris=(issuer_url,) if uris is None else uris,
        dns=((urlsplit(issuer_url).hostname or "",) if dns is None else dns),
    )
    return Pki(root, intermediate, leaf, leaf_key, root_key, intermediate_key)
