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
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import sqlite3
from pathlib import Path
from typing import Any

from skillwallet.bulk import paused_gc
from skillwallet.errors import (
    AlreadyExistsError,
    InvalidInputError,
    NewerFormatError,
    NotFoundError,
    RollbackError,
    StorageIOError,
    WalletCorruptError,
    WalletLockedError,
)
from skillwallet.model import Credential, Verdict, format_datetime
from skillwallet.store import crypto, fsutil
from skillwallet.store.credentials import (
    STORED_ADDED,
    STORED_CONFLICT,
    STORED_PRESENT,
    STORED_REPLACED,
    CredentialWriter,
    StoreOutcome,
    StoredCredential,
    bound_verdict,
    content_key,
    credential_facts,
    document_sha256,
    list_object,
    normalise_tags,
    now,
    stored_digest,
)
from skillwallet.store.crypto import KdfParams, Secret
from skillwallet.store.db import (
    APPLICATION_ID,
    CORRUPT_HINT,
    DB_ERRORS,
    PAGE_SIZE,
    RECORDS_INDEX,
    RECORDS_TABLE,
    SCHEMA,
    WALLET_FILE,
    connect,
    connect_existing,
    translate_sqlite,
    wallet_path,
)
from skillwallet.store.keys import FORMAT_VERSION, Header, Keys
from skillwallet.store.records import BODIES, CREDENTIALS, HOLDER, LAYOUT, Integrity, SealedRecords, Writer

__all__ = [
    "BODIES", "CREDENTIALS", "FORMAT_VERSION", "STORED_ADDED", "STORED_CONFLICT", "STORED_PRESENT", "STORED_REPLACED",
    "StoredCredential", "Wallet", "document_sha256", "normalise_tags", "wallet_path",
]

# The generation ``init`` leaves: 0 for the empty wallet, 1 once the holder key is written. A wallet above it has
# history, so a missing rollback record for it is reported rather than silently created (docs/store.md).
INITIAL_GENERATION = 1

# The layout a wallet written by this version has: index records carry "facts" (below). A wallet without the
# record (written before) gets its facts built by its first write transaction (or `doctor --compact`).
LAYOUT_FACTS = 1


def _seen_name(home: Path) -> str:
    return hashlib.sha256(str(Path(home).resolve()).encode()).hexdigest()[:24] + ".json"


def seen_record_path(home: Path) -> Path:
    """The rollback record of the wallet in ``home``: ``state_dir()/seen/<hash of the home's path>.json``."""
    from skillwallet import paths

    return paths.state_dir() / "seen" / _seen_name(home)


def legacy_seen_record_path(home: Path) -> Path:
    """Where a release that kept the state in the platform folder even with SKILLWALLET_HOME put the record."""
    from skillwallet import paths

    return paths.platform_state_dir() / "seen" / _seen_name(home)


def paths_state_in_home() -> bool:
    from skillwallet import paths

    return paths.state_in_home()


