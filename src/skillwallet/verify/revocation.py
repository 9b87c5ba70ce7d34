"""Certificate revocation from CRLs at hand (RFC 5280 §5, §6.3), checked offline and never fetched.

For every certificate of a validated path below its trust anchor, a CRL counts from two places only:

1. the user's documents for a URL of the certificate's ``cRLDistributionPoints`` (RFC 5280 §4.2.1.13): supplied
   for this call (``verify --document URL=FILE``) or kept (``skillwallet documents add URL FILE``), ranked as every
   document is (:class:`~skillwallet.verify.resolver.DocumentResolver`); never the network, a cache or an import;
2. CRLs the caller found inside the signature itself (a JAdES seal's revocation values, ETSI TS 119 182-1
   §5.3.5.3 ``rVals``/``crlVals``): whoever put them there, a CRL is the CA's own signed statement.

Either way a CRL is evidence only when (RFC 5280 §6.3.3) it is issued by the certificate's issuer from the
validated path, that CA's key may sign CRLs (``cRLSign``) and its signature over the CRL verifies, it is a complete
base CRL whose scope (``issuingDistributionPoint``) covers the certificate, it has no critical extension not read
here, and it is current at the validation time: ``thisUpdate <= as-of <= nextUpdate``. A CRL issued after the
signature was made is fine (EN 319 102-1 judges revocation with status information current at validation time);
one that is no longer current is not. A CRL failing any of these is ignored, with the reason, and settles nothing.

The result per certificate: ``revoked`` (listed, with the revocation date and RFC 5280 §5.3.1 reason code),
``on hold`` (listed with ``certificateHold``: a suspension that may be lifted), ``good`` (on no current CRL that
covers it) or ``unchecked`` (no usable CRL at hand). Whether a revocation defeats the signature depends on when the
signature is proven to exist, which the caller knows (a JAdES time-stamp, EN 319 102-1 proof of existence).

The ASN.1 is :mod:`cryptography`'s (``load_der_x509_crl``, ``is_signature_valid``,
``get_revoked_certificate_by_serial_number``), imported here only.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

#: CRLs read from one signature's revocation values: real seals carry one per CA of the chain.
MAX_EMBEDDED_CRLS = 8
#: expiredCertsOnCRL (ITU-T X.509 §9.5.2.1 / RFC 5280 §3.3 discussion): a CRL with it keeps listing expired
#: certificates, so an expired certificate absent from it was not revoked.
EXPIRED_CERTS_ON_CRL = "2.5.29.60"

GOOD = "good"
REVOKED = "revoked"
ON_HOLD = "on hold"
UNCHECKED = "unchecked"

SOURCE_EMBEDDED = "embedded"


@dataclass
class CrlSource:
    """One CRL at hand and where it came from: ``supplied`` / ``kept`` for ``url``, or ``embedded``."""

    der: bytes
    source: str
    url: str | None = None
    crl: Any = None  # cryptography CertificateRevocationList, once parsed

    @property
    def where(self) -> str:
        if self.source == SOURCE_EMBEDDED:
            return "embedded in the signature"
        how = "given for this check" if self.source == "supplied" else "kept in the wallet"
        return f"{how} for {self.url}"


@dataclass
class CertificateStatus:
    subject: str
    issuer: str
    status: str = UNCHECKED
    crl: CrlSource | None = None
    revoked_at: datetime | None = None
    reason_code: str | None = None


@dataclass
class RevocationResult:
    statuses: list[CertificateStatus] = field(default_factory=list)
    #: why each CRL at hand that could have served was ignored
    ignored: list[str] = field(default_factory=list)

    def defeating(self, when: datetime) -> CertificateStatus | None:
        """The first certificate revoked or on hold at or before ``when`` (revoked ones first), or None."""
        listed = [s for s in self.statuses if s.status in (REVOKED, ON_HOLD) and s.revoked_at <= when]
        listed.sort(key=lambda s: (s.status != REVOKED, s.revoked_at))
        return listed[0] if listed else None

    def to_details(self) -> dict[str, Any]:
        """The ``details.revocation`` of a verdict (``--json``)."""
        from skillwallet.verify.timestamps import format_time

        certificates = []
        for status in self.statuses:
            entry: dict[str, Any] = {"subject": status.subject, "status": status.status}
            if status.crl is not None:
                crl = status.crl.crl
                entry["crl"] = {
                    "issuer": crl.issuer.rfc4514_string(),
                    "source": status.crl.source,
                    "url": status.crl.url,
                    "this_update": format_time(crl.last_update_utc),
                    "next_update": format_time(crl.next_update_utc),
                    "sha256": hashlib.sha256(status.crl.der).hexdigest(),
                }
            if status.revoked_at is not None:
                entry["revoked_at"] = format_time(status.revoked_at)
                entry["reason_code"] = status.reason_code
            certificates.append(entry)
        return {
            "checked": bool(certificates) and all(c["status"] == GOOD for c in certificates),
            "certificates": certificates,
            "ignored": list(self.ignored),
        }


def distribution_point_urls(certificate: Any) -> list[str]:
    """The URIs of a certificate's ``cRLDistributionPoints`` full names (RFC 5280 §4.2.1.13)."""
    from cryptography import x509

    try:
        points = certificate.extensions.get_extension_for_class(x509.CRLDistributionPoints).value
    except x509.ExtensionNotFound:
        return []
    urls = []
    for point in points:
        for general_name in point.full_name or []:
            if isinstance(general_name, x509.UniformResourceIdentifier):
                urls.append(general_name.value)
    return urls


