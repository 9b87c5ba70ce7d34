"""The verifier: combine proof, key, time and status findings into one :class:`~skillwallet.model.Verdict`.

Dispatch is by what the credential's original bytes are, not only by its declared format:

* JSON-LD credentials (OB 3.0, CLR 2.0, W3C VC, self-attested entries) with Data Integrity proofs:
  :mod:`skillwallet.verify.data_integrity`;
* compact JWS / SD-JWT (VC-JWT, vc+jwt, SD-JWT, OB 3.0 or CLR as JWT) and OB 2.0 signed or hosted
  assertions: :mod:`skillwallet.verify.jose`;
* then validity windows (at ``as_of``) and ``credentialStatus`` (:mod:`skillwallet.verify.status`).

Verdicts: ``verified`` (signature valid, key bound to the issuer), ``self-asserted`` (valid, but the
key is only asserted by the document, or the credential is the holder's own claim), ``invalid`` (a signature or
structural check failed), ``unverifiable`` (a key, context or document needed is not available), ``unsigned``.
Expiry and status do not change the verdict; they decide whether the credential is *in force*.

Verification of a wallet credential is cached by content: the canonical hashes of its proofs are kept in the
wallet (collection ``verify_cache``, key = SHA-256 of the original bytes and the context-index version), so an
unchanged credential is not re-canonicalised; keys, time and status are checked afresh every time.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from datetime import datetime, timezone
from typing import Any

from skillwallet.model import (
    FORMAT_CLR,
    FORMAT_OB2,
    FORMAT_OB3,
    FORMAT_SD_JWT,
    FORMAT_SELF,
    FORMAT_VC,
    FORMAT_VC_JOSE,
    FORMAT_VC_JWT,
    VERDICT_INVALID,
    VERDICT_SELF_ASSERTED,
    VERDICT_UNSIGNED,
    VERDICT_UNVERIFIABLE,
    VERDICT_VERIFIED,
    Credential,
    Issuer,
    Verdict,
    format_datetime,
    parse_datetime,
    utc,
)
from skillwallet.verify.base import BOUND, FAIL, NA, PASS, SELF_ASSERTED, UNKNOWN, SignatureFinding

VERIFY_CACHE = "verify_cache"
#: How deep status-list verification may recurse (a list credential's own status is not followed).
MAX_STATUS_DEPTH = 1
_CACHE_FORMAT = 1


# --------------------------------------------------------------------------------------------------------
# helpers


def _issuer_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def _json_document(original: bytes) -> dict[str, Any] | None:
    text = original.lstrip()
    if not text.startswith((b"{", b"\xef\xbb\xbf{")):
        return None
    try:
        value = json.loads(original.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _jose_claims(original: bytes) -> dict[str, Any] | None:
    """The payload of a compact JWS (or the issuer JWT of an SD-JWT), for dates and status; None if not one."""
    from skillwallet.verify import jose

    text = original.strip()
    if b"~" in text:
        text = text.split(b"~", 1)[0]
    try:
        _, payload, _, _ = jose.decode_compact_jws(text)
        return jose.decode_jwt_payload(payload)
    except Exception:  # malformed tokens are reported by the signature check
        return None


def credential_from_document(document: dict[str, Any], original: bytes | None = None) -> Credential:
    """A minimal :class:`Credential` for a JSON-LD credential met during verification (status lists, the
    credentials inside a presentation): the verifier reads everything else from the original bytes."""
    types = document.get("type")
    types = [types] if isinstance(types, str) else [t for t in (types or []) if isinstance(t, str)]
    fmt = FORMAT_OB3 if any(t in ("OpenBadgeCredential", "AchievementCredential") for t in types) else FORMAT_VC
    if "ClrCredential" in types:
        fmt = FORMAT_CLR
    issuer = document.get("issuer")
    return Credential(
        format=fmt,
        original=original if original is not None else json.dumps(document, ensure_ascii=False).encode("utf-8"),
        credential_id=document.get("id") if isinstance(document.get("id"), str) else None,
        issuer=Issuer(id=_issuer_id(issuer), name=issuer.get("name") if isinstance(issuer, dict) else None),
        types=types,
    )


# --------------------------------------------------------------------------------------------------------
# time


def _dates_from_json(document: dict[str, Any]) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """(not-before fields, expiry fields) a JSON credential states, by name, across VC 2.0, VC 1.1 and OB 2.0."""
    starts = [(k, document[k]) for k in ("validFrom", "issuanceDate", "issuedOn") if k in document]
    ends = [(k, document[k]) for k in ("validUntil", "expirationDate", "expires") if k in document]
    return starts, ends


def _is_ob1(document: dict[str, Any] | None) -> bool:
    """An Open Badges 1.0 / 0.5 assertion (``uid`` and ``verify``, no OB 2.0 or VC context)."""
    if not isinstance(document, dict):
        return False
    from skillwallet.verify.shapes import is_ob1_assertion, is_ob2_document

    return is_ob1_assertion(document) and not is_ob2_document(document)


def check_validity_window(
    cred: Credential, document: dict[str, Any] | None, claims: dict[str, Any] | None, as_of: datetime
) -> tuple[dict[str, str], list[str], dict[str, Any]]:
    """The ``not_before`` and ``expiry`` checks (pass / fail / na) and a ``dates`` check for malformed dates.

    Every window the credential states must hold: VC 2.0 validFrom/validUntil, VC 1.1 issuanceDate/
    expirationDate, OB 2.0 issuedOn/expires, JWT nbf/exp (RFC 7519 §4.1.4-5), and the normalised fields.
    """
    starts: list[tuple[str, Any]] = []
    ends: list[tuple[str, Any]] = []
    if document is not None:
        s, e = _dates_from_json(document)
        starts += s
        ends += e
    if claims is not None:
        if "nbf" in claims:
            starts.append(("nbf", claims["nbf"]))
        if "exp" in claims:
            ends.append(("exp", claims["exp"]))
        vc = claims.get("vc") if isinstance(claims.get("vc"), dict) else claims
        s, e = _dates_from_json(vc)
        starts += s
        ends += e
    if cred.valid_from is not None:
        starts.append(("valid_from", cred.valid_from))
    if cred.expires is not None:
        ends.append(("expires", cred.expires))

    checks: dict[str, str] = {}
    reasons: list[str] = []
    details: dict[str, Any] = {}
    bad = []
    # OB 1.0 DateTime: "Either an ISO 8601 date or a standard 10-digit Unix timestamp" (OB 1.0 Assertion,
    # Primitives); OB 2.0 and the VC data models take strings only.
    numeric = {"nbf", "exp", "iat"} | ({"issuedOn", "expires"} if _is_ob1(document) or _is_ob1(claims) else set())

    def parse(name: str, value: Any) -> datetime | None:
        if isinstance(value, datetime):
            return utc(value)
        if isinstance(value, bool) or value is None:
            bad.append(name)
            return None
        if isinstance(value, (int, float)) and name not in numeric:
            bad.append(name)
            return None
        parsed = parse_datetime(value)
        if parsed is None:
            bad.append(name)
        return parsed

    start_times = [(n, parse(n, v)) for n, v in starts]
    end_times = [(n, parse(n, v)) for n, v in ends]
    start_times = [(n, t) for n, t in start_times if t is not None]
    end_times = [(n, t) for n, t in end_times if t is not None]
    if bad:
        checks["dates"] = FAIL
        reasons.append(f"malformed date in: {', '.join(sorted(set(bad)))}")
    if start_times:
        latest_name, latest = max(start_times, key=lambda nt: nt[1])
        details["valid_from"] = format_datetime(latest)
        if latest > as_of:
            checks["not_before"] = FAIL
            reasons.append(f"not valid until {format_datetime(latest)} ({latest_name})")
        else:
            checks["not_before"] = PASS
    else:
        checks["not_before"] = NA
    if end_times:
        earliest_name, earliest = min(end_times, key=lambda nt: nt[1])
        details["valid_until"] = format_datetime(earliest)
        if earliest <= as_of:
            checks["expiry"] = FAIL
            reasons.append(f"expired on {format_datetime(earliest)} ({earliest_name})")
        else:
            checks["expiry"] = PASS
    else:
        checks["expiry"] = NA
    return checks, reasons, details


# --------------------------------------------------------------------------------------------------------
# the verification cache (content-addressed canonical hashes)


def cache_key(cred: Credential) -> str:
    """Key of a credential's cached canonical hashes: its original bytes and the shipped-context set."""
    from skillwallet.verify.contexts import index_version

    digest = hashlib.sha256()
    digest.update(cred.original)
    digest.update(b"\0" + index_version().encode() + b"\0" + str(_CACHE_FORMAT).encode())
    return digest.hexdigest()


