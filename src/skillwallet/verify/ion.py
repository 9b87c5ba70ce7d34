"""Long-form ``did:ion`` DIDs, resolved offline from the DID itself (Sidetree v1.0, "Long-Form DID URIs").

A long-form DID is ``did:ion:<suffix>:<long-form data>``: the data is ``Base64URL(JCS({suffixData, delta}))``, the
create operation that would anchor the DID. It is self-certifying: ``<suffix>`` must be
``Base64URL(Multihash(SHA-256, JCS(suffixData)))`` and ``suffixData.deltaHash`` the same hash of ``delta`` (Sidetree
§"DID Suffix", §"Hashing Process"), so nobody can change the keys without changing the DID. The DID document is
built from ``delta.patches`` (``replace`` or ``add-public-keys``): each public key, with its ``purposes`` as the
verification relationships (Sidetree §"PublicKey Entry", ION "did:ion" resolution).

What offline resolution cannot know: whether the DID was later published and its keys updated or revoked on the
ION network. The long form states the keys it was created with, like a ``did:key``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from typing import Any

MAX_LONG_FORM = 64 * 1024
_PURPOSES = ("authentication", "assertionMethod", "capabilityInvocation", "capabilityDelegation", "keyAgreement")


def _b64url_decode(text: str) -> bytes:
    if not isinstance(text, str) or any(c in text for c in "+/="):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None


def _jcs(value: Any) -> bytes:
    """RFC 8785 JSON canonicalisation for the plain JSON (strings, arrays, objects) of Sidetree operations."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _multihash_b64(data: bytes) -> str:
    digest = b"\x12\x20" + hashlib.sha256(data).digest()  # multihash: sha2-256 (0x12), 32 bytes
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def long_form_document(did: str) -> dict[str, Any]:
    """The DID document of a long-form ``did:ion`` (raises ``ValueError`` when the DID does not commit to it)."""
    parts = did.split("#", 1)[0].split(":")
    if len(parts) != 4 or parts[:2] != ["did", "ion"]:
        raise ValueError("expected did:ion:<suffix>:<long-form data>")
    suffix, encoded = parts[2], parts[3]
    if len(encoded) > MAX_LONG_FORM:
        raise ValueError("the long-form data is too large")
    try:
        initial = json.loads(_b64url_decode(encoded))
    except (ValueError, UnicodeDecodeError):
        raise ValueError("the long-form data is not base64url JSON") from None
    if not isinstance(initial, dict) or not isinstance(initial.get("suffixData"), dict) or not isinstance(initial.get("delta"), dict):
        raise ValueError("the long-form data has no suffixData and delta")
    suffix_data, delta = initial["suffixData"], initial["delta"]
    if _multihash_b64(_jcs(suffix_data)) != suffix:
        raise ValueError("the DID suffix is not the hash of its suffixData")
    if suffix_data.get("deltaHash") != _multihash_b64(_jcs(delta)):
        raise ValueError("suffixData.deltaHash is not the hash of its delta")
    keys: list[dict[str, Any]] = []
    for patch in delta.get("patches") or []:
        if not isinstance(patch, dict):
            continue
        if patch.get("action") == "replace" and isinstance(patch.get("document"), dict):
            keys = [k for k in patch["document"].get("publicKeys") or [] if isinstance(k, dict)]
        elif patch.get("action") == "add-public-keys":
            keys += [k for k in patch.get("publicKeys") or [] if isinstance(k, dict)]
    long_did = did.split("#", 1)[0]
    document: dict[str, Any] = {"@context": ["https://www.w3.org/ns/did/v1"], "id": long_did, "verificationMethod": []}
    for key in keys:
        key_id = key.get("id")
        if not isinstance(key_id, str) or not isinstance(key.get("publicKeyJwk"), dict):
            continue
        vm_id = f"{long_did}#{key_id.lstrip('#')}"
        document["verificationMethod"].append(
            {"id": vm_id, "type": key.get("type") or "JsonWebKey2020", "controller": long_did,
             "publicKeyJwk": key["publicKeyJwk"]}
        )
        for purpose in key.get("purposes") or []:
            if purpose in _PURPOSES:
                document.setdefault(purpose, []).append(vm_id)
    return document
