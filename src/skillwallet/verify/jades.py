"""JAdES seals (ETSI TS 119 182-1): a JWS in the JSON serialisation with the sealing certificate chain in ``x5c``.

Europass European Digital Credentials are sealed this way. Checked, in order:

1. the envelope (RFC 7515 §7.2) and its protected header: a supported asymmetric ``alg``; a well-formed ``crit``
   (RFC 7515 §4.1.11, see :func:`crit_problem`) naming only header parameters understood here (the JAdES
   parameters below are informational for this check, ``b64`` is RFC 7797); a detached payload (``sigD``)
   cannot be checked from the file; the certificate that seals: the x5c of the protected header, or of the
   unprotected one when a signed reference (``x5t#S256``, ``x5t#o``, ``sigX5ts``) names its leaf; a signed
   reference to another certificate is ``invalid``;
2. the signature over ``ASCII(protected) || '.' || payload`` (the payload as is when ``b64`` is false, RFC 7797
   §3) with the leaf certificate's key;
3. the certificate chain, validated at the as-of date up to a trust anchor the user supplies
   (:mod:`skillwallet.verify.x509`): broken is ``invalid``, unanchored ``unverifiable``, naming the leaf subject;
   a certificate outside its validity period at the as-of date is ``unverifiable`` (EN 319 102-1
   OUT_OF_BOUNDS_NO_POE: nothing proves the seal was made while it was valid);
4. when a certificate is outside its validity period at the as-of date, a signature time-stamp (``sigTst`` in
   the unsigned header ``etsiU``, an RFC 3161 token over the base64url JWS signature value, ETSI TS 119 182-1
   §5.3.4) from a time-stamping authority chaining to the user's anchors (:mod:`skillwallet.verify.timestamps`)
   that dates the seal inside the chain's validity period: the chain is then validated at that time (EN 319
   102-1: a proof of existence before the expiry). Without one, ``unverifiable``; a token that proves nothing
   is reported and changes nothing;
5. revocation (:mod:`skillwallet.verify.revocation`), from the CRLs at hand: those the user gave for the
   certificates' distribution points and those the seal carries in ``etsiU`` ``rVals`` (ETSI TS 119 182-1
   §5.3.5.3; ``ocspVals`` are not read, and said so). A certificate revoked at or before the time of interest is
   ``invalid``, on hold ``unverifiable``, unless a signature time-stamp proves the seal existed before the
   revocation date (EN 319 102-1: a proof of existence before the revocation time); never fetched;
6. the binding of the certificate to the issuer the credential names: the certificate's organisation (or common
   name) must be the issuer name the wallet shows for the credential (for a European Digital Credential its
   English ``legalName``: :func:`skillwallet.formats.edc.edc_view`). Any other of the issuer's names will not
   do: a seal of "Attacker Org" over a credential shown as issued by "Test University", whose ``legalName`` also
   lists "Attacker Org" in another language, is the attacker's seal. Otherwise the seal is someone else's: the
   credential is not ``verified`` (unverifiable, both names given).
"""

from __future__ import annotations