class _HashCache(dict):
    """A dict of canonical hashes that remembers whether it gained entries (so the wallet is written only then)."""

    dirty = False

    def __setitem__(self, key, value):
        if self.get(key) != value:
            self.dirty = True
        super().__setitem__(key, value)


def _load_cache(wallet, key: str) -> _HashCache:
    cache = _HashCache()
    if wallet is None:
        return cache
    try:
        stored = wallet.get(VERIFY_CACHE, key)
    except Exception:  # a cache that cannot be read is only a cache
        stored = None
    if isinstance(stored, dict) and isinstance(stored.get("hashes"), dict):
        dict.update(cache, {k: v for k, v in stored["hashes"].items() if isinstance(v, str)})
    return cache


def _save_cache(wallet, key: str, cache: _HashCache) -> None:
    if wallet is None or not cache.dirty:
        return
    try:
        wallet.put(VERIFY_CACHE, key, {"hashes": dict(cache)})
    except Exception:
        pass  # failing to cache must not fail verification


# --------------------------------------------------------------------------------------------------------
# signatures


def _data_integrity(
    document: dict[str, Any], issuer: str | None, resolver, cache: dict | None, as_of: datetime
) -> SignatureFinding:
    from skillwallet.verify.data_integrity import verify_data_integrity_proofs

    return verify_data_integrity_proofs(document, resolver=resolver, issuer=issuer, canonical_cache=cache, as_of=as_of)


def _jose(cred: Credential, resolver, as_of: datetime | None = None) -> SignatureFinding:
    from skillwallet.verify import jose

    target = cred
    if cred.format not in (FORMAT_VC_JWT, FORMAT_VC_JOSE, FORMAT_SD_JWT, FORMAT_OB2):
        # an OB 3.0 / CLR / VC that arrived as a JWT: check it as the JOSE shape it is
        text = cred.original.strip()
        if b"~" in text:
            fmt = FORMAT_SD_JWT
        else:
            claims = _jose_claims(text) or {}
            fmt = FORMAT_VC_JWT if isinstance(claims.get("vc"), dict) else FORMAT_VC_JOSE
        target = dataclasses.replace(cred, format=fmt)
    try:
        return jose.verify_jose_credential(target, resolver=resolver, as_of=as_of)
    except Exception as exc:  # the JOSE module reports findings; anything raised is a malformed input
        return SignatureFinding(FAIL, reasons=[f"the token could not be checked: {type(exc).__name__}"])


# --------------------------------------------------------------------------------------------------------
# formats secured otherwise than by Data Integrity or a compact JWS


def _wild_family(document: dict[str, Any] | None) -> str | None:
    """``jades`` (a JWS in the JSON serialisation), ``blockcerts-<version>``, or None."""
    if document is None:
        return None
    from skillwallet.verify.shapes import blockcerts_kind, is_jws_json

    if is_jws_json(document):
        return "jades"
    kind = blockcerts_kind(document)
    return f"blockcerts-{kind}" if kind else None


