"""The legacy Linked Data Signature suites many published credentials still carry: ``Ed25519Signature2018``
and ``JsonWebSignature2020``.

Both sign with a *detached* JWS with an unencoded payload (RFC 7797), in the proof's ``jws`` member:

* the protected header is ``{"alg": ALG, "b64": false, "crit": ["b64"]}`` (W3C CCG "Ed25519 Signature
  2018" §3; W3C CCG "Linked Data Proof JSON Web Signature 2020" §3.2 "Proof Algorithm"; digitalbazaar
  ``JwsLinkedDataSignature.verifySignature``);
* ``verifyData = SHA-256(URDNA2015(proof options)) || SHA-256(URDNA2015(document without proof))`` where the
  proof options are the proof without ``jws`` and with the document's ``@context`` (jsonld-signatures
  ``LinkedDataSignature.createVerifyData``; Data Integrity 1.0 §4.5) — the same hash data as eddsa-rdfc-2022,
  so the computation and its cache are shared with the Data Integrity suites (:mod:`skillwallet.verify.proofs`);
* the JWS signing input is ``ASCII(BASE64URL(header)) || "." || verifyData`` (RFC 7797 §3), signed with
  ``alg`` as RFC 7518 defines it (ECDSA signatures as raw ``r||s``, §3.4).

``Ed25519Signature2018`` allows ``EdDSA`` with an Ed25519 key only. ``JsonWebSignature2020`` allows the
algorithm its key type names (JWS 2020 §2.1): ``EdDSA`` for Ed25519, ``ES256K`` for secp256k1, ``ES256`` for
P-256, ``ES384`` for P-384, ``PS256`` (and ``RS256``, which issuers of 2020-era credentials used) for RSA of at
least 2048 bits. An ``alg`` that does not fit the resolved key is algorithm confusion and fails before any
signature arithmetic.

Key resolution, proof purpose, challenge/domain, undefined-term detection and issuer binding are those of the
Data Integrity suites: :func:`verify_legacy_proof` returns the same :class:`ProofResult` and is reached through
the same dispatch in :mod:`skillwallet.verify.data_integrity`.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping
from datetime import datetime
from typing import Any

from skillwallet.verify.base import BOUND, FAIL, PASS, SELF_ASSERTED, UNKNOWN, KeyResolutionError
from skillwallet.verify.proofs import (
    EDDSA_RDFC_2022,
    ProofError,
    ProofResult,
    cached_hash_data,
    key_kind,
    proof_inputs,
    bind_key_to_issuer,
    check_proof_options,
    resolve_key,
)

ED25519_SIGNATURE_2018 = "Ed25519Signature2018"
JSON_WEB_SIGNATURE_2020 = "JsonWebSignature2020"
LEGACY_PROOF_TYPES = frozenset({ED25519_SIGNATURE_2018, JSON_WEB_SIGNATURE_2020})

#: The algorithms each suite allows (Ed25519 Signature 2018 §3; JWS 2020 §2.1 "Supported algorithms").
SUITE_ALGORITHMS = {
    ED25519_SIGNATURE_2018: frozenset({"EdDSA"}),
    JSON_WEB_SIGNATURE_2020: frozenset({"EdDSA", "ES256K", "ES256", "ES384", "PS256", "RS256"}),
}
#: EC curve (``cryptography`` name) each ECDSA alg requires, and its hash (RFC 7518 §3.4, RFC 8812 §3.2).
_ECDSA_ALGORITHMS = {"ES256": ("secp256r1", "sha256"), "ES384": ("secp384r1", "sha384"), "ES256K": ("secp256k1", "sha256")}
_MIN_RSA_BITS = 2048  # RFC 7518 §3.3 / §3.5: "A key of size 2048 bits or larger MUST be used"
_MAX_JWS_LENGTH = 4096  # an RSA-4096 signature is 683 base64url characters; anything far beyond is not a proof


def is_legacy_proof(proof: Any) -> bool:
    """Whether ``proof`` is one of the suites this module verifies (its ``type`` is exactly their name)."""
    ptype = proof.get("type") if isinstance(proof, dict) else None
    return isinstance(ptype, str) and ptype in LEGACY_PROOF_TYPES


def _parse_detached_jws(jws: Any, verification_method: str) -> tuple[str, dict[str, Any], bytes]:
    """(encoded header, header, signature) of a detached, unencoded-payload JWS; :class:`ProofError` otherwise.

    The header must be ``alg``, ``b64: false`` and ``crit: ["b64"]`` (RFC 7797 §6: ``b64`` must be listed in
    ``crit``; no other critical parameter is understood, RFC 7515 §4.1.11). A ``kid`` is accepted only when it
    names the proof's own verification method (some issuers, e.g. Nuts, add it): the key always comes from
    ``verificationMethod``, so a ``kid`` naming another key would be a contradiction, refused. Any other
    member is refused, so a header cannot smuggle a parameter that would change what was signed.
    """
    from skillwallet.verify.keys import b64url_decode

    if not isinstance(jws, str) or not jws:
        raise ProofError("the proof has no jws (a detached JWS)")
    if len(jws) > _MAX_JWS_LENGTH:
        raise ProofError("the proof's jws is far too long for a signature")
    parts = jws.split(".")
    if len(parts) != 3:
        raise ProofError("the proof's jws is not a JWS in compact form (header..signature)")
    encoded_header, payload, encoded_signature = parts
    if payload:
        raise ProofError("the proof's jws carries a payload; these suites sign a detached payload")
    try:
        header = json.loads(b64url_decode(encoded_header).decode("utf-8"))
        signature = b64url_decode(encoded_signature)
    except (ValueError, UnicodeDecodeError):
        raise ProofError("the proof's jws is not valid base64url JSON") from None
    if not isinstance(header, dict):
        raise ProofError("the proof's JWS header is not a JSON object")
    if header.get("b64") is not False or header.get("crit") != ["b64"]:
        raise ProofError('the proof\'s JWS header must have "b64": false and "crit": ["b64"] (RFC 7797)')
    extra = sorted(set(header) - {"alg", "b64", "crit", "kid"})
    if extra:
        raise ProofError(f"the proof's JWS header has parameters these suites do not define: {', '.join(extra)}")
    if "kid" in header and header["kid"] != verification_method:
        raise ProofError("the proof's JWS header kid names another key than its verificationMethod")
    if not signature:
        raise ProofError("the proof's jws has an empty signature")
    return encoded_header, header, signature


def _signature_check(suite: str, alg: Any, public_key: Any, vm: str):
    """verify(signature, signing_input) for ``alg`` with ``public_key``: the key must be the kind ``alg`` names."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    if alg not in SUITE_ALGORITHMS[suite]:
        raise ProofError(f"{suite} does not allow the JWS algorithm {alg!r}", check="key")
    kind = key_kind(public_key)
    if alg == "EdDSA":
        if not isinstance(public_key, Ed25519PublicKey):
            raise ProofError(f"alg EdDSA needs an Ed25519 key; {vm} is a {kind}", check="key")
        return public_key.verify
    if alg in _ECDSA_ALGORITHMS:
        curve, hash_name = _ECDSA_ALGORITHMS[alg]
        if not isinstance(public_key, ec.EllipticCurvePublicKey) or public_key.curve.name != curve:
            raise ProofError(f"alg {alg} needs a {curve} key; {vm} is a {kind}", check="key")
        size = (public_key.curve.key_size + 7) // 8
        algorithm = hashes.SHA256() if hash_name == "sha256" else hashes.SHA384()

        def check_ecdsa(signature: bytes, data: bytes) -> None:
            from cryptography.exceptions import InvalidSignature

            if len(signature) != 2 * size:  # RFC 7518 §3.4: exactly r || s, each the coordinate size
                raise InvalidSignature()
            r, s = int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big")
            public_key.verify(encode_dss_signature(r, s), data, ec.ECDSA(algorithm))

        return check_ecdsa
    # PS256 / RS256
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise ProofError(f"alg {alg} needs an RSA key; {vm} is a {kind}", check="key")
    if public_key.key_size < _MIN_RSA_BITS:
        raise ProofError(f"alg {alg} needs an RSA key of at least {_MIN_RSA_BITS} bits", check="key")
    if alg == "PS256":
        # RFC 7518 §3.5: MGF1 with SHA-256, salt as long as the hash output
        pad = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
    else:
        pad = padding.PKCS1v15()
    return lambda signature, data: public_key.verify(signature, data, pad, hashes.SHA256())


