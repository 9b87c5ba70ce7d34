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

import hashlib
import json
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import base58
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from skillwallet.verify import data_integrity as di
from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.keys import b64url_encode as b64url
from skillwallet.verify.keys import did_key_from_public_key
from skillwallet.verify.proofs import proof_inputs
from skillwallet.verify.status import encode_bitstring

# The signing helpers the verify tests share: tests/verify/test_jose_helpers.py (JWS) and
# tests/verify/fixtures/di/helpers.py (did:key, the OB 3.0 credential, status lists); tests/verify is not a
# package, so it goes on the path as the other forgery tests put it. did_key_for and status_entry are here only for
# the tests to import with the rest of the toolkit.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "verify"))

from fixtures.di.helpers import (  # noqa: E402
    did_key_for,
    ob3_credential,
    public_key_multibase,
    status_entry,
    status_list_credential,
)
from test_jose_helpers import encode_segment, make_jws  # noqa: E402

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

    def jws(self, claims: dict[str, Any], header: dict[str, Any] | None = None) -> str:
        """A compact JWS over ``claims``; the header names this key by ``kid`` unless ``header`` says otherwise.
        Signed with this key's own algorithm whatever ``header`` claims (ECDSA as JOSE r||s, RFC 7518 §3.4)."""
        full = {"alg": self.jws_alg, "kid": self.vm, **(header or {})}
        return make_jws(full, claims, self.key, alg=self.jws_alg)

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
# documents an attacker publishes or forges


def _raw_public(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def jwk(key: Ed25519PrivateKey) -> dict[str, str]:
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(_raw_public(key))}


def controller_document(doc_id: str, key: Ed25519PrivateKey, *, controller: str | None = None, fragment: str = "k1",
                        material: str = "multibase") -> dict[str, Any]:
    """A DID / controller document ``doc_id`` listing ``key`` for assertionMethod; its ``controller`` member
    says whatever the author likes (the attack: ``controller`` naming the university)."""
    method: dict[str, Any] = {"id": f"{doc_id}#{fragment}", "controller": controller or doc_id}
    if material == "jwk":
        method.update(type="JsonWebKey2020", publicKeyJwk=jwk(key))
    elif material == "base58":
        method.update(type="Ed25519VerificationKey2018", publicKeyBase58=base58.b58encode(_raw_public(key)).decode())
    else:
        method.update(type="Multikey", publicKeyMultibase=public_key_multibase(key))
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


def sign_di_with_contexts(doc: dict[str, Any], key: Ed25519PrivateKey, vm: str, contexts: dict[str, Any]) -> dict[str, Any]:
    """:func:`sign_data_integrity` over ``doc`` read with ``contexts`` ({URL: context document}) besides the shipped ones: a
    credential whose issuer published a context skillwallet does not ship."""
    from skillwallet.verify import jsonld

    class Published:
        def user_context(self, url: str) -> bytes | None:
            return json.dumps(contexts[url]).encode() if url in contexts else None

    with jsonld.user_contexts(Published()):
        return sign_data_integrity(doc, key, vm)


def sign_legacy(doc: dict[str, Any], key: Ed25519PrivateKey, vm: str, suite: str) -> dict[str, Any]:
    """An Ed25519Signature2018 / JsonWebSignature2020 proof: a detached, unencoded-payload JWS (RFC 7797) over
    the same hash data as eddsa-rdfc-2022 (what skillwallet's legacy verifier recomputes)."""
    proof = {"type": suite, "created": "2024-01-01T00:00:00Z", "verificationMethod": vm, "proofPurpose": "assertionMethod"}
    proof_config, unsecured = proof_inputs(doc, proof, None)
    data = di.hash_data(proof_config, unsecured, di.EDDSA_RDFC_2022)
    header = encode_segment({"alg": "EdDSA", "b64": False, "crit": ["b64"]})
    signature = key.sign(header.encode("ascii") + b"." + data)
    return dict(doc, proof=dict(proof, jws=f"{header}..{b64url(signature)}"))


def vc_jwt(issuer: str, kid: str, key: Ed25519PrivateKey) -> str:
    """A VC Data Model 1.1 JWT naming ``issuer``, signed by ``key`` and pointing at ``kid``."""
    vc = vc11(issuer)
    claims = {"iss": issuer, "nbf": 1704067200, "jti": vc["id"], "sub": "did:example:mallory", "vc": vc}
    return make_jws({"alg": "EdDSA", "typ": "JWT", "kid": kid}, claims, key)


def status_list(issuer: str, url: str, revoked=(), *, every_bit: bool = False, purpose: str = "revocation",
                **fields: Any) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (16 KiB, the spec's minimum): the verify tests' list, or with
    ``every_bit`` one that says every credential it covers is revoked."""
    doc = status_list_credential(issuer, url, revoked, purpose=purpose, **fields)
    if every_bit:
        doc["credentialSubject"]["encodedList"] = encode_bitstring(b"\xff" * 16384)
    return doc


def write(folder: Path, name: str, value: Any) -> Path:
    """Write ``value`` into ``folder/name``: bytes as they are, a string (a token) as UTF-8, anything else as JSON."""
    path = folder / name
    if isinstance(value, bytes):
        path.write_bytes(value)
    else:
        path.write_text(value if isinstance(value, str) else json.dumps(value, indent=2), encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------------------
# encodings


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


def _forged(folder: Path, credential: dict[str, Any] | str) -> Path:
    """A JSON credential as ``forged.json``, a token as ``forged.jwt``."""
    return write(folder, "forged.jwt" if isinstance(credential, str) else "forged.json", credential)


def verify_file(folder: Path, credential: dict[str, Any] | str, *extra: str) -> CliResult:
    """Write ``credential`` and run ``skillwallet verify FILE --json`` on it (offline: the default in tests)."""
    return run_cli("verify", str(_forged(folder, credential)), "--json", *extra)


def add_file(folder: Path, credential: dict[str, Any] | str, *extra: str) -> CliResult:
    """Write ``credential`` and run ``skillwallet add FILE --json`` (needs an initialised wallet and passphrase)."""
    return run_cli("add", str(_forged(folder, credential)), "--json", *extra)