def _verify_wild(family: str, document: dict[str, Any], cred: Credential, issuer, resolver, as_of: datetime):
    """(finding, the credential document the dates and status are read from, the issuer id)."""
    if family == "jades":
        from skillwallet.verify.shapes import jws_json_parts
        from skillwallet.verify.jades import verify_jades

        try:
            payload = json.loads(jws_json_parts(document)[4].decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError):
            payload = None
        if not isinstance(payload, dict):
            return SignatureFinding(FAIL, reasons=["the JAdES payload is not a JSON credential"]), None, issuer
        from skillwallet.verify.jades import NO_VIEW

        # the importer's view of this payload says which issuer name is shown; a minimal credential made here
        # (one inside a presentation) carries no view, and its "issuer" may be the envelope's, signed by nobody
        view = (cred.extra or {}).get("sealed") == "jades"  # set by skillwallet.formats.edc.map_jades
        finding = verify_jades(document, payload, resolver, as_of, shown_issuer=cred.issuer.name if view else NO_VIEW)
        # The issuer is the sealed payload's only: members of the envelope beside it (an "issuer" next to
        # "payload" and "signatures") are signed by nobody (RFC 7515 §7.2.1) and must not choose whose status
        # list answers for the credential.
        return finding, payload, _issuer_id(payload.get("issuer"))
    from skillwallet.verify.blockcerts import verify_blockcerts

    kind = family.split("-", 1)[1]
    inner = document.get("document") if kind == "1.2" else document
    issuer = issuer or cred.issuer.id
    dates = dict(inner) if isinstance(inner, dict) else {}
    if kind == "1.2" and isinstance(dates.get("assertion"), dict):
        dates.update({k: v for k, v in dates["assertion"].items() if k in ("issuedOn", "expires")})
    return verify_blockcerts(document, kind), dates, issuer


# --------------------------------------------------------------------------------------------------------
# the entry points


_VC_TYPE_IRIS = ("VerifiableCredential", "https://www.w3.org/2018/credentials#VerifiableCredential")


def _structure_problem(document: dict[str, Any]) -> str | None:
    """What makes a JSON-LD document not a Verifiable Credential at all (VC Data Model 2.0 §4; 1.1 §4)."""
    types = document.get("type")
    types = [types] if isinstance(types, str) else (types if isinstance(types, list) else [])
    if not any(t in _VC_TYPE_IRIS for t in types):
        return "the document is not typed VerifiableCredential"
    if _issuer_id(document.get("issuer")) is None:
        return "the credential names no issuer (or its issuer has no id)"
    if not isinstance(document.get("credentialSubject"), (dict, list)) or not document.get("credentialSubject"):
        return "the credential has no credentialSubject"
    return None


def _verdict_from(finding: SignatureFinding, cred: Credential, structural_fail: bool) -> str:
    if finding.outcome == FAIL or structural_fail:
        return VERDICT_INVALID
    if finding.outcome == UNKNOWN or finding.unverifiable:
        return VERDICT_UNVERIFIABLE
    if finding.outcome == NA:
        return VERDICT_UNSIGNED
    if finding.binding == BOUND:
        return VERDICT_SELF_ASSERTED if (cred.self_attested or cred.format == FORMAT_SELF) else VERDICT_VERIFIED
    if finding.binding == SELF_ASSERTED:
        return VERDICT_SELF_ASSERTED
    return VERDICT_UNVERIFIABLE


def verify_credential(
    cred: Credential,
    *,
    resolver,
    as_of: datetime,
    wallet=None,
    canonical_cache: dict[str, str] | None = None,
    status_cache: dict | None = None,
    _depth: int = 0,
) -> Verdict:
    """Verify one credential at ``as_of``: signature and issuer binding, validity window, status.

    Never raises for a bad credential. ``wallet`` (optional) holds the canonical-hash cache;
    ``canonical_cache`` adds hashes computed elsewhere (see
    :func:`~skillwallet.verify.data_integrity.precompute_canonical_hashes`). ``status_cache`` (optional, a
    dict the caller keeps for one run) holds verified status list credentials, so a list shared by many
    credentials is verified once. JSON-LD contexts the package does not ship are taken from what the user
    supplied to ``resolver`` (:meth:`~skillwallet.verify.resolver.DocumentResolver.user_context`), and a verdict
    that used one says so (check ``contexts``: ``supplied by you``).
    """
    from skillwallet.verify.jsonld import user_contexts

    with user_contexts(resolver):
        return _verify_credential(
            cred, resolver=resolver, as_of=as_of, wallet=wallet, canonical_cache=canonical_cache,
            status_cache=status_cache, _depth=_depth,
        )


#: The ``contexts`` check of a verdict that read the credential with a JSON-LD context the user supplied.
CONTEXT_SUPPLIED = "supplied by you"


#: What secures the statements a supplied context produces, by proof kind, for the verdict's reason: a
#: signature (Data Integrity, by the issuer or, on a presentation, the holder) or, for Blockcerts, no signature
#: at all but a hash the issuer anchors on a blockchain through a Merkle tree (Blockcerts "Verification process").
COVERED_BY_ISSUER_SIGNATURE = "the issuer's signature"
COVERED_BY_HOLDER_SIGNATURE = "the holder's signature"
COVERED_BY_ANCHORED_HASH = "the certificate's targetHash, which its issuer anchors on a blockchain,"