def _read_seen_file(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {"invalid": True}
    return data if isinstance(data, dict) else {"invalid": True}


class Wallet(SealedRecords):
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
    ) -> "Wallet":
        """Unlock the wallet in ``home`` with a passphrase or a session token.

        Checks, in order: the file exists (WalletNotFoundError), is a wallet of a known format (WalletCorruptError,
        NewerFormatError), the passphrase or session unwraps the key (BadPassphraseError, WalletLockedError),
        every record is present and authentic (WalletCorruptError), and the file is not older than the last one
        seen on this machine (RollbackError).
        """
        secret = None if passphrase is None else crypto.as_secret(passphrase)
        del passphrase
        home = Path(home)
        path = wallet_path(home)
        if session_token is not None:
            from skillwallet.store import session as _session

            def keys_from(header: Header) -> Keys:
                return Keys(_session.unseal_session(home, header.wallet_id, session_token, key_id=header.salt))

        elif secret is not None:

            def keys_from(header: Header) -> Keys:
                return Keys(header.unwrap(secret))

        else:
            raise WalletLockedError("the wallet is locked: no passphrase and no session", "run: skillwallet unlock")
        return cls._open_path(home, path, keys_from=keys_from, check_rollback=check_rollback)

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
    def _connect_existing(path: Path) -> sqlite3.Connection:
        """Every opening of the file goes through here (:func:`skillwallet.store.db.connect_existing`)."""
        return connect_existing(path)


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
    def _open_path(cls, home: Path, path: Path, *, keys_from, check_rollback: bool) -> "Wallet":
        conn = cls._connect_existing(path)
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

    # ------------------------------------------------------------------ rollback record

    def _state_file(self) -> Path:
        return seen_record_path(self.home)

    def _seen_mac(self, generation: int, keys: "Keys | None" = None) -> str:
        return crypto.mac(
            (keys or self._keys).state,
            str(self.home.resolve()).encode(),
            self.header.wallet_id,
            generation.to_bytes(8, "big"),
        ).hex()

    def _read_seen(self) -> dict[str, Any] | None:
        data = _read_seen_file(self._state_file())
        if data is None and paths_state_in_home():
            # the record a release before SKILLWALLET_HOME moved the state kept in the platform folder:
            # read (never written) so that an upgrade keeps its rollback protection instead of starting blind
            legacy = _read_seen_file(legacy_seen_record_path(self.home))
            if legacy is not None and legacy.get("wallet_id") == self.wallet_uid:
                data = dict(legacy, legacy=True)
        return data

    def _verified_seen_generation(self, seen: dict[str, Any], keys: "Keys | None" = None) -> tuple[int | None, bool]:
        """The generation a record proves under ``keys`` (None if neither of its MACs verifies), and whether it was
        the pending ``next`` entry a passphrase change writes before its commit that verified."""
        import hmac as _hmac

        generation = seen.get("generation")
        mac = seen.get("mac")
        if isinstance(generation, int) and isinstance(mac, str) and _hmac.compare_digest(mac, self._seen_mac(generation, keys)):
            return generation, False
        pending = seen.get("next")
        if isinstance(pending, dict):
            generation, mac = pending.get("generation"), pending.get("mac")
            if isinstance(generation, int) and isinstance(mac, str) and _hmac.compare_digest(
                mac, self._seen_mac(generation, keys)
            ):
                return generation, True
        return None, False

    def _check_rollback(self) -> None:
        """Compare with the last generation this machine saw at this location (SECURITY.md test 3).

        No record at all is accepted silently only for a wallet without history (the generation ``init`` leaves):
        a wallet that has been written since and has no record is either new to this machine or location, or an
        older copy put back together with the record deleted. The two cannot be told apart, so the wallet opens
        but :attr:`rollback_unverified` is set (every command warns) and no record is written until the user
        accepts the wallet once with :meth:`trust_current` (``skillwallet restore --trust-current``).
        """
        seen = self._read_seen()
        if seen is None:
            if self._generation <= INITIAL_GENERATION:
                self._record_seen(force=True)
            else:
                self.rollback_unverified = True
                self._track_seen = False  # never record what the user has not accepted
            return
        if seen.get("wallet_id") != self.wallet_uid:
            raise RollbackError(
                f"the wallet at {self.home} is not the one this machine last opened there (the file was swapped)",
                "if you put it there on purpose, run: skillwallet restore --trust-current",
            )
        generation, pending = self._verified_seen_generation(seen)
        if generation is None:
            raise RollbackError(
                "the record of the last wallet version seen on this machine was tampered with, or belongs to "
                "an older copy of the wallet (from before a passphrase change)",
                "if you trust the wallet file as it is, run: skillwallet restore --trust-current",
            )
        if self._generation < generation:
            # Another process may have committed (and recorded a newer generation) between this one reading
            # the wallet and reading the record: read the wallet again before calling it a rollback.
            self._load_integrity()
        if self._generation < generation:
            raise RollbackError(
                f"the wallet at {self.home} is older than one this machine has already seen "
                f"(generation {self._generation} < {generation})",
                "if you put an old copy back on purpose, run: skillwallet restore --trust-current",
            )
        if self._generation > generation or pending or seen.get("legacy"):
            self._record_seen(force=bool(pending or seen.get("legacy")))

    def _record_seen(self, *, force: bool = False) -> None:
        if force:
            self._track_seen = True
            self.rollback_unverified = False
        elif not self._track_seen:
            return
        if not force:
            seen = self._read_seen()
            if (
                seen
                and not seen.get("legacy")
                and seen.get("wallet_id") == self.wallet_uid
                and isinstance(seen.get("generation"), int)
                and seen["generation"] >= self._generation
                and "next" not in seen
            ):
                return
        fsutil.atomic_write(self._state_file(), json.dumps(self._seen_payload(self._generation)).encode(), step="seen")

    def _seen_payload(self, generation: int, keys: "Keys | None" = None) -> dict[str, Any]:
        return {
            "wallet_id": self.wallet_uid,
            "home": str(self.home.resolve()),
            "generation": generation,
            "mac": self._seen_mac(generation, keys),
        }

    def trust_current(self) -> None:
        """Accept this wallet file as the newest one at this location (the explicit rollback override)."""
        self._record_seen(force=True)

    @classmethod
    def rollback_status(cls, home: Path) -> dict[str, Any]:
        """What ``status`` and ``doctor`` say about rollback protection, without the passphrase.

        ``generation`` is read from the integrity row without checking its MAC (that needs the key): good enough
        to decide whether to warn, since opening the wallet checks it. ``unverified`` is the state in which every
        command warns: history (generation above the initial one) and no record of the versions seen.
        """
        home = Path(home)
        path = wallet_path(home)
        conn = cls._connect_existing(path)
        try:
            rows = conn.execute("SELECT value FROM header WHERE name='integrity'").fetchall()
        except DB_ERRORS as exc:
            raise translate_sqlite(exc, path) from None
        finally:
            conn.close()
        generation = None
        try:
            raw = rows[0][0]
            generation = int(json.loads(bytes(raw[:-32]))["g"])
        except (IndexError, TypeError, ValueError, KeyError):
            pass
        record = seen_record_path(home)
        present = record.exists() or (paths_state_in_home() and legacy_seen_record_path(home).exists())
        return {
            "generation": generation,
            "record": str(record),
            "record_present": present,
            "unverified": not present and generation is not None and generation > INITIAL_GENERATION,
        }

    # ------------------------------------------------------------------ credentials

    def add_credential(self, cred: Credential, verdict: Verdict | None = None) -> tuple[str, bool]:
        """Add ``cred`` unless a credential with its identity is already there; returns (wallet id, created?).

        Duplicates are recognised by ``Credential.identity_key()``. The same document again (same bytes) keeps the
        stored copy and records the newer verdict; a different document with the same identity changes nothing
        (see :meth:`store_credentials`).
        """
        return self.add_credentials([(cred, verdict)])[0]

    def add_credentials(
        self, items: list[tuple[Credential, Verdict | None]] | list[Credential]
    ) -> list[tuple[str, bool]]:
        """Add many credentials in one transaction (all or none); returns (wallet id, created?) for each.

        For bulk imports (a CLR with its achievements, a folder of badges): one lock, one fsync.
        """
        return [(o.wallet_id, o.status == STORED_ADDED) for o in self.store_credentials(items)]

    def store_credentials(
        self, items: list[tuple[Credential, Verdict | None]] | list[Credential], *, replace: bool = False
    ) -> list[StoreOutcome]:
        """Add many credentials in one transaction (all or none); what happened to each.

        A verdict is stored only beside the exact bytes it was computed on (``verdict`` is the outcome of
        verifying ``cred``). For a credential whose identity is already stored:

        * the same document (same SHA-256 of the original bytes): kept; a newer verdict given is recorded;
        * another document: with ``replace`` it takes the stored one's place with its own verdict (the holder's
          tags and note stay: they are about the credential, not one copy of it); without, nothing changes: the
          stored copy and its verdict are kept. It is ``present`` when it says the same (the same credential in
          another shape: JSON, baked image, VC-JWT), a ``conflict`` when it says something else.
        """
        pairs = [item if isinstance(item, tuple) else (item, None) for item in items]
        # a read-only pass first: when nothing would change (the same documents, conflicts), nothing is written
        planned: list[StoreOutcome] = []
        for cred, verdict in pairs:
            outcome, changes = self._store_one(self, cred, verdict, replace, write=False)
            if changes:
                break
            planned.append(outcome)
        else:
            return planned
        results: list[StoreOutcome] = []
        with self._write_transaction() as writer:
            for cred, verdict in pairs:
                results.append(self._store_one(writer, cred, verdict, replace, write=True)[0])
        return results

    @staticmethod
    def _store_one(
        reader: "Wallet | Writer", cred: Credential, verdict: Verdict | None, replace: bool, *, write: bool
    ) -> tuple[StoreOutcome, bool]:
        """What storing ``cred`` does (and, with ``write``, do it through the writer ``reader``): (outcome, changes?)."""
        wallet_id = cred.wallet_id()
        digest = document_sha256(cred.original)
        existing = reader.get(CREDENTIALS, wallet_id)
        if existing is None:
            if write:
                stored = StoredCredential(wallet_id, cred, verdict or Verdict(), now(), [], None)
                reader.put(BODIES, wallet_id, {"credential": cred.to_dict()})
                reader.put(CREDENTIALS, wallet_id, stored.index_record())
            return StoreOutcome(wallet_id, STORED_ADDED), True
        stored_title = (existing.get("summary") or {}).get("title")
        if stored_digest(reader, wallet_id, existing) == digest:
            if verdict is not None and write:
                existing["sha256"] = digest
                existing["verdict"] = bound_verdict(verdict, digest)
                reader.put(CREDENTIALS, wallet_id, existing)
            return StoreOutcome(wallet_id, STORED_PRESENT, stored_title, same_document=True), verdict is not None
        if not replace:
            # another document: its verdict is about other bytes and is never recorded here
            body = reader.get(BODIES, wallet_id) or {}
            same = content_key(body.get("credential") or {}) == content_key(cred.to_dict())
            return StoreOutcome(wallet_id, STORED_PRESENT if same else STORED_CONFLICT, stored_title), False
        if write:
            stored = StoredCredential(
                wallet_id, cred, verdict or Verdict(), now(), list(existing.get("tags") or []), existing.get("note")
            )
            reader.put(BODIES, wallet_id, {"credential": cred.to_dict()})
            reader.put(CREDENTIALS, wallet_id, stored.index_record())
        return StoreOutcome(wallet_id, STORED_REPLACED, stored_title), True

    def list_summaries(self) -> list[dict[str, Any]]:
        """The ``list --json`` object of every credential, in the order they were added.

        Reads only the small index records (not the credentials' bodies): fast for large wallets.
        """
        with paused_gc():
            index = self.items(CREDENTIALS)
            self._scan(BODIES, "")  # the bodies' record set must be intact too (read through the narrow index)
            out = [list_object(key, value) for key, value in index]
            out.sort(key=lambda o: (o["added"] or "", o["id"]))
        return out

    def list_credentials(self) -> list[StoredCredential]:
        """Every stored credential, in full, in the order they were added."""
        with paused_gc():
            index = dict(self.items(CREDENTIALS))
            bodies = dict(self.items(BODIES))
            if index.keys() != bodies.keys():
                raise WalletCorruptError(f"credentials of the wallet {self.path} are incomplete", CORRUPT_HINT)
            out = [StoredCredential.from_records(key, index[key], bodies[key]) for key in index]
            out.sort(key=lambda s: (s.added, s.wallet_id))
        return out

    def list_credential_facts(self) -> list[StoredCredential]:
        """Every stored credential from its small index record only, in the order they were added.

        Each credential holds the :data:`FACT_FIELDS` (what stacking and the skills inventory read), not its body:
        ``complete`` is False. Load a full one with :meth:`get_credential` when it is shown. The bodies' record
        set is checked too (through the narrow index, as ``list`` does). An index record written before facts
        existed (a wallet not yet written by this version) is completed from its body.
        """
        with paused_gc():
            index = self.items(CREDENTIALS)
            bodies = self._scan(BODIES, "")
            if len(bodies) != len(index):
                raise WalletCorruptError(f"credentials of the wallet {self.path} are incomplete", CORRUPT_HINT)
            out = []
            dates: dict = {}
            for key, record in index:
                if "facts" in record:
                    out.append(StoredCredential.from_facts(key, record, dates))
                    continue
                body = self.get(BODIES, key)
                if body is None:
                    raise WalletCorruptError(f"the credential {key} of the wallet {self.path} is incomplete", CORRUPT_HINT)
                out.append(StoredCredential.from_records(key, record, body))
            out.sort(key=lambda s: (s.added, s.wallet_id))
        return out

    # ------------------------------------------------------------------ layout

    def _upgrade_layout(self, writer: "Writer") -> None:
        """Inside the first write transaction: give index records written before facts existed their facts.

        Runs once per wallet (the ``_wallet``/``layout`` record says it is done), in the same transaction as the
        write that triggered it, so the facts and the records they summarise always commit together.
        """
        layout = writer.get(LAYOUT, "layout")
        if isinstance(layout, dict) and layout.get("facts", 0) >= LAYOUT_FACTS:
            self._layout_current = True
            return
        self._build_facts(writer)
        writer.put(LAYOUT, "layout", {"facts": LAYOUT_FACTS})
        self._layout_current = True

    def _build_facts(self, writer: "Writer") -> int:
        """Write the facts of every index record that lacks them (from its body); returns how many."""
        rows = self._fetchall("SELECT rid, version, sealed FROM records WHERE collection=?", (CREDENTIALS,))
        built = 0
        with paused_gc():
            for rid, version, sealed in rows:
                key, record = self._unseal(CREDENTIALS, rid, version, sealed)
                if not isinstance(record, dict) or "facts" in record:
                    continue
                body = writer.get(BODIES, key)
                if body is None:
                    raise WalletCorruptError(f"the credential {key} of the wallet {self.path} is incomplete", CORRUPT_HINT)
                record["facts"] = credential_facts(Credential.from_dict(body["credential"]))
                writer.put(CREDENTIALS, key, record)
                built += 1
        return built


    def compact(self) -> dict[str, Any]:
        """Bring the wallet to the current layout and give back unused space (``doctor --compact``).

        1. In one write transaction (the whole record set checked first, as a passphrase change does): build the
           facts of index records that lack them, and move a records table of the earlier layout (keyed by the
           random record ids) to the current one (appended rows). A crash leaves the old or the new, whole.
        2. ``VACUUM`` with ``secure_delete`` on and temporary data in memory: the file is rebuilt without free
           pages; SQLite commits it through the WAL like any transaction (crash-safe: the old file stays valid
           until the commit). Then the WAL is checkpointed and truncated, so no page image from before (an old
           ciphertext, a record since deleted) is left in the -wal file either; the rebuilt file has no free pages
           holding one. Returns sizes before and after.
        """
        before = self._file_bytes()
        conn = self.conn
        with self._write_transaction() as writer:
            rows = conn.execute("SELECT collection, rid, version FROM records").fetchall()
            self._check_record_set(rows, writer.integrity, None)  # never rewrite a damaged or incomplete set
            built = self._build_facts(writer)
            migrated = self._legacy_records_table()
            if migrated:
                fsutil.fault_point("compact.migrate")
                conn.execute(RECORDS_TABLE.format(name="records_new"))
                conn.execute(
                    "INSERT INTO records_new(collection, rid, version, sealed) "
                    "SELECT collection, rid, version, sealed FROM records ORDER BY collection, version, rid"
                )
                conn.execute("DROP TABLE records")
                conn.execute("ALTER TABLE records_new RENAME TO records")
                conn.execute(RECORDS_INDEX)
        self._numbered_rows = None  # looked up again by the next write: the table may be the new one now
        try:
            fsutil.fault_point("compact.vacuum")
            conn.execute("PRAGMA secure_delete=ON")
            conn.execute("PRAGMA temp_store=MEMORY")  # VACUUM's scratch copy: never a file in $TMPDIR
            conn.execute("VACUUM")
            # (busy, frames, checkpointed): busy when another process still reads an older snapshot
            checkpoint = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except DB_ERRORS as exc:
            raise translate_sqlite(exc, self.path) from None
        finally:
            try:
                conn.execute("PRAGMA secure_delete=OFF")
            except sqlite3.Error:
                pass
        sealed = self._fetchall("SELECT coalesce(sum(length(sealed)), 0) FROM records")[0][0]
        return {"bytes_before": before, "bytes_after": self._file_bytes(), "sealed_bytes": sealed,
                "facts_built": built, "layout_migrated": migrated, "wal_truncated": not checkpoint or checkpoint[0] == 0}

    def _file_bytes(self) -> int:
        total = 0
        for suffix in ("", "-wal"):
            try:
                total += os.stat(str(self.path) + suffix).st_size
            except OSError:
                pass
        return total

    # ------------------------------------------------------------------ credentials: loading and changing one

    def resolve_id(self, id_or_prefix: str) -> str:
        """The full wallet id for an id or unique prefix (NotFoundError / InvalidInputError when ambiguous)."""
        wanted = id_or_prefix.strip().lower()
        if len(wanted) == 12 and self.get(CREDENTIALS, wanted) is not None:
            return wanted
        matches = sorted(key for key, _ in self.items(CREDENTIALS) if key.startswith(wanted))
        if not matches:
            raise NotFoundError(f"no credential with id {id_or_prefix!r}", "see the ids with: skillwallet list")
        if len(matches) > 1:
            raise InvalidInputError(
                f"the id prefix {id_or_prefix!r} matches {len(matches)} credentials: {', '.join(matches[:5])}",
                "type more characters of the id",
            )
        return matches[0]

    def get_credential(self, id_or_prefix: str) -> StoredCredential:
        """The credential with this wallet id or unique id prefix."""
        wallet_id = self.resolve_id(id_or_prefix)
        index = self.get(CREDENTIALS, wallet_id)
        if index is None:
            raise NotFoundError(f"no credential with id {id_or_prefix!r}")
        body = self.get(BODIES, wallet_id)
        if body is None:
            raise WalletCorruptError(f"the credential {wallet_id} of the wallet {self.path} is incomplete", CORRUPT_HINT)
        return StoredCredential.from_records(wallet_id, index, body)

    def remove_credential(self, wallet_id: str) -> None:
        """Remove a credential by its full wallet id (NotFoundError if absent)."""
        with self._write_transaction() as writer:
            if not writer.delete(CREDENTIALS, wallet_id):
                raise NotFoundError(f"no credential with id {wallet_id!r}")
            writer.delete(BODIES, wallet_id)

    def _update_credential(self, wallet_id: str, change) -> None:
        with self._write_transaction() as writer:
            record = writer.get(CREDENTIALS, wallet_id)
            if record is None:
                raise NotFoundError(f"no credential with id {wallet_id!r}")
            change(record)
            writer.put(CREDENTIALS, wallet_id, record)

    def set_verdict(self, wallet_id: str, verdict: Verdict, *, sha256: str | None = None) -> bool:
        """Record the outcome of verifying a credential beside it; ``False`` if it was not recorded.

        ``sha256`` is the hash of the bytes that were verified: when the stored document is another one by now
        (replaced meanwhile), the verdict is not recorded. Without it, the verdict is taken to be about the stored
        document as it is.
        """
        with self._write_transaction() as writer:
            if writer.get(CREDENTIALS, wallet_id) is None:
                raise NotFoundError(f"no credential with id {wallet_id!r}")
            return writer.set_verdict(wallet_id, verdict, sha256=sha256)

    def set_tags(self, wallet_id: str, tags: list[str]) -> None:
        """Replace the holder's tags on a credential."""
        self._update_credential(wallet_id, lambda r: r.__setitem__("tags", normalise_tags(tags)))

    def set_note(self, wallet_id: str, note: str | None) -> None:
        """Set (or with ``None`` clear) the holder's note on a credential."""
        self._update_credential(wallet_id, lambda r: r.__setitem__("note", note or None))

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

    # ------------------------------------------------------------------ keys

    def change_passphrase(self, new_passphrase: "str | Secret", *, kdf_profile: str | None = None) -> None:
        """Rotate the data key: every record re-sealed under a new random DEK, wrapped by the new passphrase.

        One SQLite transaction replaces the records, the header (new salt, KDF, wrapped DEK) and the integrity row
        (generation + 1, record-set MAC under the new key), so after a crash exactly one of the old and the new
        passphrase opens the wallet, with every record. Rotation is what makes a leaked old passphrase (or an
        old backup's data key) useless for anything added afterwards; an old backup itself still opens with the
        old passphrase and holds what it held then (docs/store.md, "Passphrase change").

        The rollback record is rewritten under the new key in two steps around the commit: before it, the record
        gains a pending entry MAC-ed under the new key for the new generation; after it, the record is rewritten
        with the new key only. Whichever side of the commit a crash leaves, one of its entries verifies.
        Sessions of this wallet are ended before the transaction (none outlives the old key) and after it.
        """
        secret = crypto.as_secret(new_passphrase)
        del new_passphrase
        if len(secret) == 0:
            raise InvalidInputError("the passphrase must not be empty")
        kdf = crypto.kdf_for_profile(kdf_profile)
        new_keys = Keys(Secret(crypto.random_bytes(crypto.KEY_LEN)))
        header = Header.create(secret, new_keys.dek, kdf, self.header.wallet_id, self.header.created)
        del secret
        from skillwallet.store import session as _session

        _session.end_sessions(self.home)
        conn = self.conn
        try:
            fsutil.fault_point("passwd.begin")
            conn.execute("BEGIN IMMEDIATE")
            try:
                integrity = self._read_integrity()
                rows = conn.execute("SELECT collection, rid, version, sealed FROM records").fetchall()
                self._check_record_set(rows, integrity, None)  # never re-seal a damaged or incomplete set
                generation = integrity.generation + 1
                seen_generation = self._write_pending_seen(generation, new_keys)
                # freed pages (the old ciphertexts, the old wrapped key) are overwritten, not left in the file
                conn.execute("PRAGMA secure_delete=ON")
                rotated = Integrity(generation, {})
                fsutil.fault_point("passwd.clear")
                conn.execute("DELETE FROM records")
                for collection, rid, version, sealed in rows:
                    plain, key = self._unseal_plain(collection, rid, version, sealed)
                    new_rid = crypto.mac(new_keys.index, collection.encode(), key.encode())[:16]
                    # the same plaintext bytes, sealed again under the new key, id and version
                    sealed_new = new_keys.sealer.seal(plain, self._aad(collection, new_rid, generation))
                    fsutil.fault_point("passwd.record")
                    conn.execute(
                        "INSERT INTO records(collection, rid, version, sealed) VALUES (?, ?, ?, ?)",
                        (collection, new_rid, generation, sealed_new),
                    )
                    entry = rotated.collections.setdefault(collection, [0, 0])
                    entry[0] += 1
                    entry[1] ^= int.from_bytes(
                        crypto.mac(new_keys.setmac, collection.encode(), new_rid, generation.to_bytes(8, "big")), "big"
                    )
                for name, value in header.rows().items():
                    fsutil.fault_point(f"passwd.{name}")
                    conn.execute("UPDATE header SET value=? WHERE name=?", (value, name))
                fsutil.fault_point("passwd.integrity")
                conn.execute(
                    "UPDATE header SET value=? WHERE name='integrity'", (rotated.encode(new_keys, header.wallet_id),)
                )
                fsutil.fault_point("passwd.commit")
                conn.execute("COMMIT")
            except BaseException:
                try:
                    conn.execute("ROLLBACK")
                except sqlite3.Error:
                    pass
                raise
            finally:
                try:
                    conn.execute("PRAGMA secure_delete=OFF")
                except sqlite3.Error:
                    pass
        except DB_ERRORS as exc:
            raise translate_sqlite(exc, self.path) from None
        except OSError as exc:
            raise fsutil.storage_error(exc, str(self.path)) from None
        try:
            # older page images (the old wrapped key among them) can linger in the -wal file: fold it back and
            # truncate it now (a checkpoint is crash-safe by SQLite's design; one that other readers block is
            # harmless, those pages only ever held what the old key already covered)
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            pass
        # from here on this object holds only the new key
        self._keys = new_keys
        self.header = header
        self._generation = generation
        fsutil.fault_point("passwd.committed")
        if seen_generation is not None:
            try:
                fsutil.atomic_write(
                    self._state_file(), json.dumps(self._seen_payload(max(seen_generation, generation))).encode(),
                    step="seen",
                )
            except StorageIOError:
                pass  # the pending entry written before the commit already vouches for the new key
        _session.end_sessions(self.home)

    def _write_pending_seen(self, generation: int, new_keys: Keys) -> int | None:
        """Before a key rotation commits: add to a genuine rollback record an entry for ``generation`` MAC-ed under
        the new key. Returns the generation it vouches for, or ``None`` when there is no genuine record to carry
        over (none yet, not accepted, or not verifiable under the current key: left as it is)."""
        seen = _read_seen_file(self._state_file())
        if not seen or seen.get("wallet_id") != self.wallet_uid:
            return None
        recorded, _pending = self._verified_seen_generation(seen)
        if recorded is None:
            return None
        # never lower the bound a record proves (a wallet opened without the rollback check may be older)
        target = max(recorded, generation)
        payload = self._seen_payload(recorded)
        payload["next"] = {"generation": target, "mac": self._seen_mac(target, new_keys)}
        fsutil.atomic_write(self._state_file(), json.dumps(payload).encode(), step="seen")
        return target

    def dek_for_session(self) -> Secret:
        return self._keys.dek

    def backup_key(self) -> Secret:
        return crypto.subkey(self._keys.dek, "backup")

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
