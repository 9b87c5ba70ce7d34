"""Verify JOSE-secured credentials: VC 1.1 JWT, VC-JOSE ``vc+jwt``, SD-JWT, and Open Badges 2.0.

Every check ends in a :class:`~skillwallet.verify.base.SignatureFinding`; nothing here raises for a bad
credential. Signatures are verified directly with ``cryptography`` (RFC 7515 §5.2, RFC 7518 §3, RFC 8037
§3.1): the ``alg`` must match the key type, ``none`` and HMAC algorithms are refused, JOSE ECDSA
signatures are raw ``r||s`` (RFC 7518 §3.4), ``crit`` headers are refused because none is understood
(RFC 7515 §4.1.11), and unencoded payloads (``b64: false``, RFC 7797) are refused.

Issuer binding: the key named by ``kid`` (or the issuer DID itself) is resolved with
:func:`skillwallet.verify.keys.resolve_verification_method`; its controller must be the credential's
issuer. A key carried in the JWS header (``jwk``) is only self-asserted.

Open Badges 2.0 (OB 2.0 §Verification): signed assertions are compact JWS whose key document
(``verification.creator``) must be owned by the issuer profile, which lists it in ``publicKey``; the
issuer's ``revocationList`` is consulted when available. Hosted assertions are fetched from their ``id``
through the document resolver and compared. Offline, both are "unknown", never verified.
"""

from __future__ import annotations

import hashlib
import json
import re
import urllib.parse
from datetime import datetime
from typing import Any

from skillwallet.errors import DocumentUnavailableError
from skillwallet.model import FORMAT_OB2, FORMAT_SD_JWT, FORMAT_VC_JOSE, FORMAT_VC_JWT, Credential
from skillwallet.verify.base import (
    BOUND,
    FAIL,
    NA,
    PASS,
    SELF_ASSERTED,
    UNKNOWN,
    UNRESOLVED,
    KeyResolutionError,
    ResolvedKey,
    SignatureFinding,
)
from skillwallet.verify.keys import (
    b64url_decode,
    b64url_encode,
    public_key_from_jwk,
    resolve_verification_method,
)

#: Asymmetric JWS algorithms verified (RFC 7518 §3.1, RFC 8037 §3.1, RFC 8812 §3.2 for ES256K).
SUPPORTED_ALGORITHMS = frozenset(
    {"EdDSA", "Ed25519", "ES256", "ES384", "ES512", "ES256K"}
    | {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
)
#: SD-JWT digest algorithms (IANA "Named Information Hash Algorithm" names, RFC 9901 §4.1.1).
SD_HASHES = {
    "sha-256": hashlib.sha256,
    "sha-384": hashlib.sha384,
    "sha-512": hashlib.sha512,
    "sha3-256": hashlib.sha3_256,
}
#: SD-JWT VC (draft-ietf-oauth-sd-jwt-vc, §3.2.2.2 "Registered JWT Claims"): "The following registered JWT claims
#: are used within the SD-JWT component of the SD-JWT VC and MUST NOT be included in the Disclosures, i.e., cannot
#: be selectively disclosed: iss, nbf, exp, cnf, vct, vct#integrity, status". (``sub`` and ``iat`` MAY be
#: disclosed; skillwallet still reads the issue date only from the signed payload.) A holder who could withhold
#: them could hide an expiry or a revocation entry, and a verifier reading ``iss`` from a disclosure would bind
#: the signing key to a name the signature does not carry.
SD_JWT_VC_NON_DISCLOSABLE = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
#: The same for a W3C credential secured as an SD-JWT (VC-JOSE-COSE, "Securing with SD-JWT"): ``@context``,
#: ``type`` and ``credentialStatus`` must stay in the clear there, and the issuer and validity window are what
#: ``iss``/``nbf``/``exp`` are to an SD-JWT VC. Checked at the top of the credential (the payload, or its ``vc``).
VC_NON_DISCLOSABLE = frozenset(
    {"@context", "type", "issuer", "validFrom", "validUntil", "issuanceDate", "expirationDate", "credentialStatus"}
)
MAX_TOKEN_BYTES = 1024 * 1024
MAX_DISCLOSURES = 1000
_B64URL_SEGMENT = re.compile(r"^[A-Za-z0-9_-]*$")


class MalformedJwsError(ValueError):
    """The text is not a well-formed compact JWS (RFC 7515 §7.1)."""


class UnsupportedAlgorithmError(ValueError):
    """The ``alg`` is refused (``none``, HMAC) or unknown."""


class AlgorithmKeyMismatchError(ValueError):
    """The ``alg`` does not fit the key type (e.g. ES256 with an Ed25519 key)."""


def _fail(reason: str, details: dict[str, Any] | None = None) -> SignatureFinding:
    """A failed check whose key binding was not established."""
    return SignatureFinding(FAIL, UNRESOLVED, [reason], details=details or {})


def _unknown(reason: str, details: dict[str, Any] | None = None) -> SignatureFinding:
    """A check that could not run: a key, document or algorithm is not available (never "valid")."""
    return SignatureFinding(UNKNOWN, UNRESOLVED, [reason], unverifiable=True, details=details or {})


# --------------------------------------------------------------------------------------------------
# compact JWS


def decode_compact_jws(text: str | bytes) -> tuple[dict[str, Any], bytes, bytes, bytes]:
    """Split a compact JWS into ``(header, payload_bytes, signature, signing_input)``.

    Strict: exactly three base64url segments without padding, the header a JSON object with a string
    ``alg``, a non-empty signature. Raises :class:`MalformedJwsError` (a ``ValueError``).
    """
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError:
            raise MalformedJwsError("a compact JWS is ASCII text") from None
    if not isinstance(text, str):
        raise MalformedJwsError("a compact JWS is text")
    token = text.strip()
    if len(token) > MAX_TOKEN_BYTES:
        raise MalformedJwsError("the JWS is too large")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedJwsError(f"a compact JWS has three dot-separated parts, not {len(parts)}")
    header_b64, payload_b64, signature_b64 = parts
    for name, segment in (("header", header_b64), ("payload", payload_b64), ("signature", signature_b64)):
        if not _B64URL_SEGMENT.match(segment):
            raise MalformedJwsError(f"the JWS {name} is not base64url")
    if not header_b64:
        raise MalformedJwsError("the JWS header is empty")
    if not signature_b64:
        raise MalformedJwsError("the JWS has no signature")
    try:
        header = json.loads(b64url_decode(header_b64).decode("utf-8"))
        payload = b64url_decode(payload_b64)
        signature = b64url_decode(signature_b64)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedJwsError(f"the JWS does not decode: {exc}") from None
    if not isinstance(header, dict):
        raise MalformedJwsError("the JWS header is not a JSON object")
    if not isinstance(header.get("alg"), str) or not header["alg"]:
        raise MalformedJwsError("the JWS header has no 'alg'")
    signing_input = f"{header_b64}.{payload_b64}".encode("ascii")
    return header, payload, signature, signing_input


def decode_jwt_payload(payload: bytes) -> dict[str, Any]:
    """The JWT claims set: a JSON object (RFC 7519 §7.2 step 10). Raises :class:`MalformedJwsError`."""
    try:
        claims = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise MalformedJwsError("the JWS payload is not JSON") from None
    if not isinstance(claims, dict):
        raise MalformedJwsError("the JWS payload is not a JSON object")
    return claims


def header_problems(header: dict[str, Any]) -> list[str]:
    """Reasons the protected header is refused before any key is looked at."""
    problems = []
    alg = header.get("alg")
    if not isinstance(alg, str) or alg.lower() == "none":
        problems.append("the JWS is unsecured (alg 'none')")
    elif alg.upper().startswith("HS"):
        problems.append(f"alg {alg} is a shared-secret MAC, not an issuer signature")
    elif alg not in SUPPORTED_ALGORITHMS:
        problems.append(f"unsupported JWS algorithm {alg!r}")
    if header.get("b64") is False:
        problems.append("unencoded payloads (b64: false, RFC 7797) are not accepted")
    if "crit" in header:
        # RFC 7515 §4.1.11: reject a JWS whose crit names a parameter the recipient does not understand.
        problems.append(f"the JWS has critical header parameters that are not understood: {header['crit']!r}")
    return problems


def verify_jws_signature(alg: str, public_key: Any, signing_input: bytes, signature: bytes) -> bool:
    """Whether ``signature`` over ``signing_input`` verifies with ``public_key`` under ``alg``.

    Raises :class:`UnsupportedAlgorithmError` for refused or unknown algorithms and
    :class:`AlgorithmKeyMismatchError` when the key type does not fit ``alg`` (algorithm confusion).
    """
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.ed448 import Ed448PublicKey
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    if alg not in SUPPORTED_ALGORITHMS:
        raise UnsupportedAlgorithmError(f"unsupported JWS algorithm {alg!r}")
    try:
        if alg in ("EdDSA", "Ed25519"):
            ed448 = alg == "EdDSA" and isinstance(public_key, Ed448PublicKey)
            if isinstance(public_key, Ed25519PublicKey) or ed448:
                public_key.verify(signature, signing_input)
                return True
            raise AlgorithmKeyMismatchError(f"alg {alg} needs an EdDSA key, not {_key_kind(public_key)}")
        if alg.startswith("ES"):
            curve, hash_cls = {
                "ES256": ("secp256r1", hashes.SHA256),
                "ES384": ("secp384r1", hashes.SHA384),
                "ES512": ("secp521r1", hashes.SHA512),
                "ES256K": ("secp256k1", hashes.SHA256),
            }[alg]
            if not isinstance(public_key, ec.EllipticCurvePublicKey) or public_key.curve.name != curve:
                raise AlgorithmKeyMismatchError(f"alg {alg} needs a {curve} key, not {_key_kind(public_key)}")
            size = (public_key.curve.key_size + 7) // 8
            if len(signature) != 2 * size:
                return False  # JOSE ECDSA signatures are exactly r||s (RFC 7518 §3.4), never DER
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            public_key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hash_cls()))
            return True
        if alg[:2] in ("RS", "PS"):
            if not isinstance(public_key, rsa.RSAPublicKey):
                raise AlgorithmKeyMismatchError(f"alg {alg} needs an RSA key, not {_key_kind(public_key)}")
            if public_key.key_size < 2048:
                raise AlgorithmKeyMismatchError("RSA keys under 2048 bits are refused (RFC 7518 §3.3)")
            hash_cls = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}[alg[2:]]
            if alg.startswith("RS"):
                pad = padding.PKCS1v15()
            else:
                # RFC 7518 §3.5: MGF1 with the same hash, salt length equal to the hash output.
                pad = padding.PSS(mgf=padding.MGF1(hash_cls()), salt_length=hash_cls.digest_size)
            public_key.verify(signature, signing_input, pad, hash_cls())
            return True
    except InvalidSignature:
        return False
    raise UnsupportedAlgorithmError(f"unsupported JWS algorithm {alg!r}")


