"""An attacker's toolkit for forgery tests (no tests here).

Everything an attacker needs is made fresh in the test: a key of their own and its ``did:key``; credentials
signed with the project's own Data Integrity signer (eddsa-rdfc-2022, so the canonical form is exactly the
verifier's); compact JWS and SD-JWT tokens with disclosures; and the real CLI (``skillwallet verify`` /
``add``) through ``typer.testing.CliRunner``. Never an issuer's real key: a forgery test shows what an
attacker holding only their own key can make the verifier say.

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

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from skillwallet.verify.data_integrity import sign_data_integrity
from skillwallet.verify.keys import did_key_from_public_key

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