def load_crl(data: bytes) -> Any:
    """A CRL from DER (as published and embedded) or PEM; raises ``ValueError`` for anything else."""
    from cryptography import x509

    if b"-----BEGIN X509 CRL-----" in data:
        return x509.load_pem_x509_crl(data)
    return x509.load_der_x509_crl(data)


def check_revocation(
    path: list[Any], as_of: datetime, resolver: Any, embedded: list[bytes] | tuple[bytes, ...] = ()
) -> RevocationResult:
    """The revocation status of every certificate of ``path`` (validated, leaf first, the anchor last) below the
    anchor, at the validation time ``as_of``, from the CRLs at hand (see the module docstring)."""
    from skillwallet.verify.x509 import subject_of

    result = RevocationResult()
    if len(path) < 2:
        return result
    below = list(zip(path[:-1], path[1:]))
    result.statuses = [CertificateStatus(subject_of(c), subject_of(ca)) for c, ca in below]
    reported: set[tuple[str, str]] = set()

    def ignore(source: CrlSource, problem: str) -> None:
        key = (hashlib.sha256(source.der).hexdigest(), problem)
        if key not in reported:
            reported.add(key)
            result.ignored.append(f"a CRL {source.where} is ignored: {problem}")

    embedded_sources = []
    for der in list(embedded)[:MAX_EMBEDDED_CRLS]:
        source = CrlSource(der, SOURCE_EMBEDDED)
        try:
            source.crl = load_crl(der)
        except ValueError:
            ignore(source, "it is not an X.509 CRL")
            continue
        embedded_sources.append(source)
        if not any(source.crl.issuer == ca.subject for _, ca in below):
            ignore(source, f"it is issued by {source.crl.issuer.rfc4514_string() or '(no name)'}, no CA of the chain")

    for (certificate, ca), status in zip(below, result.statuses):
        candidates = _user_crls(certificate, resolver, ignore)
        candidates += [s for s in embedded_sources if s.crl.issuer == ca.subject]
        for source in candidates:
            problem = _unusable(source.crl, certificate, ca, as_of)
            if problem:
                ignore(source, problem)
                continue
            _apply(source, certificate, status, ignore)
    return result