def _key_kind(public_key: Any) -> str:
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if isinstance(public_key, ec.EllipticCurvePublicKey):
        return f"an EC {public_key.curve.name} key"
    if isinstance(public_key, rsa.RSAPublicKey):
        return "an RSA key"
    return f"an {type(public_key).__name__.replace('PublicKey', '')} key"


# --------------------------------------------------------------------------------------------------
# the entry point


def verify_jose_credential(cred: Credential, *, resolver: Any, as_of: datetime | None = None) -> SignatureFinding:
    """Check the signature and issuer binding of a JOSE-secured credential (and OB 2.0 assertions).

    ``vc-jwt``, ``vc+jwt`` and ``sd-jwt`` are checked from ``cred.original``; ``ob2`` credentials are
    checked as signed assertions when the original is a compact JWS, else by the hosted check.
    Other formats give an ``na`` finding.
    """
    try:
        if cred.format == FORMAT_VC_JWT:
            return _verify_vc_jwt(cred, resolver, as_of)
        if cred.format == FORMAT_VC_JOSE:
            return _verify_vc_jose(cred, resolver, as_of)
        if cred.format == FORMAT_SD_JWT:
            return verify_sd_jwt(cred.original, resolver=resolver, expected_issuer=cred.issuer.id, as_of=as_of)
        if cred.format == FORMAT_OB2:
            if _looks_like_jws(cred.original):
                return verify_ob2_signed(cred, resolver=resolver)
            return verify_ob2_hosted(cred, resolver=resolver)
    except MalformedJwsError as exc:
        return _fail(f"malformed token: {exc}")
    return SignatureFinding(NA, UNRESOLVED, [f"{cred.format} credentials are not JOSE-secured"])


def _looks_like_jws(original: bytes) -> bool:
    text = original.strip()
    return text.count(b".") == 2 and not text.startswith(b"{")


def _issuer_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("id"), str):
        return value["id"]
    return None


def _verify_vc_jwt(cred: Credential, resolver: Any, as_of: datetime | None = None) -> SignatureFinding:
    """VC Data Model 1.1 §6.3.1: the credential is the ``vc`` claim; registered claims stand for fields."""
    header, payload_bytes, signature, signing_input = decode_compact_jws(cred.original)
    claims = decode_jwt_payload(payload_bytes)
    vc = claims.get("vc")
    if not isinstance(vc, dict):
        return _fail("a VC-JWT must carry the credential in its 'vc' claim")
    reasons: list[str] = []
    issuer = claims.get("iss") if isinstance(claims.get("iss"), str) else _issuer_id(vc.get("issuer"))
    vc_issuer = _issuer_id(vc.get("issuer"))
    if vc_issuer and issuer and vc_issuer != issuer:
        reasons.append(f"'iss' ({issuer}) contradicts the credential's issuer ({vc_issuer})")
    if isinstance(claims.get("jti"), str) and isinstance(vc.get("id"), str) and vc["id"] != claims["jti"]:
        reasons.append("'jti' contradicts the credential's id")
    subject = vc.get("credentialSubject")
    subject_id = subject.get("id") if isinstance(subject, dict) else None
    if isinstance(claims.get("sub"), str) and isinstance(subject_id, str):
        if subject_id != claims["sub"]:
            reasons.append("'sub' contradicts the credential subject's id")
    if reasons:
        return SignatureFinding(FAIL, UNRESOLVED, reasons, details={"alg": header.get("alg")})
    return _verify_signed_claims(cred, header, claims, signature, signing_input, issuer, resolver, as_of)


