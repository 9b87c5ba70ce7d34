"""The wallet's cryptography: secrets that hide themselves, the passphrase KDF, record sealing.

Only standard constructions from ``cryptography``: Argon2id (RFC 9106) or scrypt (RFC 7914) for the key
encryption key, AES-256-GCM (NIST SP 800-38D) with 12-byte random nonces for every sealed value,
HMAC-SHA256 (RFC 2104) for record ids and the record-set MAC, HKDF-SHA256 (RFC 5869) for subkeys.
``cryptography`` is imported inside the functions so that importing the store stays cheap.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass
from typing import Any

from skillwallet.errors import WalletCorruptError

KEY_LEN = 32
NONCE_LEN = 12
SALT_LEN = 16

# Caps checked BEFORE a KDF whose parameters come from disk is run (SECURITY.md "Numbers"):
# a tampered header must not make us allocate gigabytes or spin for minutes.
ARGON2_MAX_MEMORY_KIB = 1024 * 1024  # 1 GiB
ARGON2_MAX_ITERATIONS = 10
ARGON2_MAX_LANES = 16
SCRYPT_MAX_LOG2_N = 22

# Named KDF profiles. "default" is RFC 9106 section 4's second recommended option (64 MiB, t=3, p=4);
# "test" is a cheap Argon2id only the test fixtures select (SKILLWALLET_KDF_PROFILE=test).
KDF_PROFILES: dict[str, dict[str, int]] = {
    "default": {"m": 64 * 1024, "t": 3, "p": 4},  # RFC 9106 §4 second recommendation
    "moderate": {"m": 256 * 1024, "t": 3, "p": 4},
    "strong": {"m": 1024 * 1024, "t": 4, "p": 4},  # the most the caps allow a wallet read from disk
    "test": {"m": 1024, "t": 1, "p": 1},  # only the test fixtures and throwaway demo wallets
}
SCRYPT_LOG2_N = {"default": 17, "moderate": 18, "strong": 20, "test": 10}
SCRYPT_DEFAULT = {"log2_n": 17, "r": 8, "p": 1}  # OWASP minimum for scrypt


class Secret:
    """Bytes that never show themselves in a repr, str, traceback or log line.

    Wrap passphrases and keys in it as soon as they enter the program; call :meth:`reveal` only at the
    call that needs the raw value (SECURITY.md test 10).
    """

    __slots__ = ("_value",)

    def __init__(self, value: bytes | str) -> None:
        if isinstance(value, str):
            # NFC, so the same passphrase typed on systems that compose accents differently derives the same key
            # (the normalisation RFC 8265's OpaqueString profile applies to passwords)
            import unicodedata

            value = unicodedata.normalize("NFC", value).encode("utf-8")
        self._value = bytes(value)

    def reveal(self) -> bytes:
        """The raw bytes. Use inline, never keep them in a named local."""
        return self._value

    def __len__(self) -> int:
        return len(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and hmac.compare_digest(self._value, other._value)

    def __hash__(self) -> int:  # pragma: no cover - secrets are not dict keys
        raise TypeError("Secret is not hashable")

    def __repr__(self) -> str:
        return "Secret(<hidden>)"

    __str__ = __repr__

    def __reduce__(self):  # never pickled into a file by accident
        raise TypeError("Secret cannot be pickled")


def as_secret(value: "str | bytes | Secret") -> Secret:
    return value if isinstance(value, Secret) else Secret(value)


def random_bytes(n: int) -> bytes:
    return os.urandom(n)


@dataclass(frozen=True)
class KdfParams:
    """The KDF recorded in the wallet header: ``argon2id`` (m KiB, t, p) or ``scrypt`` (log2 N, r, p)."""

    algorithm: str
    params: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.algorithm, **self.params}

    @classmethod
    def from_dict(cls, data: Any) -> "KdfParams":
        """Parse and check parameters read from disk, enforcing the caps before anything runs."""
        if not isinstance(data, dict):
            raise WalletCorruptError("the wallet header's key derivation parameters are damaged")
        algorithm = data.get("id")
        if algorithm == "argon2id":
            names = ("m", "t", "p")
        elif algorithm == "scrypt":
            names = ("log2_n", "r", "p")
        else:
            raise WalletCorruptError(f"the wallet header names an unknown key derivation function: {algorithm!r}")
        params: dict[str, int] = {}
        for name in names:
            value = data.get(name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise WalletCorruptError("the wallet header's key derivation parameters are damaged")
            params[name] = value
        result = cls(algorithm, params)
        result.check_caps()
        return result

    def check_caps(self) -> None:
        p = self.params
        if self.algorithm == "argon2id":
            # RFC 9106 section 3.1: memory must be at least 8 * lanes KiB
            ok = (
                p["m"] <= ARGON2_MAX_MEMORY_KIB
                and p["t"] <= ARGON2_MAX_ITERATIONS
                and p["p"] <= ARGON2_MAX_LANES
                and p["m"] >= 8 * p["p"]
            )
        else:
            ok = 10 <= p["log2_n"] <= SCRYPT_MAX_LOG2_N and p["r"] <= 32 and p["p"] <= 16
        if not ok:
            raise WalletCorruptError(
                "the wallet header asks for key derivation parameters beyond the safe limits",
                "the file is damaged or was tampered with; restore a backup",
            )

    def describe(self) -> str:
        p = self.params
        if self.algorithm == "argon2id":
            return f"Argon2id m={p['m'] // 1024 if p['m'] >= 1024 else p['m']}{' MiB' if p['m'] >= 1024 else ' KiB'} t={p['t']} p={p['p']}"
        return f"scrypt N=2^{p['log2_n']} r={p['r']} p={p['p']}"


def argon2_available() -> bool:
    try:
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        Argon2id(salt=b"\0" * 16, length=32, iterations=1, lanes=1, memory_cost=8).derive(b"x")
        return True
    except Exception:  # UnsupportedAlgorithm on OpenSSL < 3.2, ImportError on old cryptography
        return False


def kdf_for_profile(profile: str | None) -> KdfParams:
    """The KDF for a new wallet: the named profile, Argon2id where available, else the scrypt fallback.

    The profile comes from the argument, else ``SKILLWALLET_KDF_PROFILE``, else ``default``; the CLI passes the
    config file's ``kdf_profile`` as the argument when the environment does not name one.
    """
    name = profile or os.environ.get("SKILLWALLET_KDF_PROFILE") or "default"
    if name not in KDF_PROFILES:
        from skillwallet.errors import InvalidInputError

        raise InvalidInputError(f"unknown KDF profile {name!r}", f"choose one of: {', '.join(KDF_PROFILES)}")
    if argon2_available():
        return KdfParams("argon2id", dict(KDF_PROFILES[name]))
    scrypt = dict(SCRYPT_DEFAULT)
    scrypt["log2_n"] = SCRYPT_LOG2_N[name]
    return KdfParams("scrypt", scrypt)


def derive_kek(passphrase: Secret, salt: bytes, kdf: KdfParams) -> Secret:
    """Derive the 32-byte key encryption key from the passphrase (caps are checked first)."""
    kdf.check_caps()
    p = kdf.params
    if kdf.algorithm == "argon2id":
        from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

        return Secret(
            Argon2id(salt=salt, length=KEY_LEN, iterations=p["t"], lanes=p["p"], memory_cost=p["m"]).derive(
                passphrase.reveal()
            )
        )
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Secret(Scrypt(salt=salt, length=KEY_LEN, n=2 ** p["log2_n"], r=p["r"], p=p["p"]).derive(passphrase.reveal()))


def subkey(key: Secret, purpose: str) -> Secret:
    """A purpose-bound subkey of the data key (HKDF-SHA256, RFC 5869; info = purpose)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return Secret(
        HKDF(algorithm=hashes.SHA256(), length=KEY_LEN, salt=None, info=b"skillwallet/v1/" + purpose.encode()).derive(
            key.reveal()
        )
    )


class Sealer:
    """AES-256-GCM with one key: ``seal`` returns nonce || ciphertext+tag; ``open`` raises ``InvalidTag`` on any change."""

    __slots__ = ("_aead",)

    def __init__(self, key: Secret) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key.reveal())

    def __repr__(self) -> str:
        return "Sealer(<hidden>)"

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_LEN)
        return nonce + self._aead.encrypt(nonce, plaintext, aad)

    def open(self, sealed: bytes, aad: bytes) -> bytes:
        """Decrypt; raises ``cryptography.exceptions.InvalidTag`` or ``ValueError`` when the value is not authentic."""
        if len(sealed) < NONCE_LEN + 16:
            raise ValueError("sealed value too short")
        return self._aead.decrypt(sealed[:NONCE_LEN], sealed[NONCE_LEN:], aad)


def mac(key: Secret, *parts: bytes) -> bytes:
    """HMAC-SHA256 over length-prefixed parts (so part boundaries cannot be shifted)."""
    message = bytearray()
    for part in parts:
        message += len(part).to_bytes(4, "big")
        message += part
    return hmac.digest(key.reveal(), message, hashlib.sha256)


def xor_bytes(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")
