"""X.509 certificate chains for JOSE credentials (``x5c``) and JAdES signatures, against anchors the user supplies.

A certificate chain proves nothing by itself: anyone can make a CA and sign a certificate for any name. A chain
counts only when it leads to a trust anchor the user chose (``--trust-anchor FILE`` for one call, or
``skillwallet documents add-anchor FILE`` to keep one in the wallet); skillwallet ships none.

Path validation is :mod:`cryptography.x509.verification` (RFC 5280 path building with the Web PKI profile for
CA certificates: signatures, validity periods at the as-of date, ``basicConstraints``, ``keyUsage``, path length,
name constraints), never hand-written chain logic. Two runs give the three answers:

1. the chain as carried, with its own topmost certificate standing in as the anchor: a failure here is a chain
   that is broken in itself (a signature that does not match, a certificate expired at the as-of date, an
   "intermediate" that is no CA), so the credential is ``invalid``;
2. the chain against the user's anchors: a failure here (after 1 passed) means the chain is whole but leads to
   no anchor the user trusts, so the credential is ``unverifiable``, naming the leaf certificate's subject.

The leaf certificate must then be bound to the issuer the signed claims name (:func:`leaf_matches_issuer`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: Longest x5c chain read: real chains are 2-4 certificates.
MAX_CHAIN = 10
MAX_ANCHOR_FILE_BYTES = 1024 * 1024


class CertificateError(ValueError):
    """Bytes that are not a certificate, or an ``x5c`` that is not a list of base64 DER certificates."""


@dataclass
class TrustAnchor:
    """A certificate the user chose to trust, and where it came from (``supplied`` / ``kept``)."""

    certificate: Any  # cryptography.x509.Certificate
    source: str
    sha256: str = ""

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()


@dataclass
class ChainResult:
    """What validating one chain found: ``outcome`` is pass / fail / unknown (see the module docstring)."""

    outcome: str
    reason: str
    leaf: Any = None
    subject: str | None = None
    anchor: TrustAnchor | None = None
    chain_subjects: list[str] = field(default_factory=list)
    #: set when the as-of date is outside a certificate's validity period and the chain is whole at a time
    #: inside it: "expired" or "not yet valid" (the outcome is then ``unknown``)
    outside: str | None = None
    #: for "expired": the end of the chain's common validity period, before which a proof of existence of the
    #: signature would have to date it; for "not yet valid": the start of that period
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    #: for ``outside``: what the chain gave at a time inside its validity period (anchored or not)
    within: ChainResult | None = None
    #: the validated path, leaf first, up to the anchor (only when ``outcome`` is pass)
    path: list[Any] = field(default_factory=list)


def load_certificates(data: bytes, source: str = "input") -> list[Any]:
    """Every certificate of a PEM file (one or several) or the one certificate of a DER file."""
    from cryptography import x509

    if len(data) > MAX_ANCHOR_FILE_BYTES:
        raise CertificateError(f"{source} is too large for a certificate file")
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            certificates = x509.load_pem_x509_certificates(data)
        else:
            certificates = [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise CertificateError(f"{source} is not an X.509 certificate (PEM or DER)") from None
    if not certificates:
        raise CertificateError(f"{source} holds no certificate")
    return certificates


def chain_from_x5c(x5c: Any) -> list[Any]:
    """The certificates of an ``x5c`` header: base64 (not base64url) DER, the leaf first (RFC 7515 §4.1.6)."""
    from cryptography import x509

    if not isinstance(x5c, list) or not x5c or not all(isinstance(c, str) for c in x5c):
        raise CertificateError("'x5c' is not a non-empty list of base64 certificates")
    if len(x5c) > MAX_CHAIN:
        raise CertificateError(f"'x5c' has more than {MAX_CHAIN} certificates")
    chain = []
    for number, text in enumerate(x5c, 1):
        try:
            der = base64.b64decode(text, validate=True)
            chain.append(x509.load_der_x509_certificate(der))
        except (binascii.Error, ValueError):
            raise CertificateError(f"certificate {number} of 'x5c' is not base64 DER") from None
    return chain


def fingerprint(certificate: Any) -> str:
    from cryptography.hazmat.primitives.serialization import Encoding

    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def subject_of(certificate: Any) -> str:
    return certificate.subject.rfc4514_string() or f"(empty subject, sha256 {fingerprint(certificate)[:16]})"


def verify_path(anchors: list[Any], chain: list[Any], as_of: datetime) -> tuple[list[Any] | None, str]:
    """One path validation run: (the validated chain, "") or (None, the library's reason)."""
    from cryptography import x509 as _x509
    from cryptography.x509.verification import (
        Criticality,
        ExtensionPolicy,
        PolicyBuilder,
        Store,
        VerificationError,
    )

    # CA certificates: the Web PKI profile (basicConstraints cA, keyCertSign, path length, name constraints),
    # except that an extendedKeyUsage may be present, critical or not: the IACA certificates of the EU digital
    # identity wallet ecosystem (ISO/IEC 18013-5 style roots) carry a critical EKU the Web PKI profile refuses.
    # The EKU only narrows what a CA may be used for; the anchor is the user's own choice either way.
    # The end entity: any extensions, since a credential issuer's certificate is not a TLS server's (the
    # Web PKI end-entity profile would demand a serverAuth / clientAuth EKU that issuer certificates lack).
    ca_policy = ExtensionPolicy.webpki_defaults_ca().may_be_present(
        _x509.ExtendedKeyUsage, Criticality.AGNOSTIC, None
    )
    builder = (
        PolicyBuilder()
        .store(Store(anchors))
        .time(as_of.replace(tzinfo=None) if as_of.tzinfo is None else as_of)
        .max_chain_depth(MAX_CHAIN)
        .extension_policies(ca_policy=ca_policy, ee_policy=ExtensionPolicy.permit_all())
    )
    try:
        verified = builder.build_client_verifier().verify(chain[0], chain[1:])
    except VerificationError as exc:
        return None, str(exc).removeprefix("validation failed: ")
    except ValueError as exc:  # e.g. an unsupported key or signature algorithm in the chain
        return None, str(exc)
    return list(verified.chain), ""


def _out_of_validity(chain: list[Any], as_of: datetime) -> str | None:
    """The first certificate of ``chain`` not valid at ``as_of``, with its validity period; None if all are."""
    for certificate in chain:
        if not _valid_at(certificate, as_of):
            return _not_valid_text(certificate, as_of)
    return None


def _valid_at(certificate: Any, when: datetime) -> bool:
    return certificate.not_valid_before_utc <= when <= certificate.not_valid_after_utc


def _not_valid_text(certificate: Any, as_of: datetime) -> str:
    start, end = certificate.not_valid_before_utc, certificate.not_valid_after_utc
    return (
        f"the certificate {subject_of(certificate)} is not valid at {as_of.date().isoformat()} "
        f"(valid {start.date().isoformat()} to {end.date().isoformat()})"
    )
def not_for_signing(certificate: Any) -> str | None:
    """Why a leaf certificate's key is not certified to sign a credential (None when it is).

    The end-entity policy of the path validation accepts any extension (see :func:`_verify`), so the leaf's own
    limits are checked here: RFC 5280 §4.2.1.3, a key whose ``keyUsage`` asserts neither ``digitalSignature`` nor
    ``nonRepudiation`` (``contentCommitment``, the bit of qualified seal certificates) may not verify signatures
    other than on certificates and CRLs; §4.2.1.9, a CA certificate's key is for certifying (a CA that may vouch
    for any name in its subtree must not sign credentials as if it were one leaf); §4.2.1.12, an
    ``extendedKeyUsage`` naming only other uses (TLS, code signing, e-mail, time stamping, OCSP).
    """
    from cryptography import x509
    from cryptography.x509.oid import ExtendedKeyUsageOID

    extensions = certificate.extensions
    try:
        purposes = set(extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)
    except x509.ExtensionNotFound:
        purposes = set()
    # §4.2.1.12: with an extendedKeyUsage the certificate "MUST only be used for one of the purposes indicated".
    # Only the purposes known to be something else are refused (a TLS certificate's key lives on every server and
    # CDN edge of its host); credential signers use purposes of their own, e.g. ISO/IEC 18013-5 document signing.
    other_uses = {
        ExtendedKeyUsageOID.SERVER_AUTH: "serverAuth", ExtendedKeyUsageOID.CLIENT_AUTH: "clientAuth",
        ExtendedKeyUsageOID.CODE_SIGNING: "codeSigning", ExtendedKeyUsageOID.EMAIL_PROTECTION: "emailProtection",
        ExtendedKeyUsageOID.TIME_STAMPING: "timeStamping", ExtendedKeyUsageOID.OCSP_SIGNING: "OCSPSigning",
    }
    if purposes and purposes <= set(other_uses):
        names = ", ".join(sorted(other_uses[p] for p in purposes))
        return f"its extendedKeyUsage is for other purposes only ({names})"
    try:
        if extensions.get_extension_for_class(x509.BasicConstraints).value.ca:
            return "it is a CA certificate (basicConstraints cA), not an end-entity one"
    except x509.ExtensionNotFound:
        pass
    try:
        usage = extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None
    if not (usage.digital_signature or usage.content_commitment):
        return "its keyUsage asserts neither digitalSignature nor nonRepudiation"
    return None


def validate_chain(chain: list[Any], anchors: list[TrustAnchor], as_of: datetime) -> ChainResult:
    """Validate ``chain`` (leaf first) at ``as_of`` against the user's ``anchors`` (see the module docstring)."""
    if _out_of_validity(chain, as_of):
        return _validate_outside(chain, anchors, as_of)
    return _validate_within(chain, anchors, as_of)


def _validate_outside(chain: list[Any], anchors: list[TrustAnchor], as_of: datetime) -> ChainResult:
    """``as_of`` is outside a certificate's validity period: is the chain whole at a time inside all of them?"""
    from skillwallet.verify.base import FAIL, UNKNOWN

    leaf = chain[0]
    subject = subject_of(leaf)
    start = max(c.not_valid_before_utc for c in chain)
    end = min(c.not_valid_after_utc for c in chain)
    if start > end:
        # No instant at which every certificate is valid: the chain cannot validate at any time (RFC 5280
        # §6.1.3 (a)(2)), which is a chain broken in itself, not a question of when the signature was made.
        problem = f"{_out_of_validity(chain, as_of)}, and its certificates are never valid at the same time"
        return ChainResult(FAIL, f"the certificate chain of {subject} does not validate: {problem}", leaf, subject)
    expired = as_of > end
    when = end if expired else start
    within = _validate_within(chain, anchors, when)
    if within.outcome == FAIL:
        return within
    # the certificate that decides the period: the first to expire, or the last to become valid
    named = next(c for c in chain if (c.not_valid_after_utc == end if expired else c.not_valid_before_utc == start))
    reason = _not_valid_text(named, as_of)
    return ChainResult(
        UNKNOWN, reason, leaf, subject, within.anchor, within.chain_subjects,
        outside="expired" if expired else "not yet valid", valid_from=start, valid_until=end, within=within,
    )


def _validate_within(chain: list[Any], anchors: list[TrustAnchor], as_of: datetime) -> ChainResult:
    from skillwallet.verify.base import FAIL, PASS, UNKNOWN

    leaf = chain[0]
    subject = subject_of(leaf)
    unfit = not_for_signing(leaf)
    if unfit:
        return ChainResult(FAIL, f"the certificate {subject} is not certified for signing: {unfit}", leaf, subject)
    if len(chain) > 1:
        path, problem = verify_path([chain[-1]], chain[:-1], as_of)
        if path is None:
            return ChainResult(FAIL, f"the certificate chain of {subject} does not validate: {problem}", leaf, subject)
    if not anchors:
        return ChainResult(
            UNKNOWN,
            f"the certificate chain of {subject} leads to no trust anchor: none is supplied "
            "(verify --trust-anchor FILE, or skillwallet documents add-anchor FILE)",
            leaf, subject,
        )
    certificates = [a.certificate for a in anchors]
    path, problem = verify_path(certificates, chain, as_of)
    if path is None:
        return ChainResult(
            UNKNOWN, f"the certificate chain of {subject} does not lead to a trust anchor you supplied ({problem})",
            leaf, subject,
        )
    top = fingerprint(path[-1])
    anchor = next((a for a in anchors if fingerprint(a.certificate) == top), None)
    return ChainResult(
        PASS, f"the certificate chain of {subject} validates up to the trust anchor {subject_of(path[-1])}",
        leaf, subject, anchor, [subject_of(c) for c in path], path=list(path),
    )


def outside_reason(result: ChainResult, what: str) -> str:
    """Why a chain outside its validity period settles nothing, and what would settle it (``what``: "seal",
    "signature"): no proof dates the signature inside the period; and whether the chain is anchored there."""
    if result.outside == "expired":
        settle = (
            f"no time-stamp proves the {what} was made before {result.valid_until.date().isoformat()}, "
            "when the certificate was still valid"
        )
    else:
        settle = f"not yet valid; check it at a date from {result.valid_from.date().isoformat()} on"
    text = f"{result.reason}: {settle}"
    within = result.within
    if within is not None and within.outcome != "pass":
        text += "; besides, " + within.reason.replace(f"the certificate chain of {within.subject} ", "its chain ")
    return text


def leaf_names(certificate: Any) -> tuple[list[str], list[str]]:
    """(URI SANs, DNS SANs) of a certificate."""
    from cryptography import x509

    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return [], []
    return list(san.get_values_for_type(x509.UniformResourceIdentifier)), [
        d.lower() for d in san.get_values_for_type(x509.DNSName)
    ]


def _dns_within(host: str, constraint: str) -> bool:
    """RFC 5280 §4.2.1.10: a DNS name satisfies a dNSName constraint when it is the constraint with zero or more
    labels added on the left; a constraint with a leading period (the URI form) needs at least one."""
    constraint = constraint.lower()
    if not constraint:
        return True
    if constraint.startswith("."):
        return host.endswith(constraint)
    return host == constraint or host.endswith("." + constraint)


def uri_outside_name_constraints(uri: str, path: list[Any]) -> str | None:
    """Why the CAs of ``path`` (leaf first) may not vouch for the URI SAN ``uri`` (None when they may).

    RFC 5280 checks a dNSName constraint against dNSName SANs only, so a CA limited to hosts under
    ``university.example`` can still put ``https://another-issuer.example`` in a leaf's URI SAN, and
    ``cryptography`` refuses URI constraints outright. A URI SAN is taken as the issuer's name here, so the
    dNSName constraints of the path apply to its host (as URI constraints would, §4.2.1.10: "the constraint
    applies to the host part of the name"): it must be inside every permitted subtree set and outside every
    excluded subtree; a URI without a host is outside any permitted subtree.
    """
    import urllib.parse

    from cryptography import x509

    try:
        host = (urllib.parse.urlsplit(uri).hostname or "").lower()
    except ValueError:
        host = ""
    for ca in path[1:]:
        try:
            constraints = ca.extensions.get_extension_for_class(x509.NameConstraints).value
        except x509.ExtensionNotFound:
            continue
        permitted = constraints.permitted_subtrees
        if permitted:
            names = [n.value for n in permitted if isinstance(n, x509.DNSName)]
            if not host or not any(_dns_within(host, n) for n in names):
                return f"{uri} is outside the name constraints of {subject_of(ca)}"
        for name in constraints.excluded_subtrees or []:
            if isinstance(name, x509.DNSName) and host and _dns_within(host, name.value):
                return f"{uri} is excluded by the name constraints of {subject_of(ca)}"
    return None


def leaf_matches_issuer(issuer: str | None, certificate: Any, path: list[Any] | None = None) -> tuple[bool, str]:
    """Is the leaf certificate the issuer's? (matched, what it is issued to).

    SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, §3.5 "Issuer-signed JWT Verification Key Validation", X.509
    Certificates): an ``iss`` that is a DNS name in the ``dns:`` URI scheme (RFC 4501) must match a ``dNSName``
    SAN of the leaf; in all other cases ``iss`` must match a ``uniformResourceIdentifier`` SAN. Earlier drafts
    and HAIP §7.1 bound an HTTPS ``iss`` through its host name matching a ``dNSName`` SAN; that is accepted
    too, for the same reason (the CA vouched for that host). The same rule binds the issuer of a VC-JWT or
    vc+jwt credential. A certificate with neither name is bound to no issuer. ``path`` (the validated chain, leaf
    first) holds the name constraints a matching URI SAN must also meet (:func:`uri_outside_name_constraints`);
    the second element of the answer then says why it does not.
    """
    import urllib.parse

    uris, dns = leaf_names(certificate)
    named = ", ".join([*uris, *dns]) or f"no name ({subject_of(certificate)}, without subjectAltName)"
    if not issuer:
        return False, named
    if issuer in uris:
        outside = uri_outside_name_constraints(issuer, path or [])
        if outside:
            return False, f"{named} ({outside})"
        return True, named
    try:
        parts = urllib.parse.urlsplit(issuer)
    except ValueError:
        return False, named
    if parts.scheme == "dns" and (parts.path.lstrip("/") or parts.netloc).lower() in dns:
        return True, named
    # Through its host only an issuer identifier: "scheme, host, and optionally, port number and path components
    # and no query or fragment components" (OpenID Connect Core §1.2, the form RFC 8414 §2 and SD-JWT VC issuer
    # metadata use). Userinfo before the host (https://genuine.example@attacker.example) is the semantic attack of
    # RFC 3986 §7.6: the name shown reads as one party while the certificate is another's.
    identifier = "@" not in parts.netloc and not parts.query and not parts.fragment and "?" not in issuer and "#" not in issuer
    if parts.scheme == "https" and identifier and parts.hostname and parts.hostname.lower() in dns:
        return True, named
    return False, named
