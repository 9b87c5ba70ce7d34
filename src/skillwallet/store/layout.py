"""The layout of a wallet file within format 1: index records with their facts, the records table keyed by row
number, and `doctor --compact`, which brings an older wallet to both and gives back unused space
(docs/store.md, "Index records" and "Compaction")."""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from skillwallet.bulk import paused_gc
from skillwallet.errors import WalletCorruptError
from skillwallet.model import Credential
from skillwallet.store import fsutil
from skillwallet.store.credentials import credential_facts
from skillwallet.store.db import CORRUPT_HINT, DB_ERRORS, RECORDS_INDEX, RECORDS_TABLE, translate_sqlite
from skillwallet.store.records import BODIES, CREDENTIALS, LAYOUT, Writer

# The layout a wallet written by this version has: index records carry "facts" (below). A wallet without the
# record (written before) gets its facts built by its first write transaction (or `doctor --compact`).
LAYOUT_FACTS = 1


class LayoutMaintenance:
    """Upgrading the layout on the first write, and compaction.

    Part of :class:`skillwallet.store.wallet.Wallet` (a mixin): it works through the wallet's sealed records and
    write transaction (:mod:`skillwallet.store.records`) and keeps its ``_layout_current``.
    """

    def _upgrade_layout(self, writer: Writer) -> None:
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

    def _build_facts(self, writer: Writer) -> int:
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
        """The size of the wallet file and its WAL."""
        total = 0
        for suffix in ("", "-wal"):
            try:
                total += os.stat(str(self.path) + suffix).st_size
            except OSError:
                pass
        return total