def _user_crls(certificate: Any, resolver: Any, ignore: Any) -> list[CrlSource]:
    """The CRLs the user vouched for under the certificate's distribution point URLs."""
    getter = getattr(resolver, "user_bytes", None)
    if not callable(getter):
        return []
    found = []
    for url in distribution_point_urls(certificate):
        try:
            vouched = getter(url)
        except Exception:  # noqa: BLE001 - a URL the resolver cannot key is a URL nothing was given for
            vouched = None
        if vouched is None:
            continue
        content, source_name = vouched
        source = CrlSource(content, source_name, url)
        try:
            source.crl = load_crl(content)
        except ValueError:
            ignore(source, "it is not an X.509 CRL (DER or PEM)")
            continue
        found.append(source)
    return found


def _unusable(crl: Any, certificate: Any, ca: Any, as_of: datetime) -> str | None:
    """Why ``crl`` is no evidence about ``certificate`` issued by ``ca`` at ``as_of`` (None when it is)."""
    from cryptography import x509

    from skillwallet.verify.timestamps import format_time
    from skillwallet.verify.x509 import subject_of

    if crl.issuer != ca.subject or certificate.issuer != ca.subject:
        named = crl.issuer.rfc4514_string() or "(no name)"
        return f"it is issued by {named}, not by {subject_of(ca)}, the issuer of {subject_of(certificate)}"
    try:
        usage = ca.extensions.get_extension_for_class(x509.KeyUsage).value
        if not usage.crl_sign:
            return f"the key of {subject_of(ca)} is not certified to sign CRLs (no cRLSign, RFC 5280 §6.3.3 (f))"
    except x509.ExtensionNotFound:
        pass
    try:
        signed = crl.is_signature_valid(ca.public_key())
    except Exception:  # noqa: BLE001 - a key or signature algorithm cryptography cannot use
        signed = False
    if not signed:
        return f"its signature does not verify with the key of {subject_of(ca)}"
    for extension in crl.extensions:
        if extension.critical and isinstance(extension.value, x509.UnrecognizedExtension):
            # RFC 5280 §5.2: a CRL with a critical extension the verifier does not process must not be used
            return f"it has a critical extension skillwallet does not read ({extension.oid.dotted_string})"
    try:
        crl.extensions.get_extension_for_class(x509.DeltaCRLIndicator)
        return "it is a delta CRL (RFC 5280 §5.2.4), which is not read without its base"
    except x509.ExtensionNotFound:
        pass
    scope = _scope_problem(crl, certificate)
    if scope:
        return scope
    this_update, next_update = crl.last_update_utc, crl.next_update_utc
    if next_update is None:
        return "it has no nextUpdate, so nothing says it is current (RFC 5280 §5.1.2.5)"
    if not this_update <= as_of <= next_update:
        return (
            f"it is not current at {format_time(as_of)} (issued {format_time(this_update)}, "
            f"next update {format_time(next_update)})"
        )
    return None


def _scope_problem(crl: Any, certificate: Any) -> str | None:
    """RFC 5280 §5.2.5, §6.3.3 (b): a CRL limited by its ``issuingDistributionPoint`` covers the certificate only
    when its distribution point is one the certificate names and its kind of certificates is the certificate's.
    A partial CRL of another partition would otherwise "show" any certificate as not revoked."""
    from cryptography import x509

    try:
        point = crl.extensions.get_extension_for_class(x509.IssuingDistributionPoint).value
    except x509.ExtensionNotFound:
        return None  # a complete CRL: every certificate of its issuer
    if point.indirect_crl:
        return "it is an indirect CRL (RFC 5280 §5.2.5), which is not read"
    if point.only_some_reasons:
        return "it covers only some revocation reasons (RFC 5280 §5.2.5)"
    if point.only_contains_attribute_certs:
        return "it covers attribute certificates only (RFC 5280 §5.2.5)"
    try:
        is_ca = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    if point.only_contains_user_certs and is_ca:
        return "it covers end-entity certificates only, and this is a CA certificate (RFC 5280 §5.2.5)"
    if point.only_contains_ca_certs and not is_ca:
        return "it covers CA certificates only, and this is an end-entity certificate (RFC 5280 §5.2.5)"
    if point.relative_name is not None:
        return "its distribution point is a relative name, which is not read"
    if point.full_name:
        names = {n.value for n in point.full_name if isinstance(n, x509.UniformResourceIdentifier)}
        if not names & set(distribution_point_urls(certificate)):
            return "it is the CRL of a distribution point the certificate does not name (RFC 5280 §6.3.3 (b)(2))"
    return None


