"""Helpers shared by the store tests: credentials to store, CLI runners, wallet file access."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from skillwallet.model import Credential, Issuer, Skill

PASSPHRASE = "correct horse battery staple"
CANARY = "CANARY-7f3a9c-PLAINTEXT"


def make_credential(n: int, *, title: str | None = None, issuer: str = "Example University", **extra) -> Credential:
    """A realistic normalised credential, distinct for each ``n``."""
    original = (
        '{"@context":["https://www.w3.org/ns/credentials/v2"],"id":"urn:uuid:%08d","type":["VerifiableCredential",'
        '"OpenBadgeCredential"],"name":"%s"}' % (n, title or f"Badge {n}")
    ).encode()
    return Credential(
        format=extra.pop("format", "ob3"),
        original=original,
        credential_id=f"urn:uuid:{n:08d}",
        title=title or f"Badge {n}",
        description=extra.pop("description", f"Awarded for achievement number {n}"),
        issuer=Issuer(id=f"https://{issuer.lower().replace(' ', '-')}.example", name=issuer),
        issued=extra.pop("issued", datetime(2024, 1, 1, tzinfo=timezone.utc) + timedelta(days=n % 365)),
        expires=extra.pop("expires", None),
        skills=extra.pop("skills", [Skill(name="Python"), Skill(name=f"Skill {n % 7}")]),
        **extra,
    )


def wallet_home() -> Path:
    return Path(os.environ["SKILLWALLET_HOME"])


def wallet_file() -> Path:
    return wallet_home() / "wallet.sqlite"


def run_cli(*args: str, env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run the real command in a subprocess (the error boundary and exit codes as a user sees them)."""
    full_env = dict(os.environ)
    if env:
        for key, value in env.items():
            if value is None:
                full_env.pop(key, None)
            else:
                full_env[key] = value
    return subprocess.run(
        [sys.executable, "-m", "skillwallet", *args],
        capture_output=True,
        text=True,
        env=full_env,
        input=input,
        timeout=120,
    )


def seen_record_file(home: Path | None = None) -> Path:
    """The rollback record of a home, where docs/store.md says it is: ``state_dir()/seen/<hash of home>.json``."""
    import hashlib

    from skillwallet import paths

    home = Path(home or wallet_home())
    return paths.state_dir() / "seen" / (hashlib.sha256(str(home.resolve()).encode()).hexdigest()[:24] + ".json")
