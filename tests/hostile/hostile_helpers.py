"""Builders for hostile inputs: credentials really signed with keys made in the test, then tampered with.

Each credential is an Open Badges 3.0 document with an eddsa-rdfc-2022 Data Integrity proof by a fresh
did:key issuer, so the real verifier says ``verified`` for the genuine copy and ``invalid`` for a tampered one.
The CLI runs in-process (``skillwallet.cli.app.run``: the same error boundary as the installed command) or as a
real process, piped or on a pseudo-terminal (the runner of tests/test_output_conventions.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from pty_runner import run_on_pty

from skillwallet import paths
from skillwallet.store import Wallet

TIMEOUT = 60
PASSPHRASE = "correct horse battery staple"


def issuer_key() -> tuple[Ed25519PrivateKey, str, str]:
    """A fresh Ed25519 key, its did:key and its verification method id."""
    from skillwallet.verify.keys import did_key_from_ed25519

    key = Ed25519PrivateKey.generate()
    did = did_key_from_ed25519(key.public_key())
    return key, did, f"{did}#{did.removeprefix('did:key:')}"


def ob3_document(
    title: str,
    *,
    issuer: str,
    issuer_name: str = "Example Institute",
    ident: str = "urn:uuid:6a1f0b3c-0000-4000-8000-000000000001",
    valid_from: str = "2024-03-12T00:00:00Z",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        ],
        "id": ident,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer, "type": ["Profile"], "name": issuer_name},
        "validFrom": valid_from,
        "name": title,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://issuer.example.org/achievements/1",
                "type": ["Achievement"],
                "name": title,
                "description": "Awarded for demonstrated skill.",
                "criteria": {"narrative": "Pass the assessment."},
            },
        },
    }
    document.update(extra or {})
    return document


def signed(document: dict[str, Any], key: Ed25519PrivateKey, method: str) -> dict[str, Any]:
    from skillwallet.verify.data_integrity import sign_data_integrity

    return sign_data_integrity(document, key, method)


def genuine_and_tampered(tmp_path: Path, *, ident: str = "urn:uuid:6a1f0b3c-0000-4000-8000-000000000001"):
    """(genuine.json, tampered.json): the same credential id and issuer; the tampered copy changed its title
    after signing (so its proof no longer matches)."""
    key, did, method = issuer_key()
    genuine = signed(ob3_document("Cloud Practitioner", issuer=did, ident=ident), key, method)
    tampered = json.loads(json.dumps(genuine))
    tampered["name"] = "Chief Cloud Architect"
    tampered["credentialSubject"]["achievement"]["name"] = "Chief Cloud Architect"
    genuine_path = tmp_path / "genuine.json"
    tampered_path = tmp_path / "tampered.json"
    genuine_path.write_text(json.dumps(genuine, indent=2))
    tampered_path.write_text(json.dumps(tampered, indent=2))
    return genuine_path, tampered_path


def init_wallet() -> Path:
    home = paths.wallet_home()
    Wallet.init(home, PASSPHRASE).close()
    return home


def open_wallet() -> Wallet:
    return Wallet.open(paths.wallet_home(), passphrase=PASSPHRASE)


def wallet_state() -> list:
    """The wallet's credentials (index records and bodies, verdicts included) and kept documents: what a rejected
    input must leave as it was. (The verifier's cache of computed hashes may change: it is no holder data.)"""
    with open_wallet() as wallet:
        return [(name, wallet.items(name)) for name in ("credentials", "credential-bodies", "documents")]


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """The real command line in-process (its error boundary included): (exit code, stdout, stderr)."""
    from skillwallet.cli.app import run

    capsys.readouterr()
    code = run(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["SKILLWALLET_PASSPHRASE"] = PASSPHRASE
    env.pop("NO_COLOR", None)
    env.update(extra)
    return env


def piped(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "skillwallet", *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        env=env or child_env(),
        timeout=TIMEOUT,
    )


def on_pty(*args: str, stream: str = "stdout", env: dict[str, str] | None = None) -> tuple[int, bytes]:
    """Run skillwallet with ``stream`` on a pseudo-terminal, the other discarded: (exit code, bytes received)."""
    env = dict(env or child_env())
    env.setdefault("COLUMNS", "200")
    return run_on_pty(args, env, stream=stream, timeout=TIMEOUT)


def b64url(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def vc_jwt(claims: dict[str, Any], key: Ed25519PrivateKey, kid: str) -> str:
    """A compact JWS (RFC 7515 §7.1, EdDSA per RFC 8037) over ``claims``, typ JWT: a VC 1.1 VC-JWT when ``claims``
    holds a ``vc`` claim. ``json.dumps`` writes NaN and Infinity as bare words, as a hostile issuer may."""
    header = {"alg": "EdDSA", "typ": "JWT", "kid": kid}
    signing_input = b64url(json.dumps(header).encode()) + "." + b64url(json.dumps(claims).encode())
    return signing_input + "." + b64url(key.sign(signing_input.encode("ascii")))
