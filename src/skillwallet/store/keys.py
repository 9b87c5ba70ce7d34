"""The wallet's keys: the header that unlocks it and the subkeys of its data key.

The data key (DEK) is random; the header row holds it wrapped by a key derived from the passphrase (Argon2id,
RFC 9106), with the header itself (format version, KDF id and parameters, salt, wallet id) as the AAD of that wrap,
so editing the header is a wrong-passphrase error (shared SECURITY.md, "Recommended design").
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from skillwallet.errors import BadPassphraseError, NewerFormatError, SkillwalletError, WalletCorruptError
from skillwallet.store import crypto
from skillwallet.store.crypto import KdfParams, Secret
from skillwallet.store.db import CORRUPT_HINT

FORMAT_VERSION = 1  # the on-disk format this version writes (and the newest it reads): docs/store.md
BAD_PASSPHRASE_MESSAGE = "wrong passphrase, or the wallet's key was tampered with"


class Keys:
    """The subkeys of an unlocked wallet. Held only in memory; repr hides them."""

    __slots__ = ("dek", "sealer", "index", "setmac", "state")

    def __init__(self, dek: Secret) -> None:
        self.dek = dek
        self.sealer = crypto.Sealer(crypto.subkey(dek, "records"))
        self.index = crypto.subkey(dek, "record-ids")
        self.setmac = crypto.subkey(dek, "record-set")
        self.state = crypto.subkey(dek, "seen-state")

    def __repr__(self) -> str:
        return "Keys(<hidden>)"


@dataclass
class Header:
    """The wallet header: what is needed to unlock it. Authenticated as the AAD of the key wrap."""

    format_version: int
    wallet_id: bytes
    kdf: KdfParams
    salt: bytes
    wrapped_dek: bytes
    created: str

    def aad(self) -> bytes:
        description = {
            "format": self.format_version,
            "wallet_id": self.wallet_id.hex(),
            "kdf": self.kdf.to_dict(),
            "salt": self.salt.hex(),
            "created": self.created,
        }
        return b"skillwallet-header-v1\n" + json.dumps(description, sort_keys=True, separators=(",", ":")).encode()

    def rows(self) -> dict[str, bytes]:
        return {
            "format": str(self.format_version).encode(),
            "wallet_id": self.wallet_id,
            "kdf": json.dumps(self.kdf.to_dict(), sort_keys=True).encode(),
            "salt": self.salt,
            "wrapped_dek": self.wrapped_dek,
            "created": self.created.encode(),
        }

    def to_json(self) -> dict[str, Any]:
        """The header as a JSON object (used by backup files)."""
        return {
            "format": self.format_version,
            "wallet_id": self.wallet_id.hex(),
            "kdf": self.kdf.to_dict(),
            "salt": base64.b64encode(self.salt).decode(),
            "wrapped_dek": base64.b64encode(self.wrapped_dek).decode(),
            "created": self.created,
        }

    @classmethod
    def from_json(cls, data: Any, what: str) -> "Header":
        try:
            version = data["format"]
            if not isinstance(version, int):
                raise TypeError
            if version > FORMAT_VERSION:
                raise NewerFormatError(
                    f"{what} was written by a newer skillwallet (format {version}; this one reads {FORMAT_VERSION})",
                    "upgrade skillwallet",
                )
            return cls(
                format_version=version,
                wallet_id=bytes.fromhex(data["wallet_id"]),
                kdf=KdfParams.from_dict(data["kdf"]),
                salt=base64.b64decode(data["salt"], validate=True),
                wrapped_dek=base64.b64decode(data["wrapped_dek"], validate=True),
                created=str(data["created"]),
            )
        except SkillwalletError:
            raise
        except (KeyError, TypeError, ValueError):
            raise WalletCorruptError(f"the header of {what} is damaged", CORRUPT_HINT) from None

    @classmethod
    def from_rows(cls, rows: dict[str, Any], what: str) -> "Header":
        # a damaged file can hold any SQLite type in a column: accept only blobs/text, never bytes(int)
        rows = {k: (v.encode() if isinstance(v, str) else v) for k, v in rows.items() if isinstance(v, (bytes, str))}
        try:
            version = int(bytes(rows["format"]).decode())
        except (KeyError, ValueError, UnicodeDecodeError):
            raise WalletCorruptError(f"the header of {what} is damaged", CORRUPT_HINT) from None
        if version > FORMAT_VERSION:
            raise NewerFormatError(
                f"{what} was written by a newer skillwallet (format {version}; this one reads {FORMAT_VERSION})",
                "upgrade skillwallet",
            )
        try:
            kdf_data = json.loads(bytes(rows["kdf"]).decode())
            header = cls(
                format_version=version,
                wallet_id=bytes(rows["wallet_id"]),
                kdf=KdfParams.from_dict(kdf_data),
                salt=bytes(rows["salt"]),
                wrapped_dek=bytes(rows["wrapped_dek"]),
                created=bytes(rows["created"]).decode(),
            )
        except SkillwalletError:
            raise
        except (KeyError, ValueError, UnicodeDecodeError, TypeError):
            raise WalletCorruptError(f"the header of {what} is damaged", CORRUPT_HINT) from None
        if len(header.wallet_id) != 16 or len(header.salt) != crypto.SALT_LEN:
            raise WalletCorruptError(f"the header of {what} is damaged", CORRUPT_HINT)
        return header

    def unwrap(self, passphrase: Secret) -> Secret:
        """Derive the KEK and unwrap the DEK; a wrong passphrase and a tampered header fail alike."""
        kek = crypto.derive_kek(passphrase, self.salt, self.kdf)
        try:
            return Secret(crypto.Sealer(kek).open(self.wrapped_dek, self.aad()))
        except Exception:  # InvalidTag / ValueError: indistinguishable by design
            raise BadPassphraseError(BAD_PASSPHRASE_MESSAGE) from None

    @classmethod
    def create(cls, passphrase: Secret, dek: Secret, kdf: KdfParams, wallet_id: bytes, created: str) -> "Header":
        """A header wrapping ``dek`` under a fresh salt."""
        header = cls(FORMAT_VERSION, wallet_id, kdf, crypto.random_bytes(crypto.SALT_LEN), b"", created)
        kek = crypto.derive_kek(passphrase, header.salt, kdf)
        header.wrapped_dek = crypto.Sealer(kek).seal(dek.reveal(), header.aad())
        return header
