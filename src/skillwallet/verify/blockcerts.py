"""Blockcerts: certificates anchored in a blockchain transaction through a Merkle tree.

Three generations, one idea (Blockcerts "Verification process"; Chainpoint v2): the issuer hashes the
certificate (``targetHash``), puts the hashes of a batch in a Merkle tree, and writes the tree's root
(``merkleRoot``) into a blockchain transaction (``anchors``). A verifier must

1. recompute ``targetHash`` from the certificate: SHA-256 of the URDNA2015 (RDFC-1.0) canonical N-Quads of the
   certificate without its proof, with the Blockcerts contexts (cert-verifier-js ``computeLocalHash``:
   ``retrieveUnsignedBlockcerts`` removes ``signature`` (1.2, 2.x) or ``proof`` (3.x), and a property the
   contexts do not map fails the check, as its "fallback.org" ``@vocab`` trick makes it);
2. walk the Merkle ``path`` from ``targetHash`` up to ``merkleRoot``;
3. read ``merkleRoot`` from the anchoring transaction, and check the transaction's key is the issuer's.

Steps 1 and 2 need nothing but the file and the shipped contexts (``data/contexts``: the Blockcerts contexts
from the cert-schema package the reference verifier preloads): a hash that differs or a path that does not
reach the root is a failed check (``invalid``): a certificate whose content changed while its proof was kept
is caught here. Step 3 needs the blockchain (the network, or a transaction document nobody supplies today): so
a genuine Blockcerts certificate is ``unverifiable`` offline, never ``verified`` and never ``unsigned``, and the
verdict says what was checked and what was not. A certificate using a context that is not shipped (the
Open Badges 2.0 context of Blockcerts 2.x, whose published copy is not matched here) has its target hash
``unknown``, never passed, and the reason names the context and how to supply it. The user may supply a copy
they trust (``verify --document URL=FILE``, ``documents add URL FILE``): the hash is then computed with it,
through the loader and rules every credential gets (:func:`skillwallet.verify.jsonld.user_contexts`, which the
verifier activates with its document resolver), and the verdict says the context was theirs (check
``contexts``: "supplied by you", with the copy's SHA-256). Only the user supplies contexts, never the
certificate or a file beside it: a context that makes a changed certificate hash like the issued one is the
user's own choice, and even then the certificate is no more than ``unverifiable`` (the anchor is not checked).

* Blockcerts 1.2: ``{"document": {...}, "receipt": {targetHash, merkleRoot, path, anchors}}`` (Chainpoint v2);
  the hash covers ``document`` as it is (cert-verifier-js hashes ``document``, its issuer signature included);
* Blockcerts 2.x: an OB 2.0 assertion with a ``signature`` of type ``MerkleProof2017`` (``proof`` = the path);
* Blockcerts 3.x: a VC with a ``MerkleProof2019`` proof (or a ``DataIntegrityProof`` with cryptosuite
  ``merkle-proof-2019``) whose ``proofValue`` is multibase base58btc CBOR (lds-merkle-proof-2019: a list of
  ``[key, value]`` pairs, key 0 merkleRoot, 1 targetHash, 2 anchors, 3 path; each hash a CBOR text string of hex,
  each path step ``[0, left]`` or ``[1, right]``; the key order was read off the published testnet-v3-did.json,
  whose one-step path only joins up this way).
"""

from __future__ import annotations

import hashlib
from typing import Any

from skillwallet.verify.base import FAIL, PASS, UNKNOWN, UNRESOLVED, SignatureFinding
from skillwallet.verify.shapes import BLOCKCERTS_V1, BLOCKCERTS_V2, BLOCKCERTS_V3

#: lds-merkle-proof-2019 anchors (a "blink" URI as [key, value] pairs): 0 the chain, 1 its network, 2 the
#: transaction id; a mock anchor has chain -1 and a note at 1.
_CHAINS = {0: "Bitcoin", 1: "Ethereum", -1: "mock"}
_NETWORKS = {1: "mainnet", 3: "testnet", 4: "ropsten", 5: "rinkeby", 6: "goerli", 7: "sepolia", 11155111: "sepolia"}

V1, V2, V3 = BLOCKCERTS_V1, BLOCKCERTS_V2, BLOCKCERTS_V3
MAX_PATH = 64  # a Merkle tree of 2**64 certificates is deeper than any batch
MAX_CBOR_DEPTH = 16
MAX_PROOFS = 16  # MerkleProof2019 proofs checked on one certificate


class _CborError(ValueError):
    pass


