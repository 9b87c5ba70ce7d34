"""Blockcerts: certificates anchored in a blockchain transaction through a Merkle tree.

Three generations, one idea (Blockcerts "Verification process"; Chainpoint v2): the issuer hashes the
certificate (``targetHash``), puts the hashes of a batch in a Merkle tree, and writes the tree's root
(``merkleRoot``) into a blockchain transaction (``anchors``). A verifier must

1. recompute ``targetHash`` from the certificate (SHA-256 of its JSON-LD canonical form);
2. walk the Merkle ``path`` from ``targetHash`` up to ``merkleRoot``;
3. read ``merkleRoot`` from the anchoring transaction, and check the transaction's key is the issuer's.

Only step 2 needs nothing but the file: it is checked here, and a path that does not reach the root is a
failed check (``invalid``). Step 1 needs the Blockcerts JSON-LD contexts, which skillwallet does not ship, and
step 3 the blockchain (the network, or a transaction document nobody supplies today): so a Blockcerts
certificate is ``unverifiable`` offline, never ``verified`` and never ``unsigned``, and the verdict says what was
checked and what was not.

* Blockcerts 1.2: ``{"document": {...}, "receipt": {targetHash, merkleRoot, path, anchors}}`` (Chainpoint v2);
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

#: lds-merkle-proof-2019 anchors (a "blink" URI as [key, value] pairs): 0 the chain, 1 its network, 2 the
#: transaction id; a mock anchor has chain -1 and a note at 1.
_CHAINS = {0: "Bitcoin", 1: "Ethereum", -1: "mock"}
_NETWORKS = {1: "mainnet", 3: "testnet", 4: "ropsten", 5: "rinkeby", 6: "goerli", 7: "sepolia"}

V1 = "1.2"
V2 = "2"
V3 = "3"
MAX_PATH = 64  # a Merkle tree of 2**64 certificates is deeper than any batch
MAX_CBOR_DEPTH = 16


def kind_of(document: Any) -> str | None:
    """Which Blockcerts generation ``document`` is, or None."""
    if not isinstance(document, dict):
        return None
    if isinstance(document.get("document"), dict) and isinstance(document.get("receipt"), dict):
        return V1
    signature = document.get("signature")
    if isinstance(signature, dict):
        types = signature.get("type")
        types = types if isinstance(types, list) else [types]
        if "MerkleProof2017" in types:
            return V2
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict) and (
            proof.get("type") == "MerkleProof2019" or proof.get("cryptosuite") == "merkle-proof-2019"
        ):
            return V3
    return None


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


def receipt_of(document: dict[str, Any], kind: str) -> dict[str, Any]:
    """{targetHash, merkleRoot, path, anchors} of a Blockcerts certificate; raises ``ValueError``."""
    if kind == V1:
        receipt = document["receipt"]
        # Chainpoint v2 names the path "proof"; some writers say "path"
        path = receipt.get("proof") if "proof" in receipt else receipt.get("path")
        return {k: receipt.get(k) for k in ("targetHash", "merkleRoot", "anchors")} | {"path": path}
    if kind == V2:
        signature = document["signature"]
        return {k: signature.get(k) for k in ("targetHash", "merkleRoot", "anchors")} | {"path": signature.get("proof")}
    proofs = document.get("proof")
    for proof in proofs if isinstance(proofs, list) else [proofs]:
        if isinstance(proof, dict) and isinstance(proof.get("proofValue"), str):
            try:
                return _decode_2019(proof["proofValue"])
            except (ValueError, UnicodeDecodeError, TypeError):
                raise ValueError("the MerkleProof2019 proofValue is not multibase CBOR") from None
    raise ValueError("the Merkle proof has no proofValue")


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


def verify_blockcerts(document: dict[str, Any], kind: str) -> SignatureFinding:
    """What can be checked of a Blockcerts certificate offline (see the module docstring)."""
    name = {V1: "Blockcerts 1.2 (Chainpoint receipt)", V2: "Blockcerts 2 (MerkleProof2017)", V3: "Blockcerts 3 (MerkleProof2019)"}[kind]
    details: dict[str, Any] = {"method": name}
    try:
        receipt = receipt_of(document, kind)
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
    details["checks"] = {"merkle_path": PASS, "target_hash": UNKNOWN, "anchor": UNKNOWN}
    details.update(target_hash=target, merkle_root=root, anchors=_anchor_text(receipt.get("anchors")))
    reasons = [
        f"{name}: checked offline: the Merkle proof path from targetHash up to merkleRoot ({len(path)} step(s))",
        f"not checked: that targetHash is this certificate's hash (needs the Blockcerts JSON-LD context, not shipped)",
        f"not checked: that merkleRoot is anchored ({_anchor_text(receipt.get('anchors'))}) and that the anchoring "
        "key is the issuer's (needs the blockchain: the network or a supplied transaction document)",
    ]
    return SignatureFinding(UNKNOWN, UNRESOLVED, reasons, unverifiable=True, details=details)
