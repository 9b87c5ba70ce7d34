"""An attacker's toolkit for forgery tests (no tests here).

Everything an attacker needs is made fresh in the test: a key of their own and its ``did:key``; credentials
signed with the project's own Data Integrity signer (eddsa-rdfc-2022, so the canonical form is exactly the
verifier's); compact JWS and SD-JWT tokens with disclosures; and the real CLI (``skillwallet verify`` /
``add``) through ``typer.testing.CliRunner``. Never an issuer's real key: a forgery test shows what an
attacker holding only their own key can make the verifier say. Where the attack names a real issuer, the
"university" publishes a DID document with a key the test generates and throws away (only its public half is
used); the attacker publishes their own did:web and HTTPS key documents, and status lists.

Typical use::

    mallory = Attacker.ed25519()
    signed = mallory.sign_di(ob3_credential(mallory.did))
    result = verify_file(tmp_path, signed)
    assert result.verdict != "verified" and result.exit_code != 0
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from skillwallet.verify import data_integrity as di
from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.keys import did_key_from_public_key
from skillwallet.verify.proofs import proof_inputs
from skillwallet.verify.status import encode_bitstring

UNIVERSITY = "did:web:university.example"
UNIVERSITY_DID_URL = "https://university.example/.well-known/did.json"
ATTACKER = "did:web:attacker.example"
ATTACKER_DID_URL = "https://attacker.example/.well-known/did.json"
LIST_URL = "https://university.example/status/1"

# --------------------------------------------------------------------------------------------------------
# keys


@dataclass
class Attacker:
    """A key pair the attacker holds, its ``did:key`` and the verification method id that names it."""

    key: Any  # Ed25519PrivateKey or EllipticCurvePrivateKey
    did: str
    vm: str

    @classmethod
    def ed25519(cls) -> Attacker:
        return cls._of(Ed25519PrivateKey.generate())

    @classmethod
    def p256(cls) -> Attacker:
        return cls._of(ec.generate_private_key(ec.SECP256R1()))

    @classmethod
    def p384(cls) -> Attacker:
        return cls._of(ec.generate_private_key(ec.SECP384R1()))

    @classmethod
    def _of(cls, key: Any) -> Attacker:
        did = did_key_from_public_key(key.public_key())
        return cls(key=key, did=did, vm=f"{did}#{did.split(':')[-1]}")

    @property
    def jws_alg(self) -> str:
        if isinstance(self.key, Ed25519PrivateKey):
            return "EdDSA"
        return {"secp256r1": "ES256", "secp384r1": "ES384"}[self.key.curve.name]

    # ---- Data Integrity ---------------------------------------------------------------------------

    def sign_di(self, document: dict[str, Any], **options: Any) -> dict[str, Any]:
        """``document`` with an eddsa-rdfc-2022 proof made by the project's own signer (Ed25519 keys only)."""
        return sign_data_integrity(document, self.key, self.vm, **options)

    # ---- JOSE -------------------------------------------------------------------------------------

    def sign_bytes(self, data: bytes, hash_name: str | None = None) -> bytes:
        """A raw signature: Ed25519, or ECDSA as JOSE r||s (RFC 7518 §3.4) with ``hash_name`` (default: the
        curve's own hash)."""
        if isinstance(self.key, Ed25519PrivateKey):
            return self.key.sign(data)
        size = (self.key.curve.key_size + 7) // 8
        name = hash_name or ("sha256" if size == 32 else "sha384")
        algorithm = {"sha256": hashes.SHA256, "sha384": hashes.SHA384}[name]()
        r, s = decode_dss_signature(self.key.sign(data, ec.ECDSA(algorithm)))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def jws(self, claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
        """A compact JWS over ``claims``; the header names this key by ``kid`` unless ``header`` says otherwise."""
        full = {"alg": self.jws_alg, "kid": self.vm, **(header or {})}
        signing_input = f"{b64url_json(full)}.{b64url_json(claims)}"
        return f"{signing_input}.{b64url(self.sign_bytes(signing_input.encode('ascii')))}"

    def sd_jwt(
        self,
        signed: dict[str, Any],
        disclosed: dict[str, Any] | None = None,
        *,
        header: dict[str, Any] | None = None,
    ) -> str:
        """An SD-JWT (RFC 9901 §4): ``signed`` claims in the issuer JWT, each ``disclosed`` claim as a top-level
        disclosure whose digest the signed ``_sd`` array carries; no key binding JWT."""
        disclosures = [disclosure(name, value) for name, value in (disclosed or {}).items()]
        payload = dict(signed)
        if disclosures:
            payload["_sd"] = sorted([*payload.get("_sd", []), *(sd_digest(d) for d in disclosures)])
            payload.setdefault("_sd_alg", "sha-256")
        token = self.jws(payload, {"typ": "dc+sd-jwt", **(header or {})})
        return "~".join([token, *disclosures]) + "~"


# --------------------------------------------------------------------------------------------------------
# credentials


def _verify_helpers():
    """tests/verify/fixtures/di/helpers.py, loaded by path (its folder is not a package on our sys.path)."""
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "verify" / "fixtures" / "di" / "helpers.py"
    spec = importlib.util.spec_from_file_location("_forgery_di_helpers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ob3_credential(issuer_did: str, **fields: Any) -> dict[str, Any]:
    """The unsigned Open Badges 3.0 credential the verify tests use, issued by ``issuer_did``."""
    return _verify_helpers().ob3_credential(issuer_did, **fields)


# --------------------------------------------------------------------------------------------------------
# documents an attacker publishes or forges


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


# --------------------------------------------------------------------------------------------------------
# encodings


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_json(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def disclosure(name: str | None, value: Any, salt: str | None = None) -> str:
    """An SD-JWT disclosure: ``[salt, name, value]`` for an object property, ``[salt, value]`` when ``name`` is
    None (an array element), base64url-encoded (RFC 9901 §4.2.1)."""
    salt = salt or b64url(secrets.token_bytes(16))
    parts = [salt, value] if name is None else [salt, name, value]
    return b64url(json.dumps(parts).encode("utf-8"))


def sd_digest(encoded_disclosure: str) -> str:
    """base64url(SHA-256(disclosure as sent)), RFC 9901 §4.2.3."""
    return b64url(hashlib.sha256(encoded_disclosure.encode("ascii")).digest())


# --------------------------------------------------------------------------------------------------------
# the CLI


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    json: Any = None

    @property
    def verdict(self) -> str | None:
        """The verdict of the first (usually only) result of ``verify --json``."""
        results = (self.json or {}).get("results") or []
        return results[0].get("verdict") if results else None


def write_credential(folder: Path, credential: dict[str, Any] | str, name: str | None = None) -> Path:
    """Write a JSON credential (``.json``) or a token (``.jwt``) into ``folder``."""
    if isinstance(credential, str):
        path = folder / (name or "forged.jwt")
        path.write_text(credential, encoding="ascii")
    else:
        path = folder / (name or "forged.json")
        path.write_text(json.dumps(credential, indent=2), encoding="utf-8")
    return path


def run_cli(*args: str, input: str | None = None) -> CliResult:
    """``skillwallet ARGS`` in CliRunner's isolated streams, through the CLI's own error boundary
    (``skillwallet.cli.app.run``, so an error maps to its documented exit code exactly as in a shell);
    stdout and stderr apart, ``--json`` output parsed when present."""
    from typer.testing import CliRunner

    from skillwallet.cli.app import run

    with CliRunner().isolation(input=input) as (stdout, stderr, _output):
        code = run(list(args))
        sys.stdout.flush()
        sys.stderr.flush()
        out, err = stdout.getvalue().decode("utf-8"), stderr.getvalue().decode("utf-8")
    parsed = None
    if "--json" in args and out.strip():
        try:
            parsed = json.loads(out)
        except ValueError:
            parsed = None
    return CliResult(code, out, err, parsed)


def verify_file(folder: Path, credential: dict[str, Any] | str, *extra: str) -> CliResult:
    """Write ``credential`` and run ``skillwallet verify FILE --json`` on it (offline: the default in tests)."""
    return run_cli("verify", str(write_credential(folder, credential)), "--json", *extra)


def add_file(folder: Path, credential: dict[str, Any] | str, *extra: str) -> CliResult:
    """Write ``credential`` and run ``skillwallet add FILE --json`` (needs an initialised wallet and passphrase)."""
    return run_cli("add", str(write_credential(folder, credential)), "--json", *extra)
