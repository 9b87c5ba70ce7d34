"""The encrypted wallet: one SQLite file of sealed records (on-disk format: docs/store.md).

Design (shared SECURITY.md):

* SQLite in WAL mode with ``synchronous=FULL``: a write the user was told about survives a crash, readers never
  block writers, and an add touches a constant number of pages however large the wallet is.
* Every record is sealed with AES-256-GCM under a subkey of a random data key (DEK). The AAD binds the wallet id,
  the collection, the record id and the record version, so a record cannot be moved, swapped or replayed.
* Record ids on disk are HMACs of (collection, key): the file does not reveal which credentials it holds.
* The DEK is wrapped by a key derived from the passphrase (Argon2id, RFC 9106); the header row (format version,
  KDF id and parameters, salt, wallet id) is the AAD of that wrap, so editing the header is a wrong-passphrase error.
* Tamper evidence across records: an ``integrity`` row holds a generation counter, the record count and the XOR of
  one HMAC per (collection, record id, version), itself MAC-ed. A write updates it in O(1); opening recomputes it
  over the record list and so detects deleted, resurrected or rolled-back records.
* Rollback of the whole file: the last generation seen is kept, MAC-ed, in :func:`skillwallet.paths.state_dir`.

:class:`Wallet` ties the parts together, one idea per module:

* :mod:`~skillwallet.store.db`: the SQLite file, its schema, connecting, what SQLite's errors mean;
* :mod:`~skillwallet.store.keys`: the header and the subkeys of the data key;
* :mod:`~skillwallet.store.records`: record ids, AAD, sealing, the integrity record, write transactions;
* :mod:`~skillwallet.store.credentials`: a credential's index record and body, verdicts bound to their document;
* :mod:`~skillwallet.store.queries`: storing, listing, loading and changing credentials;
* :mod:`~skillwallet.store.layout`: the layout upgrade on the first write, and ``doctor --compact``;
* :mod:`~skillwallet.store.seen`: the rollback record;
* :mod:`~skillwallet.store.rotation`: passphrase change (key rotation).

This module itself: creating, opening and closing a wallet, and the holder's profile and key.
"""

from __future__ import annotations

import base64
import os
import sqlite3
from pathlib import Path
from typing import Any

from skillwallet.errors import (
    AlreadyExistsError,
    InvalidInputError,
    NewerFormatError,
    WalletCorruptError,
    WalletLockedError,
)
from skillwallet.model import format_datetime
from skillwallet.store import crypto, fsutil, seen
from skillwallet.store.credentials import CredentialWriter, now
from skillwallet.store.crypto import KdfParams, Secret
from skillwallet.store.db import (
    APPLICATION_ID,
    CORRUPT_HINT,
    DB_ERRORS,
    PAGE_SIZE,
    SCHEMA,
    WALLET_FILE,
    connect,
    connect_existing,
    translate_sqlite,
    wallet_path,
)
from skillwallet.store.keys import FORMAT_VERSION, Header, Keys
from skillwallet.store.layout import LayoutMaintenance
from skillwallet.store.queries import CredentialQueries
from skillwallet.store.records import HOLDER, Integrity, SealedRecords
from skillwallet.store.rotation import KeyRotation
from skillwallet.store.seen import RollbackRecord

# names the CLI, the importer and the tests of other layers import from this module (which defined them before)
from skillwallet.store.credentials import (
    STORED_ADDED,
    STORED_CONFLICT,
    STORED_PRESENT,
    STORED_REPLACED,
    StoredCredential,
    document_sha256,
    normalise_tags,
)
from skillwallet.store.records import BODIES, CREDENTIALS

__all__ = [
    "BODIES", "CREDENTIALS", "FORMAT_VERSION", "STORED_ADDED", "STORED_CONFLICT", "STORED_PRESENT", "STORED_REPLACED",
    "StoredCredential", "Wallet", "document_sha256", "normalise_tags", "wallet_path",
]


