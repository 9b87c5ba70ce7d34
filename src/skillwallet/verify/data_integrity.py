"""Data Integrity proofs: eddsa-rdfc-2022 (and its draft name eddsa-2022), Ed25519Signature2020, eddsa-jcs-2022
(signing and verification), ecdsa-rdfc-2019 and ecdsa-jcs-2019 with P-256/P-384 (verification); proof sets
and proof chains.

The algorithm (W3C vc-di-eddsa §3.2 / §3.3, VC Data Integrity §4; see ``/work/shared/FORMATS.md``):

1. ``proofConfig`` = the proof without ``proofValue``, with ``@context`` set to the document's ``@context``;
2. ``unsecured`` = the document without ``proof`` (for a chained proof: holding exactly the proofs it names
   in ``previousProof``, VC Data Integrity §4.3 "Add Proof" step 5 / §4.5);
3. ``hashData = SHA-256(canon(proofConfig)) || SHA-256(canon(unsecured))`` — the proof hash comes first —
   where ``canon`` is RDFC-1.0 for the rdfc suites and RFC 8785 JCS for eddsa-jcs-2022;
4. ``proofValue`` = ``z`` + base58btc(Ed25519 signature of ``hashData``), 64 bytes.

Verification never raises for a bad credential: it returns a :class:`SignatureFinding` whose reasons say what
failed. Anything RDF canonicalisation would not cover (a term the context does not define, a relative IRI)
fails the proof: a signature that does not cover a displayed field must not make that field look verified.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import MutableMapping
from datetime import datetime, timezone
from typing import Any

from skillwallet.errors import InvalidInputError
from skillwallet.verify.base import (
    BOUND,
    FAIL,
    NA,
    PASS,
    SELF_ASSERTED,
    UNKNOWN,
    UNRESOLVED,
    KeyResolutionError,
    SignatureFinding,
)
from skillwallet.verify.proofs import (
    DATA_INTEGRITY_PROOF,
    ECDSA_CRYPTOSUITES,
    ED25519_SIGNATURE_2020,
    EDDSA_JCS_2022,
    EDDSA_RDFC_2022,
    JCS_CRYPTOSUITES,
    SIGNING_CRYPTOSUITES,
    VERIFIABLE_CRYPTOSUITES,
    ProofError,
    ProofResult,
    bind_key_to_issuer,
    cached_hash_data,
    canonical_forms,
    check_proof_options,
    check_undefined_terms,
    hash_cache_key,
    hash_data,
    key_kind,
    proof_inputs,
    resolve_key,
    same_party,
)

#: ECDSA curves vc-di-ecdsa allows: curve name -> (hash, raw r||s signature length)
_ECDSA_CURVES = {"secp256r1": ("sha256", 64), "secp384r1": ("sha384", 96)}

CREDENTIALS_V1 = "https://www.w3.org/2018/credentials/v1"
DATA_INTEGRITY_V2 = "https://w3id.org/security/data-integrity/v2"
ED25519_2020_CONTEXT = "https://w3id.org/security/suites/ed25519-2020/v1"

#: Upper bound on proofs in one document: a set or chain of more is not a credential a wallet meets.
MAX_PROOFS = 16


# --------------------------------------------------------------------------------------------------------
# multibase / hashing


def encode_proof_value(signature: bytes) -> str:
    """Multibase base58btc (``z`` prefix) of a signature: the proofValue encoding of every eddsa suite."""
    import base58

    return "z" + base58.b58encode(signature).decode("ascii")


def decode_proof_value(value: Any, length: int = 64, what: str = "an Ed25519 signature") -> bytes:
    """The ``length``-byte signature in a ``proofValue``; :class:`ProofError` for any other shape."""
    import base58

    if not isinstance(value, str) or not value:
        raise ProofError("proofValue is missing or not a string")
    if value[0] != "z":
        raise ProofError(f"proofValue is not multibase base58btc (prefix {value[0]!r}, expected 'z')")
    if len(value) > 200:
        raise ProofError(f"proofValue is far too long for {what}")
    try:
        raw = base58.b58decode(value[1:])
    except ValueError:
        raise ProofError("proofValue is not valid base58btc") from None
    if len(raw) != length:
        raise ProofError(f"proofValue decodes to {len(raw)} bytes; {what} is {length}")
    return raw


# --------------------------------------------------------------------------------------------------------
# signing


def _ensure_suite_context(document: dict[str, Any], proof_type: str) -> None:
    """A VC 1.1 document must carry the Data Integrity context, or the proof's own terms would be dropped."""
    contexts = document.get("@context")
    if isinstance(contexts, str):
        contexts = [contexts]
    if not isinstance(contexts, list):
        return
    if CREDENTIALS_V1 in contexts and proof_type == DATA_INTEGRITY_PROOF and DATA_INTEGRITY_V2 not in contexts:
        document["@context"] = [*contexts, DATA_INTEGRITY_V2]