def _note_user_contexts(verdict: Verdict, documents: list[dict[str, Any]],
                        covered_by: str = COVERED_BY_ISSUER_SIGNATURE) -> None:
    """The user's trust decision, never silent: a context they supplied shapes what the signed or hashed
    statements are (JSON-LD 1.1 §3.1: the context maps the JSON's terms to IRIs), so a verdict that used one says
    so, with the copy's SHA-256. The proof (``covered_by``: a signature, or a Blockcerts certificate's anchored
    hash) still covers the statements; which context produced them is the user's word."""
    supplied = [d for d in documents if d.get("kind") == "context"]
    if not supplied:
        return
    if verdict.checks.get("contexts") in (None, PASS):
        verdict.checks["contexts"] = CONTEXT_SUPPLIED
    for d in supplied:
        how = "given with --document" if d.get("source") == "supplied" else "kept with `documents add`"
        verdict.reasons.append(
            f"context supplied by you: {d.get('url')} ({how}, sha256 {d.get('sha256')}); the credential's fields "
            f"mean what this copy says, which is your choice: {covered_by} covers the statements read with it, "
            "not the copy itself"
        )


def _verify_credential(
    cred: Credential,
    *,
    resolver,
    as_of: datetime,
    wallet=None,
    canonical_cache: dict[str, str] | None = None,
    status_cache: dict | None = None,
    _depth: int = 0,
) -> Verdict:
    as_of = utc(as_of)
    status_lists = {} if status_cache is None else status_cache
    verdict = Verdict(checked_at=datetime.now(timezone.utc))
    checks = verdict.checks
    details = verdict.details
    details["format"] = cred.format
    details["as_of"] = format_datetime(as_of)
    log = getattr(resolver, "log", None)
    log_start = len(log) if isinstance(log, list) else 0

    document = _json_document(cred.original)
    claims = None if document is not None else _jose_claims(cred.original)

    # ---- signature ------------------------------------------------------------------------------
    issuer = _issuer_id(document.get("issuer")) if document is not None else None
    issuer = issuer or cred.issuer.id
    structural_fail = False
    wild = _wild_family(document)
    if wild is not None:
        finding, document, issuer = _verify_wild(wild, document, cred, issuer, resolver, as_of)
    elif cred.format == FORMAT_OB2:
        finding = _jose(cred, resolver, as_of)
    elif document is not None:
        problem = _structure_problem(document)
        if problem:
            checks["structure"] = FAIL
            structural_fail = True
            verdict.reasons.append(problem)
        if cred.issuer.id and _issuer_id(document.get("issuer")) and cred.issuer.id != _issuer_id(document.get("issuer")):
            # the stored view must describe the signed document, not something else
            finding = SignatureFinding(FAIL, reasons=[f"the stored issuer ({cred.issuer.id}) is not the document's ({issuer})"])
        elif document.get("proof") is None:
            finding = SignatureFinding(NA, reasons=["the credential carries no proof"])
        else:
            key = cache_key(cred)
            cache = _load_cache(wallet, key)
            for hash_key, value in (canonical_cache or {}).items():
                cache[hash_key] = value
            finding = _data_integrity(document, issuer, resolver, cache, as_of)
            _save_cache(wallet, key, cache)
            details["contexts_index"] = _context_index_version()
    elif claims is not None or cred.format in (FORMAT_VC_JWT, FORMAT_VC_JOSE, FORMAT_SD_JWT):
        finding = _jose(cred, resolver, as_of)
        if claims is not None and cred.format != FORMAT_SD_JWT:
            vc = claims.get("vc") if isinstance(claims.get("vc"), dict) else claims
            issuer = claims.get("iss") if isinstance(claims.get("iss"), str) else _issuer_id(vc.get("issuer")) or issuer
    else:
        finding = SignatureFinding(FAIL, reasons=["the credential is neither JSON nor a compact JWS"])
    checks["signature"] = finding.outcome
    for name, outcome in (finding.details.get("checks") or {}).items():
        checks[name] = outcome
        if outcome == FAIL:
            structural_fail = True
    if "issuer_binding" not in checks and finding.outcome == PASS:
        checks["issuer_binding"] = {BOUND: PASS, SELF_ASSERTED: SELF_ASSERTED}.get(finding.binding, UNKNOWN)
    verdict.reasons.extend(finding.reasons)
    _note_certificate_revocation(verdict, finding)
    if finding.details.get("proofs"):
        details["proofs"] = finding.details["proofs"]
    if finding.details.get("revocation"):
        details["revocation"] = finding.details["revocation"]
    details["issuer"] = issuer
    details["binding"] = finding.binding

    # ---- time -----------------------------------------------------------------------------------
    time_checks, time_reasons, time_details = check_validity_window(cred, document, claims, as_of)
    checks.update(time_checks)
    verdict.reasons.extend(time_reasons)
    details.update(time_details)
    if time_checks.get("dates") == FAIL:
        structural_fail = True

    # ---- status ---------------------------------------------------------------------------------
    ob2_status = finding.details.get("status")
    token_status = None
    if document is None:  # a JOSE credential: the token status list module is needed only here
        from skillwallet.verify.token_status import status_list_reference

        token_status = status_list_reference(claims)
    if cred.format == FORMAT_OB2 and ob2_status in ("revoked", PASS, "unknown"):
        checks["status"] = ob2_status
    elif token_status is not None:
        # IETF Token Status List: the signed `status` claim of an SD-JWT VC (or another JWT)
        from skillwallet.verify.token_status import check_token_status

        list_issuer = claims.get("iss") if isinstance(claims.get("iss"), str) else issuer
        outcome, status_reasons, status_details = check_token_status(
            token_status, issuer=list_issuer, resolver=resolver, as_of=as_of
        )
        checks["status"] = outcome
        verdict.reasons.extend(status_reasons)
        details["token_status"] = status_details
    else:
        if document is not None:
            entries = document.get("credentialStatus")
        elif claims is not None:
            vc = claims.get("vc") if isinstance(claims.get("vc"), dict) else claims
            entries = vc.get("credentialStatus") or cred.status_entries or None
        else:
            entries = cred.status_entries or None
        if entries and _depth >= MAX_STATUS_DEPTH:
            checks["status"] = "unknown"
            verdict.reasons.append("status of a status list credential is not followed")
        else:
            checks["status"] = _status(entries, issuer, resolver, as_of, wallet, _depth, status_lists, verdict)

    if wild is not None and wild.startswith("blockcerts") and checks.get("status") == NA:
        # Blockcerts revocation lives in the issuer profile's revocationList (or the spent anchor output in 1.2):
        # not checked, online or offline, so not "no status"
        checks["status"] = UNKNOWN
        verdict.reasons.append("status: the issuer's Blockcerts revocation list is not checked (not even online)")
    verdict.verdict = _verdict_from(finding, cred, structural_fail)
    if verdict.verdict == VERDICT_SELF_ASSERTED and finding.binding == BOUND:
        verdict.reasons.append("a self-attested entry: signed with the holder's own key, not by an issuer")
    if isinstance(log, list):
        details["documents"] = _documents_used(log[log_start:], details.pop("_list_documents", []))
        hashed = wild is not None and wild.startswith("blockcerts")  # no signature: a hash anchored on a chain
        _note_user_contexts(
            verdict, details["documents"], COVERED_BY_ANCHORED_HASH if hashed else COVERED_BY_ISSUER_SIGNATURE
        )
    return verdict