def _apply(source: CrlSource, certificate: Any, status: CertificateStatus, ignore: Any) -> None:
    """What a usable CRL says about ``certificate``; a listing beats a CRL that does not list it."""
    from cryptography import x509

    from skillwallet.verify.timestamps import format_time

    crl = source.crl
    entry = crl.get_revoked_certificate_by_serial_number(certificate.serial_number)
    if entry is None:
        if status.status != UNCHECKED:
            return
        expired_first = certificate.not_valid_after_utc < crl.last_update_utc
        keeps_expired = any(e.oid.dotted_string == EXPIRED_CERTS_ON_CRL for e in crl.extensions)
        if expired_first and not keeps_expired:
            # A CA may drop a certificate from its CRLs once it expires (RFC 5280 §3.3): absence proves nothing.
            ignore(source, (
                f"it was issued {format_time(crl.last_update_utc)}, after {status.subject} expired, and need not "
                "list it"
            ))
            return
        status.status, status.crl = GOOD, source
        return
    try:
        reason = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    except x509.ExtensionNotFound:
        reason = None
    if reason == x509.ReasonFlags.remove_from_crl:
        ignore(source, "it lists the certificate as removeFromCRL, which only a delta CRL may (RFC 5280 §5.3.1)")
        return
    kind = ON_HOLD if reason == x509.ReasonFlags.certificate_hold else REVOKED
    revoked_at = entry.revocation_date_utc
    if status.status in (REVOKED, ON_HOLD):
        # keep the strongest, earliest listing
        if (status.status == REVOKED, -status.revoked_at.timestamp()) >= (kind == REVOKED, -revoked_at.timestamp()):
            return
    status.status, status.crl, status.revoked_at = kind, source, revoked_at
    status.reason_code = reason.value if reason is not None else None


# -- wording (kept together so the verdict's disclosures can combine with it) --------------------------------


def listed_wording(status: CertificateStatus) -> str:
    """Why a revoked (or suspended) certificate defeats the signature: the date, the reason code, the CRL."""
    from skillwallet.verify.timestamps import format_time

    code = status.reason_code or "none given (unspecified)"
    what = "revoked" if status.status == REVOKED else "suspended (on hold; a CA may lift a hold)"
    return (
        f"the certificate {status.subject} was {what} on {format_time(status.revoked_at)}, reason code {code} "
        f"(RFC 5280 §5.3.1), by the CRL of {status.issuer} {status.crl.where}"
    )


def checked_wording(details: dict[str, Any] | None) -> list[str]:
    """The reasons saying what revocation checking established, from ``details.revocation``: which certificates
    are on no current CRL of their issuer (and which CRL), which were left unchecked beside them, and each CRL
    ignored with its reason. Empty when no CRL was at hand."""
    if not details:
        return []
    reasons = []
    certificates = details.get("certificates") or []
    good = [c for c in certificates if c.get("status") == GOOD]
    if good:
        parts = []
        for entry in good:
            crl = entry["crl"]
            where = "embedded in the signature" if crl["source"] == SOURCE_EMBEDDED else (
                f"{'given for this check' if crl['source'] == 'supplied' else 'kept in the wallet'} for {crl['url']}"
            )
            parts.append(
                f"{entry['subject']} is on no revocation list of {crl['issuer']} (CRL {where}, issued "
                f"{crl['this_update']}, next update {crl['next_update']})"
            )
        text = "certificate revocation checked: " + "; ".join(parts)
        unchecked = [c["subject"] for c in certificates if c.get("status") == UNCHECKED]
        if unchecked:
            text += f"; not checked for {', '.join(unchecked)} (no usable CRL at hand)"
        reasons.append(text)
    reasons.extend(details.get("ignored") or [])
    return reasons
