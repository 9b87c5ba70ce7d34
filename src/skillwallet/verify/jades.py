"""JAdES seals (ETSI TS 119 182-1): a JWS in the JSON serialisation with the sealing certificate chain in ``x5c``.

Europass European Digital Credentials are sealed this way. Checked, in order:

1. the envelope (RFC 7515 §7.2) and its protected header: a supported asymmetric ``alg``; ``crit`` naming only
   header parameters understood here (RFC 7515 §4.1.11: the JAdES parameters below are informational for this
   check, ``b64`` is RFC 7797); a detached payload (``sigD``) cannot be checked from the file;
   the certificate that seals: the x5c of the protected header, or of the unprotected one when a signed reference
   (``x5t#S256``, ``x5t#o``, ``sigX5ts``) names its leaf; a signed reference to another certificate is ``invalid``;
2. the signature over ``ASCII(protected) || '.' || payload`` (the payload as is when ``b64`` is false, RFC 7797
   §3) with the leaf certificate's key;
3. the certificate chain, validated at the as-of date up to a trust anchor the user supplies
   (:mod:`skillwallet.verify.x509`): broken is ``invalid``, unanchored ``unverifiable``, naming the leaf subject;
4. the binding of the certificate to the issuer the credential names: the certificate's organisation (or common
   name) must be the issuer name the wallet shows for the credential (for a European Digital Credential its
   English ``legalName``: :func:`skillwallet.formats.edc.edc_view`). Any other of the issuer's names will not
   do: a seal of "Attacker Org" over a credential shown as issued by "Test University", whose ``legalName`` also
   lists "Attacker Org" in another language, is the attacker's seal. Otherwise the seal is someone else's: the
   credential is not ``verified`` (unverifiable, both names given).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from skillwallet.verify.base import BOUND, FAIL, PASS, UNKNOWN, UNRESOLVED, SignatureFinding

#: ``crit`` members understood: RFC 7797 ``b64``, and JAdES header parameters that carry information about the
#: signature (time, certificate references, policy, commitments, timestamps) without changing what is signed.
UNDERSTOOD_CRIT = frozenset(
    {"b64", "sigT", "x5t#o", "sigX5ts", "srCms", "sigPl", "srAts", "adoTst", "sigPId", "cty", "etsiU"}
)


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


#: JAdES digest algorithm identifiers of ``x5t#o`` / ``sigX5ts`` (ETSI TS 119 182-1 §5.2.2: S256, S384, S512).
_DIGESTS = {"S256": "sha256", "S384": "sha384", "S512": "sha512"}


def _certificate_references(header: dict[str, Any], leaf: Any) -> tuple[str | None, bool]:
    """(why a signed certificate reference names another certificate than ``leaf`` or cannot be read, whether one
    names ``leaf``): ``x5t#S256`` (RFC 7515 §4.1.8), ``x5t#o`` and ``sigX5ts`` (ETSI TS 119 182-1 §5.2.2), all
    from the protected header. Every reference given must be the leaf's (``sigX5ts`` lists the signing
    certificate among others: one entry must be)."""
    import hashlib

    from cryptography.hazmat.primitives.serialization import Encoding

    from skillwallet.verify.keys import b64url_decode

    der = leaf.public_bytes(Encoding.DER)

    def names_leaf(reference: Any, what: str) -> bool | str:
        if not isinstance(reference, dict) or reference.get("digAlg") not in _DIGESTS:
            return f"the signed certificate reference {what} is not a digest skillwallet reads"
        try:
            value = b64url_decode(str(reference.get("digVal", "")).rstrip("="))
        except ValueError:
            return f"the signed certificate reference {what} is not base64url"
        return value == hashlib.new(_DIGESTS[reference["digAlg"]], der).digest()

    referenced = False
    if "x5t#S256" in header:
        matched = names_leaf({"digAlg": "S256", "digVal": header["x5t#S256"]}, "x5t#S256")
        if matched is not True:
            return matched or "the signed header's x5t#S256 names another certificate than the sealing one", False
        referenced = True
    if "x5t#o" in header:
        matched = names_leaf(header["x5t#o"], "x5t#o")
        if matched is not True:
            return matched or "the signed header's x5t#o names another certificate than the sealing one", False
        referenced = True
    if "sigX5ts" in header:
        entries = header["sigX5ts"] if isinstance(header["sigX5ts"], list) else [None]
        answers = [names_leaf(entry, "sigX5ts") for entry in entries]
        problems = [a for a in answers if isinstance(a, str)]
        if problems:
            return problems[0], False
        if True not in answers:
            return "the signed header's sigX5ts does not name the sealing certificate", False
        referenced = True
    return None, referenced


#: ``shown_issuer`` of :func:`verify_jades` when no view of the credential says which issuer name is shown.
NO_VIEW = object()


def verify_jades(
    envelope: dict[str, Any], payload: dict[str, Any], resolver: Any, as_of: datetime, *, shown_issuer: Any = NO_VIEW
) -> SignatureFinding:
    """Check a JAdES seal (see the module docstring); ``shown_issuer`` is the issuer name the wallet shows for the
    credential (from the importer's view of this very payload), which the sealing certificate must name. Without
    a view (:data:`NO_VIEW`: a credential met inside a presentation), every name the sealed payload gives its
    issuer must be the certificate's, since any of them could be the one a reader takes."""
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
    crit = header.get("crit") or []
    if not isinstance(crit, list) or any(not isinstance(c, str) or c not in header for c in crit):
        return SignatureFinding(FAIL, UNRESOLVED, ["the JAdES 'crit' header is malformed (RFC 7515 §4.1.11)"],
                                details=details)
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
    mismatch, referenced = _certificate_references(header, leaf)
    if mismatch:
        return SignatureFinding(FAIL, UNRESOLVED, [mismatch], details=details)
    if "x5c" not in header and not referenced:
        # An unsigned x5c can be replaced by anyone with another certificate of the same key (another subject,
        # another CA): only a signed reference ties the seal to this certificate.
        reason = (
            "the sealing certificate is only in the unprotected header and no signed certificate reference "
            "(x5t#S256, x5t#o, sigX5ts) names it: the signature does not say whose certificate it is"
        )
        return SignatureFinding(UNKNOWN, UNRESOLVED, [reason], unverifiable=True, details=details)
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
    # ETSI TS 119 182-1 ties a seal to the organisation its certificate names; what the wallet shows as the
    # issuer is what the user relies on, so that name (not any of the issuer's names) must be the certificate's.
    cert_names = _certificate_names(leaf)
    if shown_issuer is NO_VIEW:
        issuer_names = _names([issuer.get(k) for k in ("legalName", "name", "prefLabel")])
        bound = bool(issuer_names) and issuer_names <= cert_names
        shown_issuer = ", ".join(sorted(issuer_names))
    else:
        issuer_names = _names(shown_issuer)
        bound = bool(issuer_names & cert_names)
    if not bound:
        shown = shown_issuer or "(no issuer name)"
        reason = (
            f"the JAdES seal is valid and anchored, but its certificate ({result.subject}) is not issued to the "
            f"credential's issuer ({shown}): the seal cannot be tied to the issuer (a seal made on the issuer's behalf, "
            "under a mandate, is not evaluated)"
        )
        details["checks"] = {"issuer_binding": UNKNOWN}
        return SignatureFinding(UNKNOWN, UNRESOLVED, [reason], unverifiable=True, details=details)
    details["controller"] = issuer.get("id")
    return SignatureFinding(PASS, BOUND, [f"sealed by {result.subject}, the issuer; {result.reason}"], details=details)