def _verify_vc_jose(cred: Credential, resolver: Any, as_of: datetime | None = None) -> SignatureFinding:
    """VC-JOSE-COSE §3.1.1: the payload is the credential itself; ``vc`` and ``vp`` claims are forbidden."""
    header, payload_bytes, signature, signing_input = decode_compact_jws(cred.original)
    claims = decode_jwt_payload(payload_bytes)
    if "vc" in claims or "vp" in claims:
        return _fail("a vc+jwt payload is the credential; 'vc' and 'vp' claims are forbidden")
    issuer = _issuer_id(claims.get("issuer"))
    if issuer is None:
        return _fail("the credential names no issuer")
    if isinstance(claims.get("iss"), str) and claims["iss"] != issuer:
        return _fail(f"'iss' ({claims['iss']}) contradicts the credential's issuer ({issuer})")
    return _verify_signed_claims(cred, header, claims, signature, signing_input, issuer, resolver, as_of)


def _verify_signed_claims(
    cred: Credential,
    header: dict[str, Any],
    claims: dict[str, Any],
    signature: bytes,
    signing_input: bytes,
    issuer: str | None,
    resolver: Any,
    as_of: datetime | None = None,
) -> SignatureFinding:
    if cred.issuer.id and issuer and cred.issuer.id != issuer:
        # The wallet's normalised view must describe the signed token, not something else.
        return _fail(f"the signed issuer ({issuer}) differs from the stored one ({cred.issuer.id})")
    return check_jws(header, signature, signing_input, issuer=issuer, resolver=resolver, as_of=as_of)


def check_jws(
    header: dict[str, Any],
    signature: bytes,
    signing_input: bytes,
    *,
    issuer: str | None,
    resolver: Any,
    purpose: str = "assertionMethod",
    key: ResolvedKey | None = None,
    issuer_metadata: bool = True,
    as_of: datetime | None = None,
) -> SignatureFinding:
    """Header rules, key resolution (unless ``key`` is given), controller == issuer, then the signature."""
    details: dict[str, Any] = {"alg": header.get("alg")}
    if isinstance(header.get("kid"), str):
        details["kid"] = header["kid"]
    if isinstance(header.get("typ"), str):
        details["typ"] = header["typ"]
    problems = header_problems(header)
    if problems:
        return SignatureFinding(FAIL, UNRESOLVED, problems, details=details)
    if key is None:
        try:
            key = resolve_jws_key(
                header, issuer, resolver, purpose=purpose, issuer_metadata=issuer_metadata, as_of=as_of
            )
        except KeyResolutionError as exc:
            details["documents"] = _documents_used(resolver)
            if exc.unavailable or exc.unsupported:
                return _unknown(f"cannot resolve the issuer key: {exc}", details)
            return _fail(f"the issuer key is not usable: {exc}", details)
    details.update(key_id=key.key_id, controller=key.controller, documents=_documents_used(resolver))
    details.update(key.details)
    reasons: list[str] = []
    try:
        valid = verify_jws_signature(header["alg"], key.public_key, signing_input, signature)
    except (UnsupportedAlgorithmError, AlgorithmKeyMismatchError) as exc:
        return SignatureFinding(FAIL, key.binding, [str(exc)], details=details)
    if not valid:
        return SignatureFinding(FAIL, key.binding, ["the JWS signature does not verify"], details=details)
    if key.binding == UNRESOLVED:
        # The signature checks with the key carried (an x5c leaf), but nothing the user trusts vouches for it.
        reason = f"the signature is valid with the key of the certificate {key.key_id}, but {key.note}"
        return SignatureFinding(UNKNOWN, UNRESOLVED, [reason], unverifiable=True, details=details)
    if key.binding == BOUND and not issuer:
        # A key bound to *some* controller proves nothing about an issuer the signed claims do not name:
        # whoever holds a key can sign. Without a signed issuer there is no issuer binding to report.
        reason = (
            f"the signature is valid (key {key.key_id}), but the signed claims name no issuer, "
            "so the key cannot be tied to one"
        )
        return SignatureFinding(UNKNOWN, UNRESOLVED, [reason], unverifiable=True, details=details)
    if key.binding == BOUND and issuer and key.controller != issuer:
        # A key listed by another party's document is the issuer's only if the issuer's own document
        # lists it; a `controller` (or OB 2.0 `owner`) naming the issuer is the key document's own word.
        from skillwallet.verify.keys import bind_to_issuer

        try:
            key = bind_to_issuer(key, issuer, resolver, purpose)
        except KeyResolutionError as exc:
            return _unknown(f"cannot bind the key to the issuer: {exc}", details)
        details["controller"] = key.controller
        if key.controller != issuer:
            reason = f"the signing key is controlled by {key.controller}, not by the issuer {issuer}"
            return _fail(reason, details)
    if key.binding == SELF_ASSERTED:
        reasons.append(
            "the signature is valid, but the key is only asserted by the credential itself, "
            "not bound to the issuer"
        )
    elif key.details.get("trust_anchor"):
        anchor = key.details["trust_anchor"]
        reasons.append(
            f"signed by the certificate {key.key_id}, issued to the issuer; its chain validates up to the trust "
            f"anchor {anchor['subject']} ({'given for this check' if anchor['source'] == 'supplied' else 'kept in the wallet'})"
        )
        from skillwallet.verify.revocation import checked_wording

        reasons.extend(checked_wording(key.details.get("revocation")))
    else:
        reasons.append(f"signed by {key.key_id}, a key of the issuer")
    return SignatureFinding(PASS, key.binding, reasons, details=details)


def _documents_used(resolver: Any) -> dict[str, str]:
    resolved = getattr(resolver, "resolved", None) or {}
    return {url: doc.source for url, doc in resolved.items()}


def resolve_jws_key(
    header: dict[str, Any],
    issuer: str | None,
    resolver: Any,
    *,
    purpose: str = "assertionMethod",
    issuer_metadata: bool = True,
    as_of: datetime | None = None,
) -> ResolvedKey:
    """The key a JWS names: ``kid`` (absolute, or relative to the issuer DID), else the issuer itself,
    else (``issuer_metadata``) the HTTPS issuer's JWT VC Issuer Metadata (SD-JWT VC §5, also published by
    OpenID4VCI issuers of JWT credentials), else a header
    ``jwk`` (self-asserted). Raises :class:`KeyResolutionError`."""
    kid = header.get("kid") if isinstance(header.get("kid"), str) and header.get("kid") else None
    header_jwk = header.get("jwk") if isinstance(header.get("jwk"), dict) else None
    key: ResolvedKey | None = None
    vm = _verification_method_for(kid, issuer)
    if "x5c" in header and vm is None:
        # RFC 7515 §4.1.6: the key is the leaf certificate's; it counts only through a chain to an anchor the
        # user supplies, and only for the issuer the leaf is issued to (skillwallet.verify.x509).
        key = _key_from_x5c(header["x5c"], issuer, resolver, as_of)
        if header_jwk is not None:
            from skillwallet.verify.keys import same_key

            if not same_key(public_key_from_jwk(header_jwk), key.public_key):
                raise KeyResolutionError("the header 'jwk' differs from the key of the 'x5c' leaf certificate")
        return key
    if vm is not None:
        key = resolve_verification_method(vm, resolver, purpose=purpose)
    elif issuer_metadata and issuer and issuer.startswith("https://"):
        try:
            key = _key_from_jwt_issuer_metadata(issuer, kid, resolver)
        except KeyResolutionError as exc:
            if not (exc.unavailable and header_jwk is not None):
                raise
            # Metadata out of reach: the header key can still be checked, but only as self-asserted.
    if header_jwk is not None:
        jwk_key = public_key_from_jwk(header_jwk)
        if key is None:
            return ResolvedKey(jwk_key, "jwk", None, SELF_ASSERTED, None)
        from skillwallet.verify.keys import same_key

        if not same_key(jwk_key, key.public_key):
            raise KeyResolutionError("the header 'jwk' differs from the key 'kid' names")
    if key is None:
        # Nothing skillwallet can follow (e.g. a bare kid of an issuer without metadata): not checkable,
        # which is not the same as invalid.
        raise KeyResolutionError("the JWS names no key skillwallet can resolve", unsupported=True)
    return key