#: ``details["certificate_chain"]["revocation"]`` of a verdict that rests on an X.509 chain: nothing asked a CRL
#: or an OCSP responder whether its certificates were revoked.
CERTIFICATE_REVOCATION_NOT_CHECKED = "not checked"


def _note_certificate_revocation(verdict: Verdict, finding: SignatureFinding) -> None:
    """A signature bound to its issuer through an X.509 chain (an ``x5c`` header, a JAdES seal) to a trust anchor
    the user chose: say that the certificates' revocation was not checked, never silently.

    RFC 5280 §6.3 and EN 319 102-1 §5.2.6 make a certificate's revocation status part of validating the chain
    (a CRL, RFC 5280 §5, or an OCSP response, RFC 6960); skillwallet fetches neither, online or offline. The
    verdict stays what the signature, the chain and the anchor make it, as it does for a status list that could
    not be read; the verdict's reasons and ``details["certificate_chain"]`` say what was left out.
    """
    found = finding.details
    if finding.outcome != PASS or finding.binding != BOUND or not isinstance(found.get("trust_anchor"), dict):
        return
    chain = [c for c in (found.get("chain") or [found.get("certificate")]) if isinstance(c, str)]
    record: dict[str, Any] = {
        "certificate": found.get("certificate"),
        "chain": chain,
        "trust_anchor": found["trust_anchor"],
        "revocation": CERTIFICATE_REVOCATION_NOT_CHECKED,
    }
    whose = "the chain"
    stamp = found.get("time_stamp")
    stamped = isinstance(stamp, dict) and bool(stamp.get("tsa"))
    if stamped:
        record["time_stamp_authority"] = stamp["tsa"]
        whose = "the seal's chain or of the time-stamp authority's"
    # CRLs at hand (given, kept, or carried by a JAdES seal: verify/revocation.py) settled some certificates: the
    # finding's reasons already say which, and which were left unchecked; only the time-stamp authority's chain,
    # which those CRLs do not cover, is still to be named
    revocation = found.get("revocation")
    settled = isinstance(revocation, dict) and any(
        isinstance(c, dict) and c.get("status") == "good" for c in revocation.get("certificates") or []
    )
    if settled:
        record["revocation"] = "checked" if revocation.get("checked") else "partly checked"
        whose = "the time-stamp authority's chain" if stamped else ""
    verdict.details["certificate_chain"] = record
    if whose:
        verdict.reasons.append(
            f"not checked: whether any certificate of {whose} has been revoked (CRL / OCSP): skillwallet fetches "
            "no CRL and asks no OCSP responder, online or offline"
        )


def _documents_used(entries, nested) -> list[dict[str, Any]]:
    """Each document this verdict relied on, once, with where it came from (supplied / kept / fetched /
    cached / from-import) and, for a stored copy, when it was stored; a JSON-LD context the user supplied also
    has ``kind`` "context" and its ``sha256``. ``nested``: the documents of status
    lists verified earlier in the run (their verdicts are shared, their documents still count)."""
    seen: dict[str, dict[str, Any]] = {}
    for entry in [*entries, *nested]:
        item = entry if isinstance(entry, dict) else dataclasses.asdict(entry)
        url = item.get("url")
        if isinstance(url, str) and url not in seen:
            seen[url] = {"url": url, "source": item.get("source"), "stored_at": item.get("stored_at")}
            if item.get("kind") == "context":  # the user's copy of a JSON-LD context: which bytes were used
                seen[url].update(kind="context", sha256=item.get("sha256"))
    return list(seen.values())


def _context_index_version() -> str:
    from skillwallet.verify.contexts import index_version

    return index_version()


def _status(entries, issuer, resolver, as_of, wallet, depth, status_lists, verdict: Verdict) -> str:
    if not entries:
        return NA
    from skillwallet.verify import status

    def verify_list(data: bytes, when: datetime) -> Verdict:
        key = hashlib.sha256(data).hexdigest() + "@" + format_datetime(when)
        if key not in status_lists:
            doc = _json_document(data)
            if doc is None:
                # a JOSE-secured list (VC-JWT or vc+jwt): its credential is the payload or its vc claim
                claims = _jose_claims(data) or {}
                doc = claims.get("vc") if isinstance(claims.get("vc"), dict) else claims
                fmt = FORMAT_VC_JWT if isinstance(claims.get("vc"), dict) else FORMAT_VC_JOSE
                issuer_id = claims.get("iss") if isinstance(claims.get("iss"), str) else _issuer_id(doc.get("issuer"))
                cred = Credential(format=fmt, original=data, issuer=Issuer(id=issuer_id))
                if issuer_id and "issuer" not in doc:
                    doc = dict(doc, issuer=issuer_id)
            else:
                cred = credential_from_document(doc, data)
            list_verdict = verify_credential(
                cred, resolver=resolver, as_of=when, wallet=None, _depth=depth + 1, status_cache=status_lists
            )
            list_verdict.details["document"] = doc
            status_lists[key] = list_verdict
        verdict.details.setdefault("_list_documents", []).extend(status_lists[key].details.get("documents") or [])
        return status_lists[key]

    if resolver is None:
        verdict.reasons.append("status: no document resolver to fetch the status list")
        return "unknown"
    result = status.check_status(entries, issuer=issuer, resolver=resolver, as_of=as_of, verify_list=verify_list)
    verdict.reasons.extend(result.reasons)
    verdict.details["status_entries"] = result.entries
    return result.status