def _cbor(data: bytes, i: int = 0, depth: int = 0) -> tuple[Any, int]:
    """The small CBOR subset (RFC 8949) lds-merkle-proof-2019 writes: ints, strings, arrays, maps, simple values."""
    if depth > MAX_CBOR_DEPTH or i >= len(data):
        raise _CborError("truncated or too deep")
    initial = data[i]
    major, info = initial >> 5, initial & 31
    i += 1
    if info < 24:
        value = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        if i + size > len(data):
            raise _CborError("truncated")
        value = int.from_bytes(data[i : i + size], "big")
        i += size
    else:
        raise _CborError("indefinite lengths are not used by lds-merkle-proof-2019")
    if major == 0:
        return value, i
    if major == 1:
        return -1 - value, i
    if major in (2, 3):
        if i + value > len(data):
            raise _CborError("truncated")
        raw = data[i : i + value]
        return (bytes(raw) if major == 2 else raw.decode("utf-8")), i + value
    if major in (4, 5):
        if value > len(data):
            raise _CborError("length beyond the data")
        items = []
        for _ in range(value * (2 if major == 5 else 1)):
            item, i = _cbor(data, i, depth + 1)
            items.append(item)
        if major == 4:
            return items, i
        return dict(zip(items[::2], items[1::2])), i
    if major == 6:
        return _cbor(data, i, depth + 1)
    if major == 7:
        return {20: False, 21: True, 22: None}.get(value, value), i
    raise _CborError("unknown major type")


def _hex_value(value: Any) -> str | None:
    """A hash as lds-merkle-proof-2019 stores it: CBOR bytes holding a CBOR text string of hex."""
    if isinstance(value, bytes):
        try:
            value, _ = _cbor(value)
        except (_CborError, UnicodeDecodeError):
            return None
    return value if isinstance(value, str) else None


def _decode_2019(proof_value: str) -> dict[str, Any]:
    from skillwallet.verify.keys import multibase_decode

    raw = multibase_decode(proof_value)
    decoded, _ = _cbor(raw)
    pairs = decoded.items() if isinstance(decoded, dict) else decoded
    fields: dict[int, Any] = {}
    for pair in pairs:
        key, value = pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, None)
        if isinstance(key, int):
            fields[key] = value
    path = []
    for step in fields.get(3) or []:
        if not (isinstance(step, list) and len(step) == 2 and step[0] in (0, 1)):
            raise ValueError("a Merkle path step is not [side, hash]")
        path.append({"left" if step[0] == 0 else "right": _hex_value(step[1])})
    anchors = []
    for anchor in fields.get(2) or []:
        entry = dict(a for a in anchor if isinstance(a, list) and len(a) == 2) if isinstance(anchor, list) else {}
        chain = _CHAINS.get(entry.get(0), "an unknown chain")
        if entry.get(0) == -1:
            anchors.append({"type": "Mock", "chain": "mockchain", "sourceId": _hex_value(entry.get(1))})
        else:
            network = _NETWORKS.get(entry.get(1), f"network {entry.get(1)}")
            anchors.append({"chain": f"{chain} {network}", "sourceId": _hex_value(entry.get(2))})
    return {"targetHash": _hex_value(fields.get(1)), "merkleRoot": _hex_value(fields.get(0)), "path": path, "anchors": anchors}


def is_merkle_proof_2019(proof: Any) -> bool:
    return isinstance(proof, dict) and (
        proof.get("type") == "MerkleProof2019" or proof.get("cryptosuite") == "merkle-proof-2019"
    )


def merkle_proofs(document: dict[str, Any]) -> list[dict[str, Any]]:
    """The MerkleProof2019 proofs of a Blockcerts 3 certificate (a proof set or chain may hold several, and
    proofs of other suites beside them)."""
    proofs = document.get("proof")
    return [p for p in (proofs if isinstance(proofs, list) else [proofs]) if is_merkle_proof_2019(p)]


def receipt_of(document: dict[str, Any], kind: str, proof: dict[str, Any] | None = None) -> dict[str, Any]:
    """{targetHash, merkleRoot, path, anchors} of a Blockcerts certificate (for 3.x: of ``proof``, by default its
    first MerkleProof2019); raises ``ValueError``."""
    if kind == V1:
        receipt = document["receipt"]
        # Chainpoint v2 names the path "proof"; some writers say "path"
        path = receipt.get("proof") if "proof" in receipt else receipt.get("path")
        return {k: receipt.get(k) for k in ("targetHash", "merkleRoot", "anchors")} | {"path": path}
    if kind == V2:
        signature = document["signature"]
        return {k: signature.get(k) for k in ("targetHash", "merkleRoot", "anchors")} | {"path": signature.get("proof")}
    if proof is None:
        found = merkle_proofs(document)
        proof = found[0] if found else None
    if not isinstance(proof, dict) or not isinstance(proof.get("proofValue"), str):
        raise ValueError("the Merkle proof has no proofValue")
    try:
        return _decode_2019(proof["proofValue"])
    except (ValueError, UnicodeDecodeError, TypeError):
        raise ValueError("the MerkleProof2019 proofValue is not multibase CBOR") from None