def _key_from_x5c(x5c: Any, issuer: str | None, resolver: Any, as_of: datetime | None) -> ResolvedKey:
    """The leaf key of an ``x5c`` chain: BOUND to ``issuer`` when the chain validates at ``as_of`` up to a trust
    anchor the user supplied and the leaf is issued to ``issuer``; UNRESOLVED (unverifiable) when the chain is
    whole but unanchored, or whole but outside a certificate's validity period at ``as_of``. A broken chain, a
    leaf issued to another name or a certificate a CRL the user gave lists as revoked
    (:mod:`skillwallet.verify.revocation`) raises (invalid; on hold: not checkable)."""
    from datetime import timezone

    from skillwallet.verify import x509 as x509_chains

    when = as_of or datetime.now(timezone.utc)
    try:
        chain = x509_chains.chain_from_x5c(x5c)
    except x509_chains.CertificateError as exc:
        raise KeyResolutionError(str(exc)) from None
    anchors = trust_anchors_of(resolver)
    result = x509_chains.validate_chain(chain, anchors, when)
    if result.outcome == FAIL:
        raise KeyResolutionError(result.reason)
    leaf = result.leaf
    if not issuer:
        # nothing signed names whom the certificate should belong to (as with any key: see check_jws)
        raise KeyResolutionError(
            f"the signed claims name no issuer to tie the certificate {result.subject} to", unsupported=True
        )
    bound, named = x509_chains.leaf_matches_issuer(issuer, leaf, result.path)
    if not bound:
        raise KeyResolutionError(
            f"the certificate {result.subject} is issued to {named}, not to the issuer {issuer}"
        )
    details: dict[str, Any] = {"certificate": result.subject, "chain": result.chain_subjects or [result.subject]}
    if result.anchor is not None:
        details["trust_anchor"] = {
            "subject": result.anchor.subject, "source": result.anchor.source, "sha256": result.anchor.sha256
        }
    try:
        public_key = leaf.public_key()
    except Exception:  # noqa: BLE001 - a key type cryptography cannot load is a key skillwallet cannot check
        raise KeyResolutionError(f"the key of the certificate {result.subject} cannot be read") from None
    if result.outcome == PASS:
        # Revocation from the CRLs the user gave for the certificates' distribution points (a JWT carries no
        # revocation values, and no proof of when it was signed: the time of interest is the as-of date).
        from skillwallet.verify import revocation

        status = revocation.check_revocation(result.path, when, resolver)
        details["revocation"] = status.to_details()
        defeating = status.defeating(when)
        if defeating is not None:
            raise KeyResolutionError(
                revocation.listed_wording(defeating), unavailable=defeating.status != revocation.REVOKED
            )
    binding = BOUND if result.outcome == PASS else UNRESOLVED
    key = ResolvedKey(public_key, result.subject, issuer, binding, frozenset({"assertionMethod"}))
    key.details = details
    if result.outside:
        # EN 319 102-1 OUT_OF_BOUNDS_NO_POE: a JWT carries no proof of when it was signed (its iat is the
        # signer's own word), so a certificate outside its validity period leaves the signature not checkable
        key.note = x509_chains.outside_reason(result, "signature")
    elif binding == UNRESOLVED:
        key.note = result.reason.replace(f"the certificate chain of {result.subject} ", "its chain ")
    else:
        key.note = result.reason
    return key


def trust_anchors_of(resolver: Any) -> list:
    """The trust anchors the user supplied: for this call (``--trust-anchor``) and kept in the wallet."""
    getter = getattr(resolver, "trust_anchors", None)
    if callable(getter):
        try:
            return list(getter())
        except Exception:  # noqa: BLE001 - anchors that cannot be read are no anchors
            return []
    return list(getter or [])


def _verification_method_for(kid: str | None, issuer: str | None) -> str | None:
    if kid:
        if kid.startswith(("did:", "https://", "http://")):
            return kid
        if issuer and issuer.startswith("did:"):
            # A relative kid ("#key-1" or "key-1") is a fragment of the issuer DID.
            return issuer.split("#", 1)[0] + "#" + kid.lstrip("#")
        return None
    if issuer and issuer.startswith("did:"):
        return issuer
    return None


def _key_from_jwt_issuer_metadata(issuer: str, kid: str | None, resolver: Any) -> ResolvedKey:
    """SD-JWT VC §5 (JWT VC Issuer Metadata): ``/.well-known/jwt-vc-issuer`` + the issuer's path."""
    try:
        parts = urllib.parse.urlsplit(issuer)
    except ValueError:
        raise KeyResolutionError(f"the issuer {issuer!r} is not a valid URL") from None
    path = parts.path.rstrip("/")
    url = urllib.parse.urlunsplit(("https", parts.netloc, "/.well-known/jwt-vc-issuer" + path, "", ""))
    try:
        metadata = resolver.fetch_json(url)
        if metadata.get("issuer") != issuer:
            raise KeyResolutionError(f"the issuer metadata at {url} is for {metadata.get('issuer')!r}")
        jwks = metadata.get("jwks")
        if jwks is None and isinstance(metadata.get("jwks_uri"), str):
            jwks = resolver.fetch_json(metadata["jwks_uri"])
    except DocumentUnavailableError as exc:
        raise KeyResolutionError(exc.message, unavailable=True) from None
    keys_list = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys_list, list) or not keys_list:
        raise KeyResolutionError(f"the issuer metadata at {url} lists no keys")
    candidates = [k for k in keys_list if isinstance(k, dict) and (kid is None or k.get("kid") == kid)]
    if len(candidates) != 1:
        raise KeyResolutionError(f"the issuer metadata has {len(candidates)} keys matching kid {kid!r}")
    key = public_key_from_jwk(candidates[0])
    return ResolvedKey(key, f"{url}#{kid or ''}", issuer, BOUND, frozenset({"assertionMethod"}))


# --------------------------------------------------------------------------------------------------
# SD-JWT (RFC 9901)


def sd_jwt_digest(disclosure: str, alg: str = "sha-256") -> str:
    """base64url(hash(disclosure as sent)) — RFC 9901 §4.2.3."""
    return b64url_encode(SD_HASHES[alg](disclosure.encode("ascii")).digest())


class _DisclosureError(Exception):
    pass


def non_disclosable_claims(payload: dict[str, Any]) -> dict[tuple[str, ...], frozenset[str]]:
    """Claim names that must not come from a disclosure, by the path of the object holding them.

    The SD-JWT VC registered claims at the top of every SD-JWT; for a W3C credential secured as an SD-JWT
    (a signed ``@context`` or ``vc`` claim) also its issuer, validity dates, status, ``@context`` and ``type``.
    """
    top = SD_JWT_VC_NON_DISCLOSABLE
    if "@context" in payload or "vc" in payload:
        top = top | VC_NON_DISCLOSABLE
    return {(): top, ("vc",): VC_NON_DISCLOSABLE}