def verify_presentation(
    vp,
    *,
    resolver,
    as_of: datetime,
    challenge: str | None = None,
    domain: str | None = None,
) -> tuple[Verdict, list[Verdict]]:
    """Verify a Verifiable Presentation: the holder's proof, ``challenge``/``domain``, holder binding, and every
    credential inside it.

    ``vp`` is a :class:`skillwallet.verify.shapes.Presentation` (what :func:`skillwallet.formats.read_presentation`
    found in a file: JSON-LD, a VC 1.1 JWT with a ``vp`` claim, a ``vp+jwt``, enveloped or not) or a JSON-LD
    presentation object. JSON-LD presentations are secured by Data Integrity proofs (proofPurpose
    ``authentication``, VC Data Integrity §2.1.1); JWT presentations by their JWS, signed by the holder (``iss``),
    with ``nonce`` and ``aud`` standing for the challenge and the domain (VC 1.1 §6.3.1, VC-JOSE-COSE §3.2).

    Returns the presentation's verdict and one verdict per embedded credential (in order). The presentation is
    ``verified`` only when its proof verifies with a key bound to its holder (or, with no holder, a bound key),
    carries the challenge and domain asked for, and every credential whose subject is a DID is the holder's
    (check ``holder_binding``). A presentation without a proof is ``unsigned``, never verified.
    """
    from skillwallet.verify.shapes import Presentation, is_presentation_document

    as_of = utc(as_of)
    if not isinstance(vp, Presentation):
        vp = Presentation(document=vp if isinstance(vp, dict) else {}, form="json-ld")
    verdict = Verdict(checked_at=datetime.now(timezone.utc))
    verdict.details["presentation_format"] = vp.form + (" (enveloped)" if vp.enveloped else "")
    document = vp.document
    if vp.problem is None and not (is_presentation_document(document) or vp.form == "jwt-vp"):
        vp.problem = "the document is not a VerifiablePresentation"
    if vp.form == "jwt-vp" and vp.problem is None and not is_presentation_document(document):
        vp.problem = "the JWT's 'vp' claim is not typed VerifiablePresentation"
    if vp.problem is not None:
        verdict.checks.update(signature=FAIL, holder_binding=UNKNOWN, expiry=NA, not_before=NA, status=NA)
        verdict.details["holder"] = _issuer_id(document.get("holder"))
        verdict.reasons.append(vp.problem)
        verdict.verdict = VERDICT_INVALID
        return verdict, []

    if vp.token is not None:
        finding, holder, structural_fail = _jwt_presentation_proof(vp, verdict, resolver, as_of, challenge, domain)
    else:
        from skillwallet.verify.jsonld import user_contexts

        log = getattr(resolver, "log", None)
        log_start = len(log) if isinstance(log, list) else 0
        with user_contexts(resolver):
            finding, holder, structural_fail = _ld_presentation_proof(
                document, verdict, resolver, as_of, challenge, domain
            )
        if isinstance(log, list):
            _note_user_contexts(verdict, _documents_used(log[log_start:], []), COVERED_BY_HOLDER_SIGNATURE)
    verdict.details["holder"] = holder
    verdict.checks.setdefault("expiry", NA)
    verdict.checks.setdefault("not_before", NA)
    verdict.checks.setdefault("status", NA)

    inner = document.get("verifiableCredential")
    items = [] if inner is None else (inner if isinstance(inner, list) else [inner])
    binding, binding_reasons = _holder_binding(items, holder, finding)
    verdict.checks["holder_binding"] = binding
    verdict.reasons.extend(binding_reasons)
    if binding == FAIL:
        structural_fail = True
    pseudo = Credential(format=FORMAT_VC, original=b"")
    verdict.verdict = _verdict_from(finding, pseudo, structural_fail)

    results: list[Verdict] = []
    status_lists: dict = {}
    presenter = _presenter(holder, finding)
    for item in items:
        result = _verify_embedded(item, resolver=resolver, as_of=as_of, status_lists=status_lists)
        issuer = did_of(result.details.get("issuer"))
        if result.verdict == VERDICT_VERIFIED and presenter is not None and issuer == presenter:
            # issued by the very party presenting it (a holder's own project or degree entry): its signature
            # checks, but it is the holder's own claim, never an issuer's word about them
            result.verdict = VERDICT_SELF_ASSERTED
            result.reasons.append(f"issued by the presentation's holder ({presenter}) about themselves: their own claim")
        results.append(result)
    return verdict, results