def merkle_path_reaches_root(target_hash: str, path: list[Any], merkle_root: str) -> bool:
    """Chainpoint v2: each step hashes the running value with a sibling on its left or right (SHA-256)."""
    current = bytes.fromhex(target_hash)
    for step in path:
        if not isinstance(step, dict) or len(step) != 1:
            raise ValueError("a Merkle path step is not {left: hash} or {right: hash}")
        (side, sibling), = step.items()
        if side not in ("left", "right") or not isinstance(sibling, str):
            raise ValueError("a Merkle path step is not {left: hash} or {right: hash}")
        other = bytes.fromhex(sibling)
        current = hashlib.sha256(other + current if side == "left" else current + other).digest()
    return current == bytes.fromhex(merkle_root)


def _anchor_text(anchors: Any) -> str:
    listed = []
    for anchor in anchors if isinstance(anchors, list) else []:
        if not isinstance(anchor, dict):
            continue
        chain = anchor.get("chain") or anchor.get("type") or "a blockchain"
        if chain in ("mockchain", -1) or anchor.get("type") == "Mock":
            listed.append("a mock anchor (a test certificate, never issued on a blockchain)")
        else:
            listed.append(f"{chain} transaction {anchor.get('sourceId')}")
    return ", ".join(listed) or "no anchor named"


def _chains(anchors: Any) -> str:
    """The chains the anchors name ("Bitcoin testnet", "mockchain", "bitcoinMainnet"...), for the verdict."""
    names = []
    for anchor in anchors if isinstance(anchors, list) else []:
        if isinstance(anchor, dict):
            # Chainpoint v2 anchors name only their type; BTCOpReturn is Bitcoin, ETHData Ethereum
            kind = {"BTCOpReturn": "Bitcoin", "ETHData": "Ethereum"}.get(anchor.get("type"), anchor.get("type"))
            name = str(anchor.get("chain") or kind or "a blockchain")
            if name not in names:
                names.append(name)
    return ", ".join(names) or "no chain named"


#: The Blockcerts 1.2 context defines a term "image:signature", which JSON-LD 1.1 refuses ("a term in the form of
#: an IRI must expand to that IRI"); cert-verifier-js (``adjustV1ContextForLegacySupport``) renames it in the
#: context and in the assertion before normalising, which maps the same property to the same IRI.
_V1_CONTEXTS = ("https://w3id.org/blockcerts/v1", "https://w3id.org/blockcerts/schema/1.2/context.json")
_V1_TERM, _V1_RENAMED = "image:signature", "__IMAGE__SIGNATURE__"


def _v1_for_json_ld_1_1(document: Any) -> Any:
    import copy

    from skillwallet.verify.contexts import UnknownContextError, context_document, normalise_context_url

    if not isinstance(document, dict):
        return document
    document = copy.deepcopy(document)
    declared = document.get("@context")
    adjusted: list[Any] = []
    for context in declared if isinstance(declared, list) else [declared]:
        if isinstance(context, str) and normalise_context_url(context) in _V1_CONTEXTS:
            try:
                loaded = copy.deepcopy(context_document(context)["@context"])
            except (UnknownContextError, KeyError, TypeError):
                adjusted.append(context)
                continue
            loaded = loaded if isinstance(loaded, list) else [loaded]
            for entry in loaded:
                if isinstance(entry, dict) and _V1_TERM in entry:
                    entry[_V1_RENAMED] = entry.pop(_V1_TERM)
            adjusted.extend(loaded)
        else:
            adjusted.append(context)
    document["@context"] = adjusted
    assertion = document.get("assertion")
    if isinstance(assertion, dict) and _V1_TERM in assertion:
        assertion[_V1_RENAMED] = assertion.pop(_V1_TERM)
    return document


