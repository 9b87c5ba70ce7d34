"""JAdES seals (ETSI TS 119 182-1): a JWS in the JSON serialisation with the sealing certificate chain in ``x5c``.

Europass European Digital Credentials are sealed this way. Checked, in order:

1. the envelope (RFC 7515 §7.2) and its protected header: a supported asymmetric ``alg``; a well-formed ``crit``
   (RFC 7515 §4.1.11, see :func:`crit_problem`) naming only header parameters understood here (the JAdES
   parameters below are informational for this check, ``b64`` is RFC 7797); a detached payload (``sigD``)
   cannot be checked from the file;
2. the signature over ``ASCII(protected) || '.' || payload`` (the payload as is when ``b64`` is false, RFC 7797
   §3) with the leaf certificate's key;
3. the certificate chain, validated at the as-of date up to a trust anchor the user supplies
   (:mod:`skillwallet.verify.x509`): broken is ``invalid``, unanchored ``unverifiable``, naming the leaf subject;
4. the binding of the certificate to the issuer the credential names: the certificate's organisation (or common
   name) must be one of the issuer's ``legalName`` values. Otherwise the seal is someone else's: the credential
   is not ``verified`` (unverifiable, both names given).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skillwallet.verify.base import BOUND, FAIL, PASS, UNKNOWN, UNRESOLVED, SignatureFinding

#: ``crit`` members understood: RFC 7797 ``b64``, and JAdES header parameters that carry information about the
#: signature (time, certificate references, policy, commitments, timestamps) without changing what is signed.
UNDERSTOOD_CRIT = frozenset(
    {"b64", "sigT", "x5t#o", "sigX5ts", "srCms", "sigPl", "srAts", "adoTst", "sigPId", "etsiU"}
)

#: Header parameters RFC 7515 §4.1 defines for JWS: a producer must not list them in ``crit`` (§4.1.11).
JWS_REGISTERED = frozenset({"alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"})


def crit_problem(header: dict[str, Any], unprotected: dict[str, Any]) -> str | None:
    """What makes a ``crit`` header malformed, or None.

    RFC 7515 §4.1.11: ``crit`` is a non-empty array of names that occur in the header; a producer must not list
    names RFC 7515 defines, duplicates, or absent names, must not use ``[]``, and must put ``crit`` in the
    protected header only; "Recipients MAY consider the JWS to be invalid if ... any other constraints on its
    use are violated". Every violation is treated alike, as malformed: a seal whose producer broke the rule is
    not evaluated on a guess. A listed name must occur in the *protected* header: a critical parameter that anyone
    could strip from the unprotected header constrains nothing.
    """
    if "crit" in unprotected:
        return "it is in the unprotected header"
    if "crit" not in header:
        return None
    crit = header["crit"]
    if not isinstance(crit, list):
        return "it is not an array"
    if not crit:
        return "it is empty"
    if any(not isinstance(name, str) for name in crit):
        return "an entry is not a header parameter name"
    if len(set(crit)) != len(crit):
        return "it names a header parameter twice"
    registered = sorted(set(crit) & JWS_REGISTERED)
    if registered:
        return f"it names {', '.join(registered)}, defined by RFC 7515 itself"
    absent = sorted(name for name in crit if name not in header)
    if absent:
        return f"it names {', '.join(absent)}, not in the protected header"
    return None


def _names(value: Any) -> set[str]:
    """Every text of a language map / list / string, normalised for comparison."""
    found: set[str] = set()
    if isinstance(value, str):
        found.add(" ".join(value.split()).casefold())
    elif isinstance(value, list):
        for item in value:
            found |= _names(item)
    elif isinstance(value, dict):
        for item in value.values():
            found |= _names(item)
    return found


def _certificate_names(certificate: Any) -> set[str]:
    from cryptography.x509.oid import NameOID

    names = set()
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        for attribute in certificate.subject.get_attributes_for_oid(oid):
            if isinstance(attribute.value, str):
                names.add(" ".join(attribute.value.split()).casefold())
    return names


def verify_jades(envelope: dict[str, Any], payload: dict[str, Any], resolver: Any, as_of: datetime) -> SignatureFinding:
    from skillwallet.verify.shapes import jws_json_parts
    from skillwallet.verify import x509 as chains
    from skillwallet.verify.jose import (
        SUPPORTED_ALGORITHMS,
        AlgorithmKeyMismatchError,
        UnsupportedAlgorithmError,
        trust_anchors_of,
        verify_jws_signature,
    )
    from skillwallet.verify.keys import b64url_decode

    details: dict[str, Any] = {"method": "JAdES (JWS JSON serialisation)"}
    try:
        header, protected_segment, signature_segment, unprotected, _ = jws_json_parts(envelope)
        signature = b64url_decode(signature_segment)
    except ValueError as exc:
        return SignatureFinding(FAIL, UNRESOLVED, [f"malformed JAdES signature: {exc}"], details=details)
    alg = header.get("alg")
    details["alg"] = alg
    if not isinstance(alg, str) or alg not in SUPPORTED_ALGORITHMS:
        return SignatureFinding(UNKNOWN, UNRESOLVED, [f"JAdES signature algorithm {alg!r} is not supported"],
                                unverifiable=True, details=details)
    problem = crit_problem(header, unprotected)
    if problem:
        reason = f"the JAdES 'crit' header is malformed (RFC 7515 §4.1.11): {problem}"
        return SignatureFinding(FAIL, UNRESOLVED, [reason], details=details)
    crit = header.get("crit", [])
    unknown = sorted(set(crit) - UNDERSTOOD_CRIT)
    if unknown:
        return SignatureFinding(UNKNOWN, UNRESOLVED, [f"JAdES critical header {', '.join(unknown)} is not supported"],
                                unverifiable=True, details=details)
    if "sigD" in header:
        return SignatureFinding(UNKNOWN, UNRESOLVED, ["a detached JAdES signature (sigD): the signed data is not in the file"],
                                unverifiable=True, details=details)
    x5c = header.get("x5c", unprotected.get("x5c"))
    if x5c is None:
        return SignatureFinding(UNKNOWN, UNRESOLVED, ["the JAdES signature carries no certificate chain (x5c)"],
                                unverifiable=True, details=details)
    try:
        chain = chains.chain_from_x5c(x5c)
    except chains.CertificateError as exc:
        return SignatureFinding(FAIL, UNRESOLVED, [str(exc)], details=details)
    leaf = chain[0]
    details["certificate"] = chains.subject_of(leaf)
    payload_segment = envelope["payload"]
    signing_input = f"{protected_segment}.".encode("ascii") + payload_segment.encode("utf-8")
    try:
        valid = verify_jws_signature(alg, leaf.public_key(), signing_input, signature)
    except (UnsupportedAlgorithmError, AlgorithmKeyMismatchError) as exc:
        return SignatureFinding(FAIL, UNRESOLVED, [f"JAdES: {exc}"], details=details)
    except Exception:  # noqa: BLE001 - a certificate key type cryptography cannot use
        return SignatureFinding(UNKNOWN, UNRESOLVED, ["the sealing certificate's key type is not supported"],
                                unverifiable=True, details=details)
    if not valid:
        return SignatureFinding(FAIL, UNRESOLVED, ["the JAdES signature does not verify with the sealing certificate's key"],
                                details=details)
    result = chains.validate_chain(chain, trust_anchors_of(resolver), as_of)
    if result.chain_subjects:
        details["chain"] = result.chain_subjects
    if result.anchor is not None:
        details["trust_anchor"] = {"subject": result.anchor.subject, "source": result.anchor.source,
                                   "sha256": result.anchor.sha256}
    if result.outcome == FAIL:
        return SignatureFinding(FAIL, UNRESOLVED, [result.reason], details=details)
    if result.outcome == UNKNOWN:
        why = result.reason.replace(f"the certificate chain of {result.subject} ", "its chain ")
        reason = f"the JAdES signature is valid with the key of {result.subject}, but {why}"
        return SignatureFinding(UNKNOWN, UNRESOLVED, [reason], unverifiable=True, details=details)
    issuer = payload.get("issuer") if isinstance(payload.get("issuer"), dict) else {}
    issuer_names = _names(issuer.get("legalName")) | _names(issuer.get("name"))
    cert_names = _certificate_names(leaf)
    if not issuer_names & cert_names:
        shown = sorted(issuer_names)[0] if issuer_names else "(no legalName)"
        reason = (
            f"the JAdES seal is valid and anchored, but its certificate ({result.subject}) is not issued to the "
            f"credential's issuer ({shown}): the seal cannot be tied to the issuer (a seal made on the issuer's behalf, "
            "under a mandate, is not evaluated)"
        )
        details["checks"] = {"issuer_binding": UNKNOWN}
        return SignatureFinding(UNKNOWN, UNRESOLVED, [reason], unverifiable=True, details=details)
    details["controller"] = issuer.get("id")
    return SignatureFinding(PASS, BOUND, [f"sealed by {result.subject}, the issuer; {result.reason}"], details=details)