def _ld_presentation_proof(document, verdict: Verdict, resolver, as_of, challenge, domain):
    """The Data Integrity proof(s) of a JSON-LD presentation: (finding, holder, structural failure)."""
    from skillwallet.verify.data_integrity import verify_data_integrity_proofs

    holder = _issuer_id(document.get("holder"))
    if document.get("proof") is None:
        finding = SignatureFinding(NA, reasons=["the presentation carries no proof"])
    else:
        finding = verify_data_integrity_proofs(
            document, resolver=resolver, issuer=holder, expected_purpose="authentication", challenge=challenge,
            domain=domain, as_of=as_of,
        )
        if finding.outcome == PASS and holder is None:
            verdict.reasons.append("the presentation names no holder")
    verdict.checks["signature"] = finding.outcome
    structural_fail = False
    for name, outcome in (finding.details.get("checks") or {}).items():
        verdict.checks[name] = outcome
        if outcome == FAIL:
            structural_fail = True
    proofs = document.get("proof")
    proofs = [p for p in (proofs if isinstance(proofs, list) else [proofs]) if isinstance(p, dict)]

    def carried(value: str, field: str) -> str:
        # VC Data Integrity §2.1: every proof must carry the verifier's challenge / domain
        def has(proof):
            got = proof.get(field)
            return value in got if field == "domain" and isinstance(got, list) else got == value

        if not proofs or not all(has(p) for p in proofs):
            return FAIL
        return PASS if finding.outcome == PASS else UNKNOWN

    if challenge is not None:
        verdict.checks["challenge"] = carried(challenge, "challenge")
    if domain is not None:
        verdict.checks["domain"] = carried(domain, "domain")
    verdict.reasons.extend(finding.reasons)
    verdict.details["proofs"] = finding.details.get("proofs", [])
    return finding, holder, structural_fail


def _jwt_presentation_proof(vp, verdict: Verdict, resolver, as_of, challenge, domain):
    """A JWT presentation (VC 1.1 §6.3.1 ``vp`` claim, or VC-JOSE-COSE §3.2 ``vp+jwt``): the holder's JWS.

    ``iss`` is the holder (a ``holder`` in the presentation must agree); the key must be the holder's, for
    ``authentication``; ``nonce`` must be the challenge and ``aud`` name the domain (RFC 7519 §4.1.3);
    ``exp``/``nbf`` bound when the token may be used (RFC 7519 §4.1.4-5).
    """
    from skillwallet.verify import jose

    reasons: list[str] = []
    structural_fail = False
    try:
        header, payload_bytes, signature, signing_input = jose.decode_compact_jws(vp.token)
        claims = jose.decode_jwt_payload(payload_bytes)
    except ValueError as exc:
        finding = SignatureFinding(FAIL, reasons=[f"malformed presentation token: {exc}"])
        verdict.checks["signature"] = FAIL
        verdict.reasons.extend(finding.reasons)
        return finding, _issuer_id(vp.document.get("holder")), True
    iss = claims.get("iss") if isinstance(claims.get("iss"), str) else None
    stated = _issuer_id(vp.document.get("holder"))
    holder = iss or stated
    if iss and stated and iss != stated:
        reasons.append(f"'iss' ({iss}) contradicts the presentation's holder ({stated})")
        structural_fail = True
    if vp.form == "vp+jwt" and ("vp" in claims or "vc" in claims):
        reasons.append("a vp+jwt payload is the presentation; 'vp' and 'vc' claims are forbidden")
        structural_fail = True
    if structural_fail:
        finding = SignatureFinding(FAIL, reasons=reasons, details={"alg": header.get("alg")})
    else:
        finding = jose.check_jws(
            header, signature, signing_input, issuer=holder, resolver=resolver, purpose="authentication",
            issuer_metadata=False,
        )
        if finding.outcome == PASS and holder is None:
            finding.reasons.append("the presentation names no holder")
    verdict.checks["signature"] = finding.outcome
    verdict.checks["proof_purpose"] = PASS if finding.outcome == PASS else (FAIL if structural_fail else UNKNOWN)
    if challenge is not None:
        verdict.checks["challenge"] = PASS if claims.get("nonce") == challenge else FAIL
        if verdict.checks["challenge"] == FAIL:
            verdict.reasons.append("the presentation's nonce is not the challenge expected")
    if domain is not None:
        aud = claims.get("aud")
        verdict.checks["domain"] = PASS if domain in (aud if isinstance(aud, list) else [aud]) else FAIL
        if verdict.checks["domain"] == FAIL:
            verdict.reasons.append("the presentation's aud does not name the domain expected")
    if FAIL in (verdict.checks.get("challenge"), verdict.checks.get("domain")):
        structural_fail = True
    pseudo = Credential(format=FORMAT_VC_JWT, original=b"")
    time_checks, time_reasons, time_details = check_validity_window(pseudo, None, {k: claims[k] for k in ("nbf", "exp") if k in claims}, as_of)
    verdict.checks.update(time_checks)
    verdict.reasons.extend(time_reasons)
    verdict.details.update(time_details)
    if FAIL in (time_checks.get("expiry"), time_checks.get("not_before"), time_checks.get("dates")):
        structural_fail = True  # a presentation token is only good for its window
    verdict.reasons.extend(finding.reasons)
    _note_certificate_revocation(verdict, finding)
    verdict.details["proofs"] = [
        {k: finding.details[k] for k in ("alg", "kid", "key_id", "controller") if k in finding.details}
    ]
    return finding, holder, structural_fail


def did_of(value: Any) -> str | None:
    """The DID of a DID or DID URL (W3C DID Core §3.2: a path, query or fragment follows the DID)."""
    if not isinstance(value, str) or not value.startswith("did:"):
        return None
    for mark in ("#", "?", "/"):
        value = value.split(mark, 1)[0]
    return value


def subject_ids(item: Any) -> list[str]:
    """The ids of an embedded credential's subjects (JSON-LD, VC-JWT ``vc``/``sub``, vc+jwt, SD-JWT ``sub``)."""
    from skillwallet.verify.shapes import as_list, envelope_payload, types_of

    document: Any = None
    claims: dict[str, Any] = {}
    if isinstance(item, str):
        claims = _jose_claims(item.encode("utf-8")) or {}
    elif isinstance(item, dict) and "EnvelopedVerifiableCredential" in types_of(item):
        claims = _jose_claims(envelope_payload(item) or b"") or {}
    elif isinstance(item, dict):
        document = item
    if claims:
        document = claims.get("vc") if isinstance(claims.get("vc"), dict) else claims
    ids = []
    if isinstance(claims.get("sub"), str):
        ids.append(claims["sub"])
    if isinstance(document, dict):
        for subject in as_list(document.get("credentialSubject")):
            if isinstance(subject, dict) and isinstance(subject.get("id"), str):
                ids.append(subject["id"])
    return ids


