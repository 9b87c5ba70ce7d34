"""What an attacker builds: fresh keys, their own did:web and HTTPS key documents, credentials naming a real
issuer, and status lists. No test here ever holds an issuer's private key; the "university" publishes a DID
document with a key the test generates and then throws away (only its public half is used)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from skillwallet.verify import data_integrity as di
from skillwallet.verify.proofs import proof_inputs
from skillwallet.verify.status import encode_bitstring

UNIVERSITY = "did:web:university.example"
UNIVERSITY_DID_URL = "https://university.example/.well-known/did.json"
ATTACKER = "did:web:attacker.example"
ATTACKER_DID_URL = "https://attacker.example/.well-known/did.json"
LIST_URL = "https://university.example/status/1"


def multikey(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return "z" + base58.b58encode(b"\xed\x01" + raw).decode()


def jwk(key: Ed25519PrivateKey) -> dict[str, str]:
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def did_key(key: Ed25519PrivateKey) -> tuple[str, str]:
    mb = multikey(key)
    return f"did:key:{mb}", f"did:key:{mb}#{mb}"


def controller_document(doc_id: str, key: Ed25519PrivateKey, *, controller: str | None = None, fragment: str = "k1",
                        material: str = "multibase") -> dict[str, Any]:
    """A DID / controller document ``doc_id`` listing ``key`` for assertionMethod; its ``controller`` member
    says whatever the author likes (the attack: ``controller`` naming the university)."""
    method: dict[str, Any] = {"id": f"{doc_id}#{fragment}", "controller": controller or doc_id}
    if material == "jwk":
        method.update(type="JsonWebKey2020", publicKeyJwk=jwk(key))
    elif material == "base58":
        raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        method.update(type="Ed25519VerificationKey2018", publicKeyBase58=base58.b58encode(raw).decode())
    else:
        method.update(type="Multikey", publicKeyMultibase=multikey(key))
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": doc_id,
        "verificationMethod": [method],
        "assertionMethod": [method["id"]],
        "authentication": [method["id"]],
    }


def university_document() -> dict[str, Any]:
    """The university's real DID document: its own key (whose private half no test keeps)."""
    return controller_document(UNIVERSITY, Ed25519PrivateKey.generate(), fragment="key-1")


def ob3(issuer: str, **fields: Any) -> dict[str, Any]:
    """The shared unsigned Open Badges 3.0 credential (tests/verify/fixtures/di/helpers.py), issued by ``issuer``."""
    from attacker import ob3_credential

    return ob3_credential(issuer, **fields)


def vc11(issuer: str, *contexts: str) -> dict[str, Any]:
    """A VC Data Model 1.1 credential (the legacy suites sign these), with only terms its contexts define."""
    return {
        "@context": ["https://www.w3.org/2018/credentials/v1", *contexts],
        "id": "http://university.example/credentials/3732",
        "type": ["VerifiableCredential"],
        "issuer": issuer,
        "issuanceDate": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:mallory"},
    }


def sign_di(doc: dict[str, Any], key: Ed25519PrivateKey, vm: str) -> dict[str, Any]:
    return di.sign_data_integrity(doc, key, vm)


def sign_di_with_contexts(doc: dict[str, Any], key: Ed25519PrivateKey, vm: str, contexts: dict[str, Any]) -> dict[str, Any]:
    """:func:`sign_di` over ``doc`` read with ``contexts`` ({URL: context document}) besides the shipped ones: a
    credential whose issuer published a context skillwallet does not ship."""
    from skillwallet.verify import jsonld

    class Published:
        def user_context(self, url: str) -> bytes | None:
            return json.dumps(contexts[url]).encode() if url in contexts else None

    with jsonld.user_contexts(Published()):
        return di.sign_data_integrity(doc, key, vm)


def sign_legacy(doc: dict[str, Any], key: Ed25519PrivateKey, vm: str, suite: str) -> dict[str, Any]:
    """An Ed25519Signature2018 / JsonWebSignature2020 proof: a detached, unencoded-payload JWS (RFC 7797) over
    the same hash data as eddsa-rdfc-2022 (what skillwallet's legacy verifier recomputes)."""
    proof = {"type": suite, "created": "2024-01-01T00:00:00Z", "verificationMethod": vm, "proofPurpose": "assertionMethod"}
    proof_config, unsecured = proof_inputs(doc, proof, None)
    data = di.hash_data(proof_config, unsecured, di.EDDSA_RDFC_2022)
    header = b64url(json.dumps({"alg": "EdDSA", "b64": False, "crit": ["b64"]}, separators=(",", ":")).encode())
    signature = key.sign(header.encode("ascii") + b"." + data)
    return dict(doc, proof=dict(proof, jws=f"{header}..{b64url(signature)}"))


def vc_jwt(issuer: str, kid: str, key: Ed25519PrivateKey) -> str:
    """A VC Data Model 1.1 JWT naming ``issuer``, signed by ``key`` and pointing at ``kid``."""
    vc = vc11(issuer)
    claims = {"iss": issuer, "nbf": 1704067200, "jti": vc["id"], "sub": "did:example:mallory", "vc": vc}
    return jws({"alg": "EdDSA", "typ": "JWT", "kid": kid}, claims, key)


def jws(header: dict[str, Any], claims: dict[str, Any], key: Ed25519PrivateKey) -> str:
    segments = [b64url(json.dumps(v, separators=(",", ":")).encode()) for v in (header, claims)]
    signing_input = ".".join(segments).encode("ascii")
    return ".".join(segments) + "." + b64url(key.sign(signing_input))


def status_list(issuer: str, url: str, revoked=(), *, every_bit: bool = False, purpose: str = "revocation",
                **fields: Any) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (16 KiB, the spec's minimum)."""
    bits = bytearray(b"\xff" * 16384 if every_bit else bytes(16384))
    for index in revoked:
        bits[index // 8] |= 1 << (7 - index % 8)
    doc = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": "2024-01-01T00:00:00Z",
        "credentialSubject": {"id": url + "#list", "type": "BitstringStatusList", "statusPurpose": purpose,
                              "encodedList": encode_bitstring(bytes(bits))},
    }
    doc.update(fields)
    return doc


def status_entry(url: str, index: int, purpose: str = "revocation") -> dict[str, Any]:
    return {"id": f"{url}#{index}", "type": "BitstringStatusListEntry", "statusPurpose": purpose,
            "statusListIndex": str(index), "statusListCredential": url}


def write(folder: Path, name: str, value: Any) -> Path:
    path = folder / name
    path.write_text(value if isinstance(value, str) else json.dumps(value, indent=2), encoding="utf-8")
    return path