def verify_legacy_proof(
    document: dict[str, Any],
    proof: dict[str, Any],
    previous: list[dict[str, Any]] | None,
    *,
    index: int,
    resolver,
    issuer: str | None,
    expected_purpose: str,
    challenge: str | None,
    domain: str | None,
    canonical_cache: MutableMapping[str, str] | None = None,
    as_of: datetime | None = None,
) -> ProofResult:
    """Check one ``Ed25519Signature2018`` or ``JsonWebSignature2020`` proof of ``document``.

    Never raises for a bad proof: the :class:`ProofResult` says what failed (``unverifiable`` when something
    needed — a context, a key document — is not available). ``issuer`` is accepted for the shape of the
    dispatch of a key listed by another party's document (the issuer's own document must list it); whether a
    proof's key belongs to the issuer is judged over the whole proof set by the caller.
    """
    from cryptography.exceptions import InvalidSignature

    suite = str(proof.get("type"))
    vm = proof.get("verificationMethod")
    if isinstance(vm, dict):  # an embedded method: only its id may be used (the key must come from the issuer)
        vm = vm.get("id")
    result = ProofResult(index=index, suite=suite, verification_method=vm if isinstance(vm, str) else None)
    try:
        if suite not in LEGACY_PROOF_TYPES:
            raise ProofError(f"proof suite {suite} is not supported", unverifiable=True, check="suite")
        if not isinstance(vm, str) or not vm:
            raise ProofError("the proof has no verificationMethod")
        if any(k in proof for k in ("proofValue", "signatureValue")):
            # jsonld-signatures drops these from the proof options, so they would sit beside the jws unsigned
            raise ProofError(f"a {suite} proof carries its signature in jws only, not also in proofValue/signatureValue")
        check_proof_options(proof, expected_purpose=expected_purpose, challenge=challenge, domain=domain, as_of=as_of)

        encoded_header, header, signature = _parse_detached_jws(proof.get("jws"), vm)
        alg = header.get("alg")
        if alg not in SUITE_ALGORITHMS[suite]:
            raise ProofError(f"{suite} does not allow the JWS algorithm {alg!r}", check="key")

        try:
            key = resolve_key(vm, resolver=resolver, purpose=expected_purpose)
        except KeyResolutionError as exc:
            unavailable = getattr(exc, "unavailable", False) or getattr(exc, "unsupported", False)
            raise ProofError(f"cannot resolve the key {vm}: {exc}", unverifiable=unavailable, check="key") from exc
        result.controller = key.controller
        check_signature = _signature_check(suite, alg, key.public_key, vm)
        if key.purposes is not None and expected_purpose not in key.purposes:
            raise ProofError(
                f"the key {vm} is not authorised for {expected_purpose} by its controller", check="proof_purpose"
            )

        proof_config, unsecured = proof_inputs(document, proof, previous)
        proof_config.pop("jws", None)
        # The same hash data as eddsa-rdfc-2022 (proof options first), so its cache entries are shared.
        verify_data = cached_hash_data(proof_config, unsecured, EDDSA_RDFC_2022, canonical_cache, "sha256")
        signing_input = encoded_header.encode("ascii") + b"." + verify_data  # RFC 7797 §3 (b64: false)
        try:
            check_signature(signature, signing_input)
        except InvalidSignature:
            raise ProofError("the signature does not match the document (altered, or signed with another key)") from None
        key = bind_key_to_issuer(key, issuer, resolver=resolver, purpose=expected_purpose)
        result.controller = key.controller
        result.outcome = PASS
        result.binding = key.binding if key.binding in (BOUND, SELF_ASSERTED) else result.binding
    except ProofError as exc:
        result.outcome = UNKNOWN if exc.unverifiable else FAIL
        result.unverifiable = exc.unverifiable
        result.failed_check = exc.check
        result.reasons.append(exc.message)
    return result


__all__ = [
    "ED25519_SIGNATURE_2018",
    "JSON_WEB_SIGNATURE_2020",
    "LEGACY_PROOF_TYPES",
    "is_legacy_proof",
    "SUITE_ALGORITHMS",
    "verify_legacy_proof",
]