def _presenter(holder: str | None, finding: SignatureFinding) -> str | None:
    """Who presents: the holder's DID, or with no holder named, the one DID whose key made the proof."""
    presenter = did_of(holder) or holder
    if presenter is None and finding.outcome == PASS:
        controllers = {p.get("controller") for p in finding.details.get("proofs") or [] if isinstance(p, dict)}
        controllers.add(finding.details.get("controller"))
        dids = {did_of(c) for c in controllers} - {None}
        presenter = dids.pop() if len(dids) == 1 else None
    return presenter


def _holder_binding(items: list[Any], holder: str | None, finding: SignatureFinding) -> tuple[str, list[str]]:
    """Is every credential whose subject is a DID the holder's? (pass / fail / na / unknown, with reasons)

    A presentation proves who presents it, not whom its credentials are about: a genuine credential issued to
    ``did:A`` presented by ``did:B`` is someone else's credential. With no holder named, the DID whose key made
    the proof stands for it.
    """
    presenter = _presenter(holder, finding)
    outcome, reasons = NA, []
    for number, item in enumerate(items, 1):
        dids = {d for d in (did_of(s) for s in subject_ids(item)) if d}
        if not dids:
            continue
        if presenter is None:
            if outcome == NA:
                outcome = UNKNOWN
            reasons.append(f"credential {number} is about {sorted(dids)[0]}, and no holder is established")
        elif presenter in dids:
            outcome = PASS if outcome in (NA, PASS) else outcome
        else:
            outcome = FAIL
            reasons.append(f"credential {number} is about {', '.join(sorted(dids))}, not the holder {presenter}")
    return outcome, reasons


def _verify_embedded(item: Any, *, resolver, as_of: datetime, status_lists: dict) -> Verdict:
    """One credential inside a presentation: a JSON-LD object, a compact JWS string, or a VC 2.0
    ``EnvelopedVerifiableCredential`` whose ``id`` is a ``data:`` URL carrying the token."""
    from skillwallet.verify.shapes import types_of

    if isinstance(item, str):
        cred = Credential(format=FORMAT_VC_JWT if "~" not in item else FORMAT_SD_JWT, original=item.encode("utf-8"))
    elif isinstance(item, dict) and "EnvelopedVerifiableCredential" in types_of(item):
        data_url = item.get("id") if isinstance(item.get("id"), str) else ""
        media, _, token = data_url.partition(",")
        if not media.startswith("data:") or not token:
            v = Verdict(verdict=VERDICT_INVALID, checks={"signature": FAIL, "expiry": NA, "not_before": NA, "status": NA})
            v.reasons.append("an enveloped credential without a data: URL")
            return v
        fmt = FORMAT_SD_JWT if "sd-jwt" in media else FORMAT_VC_JOSE
        cred = Credential(format=fmt, original=token.encode("utf-8"))
    elif isinstance(item, dict):
        cred = credential_from_document(copy.deepcopy(item))
    else:
        v = Verdict(verdict=VERDICT_INVALID, checks={"signature": FAIL, "expiry": NA, "not_before": NA, "status": NA})
        v.reasons.append("an embedded credential is neither an object nor a token")
        return v
    if cred.format in (FORMAT_VC_JWT, FORMAT_VC_JOSE):
        # the token's shape decides, not the envelope's media type: a VC 1.1 JWT carries the credential
        # in its "vc" claim (VC Data Model 1.1 §6.3.1), a vc+jwt payload is the credential itself
        claims = _jose_claims(cred.original) or {}
        fmt = FORMAT_VC_JWT if isinstance(claims.get("vc"), dict) else FORMAT_VC_JOSE
        cred = dataclasses.replace(cred, format=fmt)
        vc = claims.get("vc") if isinstance(claims.get("vc"), dict) else claims
        cred.issuer = Issuer(id=claims.get("iss") if isinstance(claims.get("iss"), str) else _issuer_id(vc.get("issuer")))
    return verify_credential(cred, resolver=resolver, as_of=as_of, status_cache=status_lists)


def unrequested_audience_note(vp, challenge: str | None, domain: str | None) -> str | None:
    """What a verifier that asked for no challenge must be told about a presentation, or None when it asked.

    A challenge is what binds a presentation to one request (VC Data Integrity §2.1, ``challenge`` and ``domain``;
    a JWT's ``nonce`` and ``aud``, RFC 7519 §4.1.3): without the verifier's own, a presentation sent to someone
    else, or taken from another person's resume, verifies just the same. The values it carries are named as
    written (unchecked), so a reader sees whom it was made for.
    """
    if challenge is not None:
        return None
    carried: list[str] = []
    if vp.token is not None:
        import base64
        import json

        try:
            part = vp.token.split(".")[1]
            claims = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
        except (IndexError, ValueError):
            claims = {}
        claims = claims if isinstance(claims, dict) else {}
        pairs = [("challenge", claims.get("nonce")), ("domain", claims.get("aud"))]
    else:
        proofs = vp.document.get("proof") if isinstance(vp.document, dict) else None
        proofs = [p for p in (proofs if isinstance(proofs, list) else [proofs]) if isinstance(p, dict)]
        pairs = [(field, p.get(field)) for p in proofs for field in ("challenge", "domain")]
    for field, value in pairs:
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, str) and one and f"{field} {one}" not in carried:
                carried.append(f"{field} {one}")
    made_for = f"its proof carries {', '.join(carried)}" if carried else "its proof carries no challenge"
    asked = f" (the --domain given is {domain})" if domain else ""
    return (f"no --challenge given{asked}: nothing shows this presentation was made for you; {made_for}. A copy of "
            "one sent elsewhere, or of another person's resume, verifies the same: ask for one made with your "
            "--challenge and --domain")