def unsigned_document(document: dict[str, Any], kind: str, proof: dict[str, Any] | None = None) -> Any:
    """What the issuer hashed: the certificate without its Merkle proof (cert-verifier-js
    ``retrieveUnsignedBlockcerts``; for 1.2 its ``computeLocalHash`` normalises ``document``).

    A 3.x proof that names a ``previousProof`` (a proof chain, VC Data Integrity "Add Proof Set/Chain") was
    made over the document holding exactly the proofs it names; raises ``ValueError`` when one is not there.
    """
    if kind == V1:
        return _v1_for_json_ld_1_1(document.get("document"))
    removed = "signature" if kind == V2 else "proof"
    unsigned = {key: value for key, value in document.items() if key != removed}
    previous = proof.get("previousProof") if kind == V3 and isinstance(proof, dict) else None
    if previous is not None:
        names = previous if isinstance(previous, list) else [previous]
        proofs = document.get("proof")
        proofs = proofs if isinstance(proofs, list) else [proofs]
        held = [p for p in proofs if isinstance(p, dict) and p.get("id") in names and p is not proof]
        if not names or not all(isinstance(n, str) for n in names) or len(held) != len(set(names)):
            raise ValueError(f"the previous proof it names is not in the certificate: {previous}")
        unsigned["proof"] = held
    return unsigned


def target_hash_of(document: dict[str, Any], kind: str, proof: dict[str, Any] | None = None) -> tuple[str, str | None, str]:
    """(outcome, the recomputed hash or None, why) of step 1: the certificate's own SHA-256.

    FAIL when the document cannot be hashed the way its issuer hashed it (JSON-LD that does not process, or
    properties the contexts do not map, which the hash would not cover); UNKNOWN when a context it names is
    neither shipped nor supplied by the user, or the canonicalisation is beyond the work any certificate
    needs.
    """
    outcome, computed, why, _, _ = _target_hash(document, kind, proof)
    return outcome, computed, why


def _target_hash(
    document: dict[str, Any], kind: str, proof: dict[str, Any] | None
) -> tuple[str, str | None, str, str | None, bool]:
    """:func:`target_hash_of`, plus the context URL that was missing (or None) and whether a context the user
    supplied was read (the JSON-LD loader counts every one it serves)."""
    from skillwallet.verify.jsonld import JsonLdError, UserContextError, canonicalize, user_context_loads
    from skillwallet.verify.rdfc import CanonicalisationTooComplex

    if kind == V3 and proof is None:
        found = merkle_proofs(document)
        proof = found[0] if found else None
    try:
        unsigned = unsigned_document(document, kind, proof)
    except ValueError as exc:
        return FAIL, None, str(exc), None, False
    if not isinstance(unsigned, dict):
        return FAIL, None, "the certificate to hash is not a JSON object", None, False
    loads = user_context_loads()
    try:
        canonical = canonicalize(unsigned)
    except CanonicalisationTooComplex as exc:
        return UNKNOWN, None, f"the certificate is too complex to canonicalise ({exc})", None, False
    except JsonLdError as exc:
        if isinstance(exc, UserContextError):  # the user gave a file for the context, but it is not one
            return UNKNOWN, None, str(exc), None, True
        missing = exc.unknown_context
        if missing:
            return UNKNOWN, None, f"JSON-LD context not available offline: {missing}", missing, False
        supplied = user_context_loads() != loads
        return FAIL, None, f"the certificate cannot be canonicalised: {exc}", None, supplied
    supplied = user_context_loads() != loads
    computed = hashlib.sha256(canonical.nquads.encode("utf-8")).hexdigest()
    if canonical.dropped_terms or canonical.relative_iris:
        # cert-verifier-js refuses "unmapped fields"; a value the canonical form drops is not covered by the hash
        uncovered = (canonical.dropped_terms + canonical.relative_iris)[:4]
        why = "fields the hash does not cover (not defined by the contexts, or relative IRIs): " + ", ".join(uncovered)
        return FAIL, computed, why, None, supplied
    return PASS, computed, "", None, supplied


