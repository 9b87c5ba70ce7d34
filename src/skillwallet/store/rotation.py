"""Passphrase change: the data key rotated, every record re-sealed under the new one, in one transaction, with
the rollback record carried over to the new key (docs/store.md, "Passphrase change")."""

from __future__ import annotations

import json
import sqlite3

from skillwallet.errors import InvalidInputError, StorageIOError
from skillwallet.store import crypto, fsutil
from skillwallet.store.crypto import Secret
from skillwallet.store.db import DB_ERRORS, translate_sqlite
from skillwallet.store.keys import Header, Keys
from skillwallet.store.records import Integrity
from skillwallet.store.seen import read_seen_file


class KeyRotation:
    """Changing the passphrase, and the keys handed to a session or a backup.

    Part of :class:`skillwallet.store.wallet.Wallet` (a mixin): it re-seals the sealed records
    (:mod:`skillwallet.store.records`), carries the rollback record over (:mod:`skillwallet.store.seen`) and
    replaces the wallet's ``header``, ``_keys`` and ``_generation``.
    """

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
        seen = read_seen_file(self._state_file())
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
