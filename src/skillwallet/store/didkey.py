"""``did:key`` for Ed25519 keys (W3C CCG did:key Method v0.7, section 3.1.2).

``did:key:`` + multibase base58btc (prefix ``z``) of the multicodec varint ``0xed 0x01`` (ed25519-pub)
followed by the 32 raw public key bytes, which is why every such DID starts ``did:key:z6Mk``.
"""

from __future__ import annotations

ED25519_PUB_MULTICODEC = b"\xed\x01"


def ed25519_did_key(public_key: bytes) -> str:
    """The ``did:key`` of a raw 32-byte Ed25519 public key."""
    import base58

    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return "did:key:z" + base58.b58encode(ED25519_PUB_MULTICODEC + public_key).decode("ascii")


def ed25519_public_key_from_did_key(did: str) -> bytes:
    """The raw public key of an Ed25519 ``did:key`` (ValueError for anything else)."""
    import base58

    ident = did.split("#", 1)[0].removeprefix("did:key:")
    if not ident.startswith("z"):
        raise ValueError("not a base58btc multibase did:key")
    raw = base58.b58decode(ident[1:])
    if raw[:2] != ED25519_PUB_MULTICODEC or len(raw) != 34:
        raise ValueError("not an Ed25519 did:key")
    return raw[2:]
