"""What every proof suite shares: the suite names, :class:`ProofError` and :class:`ProofResult`, the hash data
with its canonical forms and content-addressed cache, the proof inputs, key resolution and issuer binding, and
the proof options every suite checks (purpose, challenge, domain, created / expires).

Both the Data Integrity suites (:mod:`skillwallet.verify.data_integrity`) and the legacy Linked Data Signature
suites (:mod:`skillwallet.verify.legacy_suites`) build on this module, which imports neither.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skillwallet.verify.base import BOUND, FAIL, UNRESOLVED, KeyResolutionError, ResolvedKey

DATA_INTEGRITY_PROOF = "DataIntegrityProof"
ED25519_SIGNATURE_2020 = "Ed25519Signature2020"
EDDSA_RDFC_2022 = "eddsa-rdfc-2022"
EDDSA_2022 = "eddsa-2022"  # the draft name of eddsa-rdfc-2022 (vc-di-eddsa, 2022-2023 drafts): same algorithm
EDDSA_JCS_2022 = "eddsa-jcs-2022"
ECDSA_RDFC_2019 = "ecdsa-rdfc-2019"  # W3C vc-di-ecdsa §3.2: P-256 with SHA-256, P-384 with SHA-384
ECDSA_JCS_2019 = "ecdsa-jcs-2019"  # W3C vc-di-ecdsa §3.3
RDFC_CRYPTOSUITES = frozenset({EDDSA_RDFC_2022, EDDSA_2022})
JCS_CRYPTOSUITES = frozenset({EDDSA_JCS_2022, ECDSA_JCS_2019})
ECDSA_CRYPTOSUITES = frozenset({ECDSA_RDFC_2019, ECDSA_JCS_2019})
VERIFIABLE_CRYPTOSUITES = RDFC_CRYPTOSUITES | JCS_CRYPTOSUITES | ECDSA_CRYPTOSUITES
SIGNING_CRYPTOSUITES = (EDDSA_RDFC_2022, EDDSA_JCS_2022)


class ProofError(Exception):
    """One proof cannot be checked or does not verify. ``unverifiable`` marks "a needed thing is missing"."""

    def __init__(self, message: str, *, unverifiable: bool = False, check: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.unverifiable = unverifiable
        self.check = check  # the check the failure belongs to (proof_purpose, undefined_terms, ...)


def canonical_jcs(value: Any) -> bytes:
    import rfc8785

    try:
        return rfc8785.dumps(value)
    except Exception as exc:  # rfc8785 raises its own errors for floats out of range, non-str keys...
        raise ProofError(f"the document cannot be canonicalised with JCS (RFC 8785): {exc}") from exc


def canonical_rdfc(document: dict[str, Any], what: str) -> bytes:
    from skillwallet.verify.jsonld import JsonLdError, canonicalize
    from skillwallet.verify.rdfc import CanonicalisationTooComplex

    try:
        result = canonicalize(document)
    except CanonicalisationTooComplex as exc:
        # no signature can be checked without the canonical form: unknown, not a failed signature
        raise ProofError(f"the document is too complex to canonicalise: {exc}", unverifiable=True) from exc
    except JsonLdError as exc:
        if exc.unknown_context:
            raise ProofError(str(exc), unverifiable=True, check="contexts") from exc
        raise ProofError(f"{what}: {exc}", check="contexts") from exc
    if result.dropped_terms:
        raise ProofError(
            f"{what} has properties its @context does not define, so the signature does not cover them: "
            + ", ".join(result.dropped_terms[:8]),
            check="undefined_terms",
        )
    if result.relative_iris:
        raise ProofError(
            f"{what} has identifiers or types that are not absolute IRIs, so the signature does not cover them: "
            + ", ".join(result.relative_iris[:8]),
            check="undefined_terms",
        )
    return result.nquads.encode("utf-8")


def check_undefined_terms(document: dict[str, Any], what: str) -> None:
    """For JCS proofs: the JSON is signed as is, but every property must still mean something (VC 2.0 §4.1)."""
    canonical_rdfc(document, what)


def hash_data(
    proof_config: dict[str, Any], unsecured: dict[str, Any], cryptosuite: str, hash_name: str = "sha256"
) -> bytes:
    """``H(canon(proofConfig)) || H(canon(unsecured))`` for ``cryptosuite`` (the proof hash first).

    ``canon`` is JCS for the jcs suites and RDFC-1.0 otherwise; ``H`` is SHA-256, or SHA-384 for ecdsa
    proofs made with a P-384 key (vc-di-ecdsa §3.2.4).
    """
    digest = getattr(hashlib, hash_name)
    proof_canon, document_canon = canonical_forms(proof_config, unsecured, cryptosuite)
    return digest(proof_canon).digest() + digest(document_canon).digest()


def canonical_forms(proof_config: dict[str, Any], unsecured: dict[str, Any], cryptosuite: str) -> tuple[bytes, bytes]:
    """(canon(proofConfig), canon(unsecured)): JCS for the jcs suites, RDFC-1.0 otherwise."""
    if cryptosuite in JCS_CRYPTOSUITES:
        return canonical_jcs(proof_config), canonical_jcs(unsecured)
    return canonical_rdfc(proof_config, "the proof"), canonical_rdfc(unsecured, "the document")


@dataclass
class ProofResult:
    """What one proof in a set or chain found."""

    index: int
    suite: str
    verification_method: str | None
    outcome: str = FAIL
    binding: str = UNRESOLVED
    controller: str | None = None
    reasons: list[str] = field(default_factory=list)
    unverifiable: bool = False
    failed_check: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "suite": self.suite,
            "verification_method": self.verification_method,
            "outcome": self.outcome,
            "binding": self.binding,
            "controller": self.controller,
            "reasons": list(self.reasons),
        }


def resolve_key(verification_method: str, *, resolver, purpose: str) -> ResolvedKey:
    """Resolve a verification method through :mod:`skillwallet.verify.keys` (DIDs, key documents)."""
    try:
        from skillwallet.verify import keys
    except ImportError:  # the key-resolution module is not installed in this build
        raise KeyResolutionError("key resolution is not available", unsupported=True) from None
    return keys.resolve_verification_method(verification_method, resolver, purpose=purpose)


def bind_key_to_issuer(key: ResolvedKey, issuer: str | None, *, resolver, purpose: str) -> ResolvedKey:
    """After the signature checks: ``key`` as the issuer's when the issuer's own document lists it.

    The key's document is not the issuer's (a key of another DID, or one whose ``controller`` member
    merely names the issuer): only the issuer's own DID / controller document can authorise it
    (:func:`skillwallet.verify.keys.bind_to_issuer`). Raises :class:`ProofError` (unverifiable) when that
    document is needed but not available.
    """
    if not issuer or key.binding != BOUND or same_party(key.controller, issuer):
        return key
    from skillwallet.verify import keys

    try:
        return keys.bind_to_issuer(key, issuer, resolver, purpose)
    except KeyResolutionError as exc:
        raise ProofError(str(exc), unverifiable=True, check="key") from None


def same_party(controller: str | None, issuer: str | None) -> bool:
    if controller is None or issuer is None:
        return False
    return controller.split("#", 1)[0] == issuer.split("#", 1)[0]


def cached_hash_data(
    proof_config: dict[str, Any],
    unsecured: dict[str, Any],
    cryptosuite: str,
    cache: MutableMapping[str, str] | None,
    hash_name: str = "sha256",
) -> bytes:
    """:func:`hash_data`, through an optional content-addressed cache (the expensive part is RDFC).

    Only successful results are cached, and a result exists only when nothing was dropped in expansion, so a
    cache hit carries the same guarantees as a fresh computation. Results that used a context the user
    supplied are never cached: a hit is always a computation with the shipped contexts alone.
    """
    key = None
    if cache is not None:
        key = hash_cache_key(proof_config, unsecured, cryptosuite, hash_name)
        hit = cache.get(key)
        if isinstance(hit, str) and len(hit) == 2 * 2 * getattr(hashlib, hash_name)().digest_size:
            return bytes.fromhex(hit)
    from skillwallet.verify.jsonld import user_context_loads

    loads = user_context_loads()
    if cryptosuite in JCS_CRYPTOSUITES:
        check_undefined_terms(unsecured, "the document")
    data = hash_data(proof_config, unsecured, cryptosuite, hash_name)
    if cache is not None and key is not None and user_context_loads() == loads:
        # A result that used a context the user supplied is that call's only: another call may supply other
        # bytes for the same URL, and the cache is keyed by the document, not by the contexts it was read with.
        cache[key] = data.hex()
    return data


def hash_cache_key(proof_config: dict[str, Any], unsecured: dict[str, Any], cryptosuite: str, hash_name: str) -> str:
    canon = "jcs" if cryptosuite in JCS_CRYPTOSUITES else "rdfc"
    material = json.dumps(
        [canon, hash_name, proof_config, unsecured], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def proof_inputs(
    document: dict[str, Any], proof: dict[str, Any], previous: list[dict[str, Any]] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(proofConfig, unsecured document) for one proof (VC Data Integrity §4.5; vc-di-eddsa §3.2.4 / §3.3.4)."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if previous:
        # a chained proof signs the document holding exactly the proofs it names
        unsecured["proof"] = previous if len(previous) > 1 else previous[0]
    proof_config = {k: v for k, v in proof.items() if k != "proofValue"}
    # Every suite: proofConfig takes the document's @context, even when the proof has none.
    proof_config["@context"] = document.get("@context")
    return proof_config, unsecured


def key_kind(public_key: Any) -> str:
    curve = getattr(getattr(public_key, "curve", None), "name", None)
    return f"{type(public_key).__name__}" + (f" ({curve})" if curve else "")


def check_proof_options(
    proof: dict[str, Any], *, expected_purpose: str, challenge: str | None, domain: str | None, as_of: datetime | None
) -> None:
    """The checks every proof suite shares: purpose, challenge, domain, and the proof's own created/expires.

    Raises :class:`ProofError` naming the failed check.
    """
    from skillwallet.model import format_datetime, parse_datetime

    purpose = proof.get("proofPurpose")
    if purpose != expected_purpose:
        raise ProofError(f"proofPurpose is {purpose!r}, expected {expected_purpose!r}", check="proof_purpose")
    if challenge is not None and proof.get("challenge") != challenge:
        raise ProofError("the proof's challenge does not match the one expected", check="challenge")
    if domain is not None:
        proof_domain = proof.get("domain")
        domains = proof_domain if isinstance(proof_domain, list) else [proof_domain]
        if domain not in domains:
            raise ProofError("the proof's domain does not match the one expected", check="domain")
    if "created" in proof:
        if not isinstance(proof["created"], str) or parse_datetime(proof["created"]) is None:
            raise ProofError("the proof's created date is not a valid date-time")
    if "expires" in proof:
        # VC Data Integrity §2.1: a proof is not valid after its own "expires" date-time
        proof_expires = parse_datetime(proof["expires"]) if isinstance(proof["expires"], str) else None
        if proof_expires is None:
            raise ProofError("the proof's expires date is not a valid date-time")
        if as_of is not None and proof_expires <= as_of:
            raise ProofError(f"the proof expired on {format_datetime(proof_expires)}", check="proof_expiry")
