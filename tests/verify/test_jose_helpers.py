"""Signing helpers shared by the JOSE and SD-JWT tests (no tests here): real keys, real signatures made with ``cryptography``."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from skillwallet.model import Credential, Issuer
from skillwallet.verify.keys import b64url_encode
from skillwallet.verify.resolver import DocumentResolver

_HASH = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}


def sign_bytes(alg: str, private_key: Any, signing_input: bytes) -> bytes:
    if alg == "EdDSA":
        return private_key.sign(signing_input)
    if alg.startswith("ES"):
        der = private_key.sign(signing_input, ec.ECDSA(_HASH[alg[2:5]]()))
        r, s = decode_dss_signature(der)
        size = (private_key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if alg.startswith("RS"):
        return private_key.sign(signing_input, padding.PKCS1v15(), _HASH[alg[2:]]())
    if alg.startswith("PS"):
        h = _HASH[alg[2:]]
        return private_key.sign(signing_input, padding.PSS(mgf=padding.MGF1(h()), salt_length=h.digest_size), h())
    raise ValueError(alg)


def encode_segment(value: Any) -> str:
    if isinstance(value, bytes):
        return b64url_encode(value)
    return b64url_encode(json.dumps(value, separators=(",", ":")).encode())


def make_jws(header: dict, claims: Any, private_key: Any, alg: str | None = None) -> str:
    """A compact JWS over ``claims`` (a dict, or raw bytes), signed with ``alg`` (default: header alg)."""
    signing_input = f"{encode_segment(header)}.{encode_segment(claims)}"
    signature = sign_bytes(alg or header["alg"], private_key, signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def replace_payload(token: str, claims: dict) -> str:
    """Tamper: the same header and signature over a different payload."""
    header, _, signature = token.split(".")
    return f"{header}.{encode_segment(claims)}.{signature}"


def credential(fmt: str, token: str, issuer: str | None = None, media_type: str = "application/jwt") -> Credential:
    return Credential(format=fmt, original=token.encode("ascii"), media_type=media_type, issuer=Issuer(id=issuer))


def offline(docs: dict[str, Any] | None = None) -> DocumentResolver:
    supplied = {url: (doc if isinstance(doc, bytes) else json.dumps(doc).encode()) for url, doc in (docs or {}).items()}
    return DocumentResolver(offline=True, supplied=supplied)


def ed25519() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def p256() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def rsa2048() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)
