"""A time-stamping authority made in the test (no tests here): its certificate and RFC 3161 TimeStampTokens.

The token is built with asn1crypto (CMS SignedData over a TSTInfo, RFC 3161 §2.4.2) and signed with a key
generated here; every attack in the tests uses such keys, never a published TSA's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from x509_helpers import START, name, p256


@dataclass
class Tsa:
    key: Any
    certificate: x509.Certificate
    extra: list[x509.Certificate]  # intermediates the token carries

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()


def tsa_certificate(
    issuer: str,
    issuer_key: Any,
    *,
    key: Any = None,
    common_name: str = "Test TSA",
    eku: tuple = (ExtendedKeyUsageOID.TIME_STAMPING,),
    eku_critical: bool = True,
    start: datetime = START,
    days: int = 3650,
) -> tuple[Any, x509.Certificate]:
    key = key or p256()
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Test Time Stamping"),
                                 x509.NameAttribute(NameOID.COMMON_NAME, common_name)]))
        .issuer_name(name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
    )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=eku_critical)
    return key, builder.sign(issuer_key, hashes.SHA256())


def make_tsa(issuer: str, issuer_key: Any, extra: list[x509.Certificate] = (), **options: Any) -> Tsa:
    key, certificate = tsa_certificate(issuer, issuer_key, **options)
    return Tsa(key, certificate, list(extra))


def time_stamp_token(
    covered: bytes,
    tsa: Tsa,
    gen_time: datetime,
    *,
    imprint_of: bytes | None = None,
    alter_tst_info: bool = False,
    carry_certificate: bool = True,
    imprint_hash: str = "sha256",
    names: x509.Certificate | None | bool = True,
) -> bytes:
    """An RFC 3161 TimeStampToken over ``covered`` (SHA-256 message imprint) dated ``gen_time``, signed by ``tsa``.

    ``imprint_of`` stamps other data; ``alter_tst_info`` changes the genTime after the TSA signed it; ``names``
    is the certificate the signing-certificate-v2 attribute names (True: the TSA's, None: no such attribute)."""
    from asn1crypto import algos, cms, core, tsp
    from asn1crypto import x509 as asn1_x509

    def tst_info(when: datetime) -> tsp.TSTInfo:
        return tsp.TSTInfo({
            "version": "v1",
            "policy": "1.2.3.4.1",
            "message_imprint": {
                "hash_algorithm": {"algorithm": imprint_hash},
                "hashed_message": hashlib.new(imprint_hash, covered if imprint_of is None else imprint_of).digest(),
            },
            "serial_number": 4711,
            "gen_time": core.GeneralizedTime(when),
        })

    signed_tst = tst_info(gen_time).dump()
    cert_der = tsa.certificate.public_bytes(Encoding.DER)
    asn1_cert = asn1_x509.Certificate.load(cert_der)
    attributes = [
        cms.CMSAttribute({"type": "content_type", "values": ["tst_info"]}),
        cms.CMSAttribute({"type": "message_digest", "values": [hashlib.sha256(signed_tst).digest()]}),
    ]
    if names is not None:
        named = cert_der if names is True else names.public_bytes(Encoding.DER)
        attributes.append(cms.CMSAttribute({"type": "signing_certificate_v2", "values": [
            {"certs": [{"hash_algorithm": {"algorithm": "sha256"}, "cert_hash": hashlib.sha256(named).digest()}]}
        ]}))
    attributes = cms.CMSAttributes(attributes)
    signature = tsa.key.sign(attributes.dump(), ec.ECDSA(hashes.SHA256()))
    signer = cms.SignerInfo({
        "version": "v1",
        "sid": cms.SignerIdentifier({"issuer_and_serial_number": {
            "issuer": asn1_cert.issuer, "serial_number": asn1_cert.serial_number,
        }}),
        "digest_algorithm": {"algorithm": "sha256"},
        "signed_attrs": attributes,
        "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": "sha256_ecdsa"}),
        "signature": signature,
    })
    content = tst_info(gen_time + timedelta(days=400)) if alter_tst_info else tsp.TSTInfo.load(signed_tst)
    certificates = [asn1_cert] if carry_certificate else []
    certificates += [asn1_x509.Certificate.load(c.public_bytes(Encoding.DER)) for c in tsa.extra]
    signed_data = cms.SignedData({
        "version": "v3",
        "digest_algorithms": [{"algorithm": "sha256"}],
        "encap_content_info": {"content_type": "tst_info", "content": content},
        "certificates": certificates,
        "signer_infos": [signer],
    })
    return cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