class Wallet(CredentialQueries, LayoutMaintenance, KeyRotation, RollbackRecord, SealedRecords):
    """An unlocked wallet. Open with :meth:`open` (or create with :meth:`init`); use as a context manager."""

    writer_class = CredentialWriter

    def __init__(self, home: Path, path: Path, conn: sqlite3.Connection, header: Header, keys: Keys) -> None:
        self.home = Path(home)
        self.path = path
        self._conn: sqlite3.Connection | None = conn
        self.header = header
        self._keys = keys
        self._generation = 0
        self._aad_prefixes: dict[str, bytes] = {}
        # whether writes update the rollback record of this home: not for a wallet being built or checked
        # under a temporary name (a losing concurrent init must not claim the home for its own wallet)
        self._track_seen = False
        # opened with history but no record of the versions this machine has seen (see _check_rollback)
        self.rollback_unverified = False
        # whether this wallet's index records are known to carry their facts (checked by the first write)
        self._layout_current = False
        # whether the records table has the row number ``n`` (the current layout; the legacy one is keyed by the
        # record id): None until the first write looks
        self._numbered_rows: bool | None = None

    def __repr__(self) -> str:
        return f"Wallet({str(self.path)!r})"

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def exists(cls, home: Path) -> bool:
        return wallet_path(home).exists()

    @classmethod
    def init(cls, home: Path, passphrase: "str | Secret", *, kdf_profile: str | None = None) -> "Wallet":
        """Create a new wallet in ``home`` (mode 0700) with a new data key and holder signing key.

        The file is built under a temporary name and linked into place, so a crash never leaves a half-made
        wallet, and two concurrent inits cannot both succeed. Raises ``AlreadyExistsError`` if one is there.
        """
        secret = crypto.as_secret(passphrase)
        del passphrase
        if len(secret) == 0:
            raise InvalidInputError("the passphrase must not be empty")
        home = Path(home)
        path = wallet_path(home)
        if path.exists():
            raise AlreadyExistsError(f"a wallet already exists at {path}", "use it, or remove it first")
        fsutil.ensure_private_dir(home)
        kdf = crypto.kdf_for_profile(kdf_profile)
        dek = Secret(crypto.random_bytes(crypto.KEY_LEN))
        header = Header.create(secret, dek, kdf, crypto.random_bytes(16), format_datetime(now()) or "")
        keys = Keys(dek)
        tmp = home / f".{WALLET_FILE}.init-{os.getpid()}-{os.urandom(4).hex()}"
        try:
            fsutil.create_private_file(tmp)
            conn = connect(tmp)
            try:
                # before anything is written (fixed from then on in WAL mode). Measured on 1,000 credentials of
                # ~4 KB bodies and ~2 KB index records, after a verdict rewrite of each and after VACUUM: 4 KiB pages
                # 1.35x / 1.35x the sealed bytes (a leaf cannot use the part a next large record does not fit in),
                # 16 KiB 1.42x / 1.30x, 2 KiB 1.31x / 1.19x (benchmarks/scale.py)
                conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version={FORMAT_VERSION}")
                conn.execute("BEGIN IMMEDIATE")
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.executemany("INSERT INTO header(name, value) VALUES (?, ?)", header.rows().items())
                integrity = Integrity(0, {})
                conn.execute(
                    "INSERT INTO header(name, value) VALUES ('integrity', ?)",
                    (integrity.encode(keys, header.wallet_id),),
                )
                conn.execute("COMMIT")
            finally:
                conn.close()
            wallet = cls._open_path(home, tmp, keys_from=lambda h: keys, check_rollback=False)
            try:
                wallet._create_holder_key()
            finally:
                wallet.close()
            fsutil.fault_point("init.link")
            try:
                os.link(tmp, path)  # fails if a wallet appeared meanwhile: never overwrite one
            except FileExistsError:
                raise AlreadyExistsError(f"a wallet already exists at {path}", "use it, or remove it first") from None
            fsutil.fsync_dir(home)
        except OSError as exc:
            raise fsutil.storage_error(exc, str(path)) from None
        except DB_ERRORS as exc:
            raise translate_sqlite(exc, path) from None
        finally:
            for leftover in (tmp, Path(str(tmp) + "-wal"), Path(str(tmp) + "-shm")):
                try:
                    leftover.unlink()
                except OSError:
                    pass
        wallet = cls._open_path(home, path, keys_from=lambda h: keys, check_rollback=False)
        wallet._record_seen(force=True)
        return wallet

    @classmethod
    def open(
        cls,
        home: Path,
        *,
        passphrase: "str | Secret | None" = None,
        session_token: str | None = None,
        check_rollback: bool = True,
        read_only: bool = False,
    ) -> "Wallet":
        """Unlock the wallet in ``home`` with a passphrase or a session token.

        Checks, in order: the file exists (WalletNotFoundError), is a wallet of a known format (WalletCorruptError,
        NewerFormatError), the passphrase or session unwraps the key (BadPassphraseError, WalletLockedError),
        every record is present and authentic (WalletCorruptError), and the file is not older than the last one
        seen on this machine (RollbackError).

        ``read_only`` opens for reading and writes nothing anywhere: not the wallet folder (see
        :func:`skillwallet.store.db.connect`), not the rollback record (the rollback check, which records what it
        sees, is skipped: such a reader must not base a trust decision on what it reads) and not the session
        folder (an expired session is left for the next command to remove). Any write fails.
        """
        secret = None if passphrase is None else crypto.as_secret(passphrase)
        del passphrase
        home = Path(home)
        path = wallet_path(home)
        if session_token is not None:
            from skillwallet.store import session as _session

            def keys_from(header: Header) -> Keys:
                return Keys(
                    _session.unseal_session(
                        home, header.wallet_id, session_token, key_id=header.salt, end_expired=not read_only
                    )
                )

        elif secret is not None:

            def keys_from(header: Header) -> Keys:
                return Keys(header.unwrap(secret))

        else:
            raise WalletLockedError("the wallet is locked: no passphrase and no session", "run: skillwallet unlock")
        return cls._open_path(
            home, path, keys_from=keys_from, check_rollback=check_rollback and not read_only, read_only=read_only
        )

    @classmethod
    def open_file_with_key(cls, home: Path, path: Path, data_key: Secret) -> "Wallet":
        """Open the wallet file ``path`` with its already unwrapped data key, without the rollback check: for a
        restore, which checks a backup's image before it becomes the wallet and is itself the rollback override."""
        return cls._open_path(home, path, keys_from=lambda header: Keys(data_key), check_rollback=False)

    @classmethod
    def read_header(cls, path: Path) -> Header:
        """Read the header (no passphrase needed): for status and for the checks before unlocking."""
        conn = cls._connect_existing(path)
        try:
            return cls._read_header(conn, path)
        except DB_ERRORS as exc:
            raise translate_sqlite(exc, path) from None
        finally:
            conn.close()

    @staticmethod
    def _connect_existing(path: Path, *, read_only: bool = False) -> sqlite3.Connection:
        """Every opening of the file goes through here (:func:`skillwallet.store.db.connect_existing`)."""
        return connect_existing(path, read_only=read_only)

    @staticmethod
    def _read_header(conn: sqlite3.Connection, path: Path) -> Header:
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        application_id = conn.execute("PRAGMA application_id").fetchone()[0]
        if application_id != APPLICATION_ID:
            raise WalletCorruptError(f"{path} is not a skillwallet wallet, or it is damaged", CORRUPT_HINT)
        if user_version > FORMAT_VERSION:
            raise NewerFormatError(
                f"the wallet was written by a newer skillwallet (format {user_version}; this one reads {FORMAT_VERSION})",
                "upgrade skillwallet",
            )
        rows = dict(conn.execute("SELECT name, value FROM header").fetchall())
        header = Header.from_rows(rows, f"the wallet {path}")
        if header.format_version != user_version:
            raise WalletCorruptError(f"the header of the wallet {path} is damaged", CORRUPT_HINT)
        return header

    @classmethod
    def _open_path(cls, home: Path, path: Path, *, keys_from, check_rollback: bool, read_only: bool = False) -> "Wallet":
        conn = cls._connect_existing(path, read_only=read_only)
        try:
            header = cls._read_header(conn, path)
            keys = keys_from(header)
            wallet = cls(home, path, conn, header, keys)
            wallet._load_integrity()
        except DB_ERRORS as exc:
            conn.close()
            raise translate_sqlite(exc, path) from None
        except BaseException:
            conn.close()
            raise
        if check_rollback:
            wallet._track_seen = True
            try:
                wallet._check_rollback()
            except BaseException:
                wallet.close()
                raise
        return wallet

    def close(self) -> None:
        """Close the file. The last connection to close folds the WAL back into the wallet file."""
        if self._conn is not None:
            conn, self._conn = self._conn, None
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def __enter__(self) -> "Wallet":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the wallet is closed")
        return self._conn

    @property
    def wallet_uid(self) -> str:
        """The wallet's own random id (hex), not secret; distinguishes wallets."""
        return self.header.wallet_id.hex()

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def kdf(self) -> KdfParams:
        return self.header.kdf

    @classmethod
    def rollback_status(cls, home: Path) -> dict[str, Any]:
        """What ``status`` and ``doctor`` say about rollback protection, without the passphrase
        (:func:`skillwallet.store.seen.rollback_status`)."""
        home = Path(home)
        path = wallet_path(home)
        conn = cls._connect_existing(path)
        try:
            rows = conn.execute("SELECT value FROM header WHERE name='integrity'").fetchall()
        except DB_ERRORS as exc:
            raise translate_sqlite(exc, path) from None
        finally:
            conn.close()
        return seen.rollback_status(home, rows)

    # ------------------------------------------------------------------ holder

    def get_profile(self) -> dict[str, Any]:
        """The holder's profile (name, headline, emails, phone, location, links, summary); ``{}`` if none."""
        return dict(self.get(HOLDER, "profile") or {})

    def set_profile(self, profile: dict[str, Any]) -> None:
        with self._write_transaction() as writer:
            writer.put(HOLDER, "profile", dict(profile))

    def _create_holder_key(self) -> None:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        raw = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        )
        with self._write_transaction() as writer:
            writer.put(
                HOLDER,
                "signing-key",
                {"type": "Ed25519", "private": base64.b64encode(raw).decode(), "created": format_datetime(now())},
            )

    def holder_key(self):
        """The holder's Ed25519 private key (signs presentations and self-attested entries)."""
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        record = self.get(HOLDER, "signing-key")
        if record is None:
            raise WalletCorruptError(f"the wallet {self.path} has no holder key", CORRUPT_HINT)
        return Ed25519PrivateKey.from_private_bytes(base64.b64decode(record["private"]))

    @property
    def holder_did(self) -> str:
        """The holder's ``did:key`` (Ed25519: ``did:key:z6Mk...``)."""
        from skillwallet.verify.keys import did_key_from_ed25519

        return did_key_from_ed25519(self.holder_key().public_key())

    @property
    def holder_verification_method(self) -> str:
        """``did:key:z6Mk...#z6Mk...`` (did:key spec: the fragment is the multibase key)."""
        did = self.holder_did
        return f"{did}#{did.removeprefix('did:key:')}"

    # ------------------------------------------------------------------ the file

    def snapshot(self) -> bytes:
        """A consistent copy of the whole wallet file (SQLite online backup), in memory."""
        target = sqlite3.connect(":memory:")
        try:
            self.conn.backup(target)
            return target.serialize()
        except DB_ERRORS as exc:
            raise translate_sqlite(exc, self.path) from None
        finally:
            target.close()

    def permission_problems(self) -> list[str]:
        """Files or folders of the wallet readable by others (group/other mode bits set)."""
        from skillwallet import paths

        problems = []
        candidates = [(self.home, fsutil.DIR_MODE)]
        for name in (WALLET_FILE, WALLET_FILE + "-wal", WALLET_FILE + "-shm"):
            candidates.append((self.home / name, fsutil.FILE_MODE))
        state = paths.state_dir()
        candidates.append((state, fsutil.DIR_MODE))
        for path, allowed in candidates:
            mode = fsutil.wider_than(path, allowed)
            if mode is not None:
                problems.append(f"{path} has mode {mode:04o} (should be {allowed:04o})")
        return problems