def sign_data_integrity(
    document: dict,
    private_key,
    verification_method: str,
    *,
    cryptosuite: str = EDDSA_RDFC_2022,
    proof_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    created: datetime | None = None,
) -> dict:
    """Return a copy of ``document`` with a new DataIntegrityProof (eddsa-rdfc-2022 or eddsa-jcs-2022) added.

    ``private_key`` is an ``Ed25519PrivateKey``; ``verification_method`` the id a verifier resolves to its public
    key (e.g. ``did:key:z6Mk…#z6Mk…``). An existing proof is kept and the new one joins it as a proof set.
    A VC 1.1 document gets the Data Integrity v2 context appended (its context does not define the proof terms).
    Raises :class:`InvalidInputError` when the document cannot be signed faithfully: a context not shipped,
    or properties its context does not define (they would not be covered by an rdfc signature).
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    if cryptosuite not in SIGNING_CRYPTOSUITES:
        raise InvalidInputError(f"cannot sign with cryptosuite {cryptosuite!r}", "use eddsa-rdfc-2022 or eddsa-jcs-2022")
    if not isinstance(private_key, Ed25519PrivateKey):
        raise InvalidInputError("Data Integrity eddsa signing needs an Ed25519 private key")
    if not isinstance(document, dict) or "@context" not in document:
        raise InvalidInputError("only a JSON-LD document with an @context can carry a Data Integrity proof")

    signed = copy.deepcopy(document)
    _ensure_suite_context(signed, DATA_INTEGRITY_PROOF)
    existing = signed.pop("proof", None)
    when = (created or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    proof: dict[str, Any] = {
        "type": DATA_INTEGRITY_PROOF,
        "cryptosuite": cryptosuite,
        "created": when.isoformat().replace("+00:00", "Z"),
        "verificationMethod": verification_method,
        "proofPurpose": proof_purpose,
    }
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    if cryptosuite == EDDSA_JCS_2022:
        # eddsa-jcs-2022 §3.3.1 "Create Proof": the proof carries the document's @context.
        proof["@context"] = copy.deepcopy(signed["@context"])
    proof_config = dict(proof)
    proof_config["@context"] = signed["@context"]
    try:
        data = hash_data(proof_config, signed, cryptosuite)
    except ProofError as exc:
        raise InvalidInputError(f"cannot sign this document: {exc.message}") from None
    proof["proofValue"] = encode_proof_value(private_key.sign(data))

    if existing is None:
        signed["proof"] = proof
    elif isinstance(existing, list):
        signed["proof"] = [*existing, proof]
    else:
        signed["proof"] = [existing, proof]
    return signed


# --------------------------------------------------------------------------------------------------------
# verification


def _suite_of(proof: dict[str, Any]) -> str:
    ptype = proof.get("type")
    if ptype == DATA_INTEGRITY_PROOF:
        suite = proof.get("cryptosuite")
        return suite if isinstance(suite, str) else "DataIntegrityProof (no cryptosuite)"
    return ptype if isinstance(ptype, str) else "unknown"


def _ecdsa_hash_names(verification_method: Any) -> tuple[str, ...]:
    """The hash an ecdsa proof needs follows from its key's curve (vc-di-ecdsa §3.2.4: SHA-256 for P-256,
    SHA-384 for P-384), never from the proof itself. Without a resolver only a did:key names its curve; for
    any other method both candidates are precomputed (from one canonicalisation) and the verifier, which
    resolves the key, asks for the one its curve needs."""
    from skillwallet.verify.keys import public_key_from_did_key

    if isinstance(verification_method, dict):
        verification_method = verification_method.get("id")
    if isinstance(verification_method, str) and verification_method.startswith("did:key:"):
        try:
            curve = getattr(getattr(public_key_from_did_key(verification_method), "curve", None), "name", None)
        except KeyResolutionError:
            curve = None
        if curve in _ECDSA_CURVES:
            return (_ECDSA_CURVES[curve][0],)
    return ("sha256", "sha384")


def _previous_proofs(proof: dict[str, Any], by_id: dict[str, dict[str, Any]]) -> list[dict[str, Any]] | None:
    """The proofs a chained proof names; None when it is not chained; ValueError naming any missing."""
    if "previousProof" not in proof:
        return None
    refs = proof["previousProof"]
    refs = refs if isinstance(refs, list) else [refs]
    missing = [r for r in refs if not isinstance(r, str) or r not in by_id or by_id[r] is proof]
    if missing or not refs:
        raise ValueError(f"previousProof names proofs the document does not hold: {missing or refs}")
    return [by_id[r] for r in refs]


def precompute_canonical_hashes(document: dict[str, Any]) -> dict[str, str]:
    """The canonical hash data of every proof of ``document``, keyed as the verifier's cache keys them.

    Pure (no keys, no network): a process pool runs it for a large batch so the expensive RDFC step uses
    every core, and the verifier then finds each result in ``canonical_cache``.
    """
    from skillwallet.verify.jsonld import user_context_loads

    cache: dict[str, str] = {}
    if not isinstance(document, dict):
        return cache
    proofs = [p for p in _proof_list(document) if isinstance(p, dict)][:MAX_PROOFS]
    by_id = {p["id"]: p for p in proofs if isinstance(p.get("id"), str)}
    for proof in proofs:
        suite = _suite_of(proof)
        if proof.get("type") == DATA_INTEGRITY_PROOF and suite not in VERIFIABLE_CRYPTOSUITES:
            continue
        if proof.get("type") not in (DATA_INTEGRITY_PROOF, ED25519_SIGNATURE_2020):
            continue
        canon_suite = suite if suite in VERIFIABLE_CRYPTOSUITES else EDDSA_RDFC_2022
        try:
            previous = _previous_proofs(proof, by_id)
            proof_config, unsecured = proof_inputs(document, proof, previous)
            if suite not in ECDSA_CRYPTOSUITES:
                cached_hash_data(proof_config, unsecured, canon_suite, cache)
                continue
            if canon_suite in JCS_CRYPTOSUITES:
                check_undefined_terms(unsecured, "the document")
            loads = user_context_loads()
            forms = canonical_forms(proof_config, unsecured, canon_suite)
            if user_context_loads() != loads:
                continue  # read with a context the user supplied: never cached (see cached_hash_data)
            for hash_name in _ecdsa_hash_names(proof.get("verificationMethod")):
                digest = getattr(hashlib, hash_name)
                data = digest(forms[0]).digest() + digest(forms[1]).digest()
                cache[hash_cache_key(proof_config, unsecured, canon_suite, hash_name)] = data.hex()
        except (ProofError, ValueError):
            continue  # the verifier reports it
    return cache


def _signature_scheme(suite: str, public_key: Any, vm: str):
    """(verify(signature, data), hash name, signature length, description) for ``suite`` with ``public_key``.

    The key type must be the suite's (eddsa: Ed25519; ecdsa: P-256 or P-384): checking a proof with any
    other kind of key is algorithm confusion, refused before any signature arithmetic.
    """
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    if suite in ECDSA_CRYPTOSUITES:
        from cryptography.hazmat.primitives.asymmetric import ec

        curve = getattr(getattr(public_key, "curve", None), "name", None)
        if not isinstance(public_key, ec.EllipticCurvePublicKey) or curve not in _ECDSA_CURVES:
            raise ProofError(f"{suite} needs a P-256 or P-384 key; {vm} is a {key_kind(public_key)}", check="key")
        hash_name, length = _ECDSA_CURVES[curve]

        def check(signature: bytes, data: bytes) -> None:
            from cryptography.hazmat.primitives import hashes
            from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

            half = len(signature) // 2
            der = encode_dss_signature(int.from_bytes(signature[:half], "big"), int.from_bytes(signature[half:], "big"))
            algorithm = hashes.SHA256() if hash_name == "sha256" else hashes.SHA384()
            public_key.verify(der, data, ec.ECDSA(algorithm))

        return check, hash_name, length, f"a {curve} ECDSA signature (r||s)"
    if not isinstance(public_key, Ed25519PublicKey):
        raise ProofError(f"{suite} needs an Ed25519 key; {vm} is a {key_kind(public_key)}", check="key")
    return public_key.verify, "sha256", 64, "an Ed25519 signature"


def _verify_one(
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
    from cryptography.exceptions import InvalidSignature

    from skillwallet.verify import legacy_suites

    if legacy_suites.is_legacy_proof(proof):  # Ed25519Signature2018, JsonWebSignature2020
        return legacy_suites.verify_legacy_proof(
            document, proof, previous, index=index, resolver=resolver, issuer=issuer,
            expected_purpose=expected_purpose, challenge=challenge, domain=domain,
            canonical_cache=canonical_cache, as_of=as_of,
        )
    suite = _suite_of(proof)
    vm = proof.get("verificationMethod")
    if isinstance(vm, dict):  # an embedded method: only its id may be used (the key must come from the issuer)
        vm = vm.get("id")
    result = ProofResult(index=index, suite=suite, verification_method=vm if isinstance(vm, str) else None)
    try:
        if proof.get("type") == DATA_INTEGRITY_PROOF:
            if suite not in VERIFIABLE_CRYPTOSUITES:
                raise ProofError(f"proof suite {suite} is not supported", unverifiable=True, check="suite")
        elif proof.get("type") != ED25519_SIGNATURE_2020:
            raise ProofError(f"proof suite {suite} is not supported", unverifiable=True, check="suite")
        if not isinstance(vm, str) or not vm:
            raise ProofError("the proof has no verificationMethod")
        check_proof_options(proof, expected_purpose=expected_purpose, challenge=challenge, domain=domain, as_of=as_of)
        proof_config, unsecured = proof_inputs(document, proof, previous)
        if suite in JCS_CRYPTOSUITES and "@context" in proof:
            # eddsa-jcs-2022 §3.3.2 / ecdsa-jcs-2019 §3.3.2: the proof's @context must prefix the document's.
            doc_ctx = document.get("@context")
            doc_ctx = doc_ctx if isinstance(doc_ctx, list) else [doc_ctx]
            proof_ctx = proof["@context"] if isinstance(proof["@context"], list) else [proof["@context"]]
            if doc_ctx[: len(proof_ctx)] != proof_ctx:
                raise ProofError("the proof's @context is not a prefix of the document's @context")

        try:
            key = resolve_key(vm, resolver=resolver, purpose=expected_purpose)
        except KeyResolutionError as exc:
            unavailable = getattr(exc, "unavailable", False) or getattr(exc, "unsupported", False)
            raise ProofError(f"cannot resolve the key {vm}: {exc}", unverifiable=unavailable, check="key") from exc
        result.controller = key.controller
        check_signature, hash_name, length, what = _signature_scheme(suite, key.public_key, vm)
        if key.purposes is not None and expected_purpose not in key.purposes:
            raise ProofError(
                f"the key {vm} is not authorised for {expected_purpose} by its controller", check="proof_purpose"
            )
        signature = decode_proof_value(proof.get("proofValue"), length, what)
        data = cached_hash_data(proof_config, unsecured, suite, canonical_cache, hash_name)
        try:
            check_signature(signature, data)
        except InvalidSignature:
            raise ProofError("the signature does not match the document (altered, or signed with another key)") from None
        key = bind_key_to_issuer(key, issuer, resolver=resolver, purpose=expected_purpose)
        result.controller = key.controller
        result.outcome = PASS
        result.binding = key.binding if key.binding in (BOUND, SELF_ASSERTED) else UNRESOLVED
    except ProofError as exc:
        result.outcome = UNKNOWN if exc.unverifiable else FAIL
        result.unverifiable = exc.unverifiable
        result.failed_check = exc.check
        result.reasons.append(exc.message)
    return result


def _proof_list(document: dict[str, Any]) -> list[Any]:
    proofs = document.get("proof")
    if proofs is None:
        return []
    return proofs if isinstance(proofs, list) else [proofs]


def verify_data_integrity_proofs(
    document: dict,
    *,
    resolver,
    issuer: str | None,
    expected_purpose: str = "assertionMethod",
    challenge: str | None = None,
    domain: str | None = None,
    canonical_cache: MutableMapping[str, str] | None = None,
    as_of: datetime | None = None,
) -> SignatureFinding:
    """Verify every Data Integrity proof on ``document`` (a proof set, a chain, or one proof).

    All proofs must verify (VC Data Integrity §4.4: a proof set is valid only if each proof is). When ``issuer``
    is given, at least one passing proof must use a key whose controller is the issuer; the finding's binding is
    that key's (bound to the issuer's DID document, or self-asserted). ``details`` holds per-proof results and a
    ``checks`` map (issuer_binding, proof_purpose, undefined_terms, contexts) for the verdict table.
    ``canonical_cache`` (optional) maps a digest of each proof's inputs to its canonical hash data, so an
    unchanged document is not canonicalised again. ``as_of`` (optional) is when a proof's own ``expires``
    is judged.
    """
    proofs = _proof_list(document)
    checks: dict[str, str] = {}
    finding = SignatureFinding(outcome=NA, details={"proofs": [], "checks": checks})
    if not proofs:
        finding.reasons.append("the document carries no proof")
        return finding
    if len(proofs) > MAX_PROOFS:
        finding.outcome = FAIL
        finding.reasons.append(f"the document carries {len(proofs)} proofs; at most {MAX_PROOFS} are checked")
        return finding
    if not all(isinstance(p, dict) for p in proofs):
        finding.outcome = FAIL
        finding.reasons.append("a proof is not a JSON object")
        return finding

    by_id: dict[str, dict[str, Any]] = {}
    for p in proofs:
        if isinstance(p.get("id"), str):
            if p["id"] in by_id:
                finding.outcome = FAIL
                finding.reasons.append(f"two proofs share the id {p['id']}")
                return finding
            by_id[p["id"]] = p

    results: list[ProofResult] = []
    for index, proof in enumerate(proofs):
        try:
            previous = _previous_proofs(proof, by_id)
        except ValueError as exc:
            vm = proof.get("verificationMethod")
            results.append(
                ProofResult(
                    index=index,
                    suite=_suite_of(proof),
                    verification_method=vm if isinstance(vm, str) else None,
                    reasons=[str(exc)],
                )
            )
            continue
        results.append(
            _verify_one(
                document,
                proof,
                previous,
                index=index,
                resolver=resolver,
                issuer=issuer,
                expected_purpose=expected_purpose,
                challenge=challenge,
                domain=domain,
                canonical_cache=canonical_cache,
                as_of=as_of,
            )
        )

    finding.details["proofs"] = [r.to_dict() for r in results]
    for r in results:
        for reason in r.reasons:
            finding.reasons.append(f"proof {r.index + 1} ({r.suite}): {reason}" if len(results) > 1 else reason)
        if r.failed_check in ("proof_purpose", "undefined_terms", "contexts", "proof_expiry"):
            checks[r.failed_check] = FAIL if not r.unverifiable else UNKNOWN
    checks.setdefault("undefined_terms", PASS if all(r.failed_check not in ("undefined_terms", "contexts") for r in results) else UNKNOWN)
    checks.setdefault("contexts", PASS)
    checks.setdefault("proof_purpose", PASS)

    if any(r.outcome == FAIL for r in results):
        finding.outcome = FAIL
    elif any(r.outcome == UNKNOWN for r in results):
        finding.outcome = UNKNOWN
        finding.unverifiable = True
    else:
        finding.outcome = PASS

    if finding.outcome == PASS:
        if issuer is None:
            bindings = {r.binding for r in results}
            finding.binding = BOUND if bindings == {BOUND} else (SELF_ASSERTED if SELF_ASSERTED in bindings else UNRESOLVED)
        else:
            from_issuer = [r for r in results if same_party(r.controller, issuer)]
            if not from_issuer:
                finding.outcome = FAIL
                controllers = sorted({r.controller or "?" for r in results})
                finding.reasons.append(
                    f"no proof is made with a key controlled by the issuer {issuer} (key controller: {', '.join(controllers)})"
                )
                checks["issuer_binding"] = FAIL
            elif any(r.binding == BOUND for r in from_issuer):
                finding.binding = BOUND
                checks["issuer_binding"] = PASS
            elif any(r.binding == SELF_ASSERTED for r in from_issuer):
                finding.binding = SELF_ASSERTED
                checks["issuer_binding"] = SELF_ASSERTED
                finding.reasons.append("the key is asserted only by the document itself, not by the issuer")
            else:
                checks["issuer_binding"] = UNKNOWN
    else:
        checks.setdefault("issuer_binding", UNKNOWN)
    return finding