def _check_proof(name: str, document: dict[str, Any], kind: str, proof: dict[str, Any] | None) -> SignatureFinding:
    """Steps 1 and 2 for one Merkle proof (the receipt of 1.2, the signature of 2.x, one proof of 3.x)."""
    details: dict[str, Any] = {"method": name}
    try:
        receipt = receipt_of(document, kind, proof)
        target, root, path = receipt.get("targetHash"), receipt.get("merkleRoot"), receipt.get("path") or []
        if not isinstance(target, str) or not isinstance(root, str) or not isinstance(path, list):
            raise ValueError("the Merkle proof lacks targetHash, merkleRoot or its path")
        if len(path) > MAX_PATH:
            raise ValueError("the Merkle path is longer than any batch")
        reaches = merkle_path_reaches_root(target, path, root)
    except (KeyError, ValueError, TypeError) as exc:
        details["checks"] = {"merkle_path": FAIL}
        return SignatureFinding(FAIL, UNRESOLVED, [f"{name}: malformed Merkle proof: {exc}"], details=details)
    if not reaches:
        details["checks"] = {"merkle_path": FAIL}
        reason = f"{name}: the Merkle proof path does not lead from targetHash {target[:16]}... to merkleRoot {root[:16]}..."
        return SignatureFinding(FAIL, UNRESOLVED, [reason], details=details)
    outcome, computed, why, missing, supplied = _target_hash(document, kind, proof)
    if computed is not None and computed != target.lower():  # the first thing to say of a changed certificate
        outcome, why = FAIL, (
            f"the certificate's hash {computed[:16]}... is not the targetHash {target[:16]}... of its proof: "
            "the content is not what was issued with this proof"
        )
        if supplied:  # with the user's copy of a context: that copy may be why (the verdict names it)
            why += " (read with a JSON-LD context supplied by you)"
    details.update(target_hash=target, merkle_root=root, anchors=_anchor_text(receipt.get("anchors")))
    if computed:
        details["computed_hash"] = computed
    details["checks"] = {"merkle_path": PASS, "target_hash": outcome, "anchor": UNKNOWN}
    if outcome == FAIL:
        return SignatureFinding(FAIL, UNRESOLVED, [f"{name}: target hash check failed: {why}"], details=details)
    chains = _chains(receipt.get("anchors"))
    if outcome == PASS and supplied:
        # never silent: the hash covers the statements the user's copy of a context gives (the verdict's
        # "contexts" check and reasons name the copy and its SHA-256)
        checked = (
            f"{name}: Merkle path checked, target hash checked with a JSON-LD context supplied by you, "
            f"anchor on {chains} not checked offline"
        )
    elif outcome == PASS:
        checked = f"{name}: Merkle path checked, target hash checked, anchor on {chains} not checked offline"
    else:
        checked = f"{name}: Merkle path checked, target hash not checked ({why}), anchor on {chains} not checked offline"
    reasons = [
        checked,
        f"checked offline: the Merkle proof path from targetHash up to merkleRoot ({len(path)} step(s))",
    ]
    if missing:
        from skillwallet.verify.contexts import UnknownContextError

        # the wording the other verifiers use for a missing context: its URL and the exact way to supply it
        reasons.append(
            f"not checked: the certificate's own hash against its targetHash: {UnknownContextError(missing)}"
        )
    reasons.append(
        f"not checked: that merkleRoot is anchored ({_anchor_text(receipt.get('anchors'))}) and that the anchoring "
        "key is the issuer's (needs the blockchain, which skillwallet does not read, online or offline)"
    )
    return SignatureFinding(UNKNOWN, UNRESOLVED, reasons, unverifiable=True, details=details)


def verify_blockcerts(document: dict[str, Any], kind: str) -> SignatureFinding:
    """What can be checked of a Blockcerts certificate offline (see the module docstring).

    A 3.x certificate may carry several MerkleProof2019 proofs (a set, or a chain whose later proofs name their
    ``previousProof``): each is checked, and one that fails makes the certificate ``invalid``.
    """
    name = {V1: "Blockcerts 1.2 (Chainpoint receipt)", V2: "Blockcerts 2 (MerkleProof2017)", V3: "Blockcerts 3 (MerkleProof2019)"}[kind]
    proofs: list[dict[str, Any] | None] = [None]
    if kind == V3:
        proofs = list(merkle_proofs(document)) or [None]
    if len(proofs) > MAX_PROOFS:
        return SignatureFinding(
            FAIL, UNRESOLVED, [f"{name}: more than {MAX_PROOFS} Merkle proofs"],
            details={"method": name, "checks": {"merkle_path": FAIL}},
        )
    findings = []
    for number, proof in enumerate(proofs, 1):
        label = name if len(proofs) == 1 else f"{name}, proof {number} of {len(proofs)}"
        finding = _check_proof(label, document, kind, proof)
        if finding.outcome == FAIL:
            return finding
        findings.append(finding)
    if len(findings) == 1:
        return findings[0]
    outcomes = [f.details["checks"]["target_hash"] for f in findings]
    details = dict(findings[0].details)
    details["checks"] = {
        "merkle_path": PASS, "target_hash": PASS if all(o == PASS for o in outcomes) else UNKNOWN, "anchor": UNKNOWN,
    }
    details["proofs"] = [f.details for f in findings]
    reasons = [reason for f in findings for reason in f.reasons]
    return SignatureFinding(UNKNOWN, UNRESOLVED, reasons, unverifiable=True, details=details)