from dataclasses import dataclass
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
    anchors = trust_anchors_of(resolver)
    result = chains.validate_chain(chain, anchors, as_of)
    if result.chain_subjects:
        details["chain"] = result.chain_subjects
    if result.anchor is not None:
        details["trust_anchor"] = {"subject": result.anchor.subject, "source": result.anchor.source,
                                   "sha256": result.anchor.sha256}
    if result.outcome == FAIL:
        return SignatureFinding(FAIL, UNRESOLVED, [result.reason], details=details)
    proof = None
    if result.outcome == UNKNOWN and result.outside:
        proof, problems = _proof_of_existence(unprotected, signature_segment, chain, anchors, as_of)
        if proof is None:
            reason = (f"the JAdES signature is valid with the key of {result.subject}, but "
                      f"{chains.outside_reason(result, 'seal')}")
            return SignatureFinding(UNKNOWN, UNRESOLVED, [reason, *problems], unverifiable=True, details=details)
        result = proof.chain
        details["chain"] = result.chain_subjects
        details["time_stamp"] = {"gen_time": proof.when, "tsa": proof.tsa, "trust_anchor": proof.tsa_anchor}
        if result.anchor is not None:
            details["trust_anchor"] = {"subject": result.anchor.subject, "source": result.anchor.source,
                                       "sha256": result.anchor.sha256}
    if result.outcome == UNKNOWN:
        why = result.reason.replace(f"the certificate chain of {result.subject} ", "its chain ")
        reason = f"the JAdES signature is valid with the key of {result.subject}, but {why}"
        return SignatureFinding(UNKNOWN, UNRESOLVED, [reason], unverifiable=True, details=details)
    # Revocation (EN 319 102-1: the status of each certificate of the path, from the revocation data at hand):
    # CRLs the user gave for the certificates' distribution points, and those the seal carries in rVals.
    from skillwallet.verify import revocation

    embedded, revocation_notes = _revocation_values(unprotected)
    status = revocation.check_revocation(result.path, as_of, resolver, embedded)
    details["revocation"] = status.to_details()
    defeating = status.defeating(proof.gen_time if proof is not None else as_of)
    stood: list[str] = []
    if defeating is not None:
        # EN 319 102-1 (past signature validation): a revoked certificate does not defeat a seal proven to
        # exist before the revocation date, by a time-stamp the user's anchors vouch for.
        earlier, problems = _proof_of_existence(unprotected, signature_segment, chain, anchors, as_of,
                                                before=defeating.revoked_at)
        if earlier is not None and status.defeating(earlier.gen_time) is None:
            proof, result = earlier, earlier.chain
            details["chain"] = result.chain_subjects
            details["time_stamp"] = {"gen_time": proof.when, "tsa": proof.tsa, "trust_anchor": proof.tsa_anchor}
            stood.append(f"{revocation.listed_wording(defeating)}: after the time-stamp that proves the seal")
        else:
            listed = revocation.listed_wording(defeating)
            notes = [*problems, *revocation_notes]
            if defeating.status == revocation.REVOKED:
                return SignatureFinding(FAIL, UNRESOLVED, [f"the JAdES seal is made with a revoked certificate: "
                                                           f"{listed}", *notes], details=details)
            reason = f"the JAdES signature is valid with the key of {result.subject}, but {listed}"
            return SignatureFinding(UNKNOWN, UNRESOLVED, [reason, *notes], unverifiable=True, details=details)
    revocation_reasons = [*stood, *revocation.checked_wording(details["revocation"]), *revocation_notes]
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
        return SignatureFinding(UNKNOWN, UNRESOLVED, [reason, *revocation_reasons], unverifiable=True, details=details)
    details["controller"] = issuer.get("id")
    if proof is not None:
        reason = (f"sealed by {result.subject}, the issuer; sealed before {proof.when}, proven by a time-stamp from "
                  f"{proof.tsa}; at that time {result.reason}")
        return SignatureFinding(PASS, BOUND, [reason, *revocation_reasons], details=details)
    return SignatureFinding(PASS, BOUND, [f"sealed by {result.subject}, the issuer; {result.reason}",
                                          *revocation_reasons], details=details)


#: Time-stamp tokens read from one signature: real JAdES signatures carry one or two.
MAX_TIME_STAMPS = 8


@dataclass
class _Proof:
    """A signature time-stamp that dates the seal inside its certificate's validity period."""

    when: str  # genTime, ISO 8601 UTC
    gen_time: datetime
    tsa: str  # the TSA certificate's subject
    tsa_anchor: str  # the subject of the trust anchor the TSA chains to
    chain: Any  # x509.ChainResult of the seal's chain at genTime (PASS)


def _proof_of_existence(
    unprotected: dict[str, Any], signature_segment: str, chain: list[Any], anchors: list[Any], as_of: datetime,
    *, before: datetime | None = None,
) -> tuple[_Proof | None, list[str]]:
    """A signature time-stamp (``sigTst``) that proves the seal existed while its chain was valid, or None and
    what each token found (EN 319 102-1 §5.6.2: a proof of existence of the signature before the certificate's
    expiry; here only a time-stamp token the user's anchors vouch for counts). ``before``: the proof must also
    date the seal before this time (a certificate's revocation)."""
    tokens, problems = _signature_time_stamps(unprotected)
    if not tokens:
        return None, problems
    from skillwallet.verify import x509 as chains
    from skillwallet.verify.base import PASS as CHAIN_PASS
    from skillwallet.verify.timestamps import check_time_stamp, format_time

    # ETSI TS 119 182-1 §5.3.4: "The input of the message imprint computation for the time-stamp tokens
    # encapsulated by sigTst JSON object shall be the base64url-encoded JWS Signature Value", as it stands in
    # the JWS (the ASCII of the signature member).
    covered = signature_segment.encode("ascii")
    for token in tokens:
        check = check_time_stamp(token, covered, anchors)
        if not check.ok:
            problems.append(f"a signature time-stamp proves nothing: {check.problem}")
            continue
        when = format_time(check.gen_time)
        if check.gen_time > as_of:
            problems.append(f"the signature time-stamp from {check.tsa} is dated {when}, after the as-of date")
            continue
        if before is not None and check.gen_time >= before:
            problems.append(
                f"the signature time-stamp from {check.tsa} dates the seal at {when}, not before the revocation on "
                f"{format_time(before)}"
            )
            continue
        at = chains.validate_chain(chain, anchors, check.gen_time)
        if at.outcome == CHAIN_PASS:
            anchor = check.anchor.subject if check.anchor is not None else ""
            return _Proof(when, check.gen_time, check.tsa, anchor, at), problems
        if at.outside == "expired":
            # A time-stamp shows the seal existed at genTime, not that it was made then: one made after the
            # certificate expired proves nothing either way (anyone may time-stamp a signature at any time).
            problems.append(
                f"the signature time-stamp from {check.tsa} dates the seal at {when}, after its certificate "
                f"expired on {at.valid_until.date().isoformat()}: it proves only that the seal existed then"
            )
        else:
            problems.append(f"the signature time-stamp from {check.tsa} ({when}) proves nothing: at that time {at.reason}")
    return None, problems