def apply_disclosures(
    payload: dict[str, Any],
    disclosures: list[str],
    non_disclosable: dict[tuple[str, ...], frozenset[str]] | None = None,
) -> dict[str, Any]:
    """The claims an SD-JWT discloses (RFC 9901 §7.1 steps 3–5); raises ``ValueError`` on any violation.

    Every disclosure must be referenced exactly once by a digest in an ``_sd`` array (object properties)
    or a ``{"...": digest}`` array element (array entries), reachable from the signed payload.
    ``non_disclosable`` (see :func:`non_disclosable_claims`) names, by the path of the object holding them,
    claims that must be in the signed payload itself: a disclosure of one is a violation.
    """
    forbidden = non_disclosable or {}
    alg = payload.get("_sd_alg", "sha-256")
    if not isinstance(alg, str) or alg not in SD_HASHES:
        raise ValueError(f"unsupported _sd_alg {alg!r}")
    decoded: dict[str, list[Any]] = {}
    for index, disclosure in enumerate(disclosures, 1):
        try:
            value = json.loads(b64url_decode(disclosure).decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise ValueError(f"disclosure {index} is not base64url JSON") from None
        if not isinstance(value, list) or len(value) not in (2, 3) or not isinstance(value[0], str):
            raise ValueError(f"disclosure {index} is not a [salt, (name,) value] array")
        if len(value) == 3 and (not isinstance(value[1], str) or value[1] in ("_sd", "...")):
            raise ValueError(f"disclosure {index} has a forbidden claim name")
        digest = sd_jwt_digest(disclosure, alg)
        if digest in decoded:
            raise ValueError(f"disclosure {index} is given twice")
        decoded[digest] = value
    seen_digests: set[str] = set()
    used: set[str] = set()

    def note(digest: Any) -> None:
        if not isinstance(digest, str):
            raise ValueError("a digest in the payload is not a string")
        if digest in seen_digests:
            raise ValueError("a digest appears more than once in the payload")  # RFC 9901 §7.1 step 4
        seen_digests.add(digest)

    def walk(node: Any, depth: int, path: tuple[str, ...] | None = ()) -> Any:
        # ``path``: the object keys leading here, or None once below an array or a disclosed value
        if depth > 64:
            raise ValueError("claims nested too deeply")
        if isinstance(node, dict):
            out = {
                k: walk(v, depth + 1, None if path is None else (*path, k))
                for k, v in node.items()
                if k not in ("_sd", "_sd_alg")
            }
            digests = node.get("_sd", [])
            if not isinstance(digests, list):
                raise ValueError("'_sd' is not an array")
            for digest in digests:
                note(digest)
                found = decoded.get(digest)
                if found is None:
                    continue  # undisclosed claim or decoy digest (§4.2.5)
                if len(found) != 3:
                    raise ValueError("an array-element disclosure is referenced from '_sd'")
                if found[1] in out:
                    raise ValueError(f"disclosed claim {found[1]!r} already exists in the payload")
                if path is not None and found[1] in forbidden.get(path, ()):
                    where = ".".join(path) or "the payload"
                    raise ValueError(
                        f"{found[1]!r} (in {where}) is selectively disclosed, but it must be in the issuer-signed "
                        "payload itself (SD-JWT VC §3.2.2.2)"
                    )
                used.add(digest)
                out[found[1]] = walk(found[2], depth + 1, None if path is None else (*path, found[1]))
            return out
        if isinstance(node, list):
            items = []
            for item in node:
                if isinstance(item, dict) and "..." in item:
                    if len(item) != 1:
                        raise ValueError("an array-element digest object has other keys")
                    note(item["..."])
                    found = decoded.get(item["..."])
                    if found is None:
                        continue
                    if len(found) != 2:
                        raise ValueError("an object-property disclosure is referenced as an array element")
                    used.add(item["..."])
                    items.append(walk(found[1], depth + 1, None))
                else:
                    items.append(walk(item, depth + 1, None))
            return items
        return node

    claims = walk(payload, 0)
    unused = len(decoded) - len(used)
    if unused:
        raise ValueError(f"{unused} disclosure(s) are not referenced by the signed payload")
    return claims


def verify_sd_jwt(
    token: str | bytes,
    *,
    resolver: Any,
    expected_issuer: str | None = None,
    key: ResolvedKey | None = None,
    as_of: datetime | None = None,
) -> SignatureFinding:
    """Verify an SD-JWT (``<issuer JWS>~<disclosure>~…~[<KB-JWT>]``), RFC 9901 §7.1 and §7.3.

    The issuer signature, every disclosure's digest, and the key binding JWT if present. ``key`` skips
    key resolution (for tests and callers that already hold the issuer key).
    """
    if isinstance(token, bytes):
        try:
            token = token.decode("ascii")
        except UnicodeDecodeError:
            return _fail("an SD-JWT is ASCII text")
    token = token.strip()
    if "~" not in token:
        return _fail("not an SD-JWT: no '~' separator")
    parts = token.split("~")
    issuer_jwt, disclosures, kb_jwt = parts[0], parts[1:-1], parts[-1]
    if any(not d for d in disclosures):
        return _fail("the SD-JWT has an empty disclosure")
    if len(disclosures) > MAX_DISCLOSURES:
        return _fail("the SD-JWT has too many disclosures")
    try:
        header, payload_bytes, signature, signing_input = decode_compact_jws(issuer_jwt)
        payload = decode_jwt_payload(payload_bytes)
    except MalformedJwsError as exc:
        return _fail(f"malformed issuer JWT: {exc}")
    # The issuer is read from the issuer-signed payload only, never from a disclosure (SD-JWT VC §3.2.2.2):
    # it is what the signing key must belong to (RFC 9901 §7.1 step 2.3).
    issuer, problem = _signed_sd_jwt_issuer(payload)
    if problem:
        return _fail(problem, {"alg": header.get("alg")})
    if expected_issuer and expected_issuer != issuer:
        if issuer is None:
            return _fail(f"the stored issuer ({expected_issuer}) is not named in the issuer-signed payload")
        return _fail(f"the signed issuer ({issuer}) differs from the stored one ({expected_issuer})")
    try:
        claims = apply_disclosures(payload, disclosures, non_disclosable_claims(payload))
    except ValueError as exc:
        return _fail(f"SD-JWT disclosures: {exc}", {"alg": header.get("alg")})
    finding = check_jws(
        header, signature, signing_input, issuer=issuer, resolver=resolver, key=key, as_of=as_of
    )
    if finding.outcome != PASS:
        return finding
    finding.details["disclosures"] = len(disclosures)
    finding.details["disclosed_claims"] = sorted(set(claims) - set(payload) - {"_sd", "_sd_alg"})
    if kb_jwt:
        presented = token[: len(token) - len(kb_jwt)]
        problem = _check_key_binding(kb_jwt, presented, claims, payload.get("_sd_alg", "sha-256"))
        if problem:
            finding.outcome, finding.reasons = FAIL, [f"key binding JWT: {problem}"]
            return finding
        finding.details["key_binding"] = PASS
        finding.reasons.append("the key binding JWT verifies with the holder key in 'cnf'")
    else:
        finding.details["key_binding"] = "absent"
    return finding


def _signed_sd_jwt_issuer(payload: dict[str, Any]) -> tuple[str | None, str | None]:
    """(issuer, problem): ``iss`` of the issuer-signed payload, or the signed ``issuer`` of a W3C credential
    secured as an SD-JWT (the payload or its ``vc`` claim); a problem when the signed names disagree."""
    names: dict[str, str] = {}
    if "iss" in payload:
        if not isinstance(payload["iss"], str) or not payload["iss"]:
            return None, "'iss' is not a string"
        names["iss"] = payload["iss"]
    for where, holder in (("issuer", payload), ("vc.issuer", payload.get("vc"))):
        if isinstance(holder, dict) and "issuer" in holder:
            named = _issuer_id(holder["issuer"])
            if not named:
                return None, f"the signed '{where}' has no id"
            names[where] = named
    if len(set(names.values())) > 1:
        listed = ", ".join(f"{k} {v}" for k, v in names.items())
        return None, f"the issuer-signed payload names different issuers ({listed})"
    return (next(iter(names.values())) if names else None), None


def _check_key_binding(kb_jwt: str, presented: str, claims: dict[str, Any], sd_alg: str) -> str | None:
    """RFC 9901 §7.3: typ kb+jwt, signed by the ``cnf`` key, ``sd_hash`` of the presentation, ``iat``."""
    try:
        header, payload_bytes, signature, signing_input = decode_compact_jws(kb_jwt)
        kb_claims = decode_jwt_payload(payload_bytes)
    except MalformedJwsError as exc:
        return f"malformed: {exc}"
    if header.get("typ") != "kb+jwt":
        return "its typ is not kb+jwt"
    problems = header_problems(header)
    if problems:
        return problems[0]
    cnf = claims.get("cnf")
    if not isinstance(cnf, dict) or not isinstance(cnf.get("jwk"), dict):
        return "the credential has no holder key ('cnf' with 'jwk') to check it against"
    try:
        holder_key = public_key_from_jwk(cnf["jwk"])
        if not verify_jws_signature(header["alg"], holder_key, signing_input, signature):
            return "its signature does not verify with the holder key"
    except (KeyResolutionError, UnsupportedAlgorithmError, AlgorithmKeyMismatchError) as exc:
        return str(exc)
    expected = b64url_encode(SD_HASHES[sd_alg](presented.encode("ascii")).digest())
    if kb_claims.get("sd_hash") != expected:
        return "sd_hash does not match the presented SD-JWT"
    if not isinstance(kb_claims.get("iat"), (int, float)) or isinstance(kb_claims.get("iat"), bool):
        return "it has no numeric 'iat'"
    if "aud" not in kb_claims or "nonce" not in kb_claims:
        return "it lacks 'aud' or 'nonce'"
    return None


# --------------------------------------------------------------------------------------------------
# Open Badges 2.0


def verify_ob2_signed(cred: Credential, *, resolver: Any) -> SignatureFinding:
    """OB 2.0 §Signed Badges: a JWS over the assertion, a key owned by the issuer, its revocation list."""
    header, payload_bytes, signature, signing_input = decode_compact_jws(cred.original)
    assertion = decode_jwt_payload(payload_bytes)
    verification = assertion.get("verification") if isinstance(assertion.get("verification"), dict) else {}
    legacy = False
    if not verification and isinstance(assertion.get("verify"), dict):
        # OB 1.1 assertions (still published as the 2.0 "Signed Badges Example") say ``verify`` with the
        # key's ``url``; the key must still be owned by the issuer, so this only finds it, never trusts it
        verification, legacy = assertion["verify"], True
    vtype = str(verification.get("type", "")).lower()
    if vtype not in ("signedbadge", "signed"):
        return _fail(f"the signed assertion's verification type is {verification.get('type')!r}, not signed")
    try:
        issuer_id = _ob2_issuer_id(assertion, resolver)
    except KeyResolutionError as exc:
        return _unknown(f"cannot find the issuer: {exc}")
    if cred.issuer.id and issuer_id != cred.issuer.id:
        return _fail(f"the signed issuer ({issuer_id}) differs from the stored one ({cred.issuer.id})")
    creator = verification.get("creator") or (verification.get("url") if legacy else None)
    if isinstance(creator, dict):
        creator = creator.get("id")
    if not isinstance(creator, str) or not creator:
        finding = _ob2_try_profile_keys(header, signature, signing_input, issuer_id, resolver)
    else:
        if not creator.startswith("https://") and not creator.startswith("http://"):
            return _fail(f"verification.creator {creator!r} is not a key URL")
        from skillwallet.verify.keys import resolve_ob2_cryptographic_key

        try:
            key = resolve_ob2_cryptographic_key(creator, resolver)
        except KeyResolutionError as exc:
            if exc.unavailable or exc.unsupported:
                details = {"alg": header.get("alg"), "documents": _documents_used(resolver)}
                return _unknown(f"cannot resolve the issuer key: {exc}", details)
            return _fail(f"the issuer key is not usable: {exc}", {"alg": header.get("alg")})
        finding = check_jws(header, signature, signing_input, issuer=issuer_id, resolver=resolver, key=key)
    if finding.outcome == PASS:
        # the JWS covers the payload only: a BadgeClass or Issuer it links by URL (and that the wallet shows)
        # must be the issuer's published one, not a file that came with the assertion
        problem = _ob2_shown_content_problem(cred, assertion, resolver)
        if problem is not None:
            problem.details.update({k: v for k, v in finding.details.items() if k not in problem.details})
            return problem
        _ob2_revocation(assertion, issuer_id, resolver, finding)
    return finding


def _ob2_issuer_id(assertion: dict[str, Any], resolver: Any) -> str:
    badge = assertion.get("badge")
    if isinstance(badge, str):
        try:
            badge = resolver.fetch_json(badge)
        except DocumentUnavailableError as exc:
            raise KeyResolutionError(exc.message, unavailable=True) from None
    if not isinstance(badge, dict):
        raise KeyResolutionError("the assertion has no BadgeClass")
    issuer = _issuer_id(badge.get("issuer"))
    if not issuer:
        raise KeyResolutionError("the BadgeClass names no issuer")
    return issuer


def _ob2_profile(issuer_id: str, resolver: Any) -> dict[str, Any]:
    try:
        profile = resolver.fetch_json(issuer_id)
    except DocumentUnavailableError as exc:
        raise KeyResolutionError(exc.message, unavailable=True) from None
    if profile.get("id") != issuer_id:
        raise KeyResolutionError(f"the issuer profile at {issuer_id} has id {profile.get('id')!r}")
    return profile


def _ob2_try_profile_keys(header, signature, signing_input, issuer_id: str, resolver) -> SignatureFinding:
    """Without ``creator``, OB 2.0 says to try the keys the issuer profile lists in ``publicKey``."""
    from skillwallet.verify.keys import resolve_ob2_cryptographic_key

    try:
        profile = _ob2_profile(issuer_id, resolver)
    except KeyResolutionError as exc:
        return _unknown(f"cannot resolve the issuer key: {exc}")
    listed = profile.get("publicKey")
    entries = listed if isinstance(listed, list) else [listed] if listed else []
    last = _fail("the issuer profile lists no publicKey")
    for entry in entries:
        key_url = entry if isinstance(entry, str) else entry.get("id") if isinstance(entry, dict) else None
        if not key_url:
            continue
        try:
            key = resolve_ob2_cryptographic_key(key_url, resolver)
        except KeyResolutionError as exc:
            last = _unknown(f"cannot resolve the issuer key: {exc}")
            continue
        last = check_jws(header, signature, signing_input, issuer=issuer_id, resolver=resolver, key=key)
        if last.outcome == PASS:
            return last
    return last


def _ob2_revocation(assertion: dict[str, Any], issuer_id: str, resolver, finding: SignatureFinding) -> None:
    """OB 2.0 §RevocationList: ``revokedAssertions`` holds assertion ids (or uids), or objects with them."""
    try:
        profile = _ob2_profile(issuer_id, resolver)
        list_url = profile.get("revocationList")
        list_url = list_url.get("id") if isinstance(list_url, dict) else list_url
        if not list_url:
            finding.details["status"] = NA
            return
        revocation_list = resolver.fetch_json(list_url)
    except (KeyResolutionError, DocumentUnavailableError) as exc:
        finding.details["status"] = UNKNOWN
        finding.reasons.append(f"revocation could not be checked: {getattr(exc, 'message', exc)}")
        return
    ids = {assertion.get("id"), assertion.get("uid")} - {None}
    revoked = revocation_list.get("revokedAssertions") or []
    for entry in revoked if isinstance(revoked, list) else []:
        if isinstance(entry, str):
            entry_ids = {entry}
        elif isinstance(entry, dict):
            entry_ids = {entry.get("id"), entry.get("uid")}
        else:
            continue
        if ids & (entry_ids - {None}):
            finding.details["status"] = "revoked"
            reason = entry.get("revocationReason") if isinstance(entry, dict) else None
            suffix = f": {reason}" if reason else ""
            finding.reasons.append("the issuer's revocation list revokes this assertion" + suffix)
            return
    finding.details["status"] = PASS


def verify_ob2_hosted(cred: Credential, *, resolver: Any) -> SignatureFinding:
    """OB 2.0 §HostedBadge: fetch the assertion from its ``id`` (on the issuer's allowed origin) and compare.

    HTTP 410 Gone or ``revoked: true`` means revoked (``details["status"]``). Offline without a supplied
    copy: unknown and unverifiable, never verified.
    """
    from skillwallet.verify.resolver import DocumentGoneError

    try:
        local = json.loads(cred.original.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        return _fail("the stored assertion is not JSON")
    if not isinstance(local, dict):
        return _fail("the stored assertion is not a JSON object")
    assertion_id = local.get("id")
    # OB 1.0 / 1.1 (and 0.5 with a verify block): no id; the hosted copy is at verify.url (OB 1.0 "Assertion",
    # VerificationObject: "type": "hosted", "url": the assertion's own URL).
    verification = local.get("verification") if isinstance(local.get("verification"), dict) else {}
    ob1_verify = local.get("verify") if isinstance(local.get("verify"), dict) else {}
    ob1 = False
    if not (isinstance(assertion_id, str) and assertion_id.startswith(("https://", "http://"))):
        url = ob1_verify.get("url")
        if str(ob1_verify.get("type", "")).lower() == "hosted" and isinstance(url, str) and url.startswith(("https://", "http://")):
            assertion_id, ob1 = url, True
        if str(ob1_verify.get("type", "")).lower() == "signed":
            verification = {"type": "signed"}
    details: dict[str, Any] = {"method": "hosted", "url": assertion_id}
    if str(verification.get("type", "")).lower() in ("signedbadge", "signed"):
        # A signed assertion kept as bare JSON has lost its signature: nothing left to check.
        reason = "a signed assertion stored without its JWS"
        return SignatureFinding(NA, UNRESOLVED, [reason], details=details)
    if not isinstance(assertion_id, str) or not assertion_id.startswith(("https://", "http://")):
        return SignatureFinding(NA, UNRESOLVED, ["the assertion has no hosted URL to check"], details=details)
    issuer_id = cred.issuer.id
    if not issuer_id:
        try:
            issuer_id = _ob2_issuer_id(local, resolver)
        except KeyResolutionError as exc:
            details["status"] = UNKNOWN
            return _unknown(f"a hosted assertion (to be fetched from {assertion_id}); its issuer is unknown: {exc}", details)
    origin_problem = _ob2_origin_problem(assertion_id, issuer_id, resolver)
    if origin_problem:
        return _fail(origin_problem, details)
    try:
        hosted = resolver.fetch_json(assertion_id)
    except DocumentGoneError:
        details["status"] = "revoked"
        reason = "the issuer no longer hosts this assertion (HTTP 410 Gone): revoked"
        return SignatureFinding(PASS, BOUND, [reason], details=details)
    except DocumentUnavailableError as exc:
        details["status"] = UNKNOWN  # revocation of a hosted assertion is only known from its host
        return _unknown(f"the hosted assertion could not be checked: {exc.message}", details)
    details["source"] = resolver.source_of(assertion_id) if hasattr(resolver, "source_of") else None
    hosted_id = (hosted.get("verify") or {}).get("url") if ob1 and isinstance(hosted.get("verify"), dict) else hosted.get("id")
    if hosted_id != assertion_id:
        return _fail(f"the hosted document at {assertion_id} has id {hosted_id!r}", details)
    # OB 2.0 §HostedBadge: the hosted document is the assertion. Every field of the local copy must be the
    # hosted one's (evidence, narrative and image are shown too); only the BadgeClass may be embedded in one
    # copy and linked in the other, and then it is compared in full below.
    ignored = {"@context", "badge", "revoked", "revocationReason"}
    differences = sorted(f for f in (set(hosted) | set(local)) - ignored if hosted.get(f) != local.get(f))
    if _normal(hosted.get("badge")) != _normal(local.get("badge")):
        differences.insert(0, "badge")
    if differences:
        listed = ", ".join(differences)
        return _fail(f"the hosted assertion differs from the stored one in: {listed}", details)
    problem = _ob2_shown_content_problem(cred, hosted, resolver)
    if problem is not None:
        problem.details.update({k: v for k, v in details.items() if k not in problem.details})
        if problem.outcome == UNKNOWN:
            problem.details.setdefault("status", UNKNOWN)
        return problem
    if details["source"] == "cached":
        # A copy cached by an earlier fetch says the issuer hosted it then, not that it still does
        # (revocation is the host answering 410): offline, a hosted assertion is unknown (FORMATS.md).
        described = resolver.describe(assertion_id) if hasattr(resolver, "describe") else None
        when = (described or {}).get("stored_at") or "an earlier check"
        details["status"] = UNKNOWN
        return _unknown(f"only a copy of the hosted assertion cached at {when} is available", details)
    if hosted.get("revoked") is True:
        details["status"] = "revoked"
        reason = hosted.get("revocationReason")
        text = "the issuer marks this assertion revoked" + (f": {reason}" if reason else "")
        return SignatureFinding(PASS, BOUND, [text], details=details)
    details["status"] = PASS
    if details["source"] in ("supplied", "kept"):
        # The user's copy stands for what the issuer hosts (FORMATS.md, "Where documents come from": their
        # decision), as a context they supply stands for the published one: never silent.
        how = "given with --document" if details["source"] == "supplied" else "kept with `documents add`"
        reason = (
            f"hosted assertion supplied by you: {assertion_id} ({how}); this assertion is that copy, and that the "
            "issuer hosts it is your word: it was not fetched from the issuer"
        )
    else:
        reason = f"the issuer hosts this assertion at {assertion_id}"
    return SignatureFinding(PASS, BOUND, [reason], details=details)


def _ob2_shown_content_problem(cred: Credential, authentic: dict[str, Any], resolver: Any) -> SignatureFinding | None:
    """None when the BadgeClass and Issuer the credential shows are the issuer's own; else a FAIL / UNKNOWN finding.

    ``authentic`` is the assertion as the issuer vouches for it (the hosted copy, or the signed JWS payload).
    Its BadgeClass is authentic when embedded there, else it is the document at its URL (fetched, or supplied
    by the verifier with ``--document``); the same for the Issuer the BadgeClass names. What the credential
    shows (the BadgeClass and Issuer embedded in the stored copy, or resolved when it was added, and the
    title, description, issuer and achievement id taken from them) must be theirs, every field shown compared
    whole: comparing ids alone lets a rewritten "Doctor of Medicine" BadgeClass pass under a real badge's id.
    """
    from skillwallet.verify.shapes import is_ob1_assertion, is_ob2_document, plain_text, text_of

    # OB 1.0 "BadgeAssertion": `badge` is the "URL that describes the type of badge being awarded" and a
    # BadgeClass's `issuer` the "URL of the organization that issued the badge": neither document has an `id`,
    # the URL it is published at identifies it (OB 1.0 Assertion, "Badge Class", "Issuer Organization").
    ob1 = is_ob1_assertion(authentic) and not is_ob2_document(authentic)
    local: dict[str, Any] = {}
    try:
        parsed = json.loads(cred.original.decode("utf-8-sig"))
        local = parsed if isinstance(parsed, dict) else {}
    except (UnicodeDecodeError, ValueError):
        pass  # a JWS: the payload is ``authentic`` itself
    extra = cred.extra or {}
    shown_badges = [b for b in (extra.get("badge"), local.get("badge")) if isinstance(b, dict)]
    shown_issuers = [i for i in (extra.get("issuer_profile"),) if isinstance(i, dict) and i]
    shown_issuers += [b["issuer"] for b in shown_badges if isinstance(b.get("issuer"), dict)]
    linked = authentic.get("badge")
    linked_id = linked if isinstance(linked, str) else _id_of(linked)
    if cred.achievement_id is not None and linked_id is not None and cred.achievement_id != linked_id:
        return _fail(f"the stored achievement id ({cred.achievement_id}) is not the issuer's ({linked_id})")
    shows_text = any(v is not None for v in (cred.title, cred.description, cred.issuer.name))
    if not shown_badges and not shown_issuers and not shows_text:
        return None

    def fetched(url: Any, what: str) -> dict[str, Any] | SignatureFinding:
        if not isinstance(url, str) or not url:
            return _fail(f"the issuer's assertion has no {what}")
        try:
            document = resolver.fetch_json(url)
        except DocumentUnavailableError as exc:
            return _unknown(f"the {what} shown cannot be confirmed: {exc.message}")
        if document.get("id") != url and not (ob1 and "id" not in document):
            return _fail(f"the {what} at {url} has id {document.get('id')!r}")
        return document

    badge = authentic.get("badge")
    badge = badge if isinstance(badge, dict) else fetched(badge, "BadgeClass")
    if isinstance(badge, SignatureFinding):
        return badge
    for shown in shown_badges:
        differences = _differences(shown, badge)
        if differences:
            return _fail(f"the BadgeClass shown differs from the issuer's ({_id_of(badge)}) in: {differences}")
    issuer = badge.get("issuer")
    # the issuer's identifier: its id, or (OB 1.0, whose Issuer Organization has none) the URL the BadgeClass
    # links it by, which the issuer document fetched from there does not replace
    issuer_link = issuer if isinstance(issuer, str) else _id_of(issuer)
    if shown_issuers or cred.issuer.name is not None:
        issuer = issuer if isinstance(issuer, dict) else fetched(issuer, "issuer profile")
        if isinstance(issuer, SignatureFinding):
            return issuer
        for shown in shown_issuers:
            differences = _differences(shown, issuer)
            if differences:
                return _fail(f"the issuer profile shown differs from the issuer's ({_id_of(issuer)}) in: {differences}")
    expected = {
        "title": (cred.title, text_of(badge.get("name"))),
        "description": (cred.description, text_of(badge.get("description"))),
        "issuer name": (cred.issuer.name, text_of(issuer.get("name")) if isinstance(issuer, dict) else None),
        "issuer": (cred.issuer.id, issuer_link),
    }
    for name, (stored, published) in expected.items():
        if name == "issuer" and published is None:
            continue  # OB 1.x issuers have no id; the stored one is their url or origin
        if stored is None or stored == published:
            continue
        # The importer shows a name with HTML markup as its plain text (formats/parse.py), an earlier version
        # showed the markup: either is the issuer's own name read from the published document, nothing else.
        if name != "issuer" and stored == plain_text(published, multiline=name == "description"):
            continue
        return _fail(f"the stored {name} ({stored!r}) is not the issuer's ({published!r})")
    return None


def _id_of(document: Any) -> str | None:
    return document.get("id") if isinstance(document, dict) and isinstance(document.get("id"), str) else None


def _differences(shown: dict[str, Any], published: dict[str, Any]) -> str:
    """The fields where a shown BadgeClass / Issuer is not the published one ("" when none).

    Every field shown must be the published field, whole; the id must be there and match. A field the copy
    leaves out shows nothing, and ``@context`` is not shown (an embedded object need not repeat it). A linked
    document (the BadgeClass's issuer) may be embedded on one side and an id on the other; it is then compared
    on its own.
    """
    fields = ["id"] if shown.get("id") != published.get("id") else []
    for key in sorted(set(shown) - {"@context", "id"}):
        mine, theirs = shown[key], published.get(key)
        if key == "issuer":
            mine, theirs = _normal(mine), _normal(theirs)
        if mine != theirs:
            fields.append(key)
    return ", ".join(fields)


def _normal(value: Any) -> Any:
    """Compare linked values by id: a BadgeClass may be embedded in one copy and a URL in the other."""
    if isinstance(value, dict) and isinstance(value.get("id"), str) and set(value) - {"id"}:
        return value["id"]
    return value


def _ob2_origin_problem(assertion_id: str, issuer_id: str, resolver: Any) -> str | None:
    """OB 2.0 §VerificationObject (issuer): hosted ids must match ``startsWith`` / ``allowedOrigins``;
    by default the assertion must be on the issuer profile's origin."""
    policy: dict[str, Any] = {}
    try:
        profile = resolver.fetch_json(issuer_id)
        if isinstance(profile.get("verification"), dict):
            policy = profile["verification"]
    except DocumentUnavailableError:
        pass  # fall back to the default policy: the issuer id's own origin
    try:
        host = urllib.parse.urlsplit(assertion_id).netloc.lower()
        issuer_host = urllib.parse.urlsplit(issuer_id).netloc.lower()
    except ValueError:
        return f"the assertion URL {assertion_id} or the issuer id {issuer_id} is not a valid URL"
    starts = policy.get("startsWith")
    if starts:
        prefixes = starts if isinstance(starts, list) else [starts]
        if any(isinstance(p, str) and assertion_id.startswith(p) for p in prefixes):
            return None
        return f"the assertion URL {assertion_id} is outside the issuer's allowed prefixes"
    allowed = policy.get("allowedOrigins")
    if allowed:
        origins = allowed if isinstance(allowed, list) else [allowed]
        if host in {o.lower() for o in origins if isinstance(o, str)}:
            return None
        return f"the assertion is hosted on {host}, not an origin the issuer allows"
    if host != issuer_host:
        return f"the assertion is hosted on {host}, not on the issuer's origin {issuer_host}"
    return None
