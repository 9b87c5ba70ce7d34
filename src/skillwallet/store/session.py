"""Unlocked sessions: use the wallet for a while without typing the passphrase (like ``bw unlock``).

``skillwallet unlock`` seals the wallet's data key under a fresh random 32-byte session key and writes the sealed
key, the wallet id and the expiry into a 0600 file in the state folder; the session key itself goes only into the
token printed for ``export SKILLWALLET_SESSION=...``. The token alone has no key material to decrypt, the file alone
has no key: both are needed. The expiry is part of the AAD, so editing it in the file breaks the seal; so is the
header's salt, new at every passphrase change, so a session from before a change can never serve the rotated wallet.
The passphrase is never written anywhere.
"""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

from skillwallet.errors import WalletLockedError
from skillwallet.store import crypto, fsutil
from skillwallet.store.crypto import Secret

TOKEN_PREFIX = "sw1"
DEFAULT_SECONDS = 15 * 60
MAX_SECONDS = 24 * 3600

UNLOCK_HINT = 'run: eval "$(skillwallet unlock)"'


def sessions_dir() -> Path:
    from skillwallet import paths

    return paths.state_dir() / "sessions"


def _aad(session_id: str, wallet_id: bytes, home: str, expires: int, key_id: bytes) -> bytes:
    # key_id is the header's salt, new at every passphrase change (which also rotates the data key): a session
    # sealed before a change can never hand an old data key to the rotated wallet, even if its file survived
    return b"skillwallet-session-v2\n" + json.dumps([session_id, wallet_id.hex(), home, expires, key_id.hex()]).encode()


def start_session(
    home: Path, wallet_id: bytes, dek: Secret, seconds: int = DEFAULT_SECONDS, *, key_id: bytes
) -> tuple[str, int]:
    """Create a session for the wallet in ``home``; returns (token, expiry as a Unix time)."""
    session_id = os.urandom(12).hex()
    key = Secret(os.urandom(crypto.KEY_LEN))
    expires = int(time.time()) + int(seconds)
    home_text = str(Path(home).resolve())
    sealed = crypto.Sealer(key).seal(dek.reveal(), _aad(session_id, wallet_id, home_text, expires, key_id))
    payload = {
        "session": session_id,
        "wallet_id": wallet_id.hex(),
        "home": home_text,
        "expires": expires,
        "sealed_key": base64.b64encode(sealed).decode(),
    }
    fsutil.ensure_private_dir(sessions_dir())
    fsutil.atomic_write(sessions_dir() / f"{session_id}.json", json.dumps(payload).encode(), step="session")
    token = f"{TOKEN_PREFIX}.{session_id}.{base64.urlsafe_b64encode(key.reveal()).decode().rstrip('=')}"
    return token, expires


def _parse_token(token: str) -> tuple[str, Secret]:
    try:
        prefix, session_id, key_text = token.strip().split(".")
        if prefix != TOKEN_PREFIX or len(session_id) != 24 or not all(c in "0123456789abcdef" for c in session_id):
            raise ValueError
        key = base64.urlsafe_b64decode(key_text + "=" * (-len(key_text) % 4))
        if len(key) != crypto.KEY_LEN:
            raise ValueError
    except ValueError:
        raise WalletLockedError("SKILLWALLET_SESSION is not a valid session token", UNLOCK_HINT) from None
    return session_id, Secret(key)


def unseal_session(home: Path, wallet_id: bytes, token: str, *, key_id: bytes, end_expired: bool = True) -> Secret:
    """The data key of the wallet from a live session (WalletLockedError if expired, ended or not this wallet).

    An expired session's file is removed on the way, unless ``end_expired`` is false (a reader that must change
    nothing: shell completion)."""
    session_id, key = _parse_token(token)
    path = sessions_dir() / f"{session_id}.json"
    try:
        data = json.loads(path.read_bytes())
        expires = int(data["expires"])
        sealed = base64.b64decode(data["sealed_key"])
    except FileNotFoundError:
        raise WalletLockedError("the session has ended (locked, expired or the passphrase changed)", UNLOCK_HINT) from None
    except (OSError, ValueError, KeyError, TypeError):
        raise WalletLockedError("the session file is damaged", UNLOCK_HINT) from None
    if time.time() >= expires:
        if end_expired:
            _remove(path)
        raise WalletLockedError("the session has expired", UNLOCK_HINT)
    if data.get("wallet_id") != wallet_id.hex():
        raise WalletLockedError("the session belongs to another wallet", UNLOCK_HINT)
    try:
        return Secret(
            crypto.Sealer(key).open(sealed, _aad(session_id, wallet_id, str(Path(home).resolve()), expires, key_id))
        )
    except Exception:
        raise WalletLockedError("the session token does not match its session", UNLOCK_HINT) from None


def session_info(token: str | None) -> dict | None:
    """What is known about a token without unlocking: its expiry, or ``None`` if it has no live session."""
    if not token:
        return None
    try:
        session_id, _ = _parse_token(token)
        data = json.loads((sessions_dir() / f"{session_id}.json").read_bytes())
        expires = int(data["expires"])
    except (WalletLockedError, OSError, ValueError, KeyError, TypeError):
        return None
    if time.time() >= expires:
        return None
    return {"session": session_id, "expires": expires, "home": data.get("home")}


def _remove(path: Path) -> None:
    try:
        # overwrite the sealed key before unlinking: the file is useless without the token anyway,
        # but a deleted session should not linger in free blocks longer than needed
        size = path.stat().st_size
        with open(path, "r+b") as handle:
            handle.write(b"\0" * size)
            handle.flush()
            os.fsync(handle.fileno())
        path.unlink()
    except OSError:
        pass


def end_sessions(home: Path | None = None, token: str | None = None) -> int:
    """End sessions: the one of ``token``, or all of the wallet in ``home`` (all if ``home`` is None),
    plus any expired ones. Returns how many live sessions were ended."""
    folder = sessions_dir()
    if not folder.is_dir():
        return 0
    only_id = _parse_token(token)[0] if token else None
    home_text = str(Path(home).resolve()) if home is not None else None
    ended = 0
    now = time.time()
    for path in folder.glob("*.json"):
        try:
            data = json.loads(path.read_bytes())
            expired = now >= int(data["expires"])
            session_id = data.get("session")
            same_home = home_text is None or data.get("home") == home_text
        except (OSError, ValueError, KeyError, TypeError):
            _remove(path)
            continue
        if expired:
            _remove(path)
        elif (only_id is not None and session_id == only_id) or (only_id is None and same_home):
            _remove(path)
            ended += 1
    return ended