def _etsi_u_members(unprotected: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The JSON-object members of the unsigned ``etsiU`` header, and what could not be read.

    ``etsiU`` is an array whose elements are all JSON objects in clear or all base64url-encoded JSON objects
    (ETSI TS 119 182-1 §5.3.1); a header that breaks this gives no member."""
    import json

    from skillwallet.verify.keys import b64url_decode

    etsi_u = unprotected.get("etsiU")
    if etsi_u is None:
        return [], []
    if not isinstance(etsi_u, list):
        return [], ["the unsigned JAdES header etsiU is not an array (ETSI TS 119 182-1 §5.3.1)"]
    if any(isinstance(e, str) for e in etsi_u) and any(not isinstance(e, str) for e in etsi_u):
        return [], ["the unsigned JAdES header etsiU mixes clear and base64url-encoded members (ETSI TS 119 182-1 §5.3.1)"]
    members: list[dict[str, Any]] = []
    problems: list[str] = []
    for element in etsi_u:
        if isinstance(element, str):
            try:
                element = json.loads(b64url_decode(element))
            except (ValueError, UnicodeDecodeError):
                problems.append("a member of the unsigned JAdES header etsiU is not base64url JSON")
                continue
        if isinstance(element, dict):
            members.append(element)
    return members, problems


def _base64_values(entries: list[Any], what: str, clause: str) -> tuple[list[bytes], list[str]]:
    """The DER values of ``[{"val": <base64>}, ...]`` (the JAdES containers of time-stamp tokens and of revocation
    values), and one problem for each that is not base64 (``what``: whose values; ``clause``: where defined)."""
    import base64
    import binascii

    values: list[bytes] = []
    problems: list[str] = []
    for entry in entries:
        value = entry.get("val") if isinstance(entry, dict) else None
        try:
            if not isinstance(value, str):
                raise ValueError
            values.append(base64.b64decode(value, validate=True))
        except (binascii.Error, ValueError):
            problems.append(f"{what} is not base64 (ETSI TS 119 182-1 {clause})")
    return values, problems


def _signature_time_stamps(unprotected: dict[str, Any]) -> tuple[list[bytes], list[str]]:
    """The DER tokens of the ``sigTst`` members of the unsigned ``etsiU`` header (ETSI TS 119 182-1 §5.3.1,
    §5.3.4), and what could not be read: a ``sigTst`` is a tstContainer,
    ``{"tstTokens": [{"val": <base64 DER TimeStampToken>}, ...]}``."""
    members, problems = _etsi_u_members(unprotected)
    tokens: list[bytes] = []
    for member in members:
        if "sigTst" not in member:
            continue
        container = member["sigTst"]
        entries = container.get("tstTokens") if isinstance(container, dict) else None
        if not isinstance(entries, list) or not entries:
            problems.append("a JAdES sigTst holds no tstTokens (ETSI TS 119 182-1 §5.3.4)")
            continue
        read, bad = _base64_values(entries, "a JAdES sigTst token", "§5.3.4")
        tokens += read
        problems += bad
    if len(tokens) > MAX_TIME_STAMPS:
        return [], [f"the JAdES signature carries more than {MAX_TIME_STAMPS} time-stamps"]
    return tokens, problems


def _revocation_values(unprotected: dict[str, Any]) -> tuple[list[bytes], list[str]]:
    """The DER CRLs of the ``rVals`` members of the unsigned ``etsiU`` header (ETSI TS 119 182-1 §5.3.5.3:
    ``{"crlVals": [{"val": <base64 DER CRL>}, ...], "ocspVals": [...]}``), and what was not read.

    Unsigned, so anyone may have put them there; a CRL is used only when its issuing CA's signature verifies
    (:mod:`skillwallet.verify.revocation`), so it is the CA's word whoever carried it. OCSP responses
    (``ocspVals``) are not read: said so, and they settle nothing. A malformed ``etsiU`` is reported with the
    time-stamps (:func:`_signature_time_stamps`)."""
    from skillwallet.verify.revocation import MAX_EMBEDDED_CRLS

    members, _ = _etsi_u_members(unprotected)
    crls: list[bytes] = []
    notes: list[str] = []
    for member in members:
        if "rVals" not in member:
            continue
        values = member["rVals"]
        if not isinstance(values, dict):
            notes.append("the JAdES rVals is not a JSON object (ETSI TS 119 182-1 §5.3.5.3)")
            continue
        if values.get("ocspVals"):
            notes.append("the OCSP responses the seal carries (rVals ocspVals) are not read")
        entries = values.get("crlVals") or []
        if not isinstance(entries, list):
            notes.append("the JAdES rVals crlVals is not an array (ETSI TS 119 182-1 §5.3.5.3)")
            continue
        read, bad = _base64_values(entries, "a CRL of the JAdES rVals", "§5.3.5.3")
        crls += read
        notes += bad
    if len(crls) > MAX_EMBEDDED_CRLS:
        return [], [f"the JAdES signature carries more than {MAX_EMBEDDED_CRLS} CRLs: none is read"]
    return crls, notes
