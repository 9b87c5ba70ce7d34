"""RFC 3161 time-stamp tokens: proof that some data existed at a time, from a time-stamping authority (TSA) the
user trusts.

A token is a CMS SignedData (RFC 5652) whose content is a TSTInfo (RFC 3161 §2.4.2): the hash of the data
(``messageImprint``) and the time (``genTime``), signed by the TSA. The ASN.1 is read with :mod:`asn1crypto`
(imported here only, when a token is read: ``verify FILE`` without one never loads it); the signature is
checked with :mod:`cryptography`. A token proves something only when all of these hold:

1. it is one SignedData with exactly one SignerInfo (RFC 3161 §2.4.2: "MUST NOT contain any signatures other
   than the signature of the TSA") over an ``id-ct-TSTInfo`` content;
2. its signed attributes are present (RFC 5652 §5.3: the content is not ``id-data``), their ``content-type``
   is ``id-ct-TSTInfo`` (RFC 5652 §11.1) and their ``message-digest`` is the digest of the TSTInfo as carried;
3. a ``signing-certificate`` or ``signing-certificate-v2`` attribute (RFC 3161 §2.4.1, RFC 5816) names the TSA
   certificate by its hash, and the signature over the DER of the signed attributes verifies with that
   certificate's key;
4. the TSA certificate has the extended key usage ``id-kp-timeStamping``, alone and critical (RFC 3161 §2.3),
   and chains up to one of the user's trust anchors at ``genTime`` (:mod:`skillwallet.verify.x509`; the
   certificates the token carries are only candidates for intermediates, never anchors);
5. the ``messageImprint`` is the hash of exactly the data the caller says the token must cover.

Anything else is reported (:attr:`TimeStampCheck.problem`) and proves nothing.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

#: RFC 3161 tokens are a few KB (the TSA certificate chain included).
MAX_TOKEN_BYTES = 64 * 1024
#: Hash algorithms accepted for the message imprint, the message digest and the certificate hash (SHA-1 is not:
#: its collisions are practical, and a collision is exactly what would let one token cover other data).
DIGESTS = {"sha256": "sha256", "sha384": "sha384", "sha512": "sha512"}
#: id-kp-timeStamping (RFC 3161 §2.3)
TIME_STAMPING = "1.3.6.1.5.5.7.3.8"


class _Refused(Exception):
    """Internal: the token proves nothing, for the reason given."""


@dataclass
class TimeStampCheck:
    """What checking one token found: ``ok`` with the time and the TSA, or the ``problem``."""

    ok: bool
    problem: str = ""
    gen_time: datetime | None = None
    tsa: str | None = None  # the TSA certificate's subject
    anchor: Any = None  # the x509.TrustAnchor the TSA chains to


def check_time_stamp(token: bytes, covered: bytes, anchors: list[Any]) -> TimeStampCheck:
    """Check the RFC 3161 TimeStampToken ``token`` as a proof that ``covered`` existed at its ``genTime``."""
    try:
        return _check(token, covered, anchors)
    except _Refused as exc:
        return TimeStampCheck(False, str(exc))
    except (ValueError, TypeError, KeyError, AttributeError, OverflowError, IndexError):
        # asn1crypto parses lazily: a malformed part raises when it is first read
        return TimeStampCheck(False, "it is not a well-formed RFC 3161 time-stamp token")
    except Exception as exc:  # noqa: BLE001 - e.g. a certificate key type cryptography cannot load
        return TimeStampCheck(False, f"it could not be checked ({type(exc).__name__})")


def _check(token: bytes, covered: bytes, anchors: list[Any]) -> TimeStampCheck:
    from asn1crypto import cms, tsp

    if len(token) > MAX_TOKEN_BYTES:
        raise _Refused("it is too large for a time-stamp token")
    info = cms.ContentInfo.load(token, strict=True)
    if info["content_type"].native != "signed_data":
        raise _Refused("it is not a CMS SignedData (RFC 3161 §2.4.2)")
    signed = info["content"]
    encap = signed["encap_content_info"]
    if encap["content_type"].native != "tst_info" or encap["content"].native is None:
        raise _Refused("its content is not a TSTInfo (RFC 3161 §2.4.2)")
    tst_der = encap["content"].contents
    tst_info = tsp.TSTInfo.load(tst_der, strict=True)
    tst_info.native  # noqa: B018 - parse every field now, so that a malformed one is refused here
    signer_infos = signed["signer_infos"]
    if len(signer_infos) != 1:
        raise _Refused(f"it carries {len(signer_infos)} signatures, not the one of its TSA (RFC 3161 §2.4.2)")
    signer = signer_infos[0]

    # 2. the signed attributes bind the TSTInfo (RFC 5652 §5.4, §11.1, §11.2)
    digest_name = _digest_name(signer["digest_algorithm"]["algorithm"].native)
    attributes = signer["signed_attrs"]
    if attributes.native is None or not len(attributes):
        raise _Refused("it has no signed attributes (RFC 5652 §5.3)")
    content_type = _single_attribute(attributes, "content_type")
    if content_type is None or content_type.native != "tst_info":
        raise _Refused("its signed content-type attribute is not id-ct-TSTInfo (RFC 5652 §11.1)")
    message_digest = _single_attribute(attributes, "message_digest")
    if message_digest is None or message_digest.native != hashlib.new(digest_name, tst_der).digest():
        raise _Refused("its TSTInfo does not match the digest the TSA signed (RFC 5652 §11.2): it was altered")

    # 3. the TSA certificate, named by the signed attributes, and the TSA's signature
    carried = [c.chosen for c in (signed["certificates"] or []) if c.name == "certificate"]
    anchor_certs = [_asn1_certificate(a.certificate) for a in anchors]
    asn1_tsa = _signer_certificate(signer["sid"], carried + anchor_certs)
    if asn1_tsa is None:
        raise _Refused("the certificate of the TSA that signed it is neither in it nor among your trust anchors")
    tsa_der = asn1_tsa.dump()
    _check_signing_certificate(attributes, tsa_der)
    from cryptography import x509

    tsa_cert = x509.load_der_x509_certificate(tsa_der)
    from skillwallet.verify.x509 import subject_of

    tsa = subject_of(tsa_cert)
    signed_attrs_der = attributes.dump()
    if signed_attrs_der[:1] != b"\xa0":
        raise _Refused("its signed attributes are not encoded as RFC 5652 §5.3 requires")
    # RFC 5652 §5.4: the signature is over the DER of the attributes with the EXPLICIT SET OF tag
    if not _signature_verifies(signer, tsa_cert, b"\x31" + signed_attrs_der[1:], digest_name):
        raise _Refused(f"its signature does not verify with the key of the TSA certificate {tsa}")

    # 5. the data it covers
    imprint = tst_info["message_imprint"]
    imprint_digest = _digest_name(imprint["hash_algorithm"]["algorithm"].native)
    if imprint["hashed_message"].native != hashlib.new(imprint_digest, covered).digest():
        raise _Refused(f"the time-stamp from {tsa} covers other data than this signature")
    gen_time: datetime = tst_info["gen_time"].native

    # 4. the TSA: a time-stamping certificate, anchored at genTime
    _check_time_stamping_usage(tsa_cert, tsa)
    if not anchors:
        raise _Refused(
            f"the time-stamping authority {tsa} leads to no trust anchor: none is supplied "
            "(verify --trust-anchor FILE, or skillwallet documents add-anchor FILE)"
        )
    from skillwallet.verify.x509 import MAX_CHAIN, fingerprint, verify_path

    intermediates = [x509.load_der_x509_certificate(c.dump()) for c in carried if c.dump() != tsa_der][:MAX_CHAIN]
    path, problem = verify_path([a.certificate for a in anchors], [tsa_cert, *intermediates], gen_time)
    if path is None:
        raise _Refused(
            f"the time-stamping authority {tsa} does not lead to a trust anchor you supplied at "
            f"{format_time(gen_time)} ({problem})"
        )
    top = fingerprint(path[-1])
    anchor = next((a for a in anchors if fingerprint(a.certificate) == top), None)
    return TimeStampCheck(True, gen_time=gen_time, tsa=tsa, anchor=anchor)


def format_time(when: datetime) -> str:
    from datetime import timezone

    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _digest_name(name: str) -> str:
    if name not in DIGESTS:
        raise _Refused(f"it uses the hash algorithm {name}, which is not accepted (SHA-256, -384 or -512)")
    return DIGESTS[name]


def _single_attribute(attributes: Any, kind: str) -> Any:
    """The one value of the one signed attribute of ``kind``; refused if it is there more than once."""
    found = [a for a in attributes if a["type"].native == kind]
    if not found:
        return None
    if len(found) > 1 or len(found[0]["values"]) != 1:
        raise _Refused(f"its signed attributes hold {kind.replace('_', '-')} more than once (RFC 5652 §11)")
    return found[0]["values"][0]


def _asn1_certificate(certificate: Any) -> Any:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def _signer_certificate(sid: Any, candidates: list[Any]) -> Any:
    """The certificate ``sid`` (issuer and serial number, or subject key identifier) names (RFC 5652 §5.3)."""
    for certificate in candidates:
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if (certificate.issuer == wanted["issuer"]
                    and certificate.serial_number == wanted["serial_number"].native):
                return certificate
        elif sid.name == "subject_key_identifier":
            if certificate.key_identifier is not None and certificate.key_identifier == sid.chosen.native:
                return certificate
    return None


def _check_signing_certificate(attributes: Any, tsa_der: bytes) -> None:
    """RFC 3161 §2.4.1 / RFC 5816: the signed attributes name the TSA certificate by its hash (ESSCertID(v2)),
    so the signer cannot be swapped for another certificate of the same key."""
    v2 = _single_attribute(attributes, "signing_certificate_v2")
    v1 = _single_attribute(attributes, "signing_certificate")
    if v2 is not None:
        first = v2["certs"][0]
        name = _digest_name(first["hash_algorithm"]["algorithm"].native)
        expected = hashlib.new(name, tsa_der).digest()
    elif v1 is not None:
        # ESSCertID is SHA-1 by definition (RFC 2634 §5.4.1); the hash only identifies a certificate here, it is
        # not what the signature covers
        first = v1["certs"][0]
        expected = hashlib.sha1(tsa_der, usedforsecurity=False).digest()
    else:
        raise _Refused("its signed attributes do not name the TSA certificate (RFC 3161 §2.4.1, RFC 5816)")
    if first["cert_hash"].native != expected:
        raise _Refused("its signed attributes name another certificate than the one of the TSA that signed it")


def _signature_verifies(signer: Any, certificate: Any, data: bytes, digest_name: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa

    algorithm = signer["signature_algorithm"]
    kind = algorithm.signature_algo
    try:
        hash_name = _digest_name(algorithm.hash_algo)
    except ValueError:  # "rsassa_pkcs1v15" without a hash in its identifier: the SignerInfo's digest algorithm
        hash_name = digest_name
    chosen = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512}
    key = certificate.public_key()
    signature = signer["signature"].native
    try:
        if kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(chosen[hash_name]()))
        elif kind == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), chosen[hash_name]())
        elif kind == "rsassa_pss" and isinstance(key, rsa.RSAPublicKey):
            parameters = algorithm["parameters"]
            pss_hash = chosen[_digest_name(parameters["hash_algorithm"]["algorithm"].native)]()
            mgf_hash = chosen[_digest_name(parameters["mask_gen_algorithm"]["parameters"]["algorithm"].native)]()
            key.verify(signature, data, padding.PSS(padding.MGF1(mgf_hash), parameters["salt_length"].native), pss_hash)
        elif kind == "ed25519" and isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            raise _Refused(f"its signature algorithm ({kind}) does not fit the TSA certificate's key or is not supported")
    except InvalidSignature:
        return False
    return True


def _check_time_stamping_usage(certificate: Any, tsa: str) -> None:
    """RFC 3161 §2.3: "The corresponding certificate MUST contain only one instance of the extended key usage
    field extension ... with KeyPurposeID having value: id-kp-timeStamping. This extension MUST be critical." A
    certificate for anything else (a seal, a server) issued under the same anchor is no TSA."""
    from cryptography import x509

    try:
        extension = certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage)
    except x509.ExtensionNotFound:
        raise _Refused(f"the certificate {tsa} is not a time-stamping certificate (no id-kp-timeStamping)") from None
    purposes = [p.dotted_string for p in extension.value]
    if purposes != [TIME_STAMPING] or not extension.critical:
        raise _Refused(
            f"the certificate {tsa} is not a time-stamping certificate (RFC 3161 §2.3: its only extended key "
            "usage must be id-kp-timeStamping, critical)"
        )
